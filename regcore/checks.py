"""The one range check behind every refused setting: a ValueError that names the setting,
the allowed interval and the value given, e.g.

    check_range("dropout", 1.0, 0, 1, high_open=True)
    ValueError: dropout must be a number in [0, 1), got 1.0
"""
from __future__ import annotations

import math
import numbers


def check_range(name: str, value, low, high=math.inf, *, integer: bool = False,
                low_open: bool = False, high_open: bool = False, hint: str = "") -> None:
    """Raise ValueError unless `value` is a number (an integer if `integer`; never a bool,
    NaN or ±inf) within low..high; low_open / high_open exclude that end. `hint` is appended
    to the message in brackets."""
    if not _in_range(value, low, high, integer, low_open, high_open):
        interval = (f"{'(' if low_open else '['}{_bound(low)}, "
                    f"{_bound(high)}{')' if high_open else ']'}")
        noun = "an integer" if integer else "a number"
        suffix = f" ({hint})" if hint else ""
        raise ValueError(f"{name} must be {noun} in {interval}, got {value!r}{suffix}")


def is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """A finite real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _in_range(value, low, high, integer: bool, low_open: bool, high_open: bool) -> bool:
    if not (is_integer(value) if integer else is_real(value)):
        return False
    above_low = low < value if low_open else low <= value
    below_high = value < high if high_open else value <= high
    return above_low and below_high


def _bound(value) -> str:
    return "∞" if value == math.inf else str(value)
