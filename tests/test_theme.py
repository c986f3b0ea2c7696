"""Run colors (a lab run keeps the color of its name wherever it stands; other runs are
colored by position) and the live section's CSS."""
from ui.theme import RUN_COLORS, RUN_NAMES, run_color, steady_charts_css


def test_a_lab_run_keeps_the_color_of_its_name_at_any_position():
    assert run_color(0, "B") == RUN_COLORS[1] == run_color(1, "B")
    assert [run_color(i, name) for i, name in enumerate(("B", "C", "A"))] == \
        [RUN_COLORS[1], RUN_COLORS[2], RUN_COLORS[0]]


def test_runs_with_other_names_take_the_color_of_their_position():
    lesson_names = ("no penalty", "L1", "L2")
    assert [run_color(i, name) for i, name in enumerate(lesson_names)] == list(RUN_COLORS[:3])
    assert run_color(len(RUN_NAMES)) == RUN_COLORS[0]  # cycling past the fourth


def test_steady_charts_css_keeps_only_the_given_sections_stale_elements_opaque():
    css = steady_charts_css("live_lab_section")
    assert css.startswith("<style>") and css.endswith("</style>")
    assert ".st-key-live_lab_section [data-stale='true']" in css
    assert "opacity: 1 !important" in css and "transition: none" in css
