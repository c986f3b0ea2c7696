"""Sweep results: a heatmap over two swept fields, or a line with a mean ± std band over
seeds for one. Every mark carries its grid point number (customdata[0]), so a click on it
can open that configuration (`selected_point`).

Heatmap cells and line points show the mean over seeds computed by regcore.sweep.aggregate;
the hover adds the std and the number of seeds that produced a number.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from regcore.sweep import AXES, LOG_SCALE, aggregate
from ui.plots.style import Parts, build, message_figure, translucent
from ui.theme import FIGURE_HEIGHT, RUN_COLORS

METRIC_LABELS = {
    "best_val_loss": "lowest validation loss of any epoch",
    "final_val_loss": "final validation loss",
    "gap": "gap (validation − training loss)",
    "sparsity": "sparsity (share of weights exactly 0)",
    "final_val_acc": "final validation accuracy",
}
BEST_OF = {"best_val_loss": "lowest", "final_val_loss": "lowest", "final_val_acc": "highest"}
NO_RESULTS = "Run a sweep to see its results here."
LINE_COLOR = RUN_COLORS[0]
BEST_COLOR = "#ff3b30"  # stands out on every Viridis shade


def field_label(field: str) -> str:
    return AXES[field].label if field in AXES else field


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def value_label(value) -> str:
    """A grid value as an axis label: 0.001 → "0.001", 1e-05 → "1e-05", "layer" → "layer"."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def heatmap_figure(results: pd.DataFrame, x: str, y: str, metric: str,
                   height: int = FIGURE_HEIGHT) -> go.Figure:
    """Mean of `metric` over seeds for each (x, y) grid point, values written in the cells;
    for losses and accuracy an outline marks the best cell."""
    if results.empty:
        return message_figure(NO_RESULTS, height=height, uirevision="sweep-heatmap")
    table = aggregate(results, ["point", x, y], metric)
    x_labels = [value_label(v) for v in pd.unique(table[x])]
    y_labels = [value_label(v) for v in pd.unique(table[y])]
    table["x_label"], table["y_label"] = table[x].map(value_label), table[y].map(value_label)
    means = table.pivot(index="y_label", columns="x_label", values="mean")
    means = means.reindex(index=y_labels, columns=x_labels)
    parts = Parts(traces=[_heat_trace(means, metric), _cell_marks(table, x, y, metric)])
    _best_cell(parts, table, metric, x_labels, y_labels)
    axes = {"xaxis": {"type": "category", "title": {"text": field_label(x)}},
            "yaxis": {"type": "category", "title": {"text": field_label(y)}}}
    # hoverdistance -1: a click anywhere in a cell finds the cell's mark (the nearest centre)
    return build(parts, height=height, uirevision=f"sweep-heatmap-{x}-{y}-{metric}",
                 axes=axes, clickmode="event+select", hovermode="closest",
                 hoverdistance=-1)


def _heat_trace(means: pd.DataFrame, metric: str) -> dict:
    z = means.to_numpy(dtype=float)
    return dict(type="heatmap", x=list(means.columns), y=list(means.index), z=z,
                colorscale="Viridis",
                texttemplate="%{z:.3g}", hoverinfo="skip", showscale=True,
                colorbar=dict(title=dict(text=metric_label(metric), side="right"), thickness=14))


def _cell_marks(table: pd.DataFrame, x: str, y: str, metric: str) -> dict:
    """Invisible squares on the cells: Streamlit reports clicks on markers, not on heatmaps."""
    return dict(type="scatter", mode="markers", x=table["x_label"], y=table["y_label"],
                customdata=table[["point", "std", "count"]].to_numpy(), showlegend=False,
                marker=dict(size=24, symbol="square", color="rgba(0,0,0,0)"),
                selected=dict(marker=dict(color="rgba(255,255,255,0.45)", size=40)),
                unselected=dict(marker=dict(opacity=1)),
                text=table["mean"].map(lambda v: f"{v:.4g}"),
                hovertemplate=(f"{field_label(x)} = %{{x}}<br>{field_label(y)} = %{{y}}<br>"
                               f"{metric_label(metric)}: %{{text}} ± %{{customdata[1]:.2g}} "
                               f"(%{{customdata[2]}} seeds)<br>click to select<extra></extra>"))


def _best_cell(parts: Parts, table: pd.DataFrame, metric: str, x_labels: list,
               y_labels: list) -> None:
    """Outline the cell with the best mean (lowest loss, highest accuracy), with a legend key."""
    finite = table.dropna(subset=["mean"])
    if metric not in BEST_OF or finite.empty:
        return
    best = finite["mean"].idxmin() if BEST_OF[metric] == "lowest" else finite["mean"].idxmax()
    col, row = x_labels.index(table.at[best, "x_label"]), y_labels.index(table.at[best, "y_label"])
    parts.shapes.append(dict(type="rect", xref="x", yref="y", x0=col - 0.5, x1=col + 0.5,
                             y0=row - 0.5, y1=row + 0.5, line=dict(color=BEST_COLOR, width=4)))
    parts.traces.append(dict(type="scatter", mode="markers", x=[None], y=[None],
                             name=f"{BEST_OF[metric]} mean", hoverinfo="skip",
                             marker=dict(symbol="square-open", size=14, color=BEST_COLOR,
                                         line=dict(width=3))))


def line_figure(results: pd.DataFrame, x: str, metric: str,
                height: int = FIGURE_HEIGHT) -> go.Figure:
    """Mean of `metric` over seeds against the swept field `x` (a sweep of that one field),
    with a mean ± std band; a log x axis for strengths and learning rates, categories for
    choices. Ticks sit at the swept values."""
    if results.empty:
        return message_figure(NO_RESULTS, height=height, uirevision="sweep-line")
    table = aggregate(results, [x], metric)
    table["point"] = table[x].map(results.groupby(x, sort=False)["point"].first())
    numeric = pd.api.types.is_numeric_dtype(table[x]) and not pd.api.types.is_bool_dtype(table[x])
    if numeric:
        table = table.sort_values(x, kind="stable")
    xs = table[x] if numeric else table[x].map(value_label)
    log_x = numeric and x in LOG_SCALE and bool((table[x] > 0).all())
    parts = Parts(traces=[*_band(xs, table), _mean_line(xs, table, x, metric)])
    x_axis = {"title": {"text": field_label(x) + (" (log scale)" if log_x else "")},
              "type": "log" if log_x else ("linear" if numeric else "category")}
    if numeric:
        x_axis.update(tickmode="array", tickvals=list(xs), ticktext=[value_label(v) for v in xs])
    return build(parts, height=height, uirevision=f"sweep-line-{x}-{metric}",
                 clickmode="event+select", hovermode="closest",
                 axes={"xaxis": x_axis,
                       "yaxis": {"title": {"text": f"{metric_label(metric)}"}}})


def _band(xs: pd.Series, table: pd.DataFrame) -> list[dict]:
    """mean + std, then mean − std filled up to it: the spread over seeds."""
    upper, lower = table["mean"] + table["std"], table["mean"] - table["std"]
    edge = dict(type="scatter", mode="lines", line=dict(width=0), hoverinfo="skip",
                showlegend=False)
    return [dict(edge, x=list(xs), y=list(upper)),
            dict(edge, x=list(xs), y=list(lower), fill="tonexty",
                 fillcolor=translucent(LINE_COLOR, 0.18), name="± std over seeds",
                 showlegend=True)]


def _mean_line(xs: pd.Series, table: pd.DataFrame, x: str, metric: str) -> dict:
    return dict(type="scatter", mode="lines+markers", x=list(xs), y=list(table["mean"]),
                name="mean over seeds", line=dict(color=LINE_COLOR, width=2.5),
                marker=dict(size=11, color=LINE_COLOR, line=dict(color="white", width=1)),
                selected=dict(marker=dict(size=16, color="black")),
                unselected=dict(marker=dict(opacity=1)),
                customdata=table[["point", "std", "count"]].to_numpy(),
                hovertemplate=(f"{field_label(x)} = %{{x}}<br>{metric_label(metric)}: "
                               f"%{{y:.4g}} ± %{{customdata[1]:.2g}} (%{{customdata[2]}} seeds)"
                               f"<br>click to select<extra></extra>"))


def selected_point(selection) -> int | None:
    """The grid point of the first mark in a Plotly selection event: its customdata[0], which
    arrives as a list or, for data sent as a typed array, as a dict keyed "0", "1", …"""
    for point in (selection or {}).get("points") or []:
        data = point.get("customdata")
        first = data.get("0") if isinstance(data, dict) else data[0] if data else None
        if isinstance(first, (int, float)) and not isinstance(first, bool) and math.isfinite(first):
            return int(first)
    return None
