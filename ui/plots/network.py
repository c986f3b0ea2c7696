"""The network as a diagram: layers as columns of units, every weight a line whose colour is
its sign and whose thickness is its size; weights that are exactly zero (L1) drawn as faint
dotted lines, units a dropout mask removes drawn hollow.

Wide layers show their MAX_UNITS strongest units (largest Σ|w| in and out) so the picture
stays readable; the caption counts what is hidden. Lines are grouped into a few traces by
sign and size (one trace per group, segments separated by gaps): cheap to redraw live.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.plots.style import MUTED, Parts, build, message_figure

MAX_UNITS = 12
POSITIVE, NEGATIVE, ZERO = "#2563eb", "#ea580c", "#c4c4c4"
WIDTHS = (0.6, 1.5, 3.0, 5.0)          # line width per size class (quartiles of |w|)
NETWORK_HEIGHT = 420


def network_figure(run, name: str, *, epoch_seed: int | None = None,
                   height: int = NETWORK_HEIGHT) -> go.Figure:
    """The weights of `run`'s model as a diagram. With dropout, one sample mask of rate p
    (drawn from `epoch_seed`, default the run's last epoch) shows which units a training
    step would drop."""
    layers = list(run.model.weight_layers.values())
    if not layers:
        return message_figure("This model has no weights to draw.", height=height,
                              uirevision="network")
    sizes = [layers[0].shape[0], *(w.shape[1] for w in layers)]
    shown = shown_units(layers, sizes)
    positions = [_column(len(units)) for units in shown]
    parts = Parts()
    _add_edges(parts, layers, shown, positions)
    dropped = _dropped(run, shown, epoch_seed)
    _add_units(parts, shown, positions, sizes, dropped)
    zeros = sum(int(np.count_nonzero(w == 0)) for w in layers)
    total = sum(w.size for w in layers)
    title = (f"{name}: {zeros:,} of {total:,} weights exactly zero"
             + (f", dropout p = {run.config.dropout:g} (hollow: dropped by one mask)"
                if dropped else ""))
    hidden = {"visible": False, "fixedrange": True}
    return build(parts, height=height, uirevision=f"network-{name}", legend=False,
                 axes={"xaxis": {**hidden, "range": [-0.3, len(sizes) - 0.7]},
                       "yaxis": {**hidden, "range": [-0.08, 1.08]}},
                 title=dict(text=title, font=dict(size=14), x=0.01),
                 margin=dict(l=10, r=10, t=40, b=10))


def shown_units(layers: list[np.ndarray], sizes: list[int]) -> list[np.ndarray]:
    """Per layer of units (inputs, hidden…, outputs): the indices drawn, at most MAX_UNITS,
    the strongest by Σ|w| of the lines touching them."""
    strength = [np.zeros(size) for size in sizes]
    for k, w in enumerate(layers):
        magnitude = np.abs(w.astype(np.float64))
        strength[k] += magnitude.sum(axis=1)
        strength[k + 1] += magnitude.sum(axis=0)
    return [np.sort(np.argsort(-s, kind="stable")[:MAX_UNITS]) for s in strength]


def _column(count: int) -> np.ndarray:
    return np.array([0.5]) if count == 1 else np.linspace(1.0, 0.0, count)


def _add_edges(parts: Parts, layers, shown, positions) -> None:
    """One trace per (sign, size class) and one for exact zeros."""
    groups: dict[tuple[str, float], tuple[list, list]] = {}
    for k, w in enumerate(layers):
        block = w[np.ix_(shown[k], shown[k + 1])].astype(np.float64)
        nonzero = np.abs(block[block != 0])
        edges = np.quantile(nonzero, [0.25, 0.5, 0.75]) if nonzero.size else np.zeros(3)
        for i, j in np.ndindex(block.shape):
            value = block[i, j]
            key = (ZERO, 0.6) if value == 0 else (
                POSITIVE if value > 0 else NEGATIVE,
                WIDTHS[int(np.searchsorted(edges, abs(value), side="right"))])
            xs, ys = groups.setdefault(key, ([], []))
            xs += [k, k + 1, None]
            ys += [positions[k][i], positions[k + 1][j], None]
    for (color, width), (xs, ys) in sorted(groups.items(), key=lambda item: item[0][1]):
        parts.traces.append(dict(
            type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip",
            line=dict(color=color, width=width, dash="dot" if color == ZERO else "solid"),
            opacity=0.8 if color != ZERO else 0.9))


def _dropped(run, shown, epoch_seed) -> list[set[int]]:
    """Per layer of units, the drawn hidden units one dropout mask removes (empty sets
    without dropout)."""
    p = float(getattr(run.config, "dropout", 0.0))
    if p <= 0:
        return []
    rng = np.random.default_rng(run.stopped_epoch if epoch_seed is None else epoch_seed)
    last = len(shown) - 1
    return [set() if k in (0, last) else {int(u) for u in units if rng.random() < p}
            for k, units in enumerate(shown)]


def _add_units(parts: Parts, shown, positions, sizes, dropped) -> None:
    for k, (units, ys) in enumerate(zip(shown, positions)):
        gone = dropped[k] if dropped else set()
        parts.traces.append(dict(
            type="scatter", x=[k] * len(units), y=ys, mode="markers",
            marker=dict(size=16, color=["white" if u in gone else "#374151" for u in units],
                        line=dict(color="#374151", width=2)),
            hovertext=[f"unit {u + 1} of {sizes[k]}" for u in units], hoverinfo="text"))
        label = "inputs" if k == 0 else "outputs" if k == len(shown) - 1 else f"hidden {k}"
        more = f" ({len(units)} of {sizes[k]} shown)" if len(units) < sizes[k] else ""
        parts.annotations.append(dict(x=k, y=-0.06, text=label + more, showarrow=False,
                                      font=dict(size=12, color=MUTED)))
