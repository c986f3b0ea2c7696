"""Ranges to sweep: evenly spaced values on a log or a linear scale, and the fields a sweep
page offers with the scale each one is read on.

Strengths and learning rates matter by orders of magnitude (1e-4 → 1e-3 is as big a step as
1e-2 → 1e-1), so they are spaced and plotted on a log scale; dropout is a fraction, spaced
linearly; choices (norm, optimizer, penalty) are lists.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import NORMS
from ..optimizers import OPTIMIZERS
from ..penalties import PENALTIES

LOG_SCALE = ("penalty_strength", "weight_decay", "lr")
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


AXES: dict[str, Axis] = {axis.field: axis for axis in (
    Axis("penalty_strength", "penalty strength λ", "log", 1e-5, 1e-1, 5, 1e-6, 10.0),
    Axis("weight_decay", "weight decay", "log", 1e-5, 1e-1, 5, 1e-6, 10.0),
    Axis("lr", "learning rate", "log", 1e-4, 1e-1, 4, 1e-5, 1.0),
    Axis("dropout", "dropout rate", "linear", 0.0, 0.5, 6, 0.0, 0.9),
    Axis("norm", "normalization", "choice", choices=NORMS),
    Axis("optimizer", "optimizer", "choice", choices=tuple(OPTIMIZERS)),
    Axis("penalty", "penalty", "choice", choices=PENALTIES),
)}


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


def one_two_five(low: float, high: float) -> list[float]:
    """The round numbers 1, 2, 5 × 10^k from low to high (both > 0): choices for a log range."""
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    values = [float(f"{m * 10.0**e:.3g}") for e in exponents for m in (1, 2, 5)]
    return [v for v in values if low <= v <= high]


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
