"""What regularization does to the weights: histograms per layer and run at one epoch, and
per-layer statistics (share of exact zeros, norms) over training.

Histograms arrive pre-binned (`run.histograms[epoch][layer]`, counts on the layer's fixed
`run.bin_edges`), so runs of one architecture are drawn on identical bins. Zeros land in the
bin [0, width) of those edges; a thin dark bar at 0 shows how many of them are EXACTLY zero
(from `run.layer_stats`), which is what tells L1's zeros apart from merely small weights.

Weights beyond the edges are counted in the outer bins, so those two bins hold every weight
below edges[1] and every weight from edges[-2] up, however far out. They are drawn apart, as
hatched tail bars a gap beyond the inner bins, labelled "< −0.47" and "≥ 0.47" with their
counts: never as if that mass sat at the edge of the range.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui.plots.style import (LAYER_DASHES, NOTE_FONT_SIZE, Grid, Parts, build, finite_points,
                            layer_order, message_figure, percent_axis)
from ui.theme import FIGURE_HEIGHT, run_color

ROW_HEIGHT = 220        # px per layer, so a given architecture always gets the same height
FRAME_HEIGHT = 110      # px for titles, legend and the x axis title
ROW_GAP_PX = 48
ZERO_COLOR = "#222222"
ZERO_BAR_SHARE = 0.35   # width of the exact-zero bar as a share of a bin's width
NOTE_HEADROOM = 1.45    # y range = tallest bar × this, so each panel's note sits above the bars
TAIL_OFFSET = 2.0       # a tail bar's centre lies this many bin widths beyond the inner bins
INNER_TICK_SHARE = 0.6  # the outer inner ticks sit at most this share of the way to the edge
STATS = {  # stat → (axis title, factor applied to the stored value)
    "sparsity": ("exact zeros (%)", 100.0),
    "l2": ("‖W‖₂ (L2 norm)", 1.0),
    "l1": ("‖W‖₁ (L1 norm)", 1.0),
    "max_abs": ("largest |w|", 1.0),
}
NO_WEIGHTS = "Train a run to see its weights here."


def snapshot_epochs(runs) -> list[int]:
    """Sorted epochs for an epoch scrubber: those at which every run has a histogram, plus
    each run's last snapshot (so the scrubber reaches every run's final weights even when
    runs end at different epochs); the union of all snapshots if the runs share none."""
    per_run = [set(run.histograms) for run in runs]
    if not per_run:
        return []
    common = set.intersection(*per_run)
    if not common:
        return sorted(set.union(*per_run))
    return sorted(common | {max(epochs) for epochs in per_run if epochs})


def shown_epoch(run, epoch: int | None) -> int | None:
    """The run's latest snapshot epoch ≤ `epoch` (the latest of all for None); None if none."""
    eligible = [e for e in run.histograms if epoch is None or e <= epoch]
    return max(eligible) if eligible else None


def histogram_height(n_layers: int) -> int:
    """The height in px of a histogram grid of `n_layers` rows (fixed per architecture)."""
    return FRAME_HEIGHT + ROW_HEIGHT * n_layers


def histogram_figure(runs, names, epoch: int | None = None, *, height: int | None = None) -> go.Figure:
    """A grid of weight histograms: rows = layers ("linear1", ...), columns = runs. Panels of
    a row share bins, x range and y axis; each notes its share of exact zeros and ‖W‖₂."""
    layers = layer_order({layer for run in runs for layer in run.bin_edges})
    if not runs or not layers:
        return message_figure(NO_WEIGHTS, height=height or FIGURE_HEIGHT, uirevision="weights")
    height = height or histogram_height(len(layers))
    plot_px = max(height - FRAME_HEIGHT, 1)
    grid = Grid(rows=len(layers), cols=len(runs), h_gap=0.035,
                v_gap=min(ROW_GAP_PX / plot_px, 0.3) if len(layers) > 1 else 0)
    parts, shown_epochs = Parts(), [shown_epoch(run, epoch) for run in runs]
    tails = {layer: row_tails([run.bin_edges[layer] for run in runs if layer in run.bin_edges])
             for layer in layers}
    for col, (run, name, shown) in enumerate(zip(runs, names, shown_epochs), start=1):
        title = f"{name} — epoch {shown}" if shown is not None else f"{name} — no snapshot yet"
        parts.annotations.append(grid.title(1, col, f"<b>{title}</b>"))
        if shown is None:
            continue
        stats = _stats_at(run, shown)
        for row, layer in enumerate(layers, start=1):
            if layer in run.histograms[shown]:
                _add_panel(parts, grid, row, col, run, name, layer, shown, stats.get(layer, {}),
                           tails[layer])
    axes = _histogram_axes(grid, runs, layers, shown_epochs, tails)
    return build(parts, height=height, uirevision="weights", axes=axes, barmode="overlay",
                 bargap=0, top=80)


@dataclass(frozen=True)
class Tails:
    """Where a row of panels draws its two tail bars: the inner bins span [low, high]; the
    tails are centred at the `at` positions, one bin `width` wide; `labels` name them on the
    axis ("< −0.47", "≥ 0.47"), or say "below"/"above" when the runs' bins differ."""

    low: float
    high: float
    width: float
    labels: tuple[str, str]

    @property
    def at(self) -> tuple[float, float]:
        return self.low - TAIL_OFFSET * self.width, self.high + TAIL_OFFSET * self.width

    @property
    def x_range(self) -> list[float]:
        reach = (TAIL_OFFSET + 1) * self.width
        return [self.low - reach, self.high + reach]


def row_tails(edge_sets) -> Tails:
    """The tails of a row whose runs have the bin edges `edge_sets` (each (N_BINS + 1,))."""
    low, high = min(e[1] for e in edge_sets), max(e[-2] for e in edge_sets)
    width = max(float(e[1] - e[0]) for e in edge_sets)
    same = all(np.array_equal(e, edge_sets[0]) for e in edge_sets)
    labels = (f"< {low:.2g}", f"≥ {high:.2g}") if same else ("below", "above")
    return Tails(float(low), float(high), width, labels)


def _add_panel(parts, grid, row, col, run, name, layer, epoch, stats: dict, tails: Tails):
    """The histogram of one layer of one run (inner bins, and the outer bins as tail bars),
    the exact-zero bar and the panel's note."""
    counts = np.asarray(run.histograms[epoch][layer])
    edges = np.asarray(run.bin_edges[layer], dtype=float)
    widths = np.diff(edges)
    refs, color = grid.refs(row, col), run_color(col - 1, name)
    parts.traces.append(dict(
        type="bar", x=(edges[:-1] + widths / 2)[1:-1], y=counts[1:-1], width=widths[1:-1],
        name=f"{name} {layer}", legendgroup=name, showlegend=False,
        marker=dict(color=color, line_width=0), opacity=0.85,
        hovertemplate=f"{name} {layer}<br>about %{{x:.3g}}: %{{y}} weights<extra></extra>",
        **refs))
    _add_tails(parts, refs, name, layer, counts, edges, color, tails)
    sparsity, l2 = stats.get("sparsity", np.nan), stats.get("l2", np.nan)
    zeros = int(round(sparsity * counts.sum())) if np.isfinite(sparsity) else 0
    if zeros:
        parts.traces.append(dict(
            type="bar", x=[0.0], y=[zeros], width=[widths.min() * ZERO_BAR_SHARE],
            name="exactly 0", legendgroup="exact zeros",
            showlegend=not any(t.get("legendgroup") == "exact zeros" for t in parts.traces),
            marker=dict(color=ZERO_COLOR, line_width=0),
            hovertemplate=f"{name} {layer}<br>%{{y}} weights exactly 0<extra></extra>", **refs))
    parts.annotations.append(grid.note(row, col, f"zeros {100 * sparsity:.1f}%<br>‖W‖₂ {l2:.3g}"))


def _add_tails(parts, refs, name, layer, counts, edges, color, tails: Tails):
    """The outer bins as hatched bars apart from the others, each with its count above it."""
    ends = (counts[0], counts[-1])
    parts.traces.append(dict(
        type="bar", x=list(tails.at), y=list(ends), width=[tails.width] * 2,
        name=f"{name} {layer} tails", legendgroup=name, showlegend=False,
        marker=dict(color="white", line=dict(color=color, width=1.5),
                    pattern=dict(shape="/", fgcolor=color, size=6)),
        text=[f"{count}" if count else "" for count in ends], textposition="outside",
        cliponaxis=False, textfont=dict(size=NOTE_FONT_SIZE, color=color),
        customdata=[f"below {edges[1]:.3g}", f"{edges[-2]:.3g} or above"],
        hovertemplate=f"{name} {layer}<br>%{{customdata}}: %{{y}} weights<extra></extra>",
        **refs))


def _stats_at(run, epoch: int) -> dict[str, dict[str, float]]:
    """{layer: {"sparsity": ..., "l2": ..., ...}} of the run's weights at `epoch`."""
    stats = run.layer_stats
    if not len(stats):
        return {}
    return stats[stats["epoch"] == epoch].set_index("layer").to_dict("index")


def _histogram_axes(grid: Grid, runs, layers, shown_epochs, tails: dict[str, Tails]) -> dict:
    """Axes of the grid: per row one x range (the inner bins and the tails of its layer), ticks
    on the inner bins plus the tails' labels, and one y range (the tallest bar plus headroom
    for the notes); layer names on the left, "weight value" under the bottom row."""
    axes = grid.axes(x={"showgrid": False}, share_x=True)
    for row, layer in enumerate(layers, start=1):
        x_range, ticks = tails[layer].x_range, _ticks(tails[layer])
        tallest = max((int(np.max(run.histograms[e][layer])) for run, e in zip(runs, shown_epochs)
                       if e is not None and layer in run.histograms[e]), default=0)
        for col, run in enumerate(runs, start=1):
            x_key, y_key = grid.keys(row, col)
            axes[x_key]["range"], axes[y_key]["range"] = x_range, [0, NOTE_HEADROOM * tallest + 1]
            axes[x_key].update(ticks)
            if layer not in run.bin_edges:
                axes[x_key]["visible"] = axes[y_key]["visible"] = False
            if row == grid.rows:
                axes[x_key]["title"] = {"text": "weight value"}
        axes[grid.keys(row, 1)[1]]["title"] = {"text": f"{layer}<br>count"}
    return axes


def _ticks(tails: Tails) -> dict:
    """Tick values and labels of a row's x axis: −a, 0, a well inside the inner bins (a: 60 %
    of their edge, rounded down to one significant digit, so its label keeps clear of the
    tail's) and the tails by their labels; labels stay upright."""
    edge = INNER_TICK_SHARE * min(-tails.low, tails.high)
    scale = 10.0 ** np.floor(np.log10(edge))
    a = float(np.floor(edge / scale) * scale)
    values = [tails.at[0], -a, 0.0, a, tails.at[1]]
    return {"tickvals": values, "tickangle": 0,
            "ticktext": [tails.labels[0], f"{-a:g}", "0", f"{a:g}", tails.labels[1]]}


def layer_stats_figure(runs, names, stat: str = "sparsity", *,
                       height: int = FIGURE_HEIGHT) -> go.Figure:
    """A per-layer weight statistic over epochs (from epoch 0, the initial weights): one color
    per run, one line dash per layer. stat: "sparsity" (in %), "l2", "l1" or "max_abs"."""
    if stat not in STATS:
        raise ValueError(f"stat must be one of {tuple(STATS)}, got {stat!r}")
    if not runs:
        return message_figure(NO_WEIGHTS, height=height, uirevision=f"layers-{stat}")
    title, factor = STATS[stat]
    parts = Parts()
    for i, (run, name) in enumerate(zip(runs, names)):
        stats = run.layer_stats
        if not len(stats):
            continue
        by_layer = dict(tuple(stats.groupby("layer", sort=False)))
        for j, layer in enumerate(layer_order(by_layer)):
            rows = by_layer[layer]
            x, y = finite_points(rows["epoch"], rows[stat].to_numpy(float) * factor)
            parts.traces.append(dict(
                type="scatter", x=x, y=y, mode="lines", name=f"{name} {layer}", legendgroup=name,
                line=dict(color=run_color(i, name), dash=LAYER_DASHES[j % len(LAYER_DASHES)],
                          width=2.5),
                hovertemplate="%{fullData.name}: %{y:.4g}<extra></extra>"))
    y_axis = {"title": {"text": title}}
    return build(parts, height=height, uirevision=f"layers-{stat}", hovermode="x unified",
                 axes={"xaxis": {"title": {"text": "epoch"}},
                       "yaxis": percent_axis(**y_axis) if stat == "sparsity" else y_axis})
