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
    return histograms(w.reshape(1, -1), edges)[0]


def histograms(rows: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(R, N_BINS) counts, one histogram per row of rows (R, n): bin i counts
    edges[i] ≤ w < edges[i+1] (the last bin includes its right edge), as np.histogram does;
    values beyond the edges count in the outer bins, NaN in none."""
    clipped = np.clip(rows, edges[0], edges[-1])
    counted = ~np.isnan(clipped)
    clipped[~counted] = edges[0]
    # the bin by arithmetic, then corrected by comparing with its edges (np.histogram's way)
    bins = ((clipped - edges[0]) * (N_BINS / (edges[-1] - edges[0]))).astype(np.intp)
    np.minimum(bins, N_BINS - 1, out=bins)
    bins -= clipped < edges[bins]
    bins += (clipped >= edges[bins + 1]) & (bins != N_BINS - 1)
    bins += np.arange(len(rows))[:, None] * N_BINS
    return np.bincount(bins[counted], minlength=len(rows) * N_BINS).reshape(len(rows), N_BINS)


def weight_stats(w: np.ndarray) -> dict[str, float]:
    """sparsity = share of exact zeros; l1 = Σ|w|; l2 = √Σw²; max_abs = max |w|."""
    return rows_weight_stats(w.reshape(1, -1))[0]


def rows_weight_stats(rows: np.ndarray) -> list[dict[str, float]]:
    """`weight_stats` of each row of rows (R, n), computed for all rows at once. The sums
    are numpy's (`add.reduce`, pairwise within a row), called without the Python wrappers
    of `sum`, `max` and `count_nonzero`, which cost more than the work on a small layer."""
    flat = rows.astype(np.float64)
    magnitude = np.abs(flat)
    zeros = np.add.reduce(rows == 0, axis=1, dtype=np.intp)
    columns = {"sparsity": zeros / flat.shape[1],
               "l1": np.add.reduce(magnitude, axis=1),
               "l2": np.sqrt(np.add.reduce(np.square(flat), axis=1)),  # not a dot: no BLAS call
               "max_abs": np.maximum.reduce(magnitude, axis=1)}
    columns = {name: values.tolist() for name, values in columns.items()}
    return [{name: values[r] for name, values in columns.items()} for r in range(len(rows))]


def snapshot(weight_layers: dict[str, np.ndarray], edges: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{layer: counts (N_BINS,)} for each Linear layer."""
    return {name: histogram(w, edges[name]) for name, w in weight_layers.items()}


def snapshot_interval(epochs: int, max_frames: int) -> int:
    """Every how many epochs to snapshot so a run keeps at most `max_frames` frames."""
    return max(1, -(-epochs // max_frames))
