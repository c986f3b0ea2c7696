"""Figures of batch and layer normalization: γ and β over the epochs, the train/eval mismatch
across batch sizes, and one sample's output in batches of different sizes. Pure functions of
regcore results; no Streamlit inside."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.plots.style import (HIGH_LEGEND, MUTED, Grid, Parts, blend_with_white, build,
                            message_figure, percent_axis)
from ui.theme import FIGURE_HEIGHT

NO_RUNS = "Train the runs to see this chart."
NORM_COLORS = {"batch": "#4d4d4d", "layer": "#b07aa1", "none": "#9ecae1"}  # not runs: norms
NORM_LABELS = {"batch": "BatchNorm", "layer": "LayerNorm", "none": "no normalization"}
PANEL_MARGIN = dict(l=60, r=20, t=100, b=55)  # multi-panel: room for the legend above the titles


def gamma_beta_figure(trace: pd.DataFrame, layer: str, *, color: str = "#d62728",
                      height: int = FIGURE_HEIGHT) -> go.Figure:
    """γ (left) and β (right) of every unit of one normalization layer over the epochs: one
    thin line per unit, their mean bold; dashed lines at the initial values 1 and 0."""
    part = trace[trace["layer"] == layer]
    if part.empty:
        return message_figure(f"No {layer} in this network.", height=height, uirevision="gb")
    panels, parts = Grid(rows=1, cols=2, h_gap=0.1, v_gap=0), Parts()
    for col, (column, start) in enumerate((("gamma", 1.0), ("beta", 0.0)), start=1):
        refs = panels.refs(1, col)
        wide = part.pivot(index="epoch", columns="unit", values=column)
        x = wide.index.to_numpy()
        for unit in wide.columns:
            parts.traces.append(dict(type="scatter", x=x, y=wide[unit].to_numpy(), mode="lines",
                                     line=dict(color=color, width=1), opacity=0.25,
                                     showlegend=False, hoverinfo="skip", **refs))
        symbol = "γ" if column == "gamma" else "β"
        parts.traces.append(dict(type="scatter", x=x, y=wide.mean(axis=1).to_numpy(), mode="lines",
                                 name=f"mean {symbol}", line=dict(color="#202020", width=3),
                                 hovertemplate=f"mean {symbol}: %{{y:.4f}}<extra></extra>", **refs))
        x_key = "x" if col == 1 else f"x{panels.number(1, col)}"
        y_key = "y" if col == 1 else f"y{panels.number(1, col)}"
        parts.shapes.append(dict(type="line", x0=0, x1=1, y0=start, y1=start,
                                 xref=f"{x_key} domain", yref=y_key,
                                 line=dict(color=MUTED, dash="dash", width=1.5)))
        parts.annotations.append(panels.title(1, col, f"{layer}: {symbol} per unit (black: mean)"))
    axes = panels.axes(x={"title": {"text": "epoch"}}, y={}, share_y=False)
    return build(parts, height=height, uirevision=f"gamma-beta-{layer}", axes=axes, legend=False,
                 margin=dict(l=60, r=20, t=50, b=55))


# batch sizes ------------------------------------------------------------------------------------
def batch_dependence_figure(frame: pd.DataFrame, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """One sample's normalized output per unit (x) for each batch size it was put in (one line
    each, darker = larger batch), BatchNorm left, LayerNorm right."""
    sizes = sorted(frame["batch_size"].unique())
    panels, parts = Grid(rows=1, cols=2, h_gap=0.06, v_gap=0), Parts()
    for col, norm in enumerate(("batch", "layer"), start=1):
        for rank, size in enumerate(sizes):
            rows = frame[(frame["norm"] == norm) & (frame["batch_size"] == size)]
            share = 0.35 + 0.65 * rank / max(len(sizes) - 1, 1)
            parts.traces.append(dict(
                type="scatter", x=rows["unit"], y=rows["output"], mode="lines+markers",
                name=f"batch of {size}", legendgroup=str(size), showlegend=col == 1,
                line=dict(color=blend_with_white(NORM_COLORS["batch"], share), width=2.5),
                marker=dict(size=9), hovertemplate=f"batch of {size}: %{{y:.4f}}<extra></extra>",
                **panels.refs(1, col)))
        parts.annotations.append(panels.title(1, col, NORM_LABELS[norm]))
    axes = panels.axes(x={"title": {"text": "unit of the sample"}, "dtick": 1},
                       y={"title": {"text": "normalized output"}})
    return build(parts, height=height, uirevision="batch-dependence", axes=axes,
                 margin=PANEL_MARGIN).update_layout(legend=HIGH_LEGEND)


def across_batches_figure(results: pd.DataFrame, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Each normalization (BatchNorm, LayerNorm, none) at each batch size: mean final
    validation loss (left) and mean train/eval disagreement (right); with several seeds,
    whiskers = std over seeds.
    results: one row per (run, seed) with norm, batch_size, final_val_loss, disagreement."""
    if results.empty:
        return message_figure(NO_RUNS, height=height, uirevision="across-batches")
    panels, parts = Grid(rows=1, cols=2, h_gap=0.1, v_gap=0), Parts()
    n_seeds = results["seed"].nunique() if "seed" in results else 1
    stats = (results.groupby(["norm", "batch_size"])[["final_val_loss", "disagreement"]]
             .agg(["mean", "std"]).fillna(0.0))
    over = f" — mean ± std over {n_seeds} seeds" if n_seeds > 1 else ""
    for col, (column, factor, title) in enumerate(
            (("final_val_loss", 1.0, "validation loss"),
             ("disagreement", 100.0, "points changing class, train vs eval (%)")), start=1):
        for norm in NORM_LABELS:
            if norm not in stats.index.get_level_values(0):
                continue
            rows = stats.loc[norm, column]
            whiskers = dict(type="data", array=(factor * rows["std"]).tolist(), color=MUTED,
                            visible=n_seeds > 1)
            parts.traces.append(dict(
                type="bar", x=[f"batch {b}" for b in rows.index],
                y=(factor * rows["mean"]).tolist(),
                error_y=whiskers, name=NORM_LABELS[norm], legendgroup=norm, showlegend=col == 1,
                marker=dict(color=NORM_COLORS[norm]),
                hovertemplate=f"{NORM_LABELS[norm]} %{{x}}: %{{y:.4g}}<extra></extra>",
                **panels.refs(1, col)))
        parts.annotations.append(panels.title(1, col, title + over))
    axes = panels.axes(y={"rangemode": "tozero"}, share_y=False)
    axes["yaxis2"] = percent_axis(**axes["yaxis2"])  # points changing class, in %
    return build(parts, height=height, uirevision="across-batches", axes=axes, barmode="group",
                 margin=PANEL_MARGIN).update_layout(legend=HIGH_LEGEND)
