"""Fixtures shared by several test modules."""
import pytest

from lesson_pages import TINY
from regcore import train_side_by_side


@pytest.fixture(scope="module")
def tiny_runs():
    """Two short runs on TINY: a plain one and one whose strong L1 zeroes every weight."""
    return train_side_by_side([TINY, TINY.replace(optimizer="sgd", lr=0.1, penalty="l1",
                                                  penalty_strength=100.0)])
