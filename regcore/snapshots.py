"""Weight snapshots: per-layer histograms on fixed bin edges, sparsity and norms.

Bin edges depend only on a layer's shape and init scheme (±4 initial standard deviations,
41 bins), so frames of one run, and runs that share an architecture, are comparable and
small enough to send to a browser. Weights beyond the edges are counted in the outer bins.
"""
from __future__ import annotations

import numpy as np

N_BINS = 40
SPAN_IN_STDS = 4.0


def bin_edges(n_in: int, n_out: int, init: str = "he") -> np.ndarray:
    """(N_BINS + 1,) edges for the weights of a Linear(n_in, n_out) layer."""
    from .layers import init_std
    half = SPAN_IN_STDS * init_std(n_in, n_out, init)
    return np.linspace(-half, half, N_BINS + 1)


def histogram(w: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(N_BINS,) int counts of w in the bins, values beyond the edges in the outer bins."""
    clipped = np.clip(w.ravel(), edges[0], edges[-1])
    return np.histogram(clipped, bins=edges)[0]


def weight_stats(w: np.ndarray) -> dict[str, float]:
    """sparsity = share of exact zeros; l1 = Σ|w|; l2 = √Σw²; max_abs = max |w|."""
    flat = w.ravel().astype(np.float64)
    return {
        "sparsity": float(np.count_nonzero(flat == 0) / flat.size),
        "l1": float(np.abs(flat).sum()),
        "l2": float(np.sqrt(np.sum(flat * flat))),  # not flat @ flat: no BLAS call per layer
        "max_abs": float(np.abs(flat).max()),
    }


def snapshot(weight_layers: dict[str, np.ndarray], edges: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{layer: counts (N_BINS,)} for each Linear layer."""
    return {name: histogram(w, edges[name]) for name, w in weight_layers.items()}


def snapshot_interval(epochs: int, max_frames: int) -> int:
    """Every how many epochs to snapshot so a run keeps at most `max_frames` frames."""
    return max(1, -(-epochs // max_frames))
