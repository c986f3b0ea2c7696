"""The regularization path: each coefficient of a linear model against the penalty strength λ
(log scale), L1 and L2 side by side, one color per feature in both panels."""
from __future__ import annotations

import plotly.graph_objects as go

from regcore.lessons.l1_l2 import leaving_order
from ui.plots.style import MUTED, Grid, Parts, build, log_axis
from ui.theme import CLASS_COLORS, FIGURE_HEIGHT

PATH_HEIGHT = FIGURE_HEIGHT + 80  # room for the feature legend above the panel titles


def feature_color(index: int) -> str:
    return CLASS_COLORS[index % len(CLASS_COLORS)]


def path_figure(l1_path, l2_path, *, height: int = PATH_HEIGHT) -> go.Figure:
    """Two panels, coefficient vs λ: the L1 path (left) and the L2 path (right); ○ marks the λ
    from which a coefficient stays exactly 0, and each panel's title counts those features."""
    grid, parts = Grid(rows=1, cols=2, h_gap=0.08, v_gap=0), Parts()
    for col, path in enumerate((l1_path, l2_path), start=1):
        departures = dict(leaving_order(path))
        _add_path(parts, grid.refs(1, col), path, departures, show_legend=col == 1)
        title = (f"{path.penalty.upper()}: {len(departures)} of {len(path.feature_names)} "
                 f"features reach exactly 0")
        parts.annotations.append(grid.title(1, col, f"<b>{title}</b>"))
        parts.shapes.append(dict(type="line", x0=0, x1=1, y0=0, y1=0,
                                 line=dict(color=MUTED, width=1),
                                 xref=f"{grid.refs(1, col)['xaxis']} domain",
                                 yref=grid.refs(1, col)["yaxis"]))
    axes = grid.axes(x=log_axis(dtick=1,  # a tick at each power of ten only
                                title={"text": "penalty strength λ (log scale)"}),
                     y={"title": {"text": "coefficient"}}, share_y=False)
    return build(parts, height=height, uirevision="path", axes=axes, hovermode="closest",
                 top=90)


def _add_path(parts: Parts, refs: dict, path, departures: dict, show_legend: bool) -> None:
    for j, name in enumerate(path.feature_names):
        color = feature_color(j)
        parts.traces.append(dict(
            type="scatter", x=path.strengths, y=path.coefs[:, j], mode="lines", name=str(name),
            legendgroup=str(name), showlegend=show_legend, line=dict(color=color, width=2.5),
            hovertemplate=f"{name}<br>λ = %{{x:.3g}}<br>coefficient %{{y:.3g}}<extra></extra>",
            **refs))
        departure = departures.get(name)
        if departure is not None:
            parts.traces.append(dict(
                type="scatter", x=[departure], y=[0.0], mode="markers", legendgroup=str(name),
                showlegend=False, name=f"{name} leaves",
                marker=dict(symbol="circle-open", size=11, color=color, line=dict(width=2.5)),
                hovertemplate=f"{name} is exactly 0 from λ = %{{x:.3g}}<extra></extra>", **refs))

