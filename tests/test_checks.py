"""The range check behind every refused setting."""
import math

import numpy as np
import pytest

from regcore.checks import check_range


@pytest.mark.parametrize("value, options", [
    (0, {}), (1, {}), (0.5, {"low_open": True}), (np.int64(3), {"integer": True}),
    (np.float32(0.25), {}),
])
def test_values_inside_the_interval_pass(value, options):
    check_range("x", value, 0, 3 if options.get("integer") else 1, **options)


@pytest.mark.parametrize("value, options, message", [
    (0, {"low_open": True}, r"x must be a number in \(0, 1\], got 0"),
    (1, {"high_open": True}, r"x must be a number in \[0, 1\), got 1"),
    (1.5, {"integer": True}, r"x must be an integer in \[0, 1\], got 1.5"),
    (True, {}, r"got True"),
    (math.nan, {}, r"got nan"),
    (math.inf, {"high": math.inf}, r"x must be a number in \[0, ∞\], got inf"),
    ("0.5", {}, r"got '0.5'"),
    (-1, {"hint": "raise the floor"}, r"got -1 \(raise the floor\)"),
])
def test_values_outside_or_of_the_wrong_kind_are_refused_with_the_interval(value, options,
                                                                           message):
    high = options.pop("high", 1)
    with pytest.raises(ValueError, match=message):
        check_range("x", value, 0, high, **options)
