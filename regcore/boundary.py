"""Decision boundaries of 2-D classifiers: the model's prediction on a grid over the data."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DecisionGrid:
    """xs (nx,), ys (ny,): grid coordinates; proba (ny, nx, K): class probabilities;
    label (ny, nx): the predicted class; confidence (ny, nx): max probability."""

    xs: np.ndarray
    ys: np.ndarray
    proba: np.ndarray

    @property
    def label(self) -> np.ndarray:
        return self.proba.argmax(axis=-1)

    @property
    def confidence(self) -> np.ndarray:
        return self.proba.max(axis=-1)


def grid_bounds(*arrays: np.ndarray, margin: float = 0.1) -> tuple[tuple[float, float], tuple[float, float]]:
    """((x_min, x_max), (y_min, y_max)) covering all points of the (N, 2) arrays, plus a margin."""
    points = np.vstack(arrays)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-9)
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


def decision_grid(model, bounds, resolution: int = 100) -> DecisionGrid:
    """Evaluate `model.predict_proba` on a resolution × resolution grid within `bounds`."""
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    proba = model.predict_proba(np.column_stack([gx.ravel(), gy.ravel()]))
    return DecisionGrid(xs, ys, proba.reshape(resolution, resolution, -1))
