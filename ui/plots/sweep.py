"""Sweep results: a heatmap over two swept fields, or a line with a mean ± std band over
seeds for one. Every mark carries its grid point number (customdata[0]), so a click on it
can open that configuration (`selected_point`).

Heatmap cells and line points show the mean over seeds computed by regcore.sweep.aggregate;
for losses and accuracy the best mean is outlined and labelled "best", and the cells the
seeds cannot tell from it (regcore.sweep.ties) are marked "≈". The hover adds the spread
("± s over n seeds", or that one seed shows none) and where the cell stands; a clicked cell
gets a white outline.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from regcore.sweep import AXES, LOG_SCALE, aggregate
from regcore.sweep.ties import (BEST, BETTER, SUPERLATIVE, TIED, UNKNOWN, cell_text, spread_text,
                                standings, value_text)
from ui.plots.style import Parts, build, message_figure, translucent
from ui.theme import FIGURE_HEIGHT, RUN_COLORS

METRIC_LABELS = {
    "best_val_loss": "lowest validation loss of any epoch",
    "final_val_loss": "final validation loss",
    "gap": "gap (validation − training loss)",
    "sparsity": "sparsity (share of weights exactly 0)",
    "final_val_acc": "final validation accuracy",
}
NO_RESULTS = "Run a sweep to see its results here."
LINE_COLOR = RUN_COLORS[0]
BEST_COLOR = "#ff3b30"  # stands out on every Viridis shade
SELECTED_COLOR = "white"
SELECTED_GLYPH, SELECTED_GLYPH_SIZE = "□", 72  # a square outline around the clicked cell's mean
TIED_TEXT = "tied with the best (within one standard error)"
STANDING_TEXT = {BEST: "the best mean", TIED: TIED_TEXT,
                 UNKNOWN: "whether it differs from the best is not known"}
CELL_MARK = {BEST: "best", TIED: "≈"}


def field_label(field: str) -> str:
    return AXES[field].label if field in AXES else field


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def value_label(value) -> str:
    """A grid value as an axis label: 0.001 → "0.001", 1e-05 → "1e-05", "layer" → "layer"."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def heatmap_figure(results: pd.DataFrame, x: str, y: str, metric: str,
                   height: int = FIGURE_HEIGHT) -> go.Figure:
    """Mean of `metric` over seeds for each (x, y) grid point, written in the cells; for
    losses and accuracy a solid outline and "best" mark the best cell, dashed outlines and
    "≈" the cells tied with it."""
    if results.empty:
        return message_figure(NO_RESULTS, height=height, uirevision="sweep-heatmap")
    table = _cells(results, ["point", x, y], metric)
    x_labels = [value_label(v) for v in pd.unique(table[x])]
    y_labels = [value_label(v) for v in pd.unique(table[y])]
    table["x_label"], table["y_label"] = table[x].map(value_label), table[y].map(value_label)
    table["cell_text"] = [_cell_text(mean, standing)
                          for mean, standing in zip(table["mean"], table["standing"])]
    means, texts = (table.pivot(index="y_label", columns="x_label", values=values)
                    .reindex(index=y_labels, columns=x_labels) for values in ("mean", "cell_text"))
    parts = Parts(traces=[_heat_trace(means, texts, metric), _cell_marks(table, x, y, metric)])
    _outline_standings(parts, table, metric, x_labels, y_labels)
    axes = {"xaxis": {"type": "category", "title": {"text": field_label(x)}},
            "yaxis": {"type": "category", "title": {"text": field_label(y)}}}
    # hoverdistance -1: a click anywhere in a cell finds the cell's mark (the nearest centre)
    return build(parts, height=height, uirevision=f"sweep-heatmap-{x}-{y}-{metric}",
                 axes=axes, clickmode="event+select", hovermode="closest",
                 hoverdistance=-1)


def _cell_text(mean: float, standing: str) -> str:
    """What a heatmap cell says: its mean, and "best" or "≈" below it; nothing without a mean."""
    if math.isnan(mean):
        return ""
    return f"{mean:.3g}" + (f"<br>{CELL_MARK[standing]}" if standing in CELL_MARK else "")


def _cells(results: pd.DataFrame, keys: list[str], metric: str) -> pd.DataFrame:
    """aggregate + standings, and the hover's spread text of each cell."""
    table = standings(aggregate(results, keys, metric), metric)
    table["spread"] = [spread_text(std, count) + (f"<br>{STANDING_TEXT[standing]}"
                                                  if standing in STANDING_TEXT else "")
                       for std, count, standing in zip(table["std"], table["count"],
                                                       table["standing"])]
    return table


def _heat_trace(means: pd.DataFrame, texts: pd.DataFrame, metric: str) -> dict:
    return dict(type="heatmap", x=list(means.columns), y=list(means.index),
                z=means.to_numpy(dtype=float), text=texts.fillna("").to_numpy(),
                colorscale="Viridis", texttemplate="%{text}", hoverinfo="skip", showscale=True,
                colorbar=dict(title=dict(text=metric_label(metric), side="right"), thickness=14))


def _cell_marks(table: pd.DataFrame, x: str, y: str, metric: str) -> dict:
    """Invisible squares on the cells: Streamlit reports clicks on markers, not on heatmaps.
    Each carries a large square outline glyph as text, drawn in SELECTED_COLOR only on the
    clicked cell (a selection can recolour a mark's text, but only fill its marker)."""
    return dict(type="scatter", mode="markers+text", x=table["x_label"], y=table["y_label"],
                customdata=table[["point", "spread", "mean"]].to_numpy(), showlegend=False,
                marker=dict(size=24, symbol="square", color="rgba(0,0,0,0)"),
                text=[SELECTED_GLYPH] * len(table), textposition="middle center",
                textfont=dict(size=SELECTED_GLYPH_SIZE, weight="bold", color="rgba(0,0,0,0)"),
                selected=dict(marker=dict(color="rgba(0,0,0,0)"),
                              textfont=dict(color=SELECTED_COLOR)),
                unselected=dict(marker=dict(opacity=0), textfont=dict(color="rgba(0,0,0,0)")),
                hovertemplate=(f"{field_label(x)} = %{{x}}<br>{field_label(y)} = %{{y}}<br>"
                               f"{metric_label(metric)}: %{{customdata[2]:.4g}} "
                               f"%{{customdata[1]}}<br>click to select<extra></extra>"))


def _outline_standings(parts: Parts, table: pd.DataFrame, metric: str, x_labels: list,
                       y_labels: list) -> None:
    """A solid outline on the best cell and dashed ones on the cells tied with it, each kind
    with a legend key."""
    if metric not in BETTER:
        return
    for standing, width, dash, name in ((BEST, 4, "solid", f"{SUPERLATIVE[BETTER[metric]]} mean"),
                                        (TIED, 2, "dash", TIED_TEXT)):
        cells = table[table["standing"] == standing]
        for _, cell in cells.iterrows():
            col, row = x_labels.index(cell["x_label"]), y_labels.index(cell["y_label"])
            parts.shapes.append(dict(type="rect", xref="x", yref="y", x0=col - 0.5,
                                     x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                                     line=dict(color=BEST_COLOR, width=width, dash=dash)))
        if not cells.empty:
            parts.traces.append(_legend_key(name, "square-open", width))


def _legend_key(name: str, symbol: str, width: int) -> dict:
    return dict(type="scatter", mode="markers", x=[None], y=[None], name=name,
                hoverinfo="skip", marker=dict(symbol=symbol, size=14, color=BEST_COLOR,
                                              line=dict(width=width)))


def line_figure(results: pd.DataFrame, x: str, metric: str,
                height: int = FIGURE_HEIGHT) -> go.Figure:
    """Mean of `metric` over seeds against the swept field `x` (a sweep of that one field),
    with a mean ± std band (none where one seed shows no spread), a ring on the best mean
    and "≈" rings on the points tied with it; a log x axis for strengths and learning rates,
    categories for choices. Ticks sit at the swept values."""
    if results.empty:
        return message_figure(NO_RESULTS, height=height, uirevision="sweep-line")
    table = _cells(results, [x], metric)
    table["point"] = table[x].map(results.groupby(x, sort=False)["point"].first())
    numeric = pd.api.types.is_numeric_dtype(table[x]) and not pd.api.types.is_bool_dtype(table[x])
    if numeric:
        table = table.sort_values(x, kind="stable")
    xs = table[x] if numeric else table[x].map(value_label)
    log_x = numeric and x in LOG_SCALE and bool((table[x] > 0).all())
    parts = Parts(traces=[*_band(xs, table), _mean_line(xs, table, x, metric),
                          *_standing_rings(xs, table, metric)])
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
                customdata=table[["point", "spread"]].to_numpy(),
                hovertemplate=(f"{field_label(x)} = %{{x}}<br>{metric_label(metric)}: "
                               f"%{{y:.4g}} %{{customdata[1]}}"
                               f"<br>click to select<extra></extra>"))


def _standing_rings(xs: pd.Series, table: pd.DataFrame, metric: str) -> list[dict]:
    """A thick ring labelled "best" on the best mean, thin ones labelled "≈" on the points
    tied with it (not clickable: a click reaches the point underneath)."""
    if metric not in BETTER:
        return []
    rings = []
    for standing, width, name in ((BEST, 3, f"{SUPERLATIVE[BETTER[metric]]} mean"),
                                  (TIED, 2, TIED_TEXT)):
        chosen = (table["standing"] == standing).to_numpy()
        if chosen.any():
            rings.append(dict(type="scatter", mode="markers+text", name=name,
                              x=list(xs[chosen]), y=list(table["mean"][chosen]),
                              text=[CELL_MARK[standing]] * int(chosen.sum()),
                              textposition="top center", textfont=dict(color=BEST_COLOR),
                              hoverinfo="skip", marker=dict(symbol="circle-open", size=22,
                                                            color=BEST_COLOR,
                                                            line=dict(width=width))))
    return rings


def selected_point(selection) -> int | None:
    """The grid point of the first mark in a Plotly selection event: its customdata[0], which
    arrives as a list or, for data sent as a typed array, as a dict keyed "0", "1", …"""
    for point in (selection or {}).get("points") or []:
        data = point.get("customdata")
        first = data.get("0") if isinstance(data, dict) else data[0] if data else None
        if isinstance(first, (int, float)) and not isinstance(first, bool) and math.isfinite(first):
            return int(first)
    return None


def selected_text(cells: pd.DataFrame, point: int, values: dict) -> str:
    """The clicked grid point in words, from `standings` cells: "**Selected: strength λ =
    0.01, dropout = 0** · 0.284 ± 0.072 over 3 seeds · the best mean"."""
    text = f"**Selected: {cell_text(values)}**"
    cell = cells[cells["point"] == point]
    if cell.empty:
        return text
    standing = STANDING_TEXT.get(cell.iloc[0]["standing"])
    return " · ".join([text, value_text(cell.iloc[0])] + ([standing] if standing else []))
