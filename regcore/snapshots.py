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
    """(N_BINS,) int32 counts of w in the bins, values beyond the edges in the outer bins."""
    return histograms(w.reshape(1, -1), edges)[0]


def histograms(rows: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(R, N_BINS) int32 counts (a run keeps one histogram per layer per snapshot epoch: half
    the bytes of int64), one histogram per row of rows (R, n): bin i counts
    edges[i] ≤ w < edges[i+1] (the last bin includes its right edge), as np.histogram does;
    values beyond the edges count in the outer bins, NaN in none. Clipped with `fmax`, which
    takes NaN to the first edge (a valid bin, left out of the counts), and gathered with
    `take`: np.clip's Python wrapper and fancy indexing cost more than the work."""
    low, high = edges[0], edges[-1]
    clipped = np.minimum(np.fmax(rows, low), high)
    # the bin by arithmetic, then corrected by comparing with its edges (np.histogram's way)
    bins = ((clipped - low) * (N_BINS / (high - low))).astype(np.intp)
    np.minimum(bins, N_BINS - 1, out=bins)
    bins -= clipped < edges.take(bins)
    bins += (clipped >= edges.take(bins + 1)) & (bins != N_BINS - 1)
    bins += np.arange(0, len(rows) * N_BINS, N_BINS)[:, None]
    nan = np.isnan(rows)
    counted = bins[~nan] if nan.any() else bins
    counts = np.bincount(counted.ravel(), minlength=len(rows) * N_BINS)
    return counts.astype(np.int32).reshape(len(rows), N_BINS)


def weight_stats(w: np.ndarray) -> dict[str, float]:
    """sparsity = share of exact zeros; l1 = Σ|w|; l2 = √Σw²; max_abs = max |w|."""
    return rows_weight_stats(w.reshape(1, -1))[0]


def rows_weight_stats(rows: np.ndarray) -> list[dict[str, float]]:
    """`weight_stats` of each row of rows (R, n)."""
    return [layers["w"] for layers in layer_weight_stats(rows, {"w": slice(0, rows.shape[1])})]


def layer_weight_stats(rows: np.ndarray, spans: dict[str, slice]
                       ) -> list[dict[str, dict[str, float]]]:
    """`weight_stats` of each layer of each row of rows (R, n), a layer being a span of
    columns (in order, covering all of them): per row, {layer: stats}. Each elementwise step
    is one pass over all layers and runs; counts and maxima, which do not depend on the
    order of the values, one call over all layers (`reduceat`); the sums numpy's pairwise
    `add.reduce` per layer (the same bits as on the layer's own array). No Python wrappers
    (`sum`, `max`, `count_nonzero`): they cost more than the work on a small layer."""
    wide = rows.astype(np.float64)
    magnitude = np.abs(wide)
    squares = np.square(wide, out=wide)
    starts = [span.start for span in spans.values()]
    sizes = np.array([span.stop - span.start for span in spans.values()])
    l1, l2 = np.empty((len(rows), len(spans))), np.empty((len(rows), len(spans)))
    for j, span in enumerate(spans.values()):
        np.add.reduce(magnitude[:, span], axis=1, out=l1[:, j])
        np.add.reduce(squares[:, span], axis=1, out=l2[:, j])  # not a dot: no BLAS call
    columns = {"sparsity": np.add.reduceat(rows == 0, starts, axis=1, dtype=np.intp) / sizes,
               "l1": l1, "l2": np.sqrt(l2, out=l2),
               "max_abs": np.maximum.reduceat(magnitude, starts, axis=1)}
    columns = {stat: values.tolist() for stat, values in columns.items()}
    return [{name: {stat: values[r][j] for stat, values in columns.items()}
             for j, name in enumerate(spans)} for r in range(len(rows))]


def snapshot(weight_layers: dict[str, np.ndarray], edges: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{layer: counts (N_BINS,)} for each Linear layer."""
    return {name: histogram(w, edges[name]) for name, w in weight_layers.items()}


def snapshot_interval(epochs: int, max_frames: int) -> int:
    """Every how many epochs to snapshot so a run keeps at most `max_frames` frames."""
    return max(1, -(-epochs // max_frames))
