"""Ranges to sweep: evenly spaced values on a log or a linear scale, and the fields a sweep
page offers with the scale each one is read on.

Strengths and learning rates matter by orders of magnitude (1e-4 → 1e-3 is as big a step as
1e-2 → 1e-1), so they are spaced and plotted on a log scale; dropout is a fraction, spaced
linearly; choices (norm, optimizer, penalty) are lists. Each field's label, scale, bounds and
choices come from the table of settings (regcore.settings); the default range and number of
values of a sweep are set here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..settings import SETTINGS, log_marks

SIGNIFICANT_DIGITS = 3
MAX_POINTS = 12  # values per swept field on the page


@dataclass(frozen=True)
class Axis:
    """How one Config field is swept. kind "log" or "linear": `count` values from `low`
    to `high`, each within [minimum, maximum]; kind "choice": a subset of `choices`."""

    field: str
    label: str
    kind: str
    low: float = 0.0
    high: float = 0.0
    count: int = 0
    minimum: float = 0.0
    maximum: float = 0.0
    choices: tuple[str, ...] = ()
    marks: tuple[int, ...] = (1, 2, 5)   # kind "log": the mantissas of the round values offered

    def round_values(self) -> list[float]:
        """Kind "log": the round values m × 10^k (m in `marks`) from minimum to maximum, the
        ends a page offers for a range."""
        return log_marks(self.minimum, self.maximum, self.marks)


def _axis(field: str, low: float = 0.0, high: float = 0.0, count: int = 0) -> Axis:
    """The axis of `field` from its row in the table of settings; low, high and count are the
    sweep's default range and number of values (kind "choice": all choices)."""
    setting = SETTINGS[field]
    if setting.kind == "choice":
        return Axis(field, setting.label, "choice", choices=tuple(setting.choices))
    kind = "log" if setting.kind == "log" else "linear"
    return Axis(field, setting.label, kind, low, high, count, setting.low, setting.high,
                marks=setting.marks)


AXES: dict[str, Axis] = {axis.field: axis for axis in (
    _axis("penalty_strength", 1e-4, 1.0, 5),
    _axis("weight_decay", 1e-5, 1e-1, 5),
    _axis("lr", 1e-4, 1e-1, 4),
    _axis("dropout", 0.0, 0.8, 5),
    _axis("norm"),
    _axis("optimizer"),
    _axis("penalty"),
)}
LOG_SCALE = tuple(field for field, axis in AXES.items() if axis.kind == "log")


def log_spaced(low: float, high: float, count: int) -> list[float]:
    """`count` values from low to high with a constant ratio between neighbours (both > 0)."""
    _check_range(low, high, count)
    if low <= 0:
        raise ValueError(f"a log-spaced range needs low > 0, got {low!r}")
    return _rounded(np.geomspace(low, high, count))


def linear_spaced(low: float, high: float, count: int) -> list[float]:
    """`count` values from low to high with a constant step between neighbours."""
    _check_range(low, high, count)
    return _rounded(np.linspace(low, high, count))


def axis_values(axis: Axis, low: float, high: float, count: int) -> list[float]:
    """The values of a log or linear axis over [low, high], checked against its bounds."""
    for name, value in (("low", low), ("high", high)):
        if not axis.minimum <= value <= axis.maximum:
            raise ValueError(f"{axis.field} {name} must be in [{axis.minimum:g}, "
                             f"{axis.maximum:g}], got {value:g}")
    if not 1 <= count <= MAX_POINTS:
        raise ValueError(f"{axis.field} takes 1 to {MAX_POINTS} values, got {count}")
    spaced = log_spaced if axis.kind == "log" else linear_spaced
    return spaced(low, high, count)


def _check_range(low: float, high: float, count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be an integer ≥ 1, got {count!r}")
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"need finite low ≤ high, got low={low!r}, high={high!r}")
    if count > 1 and low == high:
        raise ValueError(f"{count} values need high > low, got {low!r} twice")


def _rounded(values: np.ndarray) -> list[float]:
    """Round to SIGNIFICANT_DIGITS (1e-3 rather than 0.0009999999999999998), dropping
    values that rounding makes equal."""
    rounded = [float(f"{value:.{SIGNIFICANT_DIGITS}g}") for value in values]
    return list(dict.fromkeys(rounded))
