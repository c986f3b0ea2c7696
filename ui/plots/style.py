"""Layout and data helpers every plot builder shares: one look, readable on a projector, and
cheap enough to rebuild several times a second during live training.

Builders collect traces, shapes and annotations as plain dicts in a `Parts` and turn them
into a figure once (`build`): Plotly validates a figure built in one go several times faster
than one grown trace by trace, and the explicit "none" template skips applying a default
template on every call. Every figure gets a fixed height and a `uirevision`, so a chart
redrawn during training keeps the user's zoom.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from ui.plots.spec_figure import SpecFigure

FONT_SIZE = 15
NOTE_FONT_SIZE = 13
FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'  # the app's own text font
TEXT_COLOR = "#111827"  # the app's text color (.streamlit/config.toml)
MAX_LINE_POINTS = 500   # points per line sent to the browser; longer curves are decimated
MUTED = "#6b6b6b"       # text and neutral marks that must not compete with the run colors
HIGH_LEGEND = dict(y=1.12)  # multi-panel figures: the legend sits above the panel titles
LAYER_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
AXIS_STYLE = dict(gridcolor="#e6e6e6", zeroline=False, showline=True, linecolor="#9a9a9a",
                  ticks="outside", tickcolor="#9a9a9a", automargin=True)
# Log axes label every tick with its full value ("0.02", "0.5", "1e-7"), never Plotly's bare
# digits between powers of ten ("5 2 10 5 2 1").
LOG_TICKS = dict(type="log", tickformat="~g", nticks=3)  # few: 0.1, 0.2, 0.5, 1, 2, …
# Plotly's toolbar stands upright in the right margin, which is at least this wide: a legend
# (at most as wide as the plot area) and the plot itself stay clear of it.
MODEBAR_WIDTH = 44
MODEBAR = dict(orientation="v", bgcolor="rgba(255,255,255,0.8)", color=MUTED)
# How every page hands a figure to st.plotly_chart: the figure's own style (no Streamlit
# theme on top, so lab and lessons look alike) and a toolbar without the selection tools.
PLOT_CONFIG = {"displaylogo": False,
               "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
CHART_OPTIONS = {"theme": None, "config": PLOT_CONFIG}


@dataclass
class Parts:
    """What a figure is made of, gathered before the figure is built."""

    traces: list[dict] = field(default_factory=list)
    shapes: list[dict] = field(default_factory=list)
    annotations: list[dict] = field(default_factory=list)


def build(parts: Parts, *, height: int, uirevision: str, x_title: str | None = None,
          y_title: str | None = None, axes: dict | None = None, legend: bool = True,
          top: int | None = None, **layout) -> go.Figure:
    """The figure of `parts`: fixed height, the app's font, a horizontal legend above the
    plot and Plotly's toolbar upright in a right margin of its own, clear of the legend.
    `axes` maps layout keys ("xaxis", "yaxis2", ...) to axis settings; without it one x and
    one y axis get the titles given. `top`: the top margin in px for figures with panel
    titles; the legend then sits at the very top, above the titles."""
    if axes is None:
        axes = {"xaxis": {"title": {"text": x_title}}, "yaxis": {"title": {"text": y_title}}}
    base = dict(
        template="none", height=height, uirevision=uirevision,
        font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=TEXT_COLOR), modebar=MODEBAR,
        paper_bgcolor="white", plot_bgcolor="white", hoverlabel=dict(font_size=FONT_SIZE - 1),
        margin=dict(l=70, r=20, t=top or (55 if legend else 35), b=55), showlegend=legend,
        legend=dict(orientation="h", xanchor="left", x=0, font=dict(size=FONT_SIZE - 1),
                    **(dict(yref="container", y=1, yanchor="top") if top else
                       dict(yanchor="bottom", y=1.02))),
        shapes=parts.shapes, annotations=parts.annotations,
    )
    base.update({key: _styled_axis(axis) for key, axis in axes.items()})
    base.update(layout)
    base["margin"] = {**base["margin"], "r": max(base["margin"].get("r", 0), MODEBAR_WIDTH)}
    return go.Figure(data=parts.traces, layout=base)


def _styled_axis(axis: dict) -> dict:
    """The house style under an axis's own settings; every log axis gets LOG_TICKS."""
    styled = {**AXIS_STYLE, **axis}
    return {**styled, **LOG_TICKS} if axis.get("type") == "log" else styled


def log_axis(**axis) -> dict:
    """An axis on a log scale with readable ticks (LOG_TICKS)."""
    return {**axis, **LOG_TICKS}


def percent_axis(**axis) -> dict:
    """An axis of percentages: it zooms to the data but never past 0 or 100."""
    return {**axis, "autorangeoptions": {"minallowed": 0, "maxallowed": 100}}


def message_figure(text: str, *, height: int, uirevision: str = "message") -> SpecFigure:
    """An empty figure that says, in its middle, why there is nothing to draw (built by
    Plotly once per text, height and uirevision: every page run before training shows one)."""
    return SpecFigure(json.loads(_message_json(text, height, uirevision)))


@lru_cache(maxsize=64)
def _message_json(text: str, height: int, uirevision: str) -> str:
    note = dict(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                font=dict(size=FONT_SIZE + 2, color=MUTED))
    hidden = {"visible": False}
    return build(Parts(annotations=[note]), height=height, uirevision=uirevision,
                 axes={"xaxis": hidden, "yaxis": hidden}, legend=False).to_json()


@dataclass(frozen=True)
class Grid:
    """A rows × cols grid of panels laid out by hand (make_subplots is slow for live redraws).
    Panels are numbered row by row from 1; panel k uses axes "x{k}"/"y{k}" ("x"/"y" for 1)."""

    rows: int
    cols: int
    h_gap: float = 0.03
    v_gap: float = 0.08

    def number(self, row: int, col: int) -> int:
        return (row - 1) * self.cols + col

    def keys(self, row: int, col: int) -> tuple[str, str]:
        """Layout keys of the axes of panel (row, col): ("xaxis3", "yaxis3")."""
        suffix = _suffix(self.number(row, col))
        return f"xaxis{suffix}", f"yaxis{suffix}"

    def refs(self, row: int, col: int) -> dict:
        """Trace keys that place a trace in panel (row, col)."""
        suffix = _suffix(self.number(row, col))
        return {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}

    def x_domain(self, col: int) -> list[float]:
        width = (1 - self.h_gap * (self.cols - 1)) / self.cols
        start = (col - 1) * (width + self.h_gap)
        return [start, start + width]

    def y_domain(self, row: int) -> list[float]:
        height = (1 - self.v_gap * (self.rows - 1)) / self.rows
        top = 1 - (row - 1) * (height + self.v_gap)
        return [top - height, top]

    def axes(self, x: dict | None = None, y: dict | None = None, *, share_x: bool = False,
             share_y: bool = True) -> dict:
        """Layout keys of every panel's axes. share_x/share_y: the panels of a row follow the
        row's first panel when zoomed; y tick labels then show on the first column only."""
        axes = {}
        for row in range(1, self.rows + 1):
            first = _suffix(self.number(row, 1))
            for col in range(1, self.cols + 1):
                suffix = _suffix(self.number(row, col))
                x_axis = {**(x or {}), "domain": self.x_domain(col), "anchor": f"y{suffix}"}
                y_axis = {**(y or {}), "domain": self.y_domain(row), "anchor": f"x{suffix}"}
                if col > 1 and share_x:
                    x_axis["matches"] = f"x{first}"
                if col > 1 and share_y:
                    y_axis.update(matches=f"y{first}", showticklabels=False)
                    y_axis.pop("title", None)
                axes.update(zip(self.keys(row, col), (x_axis, y_axis)))
        return axes

    def title(self, row: int, col: int, text: str) -> dict:
        """An annotation centred above panel (row, col)."""
        x0, x1 = self.x_domain(col)
        return dict(text=text, x=(x0 + x1) / 2, y=self.y_domain(row)[1], xref="paper",
                    yref="paper", xanchor="center", yanchor="bottom", showarrow=False,
                    font=dict(size=FONT_SIZE))

    def note(self, row: int, col: int, text: str, **style) -> dict:
        """An annotation in the top right corner inside panel (row, col)."""
        suffix = _suffix(self.number(row, col))
        return dict(text=text, x=0.98, y=0.97, xref=f"x{suffix} domain",
                    yref=f"y{suffix} domain", xanchor="right", yanchor="top", showarrow=False,
                    align="right", bgcolor="rgba(255,255,255,0.75)",
                    font=dict(size=NOTE_FONT_SIZE, color=MUTED), **style)


def _suffix(number: int) -> str:
    return "" if number == 1 else str(number)


def thin(length: int, max_points: int = MAX_LINE_POINTS) -> np.ndarray:
    """Indices of at most `max_points` evenly spread points of a curve of `length`, always
    keeping the first and the last point."""
    if length <= max_points:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, max_points).round().astype(int))


def extremes(y: np.ndarray, max_points: int = MAX_LINE_POINTS) -> np.ndarray:
    """Indices of at most `max_points` points of the finite curve `y` (shape (n,)) that draw
    the same envelope: the first and the last point, and in each of (max_points − 2) / 2
    consecutive equal buckets the lowest and the highest point, in order."""
    length = len(y)
    if length <= max_points:
        return np.arange(length)
    buckets = (max_points - 2) // 2
    size = -(-length // buckets)  # ceil: the last bucket may be short
    padded = np.full(buckets * size, np.nan)
    padded[:length] = y
    rows = padded.reshape(buckets, size)
    starts = np.arange(buckets) * size
    lows = np.where(np.isnan(rows), np.inf, rows).argmin(axis=1)
    highs = np.where(np.isnan(rows), -np.inf, rows).argmax(axis=1)
    picked = np.concatenate([[0, length - 1], starts + lows, starts + highs])
    return np.unique(picked[picked < length])


def finite_points(x, y) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) as float arrays without the points where y is NaN or ±inf, decimated for drawing
    (`extremes`: first, last, and each stretch's lowest and highest point)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    index = extremes(y)
    return x[index], y[index]


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color.lstrip("#")[i: i + 2], 16) for i in (0, 2, 4))


def translucent(color: str, alpha: float) -> str:
    """"#1f77b4" → "rgba(31,119,180,alpha)"."""
    return "rgba({},{},{},{})".format(*_rgb(color), alpha)


def blend_with_white(color: str, share: float) -> str:
    """The opaque color `share` of the way from white to `color` (share 1 = the color)."""
    return "rgb({},{},{})".format(*(round(255 + share * (c - 255)) for c in _rgb(color)))


def layer_order(names) -> list[str]:
    """Layer names in network order: "linear2" before "linear10"."""
    def rank(name: str):
        digits = re.findall(r"\d+", name)
        return (int(digits[-1]) if digits else 0, name)
    return sorted(names, key=rank)


def task_of(run) -> str:
    """"classification" or "regression", from the run's data when it has any."""
    data = getattr(run, "data", None)
    return getattr(data, "task", None) or run.config.task
