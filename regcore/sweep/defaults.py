"""The sweep the Sweep page opens with: a case where regularization matters.

140 training points of two-moons with noise 0.35 (60 more held out) and a 128-128 network
trained 150 epochs with Adam at lr 0.01: enough capacity to memorize the noise. The grid
spans L2 strengths from too little to too much (1e-4 … 1) and dropout from none to 0.8, each
cell over three seeds. Measured with `sweep(DEFAULT_BASE, DEFAULT_GRID, DEFAULT_SEEDS,
workers=1)`: 75 runs in about 15 s of one core; tests/test_sweep_default.py checks that the
grid's best cell beats its least regularized one by more than the seed spread.
"""
from __future__ import annotations

from ..config import Config
from .ranges import AXES, axis_values

DEFAULT_BASE = Config(dataset="moons", n_samples=200, noise=0.35, hidden=(128, 128), lr=1e-2,
                      epochs=150, penalty="l2", penalty_strength=1e-3)
DEFAULT_KEYS = ("penalty_strength", "dropout")
DEFAULT_GRID = {field: axis_values(AXES[field], AXES[field].low, AXES[field].high,
                                   AXES[field].count) for field in DEFAULT_KEYS}
DEFAULT_SEEDS = 3
DEFAULT_METRIC = "final_val_loss"  # the lowest loss of any epoch hides overfitting
