"""The one house style every figure gets from ui.plots.style.build: the app's font, readable
log ticks, bounded percent axes, and Plotly's toolbar kept clear of the legend."""
from ui.plots.style import (CHART_OPTIONS, FONT_FAMILY, LOG_TICKS, MODEBAR_WIDTH, Parts, build,
                            log_axis, message_figure, percent_axis)

LINE = dict(type="scatter", x=[1, 2, 3], y=[0.5, 0.2, 0.1], name="A validation")


def test_every_figure_uses_the_apps_font():
    assert build(Parts(traces=[LINE]), height=300, uirevision="t").layout.font.family == FONT_FAMILY
    assert message_figure("nothing", height=300).layout.font.family == FONT_FAMILY


def test_charts_are_shown_without_a_streamlit_theme_on_top():
    """The same figure looks the same in the lab and in a lesson: the figure's own style."""
    assert CHART_OPTIONS["theme"] is None
    assert "lasso2d" in CHART_OPTIONS["config"]["modeBarButtonsToRemove"]


def test_the_toolbar_stands_upright_in_a_right_margin_clear_of_the_legend():
    """A horizontal legend at x = 0 is at most as wide as the plot area (Plotly), so a
    right margin at least as wide as the upright toolbar keeps the two apart."""
    fig = build(Parts(traces=[LINE]), height=300, uirevision="t")
    assert fig.layout.modebar.orientation == "v"
    assert fig.layout.margin.r >= MODEBAR_WIDTH
    assert (fig.layout.legend.x, fig.layout.legend.xanchor) == (0, "left")


def test_a_narrow_right_margin_asked_for_is_widened_for_the_toolbar():
    fig = build(Parts(traces=[LINE]), height=300, uirevision="t", margin=dict(l=10, r=10, t=40, b=10))
    assert fig.layout.margin.r == MODEBAR_WIDTH and fig.layout.margin.l == 10


def test_log_axes_label_ticks_with_full_values():
    """Plotly's default log ticks read "5 2 10 5 2 1": tickformat makes every label a value."""
    assert log_axis(title={"text": "loss"}) == {"title": {"text": "loss"}, **LOG_TICKS}
    assert LOG_TICKS["tickformat"] == "~g"


def test_any_log_axis_built_gets_the_readable_ticks():
    fig = build(Parts(traces=[LINE]), height=300, uirevision="t",
                axes={"xaxis": {"type": "log"}, "yaxis": {"type": "linear"}})
    assert fig.layout.xaxis.tickformat == "~g" and fig.layout.yaxis.tickformat is None


def test_percent_axes_are_bounded_to_0_and_100():
    axis = percent_axis(title={"text": "accuracy (%)"})
    assert axis["autorangeoptions"] == {"minallowed": 0, "maxallowed": 100}
    assert axis["title"] == {"text": "accuracy (%)"}
