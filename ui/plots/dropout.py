"""Figures of dropout: a dropout network read as an ensemble of masks on a 2-D grid, and
inverted vs original dropout giving the same expected activation. Pure functions of regcore
results; no Streamlit inside."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.plots.style import HIGH_LEGEND, MODEBAR_WIDTH, MUTED, Grid, Parts, blend_with_white, build
from ui.theme import CLASS_COLORS, FIGURE_HEIGHT


def ensemble_figure(grid, data, *, height: int = FIGURE_HEIGHT + 60) -> go.Figure:
    """Two maps of a dropout mask ensemble (regcore.lessons.dropout.EnsembleGrid) of a 2-class
    problem: the mean probability of the second class with its 0.5 contour, and the std
    across masks; the training points on both."""
    panels = Grid(rows=1, cols=2, h_gap=0.12, v_gap=0)
    parts = Parts()
    p1 = grid.mean_proba[..., -1]
    top_spread = max(float(np.nanmax(grid.spread)), 1e-6)
    maps = ((p1, "RdBu_r", 0.0, 1.0, "mean P(class 1)"),
            (grid.spread, "Viridis", 0.0, top_spread, "std across masks"))
    for col, (z, scale, low, high, title) in enumerate(maps, start=1):
        refs = panels.refs(1, col)
        x0, x1 = panels.x_domain(col)
        parts.traces.append(dict(type="heatmap", x=grid.xs, y=grid.ys, z=z.astype(np.float32),
                                 colorscale=scale, zmin=low, zmax=high,
                                 colorbar=dict(x=x1 + 0.01, len=0.9, thickness=12),
                                 hovertemplate=f"{title}: %{{z:.3f}}<extra></extra>", **refs))
        parts.traces.append(dict(type="contour", x=grid.xs, y=grid.ys, z=p1.astype(np.float32),
                                 showscale=False, contours=dict(start=0.5, end=0.5, size=1,
                                                                coloring="lines"),
                                 colorscale=[[0, "#202020"], [1, "#202020"]],
                                 line=dict(width=2), hoverinfo="skip", **refs))
        _add_training_points(parts, refs, data, first=col == 1)
        parts.annotations.append(panels.title(1, col, title))
    axes = panels.axes(x={"showgrid": False, "range": [grid.xs[0], grid.xs[-1]]},
                       y={"showgrid": False, "range": [grid.ys[0], grid.ys[-1]]},
                       share_x=True, share_y=False)
    right = 40 + MODEBAR_WIDTH  # the second colorbar, then the toolbar beside it
    return build(parts, height=height, uirevision="ensemble", axes=axes,
                 margin=dict(l=50, r=right, t=100, b=40)).update_layout(legend=HIGH_LEGEND)


def _add_training_points(parts, refs, data, first: bool):
    for k in range(data.n_classes):
        members = data.y_train == k
        parts.traces.append(dict(
            type="scatter", x=data.X_train[members, 0], y=data.X_train[members, 1],
            mode="markers", name=f"training: class {k}", legendgroup=f"class-{k}",
            showlegend=first, hoverinfo="skip",
            marker=dict(color=CLASS_COLORS[k % len(CLASS_COLORS)], size=6,
                        line=dict(color="white", width=0.8)), **refs))


# inverted vs original dropout -------------------------------------------------------------------
EXPECTATION_BARS = (("inverted_train_mean", "inverted: mean in training", 1.0, "tolerance"),
                    ("inverted_test", "inverted: at test", 0.45, None),
                    ("original_train_mean", "original: mean in training", 1.0, "tolerance"),
                    ("original_test", "original: at test (× (1−p))", 0.45, None))


def expectation_figure(table: pd.DataFrame, p: float, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Grouped bars per unit: mean training activation over many masks vs test-time activation,
    for inverted and original dropout; whiskers = the sampling tolerance (4 standard errors)."""
    parts = Parts()
    for column, label, share, error in EXPECTATION_BARS:
        inverted = column.startswith("inverted")
        color = blend_with_white("#2f6f8f" if inverted else "#b5651d", share)
        whisker = None
        if error:
            factor = 1.0 if inverted else 1 - p
            whisker = dict(type="data", array=(factor * table[error]).tolist(), color=MUTED)
        parts.traces.append(dict(type="bar", x=[f"unit {u}" for u in table["unit"]],
                                 y=table[column].tolist(), name=label, error_y=whisker,
                                 marker=dict(color=color),
                                 hovertemplate=f"{label}: %{{y:.4f}}<extra></extra>"))
    values = ", ".join(f"{a:g}" for a in table["activation"])
    return build(parts, height=height, uirevision=f"expectation-{p}", barmode="group",
                 axes={"xaxis": {"title": {"text": f"unit (activation x = {values})"}},
                       "yaxis": {"title": {"text": "activation"}, "rangemode": "tozero"}})
