"""Run colors and the live section's CSS."""
from ui.theme import RUN_COLORS, run_color, steady_charts_css


def test_run_colors_cycle_past_d():
    assert run_color(0) == RUN_COLORS[0] and run_color(4) == RUN_COLORS[0]


def test_steady_charts_css_keeps_only_the_given_sections_stale_elements_opaque():
    css = steady_charts_css("live_lab_section")
    assert css.startswith("<style>") and css.endswith("</style>")
    assert ".st-key-live_lab_section [data-stale='true']" in css
    assert "opacity: 1 !important" in css and "transition: none" in css
