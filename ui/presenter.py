"""Presenter mode's look, made for a 1280×720 projector: the sidebar collapsed, the Train bar
compact (ui.theme.live_bar_css), chart text readable from the back of a room, and a first
chart short enough to fit under the bar."""
from __future__ import annotations

import streamlit as st

from . import keys, lab_settings
from .plots.style import CHART_OPTIONS, PLOT_CONFIG
from .theme import PRESENTER_CSS, PRESENTER_FONT_SIZE, live_bar_css

PRESENTER_CHART_HEIGHT = 380  # px: the first chart fits 720 px under the title and the bar
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


def presenter_fonts(figure) -> None:
    """Chart text readable from the back of a room: every font at PRESENTER_FONT_SIZE (a
    legend set beside the plot keeps its own size)."""
    size = PRESENTER_FONT_SIZE
    figure.update_layout(font_size=size, hoverlabel_font_size=size - 1)
    for update_axes in (figure.update_xaxes, figure.update_yaxes):
        update_axes(tickfont_size=size - 2, title_font_size=size)
    if figure.layout.legend.orientation != "v":
        figure.update_layout(legend_font_size=size - 1)
    figure.update_annotations(font_size=size)


def legend_beside(figure):
    """In presenter mode, the legend of a one-panel chart on its right (large legend text
    above the plot would take half its height)."""
    if lab_settings.presenter():
        figure.update_layout(legend=dict(orientation="v", x=1.02, xanchor="left", y=1,
                                         yanchor="top", tracegroupgap=4,
                                         font_size=PRESENTER_FONT_SIZE - 3), margin_t=20)
    return figure
