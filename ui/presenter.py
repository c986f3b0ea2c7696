"""Presenter mode's look, made for a 1280×720 projector: the sidebar collapsed, the Train bar
compact (ui.theme.live_bar_css), chart text readable from the back of a room, and a first
chart short enough to fit under the bar."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from . import keys, lab_settings
from .plots.spec_figure import SpecFigure
from .plots.style import CHART_OPTIONS, PLOT_CONFIG
from .theme import PRESENTER_CSS, PRESENTER_FONT_SIZE, live_bar_css

PRESENTER_CHART_HEIGHT = 380  # px: the first chart fits 720 px under the title and the bar
LEGEND_BESIDE = dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top", tracegroupgap=4)
# On a projector the charts show no toolbar: it would sit where the legend beside a chart is.
PRESENTER_CHART_OPTIONS = {**CHART_OPTIONS, "config": {**PLOT_CONFIG, "displayModeBar": False}}


def page_style(presenter: bool) -> None:
    """Less empty space above the title, so more of the lab fits on a projector, and the
    Train bar compact (ui.theme.live_bar_css); presenter mode also collapses the sidebar and
    makes the title smaller."""
    st.set_page_config(initial_sidebar_state="collapsed" if presenter else "auto")
    st.html("<style>[data-testid='stMainBlockContainer'] {padding-top: 2.5rem;}</style>")
    st.html(live_bar_css(keys.live_key(keys.LIVE_KEY, "bar")))
    if presenter:
        st.html(PRESENTER_CSS)


def presenter_fonts(figure: go.Figure) -> go.Figure:
    """`figure` with chart text readable from the back of a room: every font at
    PRESENTER_FONT_SIZE (a legend set beside the plot keeps its own size). The sizes go into
    the figure's plain dict, which is wrapped without Plotly building it again (a SpecFigure):
    validating the update took several times as long as assembling the figure, on every tick."""
    spec = figure.to_dict()
    layout, size = spec["layout"], PRESENTER_FONT_SIZE
    _nested(layout, "font")["size"] = size
    _nested(layout, "hoverlabel", "font")["size"] = size - 1
    axes = {"xaxis", "yaxis", *(key for key in layout if key.startswith(("xaxis", "yaxis")))}
    for key in axes:
        _nested(layout, key, "tickfont")["size"] = size - 2
        _nested(layout, key, "title", "font")["size"] = size
    if _nested(layout, "legend").get("orientation") != "v":
        _nested(layout, "legend", "font")["size"] = size - 1
    for annotation in layout.get("annotations", []):
        _nested(annotation, "font")["size"] = size
    return SpecFigure(spec)


def legend_beside(figure: go.Figure) -> go.Figure:
    """In presenter mode, the legend of a one-panel chart on its right (large legend text
    above the plot would take half its height); set in the figure's dict, as
    `presenter_fonts` does."""
    if not lab_settings.presenter():
        return figure
    spec = figure.to_dict()
    layout = spec["layout"]
    layout["legend"] = {**layout.get("legend", {}), **LEGEND_BESIDE,
                        "font": {**_nested(layout, "legend", "font"),
                                 "size": PRESENTER_FONT_SIZE - 3}}
    _nested(layout, "margin")["t"] = 20
    return SpecFigure(spec)


def _nested(tree: dict, *path: str) -> dict:
    """The dict at `path` inside `tree`, made (empty) where missing."""
    for key in path:
        tree = tree.setdefault(key, {})
    return tree
