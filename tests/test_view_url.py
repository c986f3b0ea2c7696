"""The lab's chart options travel in the URL with the experiment."""
from streamlit.testing.v1 import AppTest

from ui import keys
from ui.urlcodec import apply_view_query, view_query

LINK = {"runs": "2", "dataset": "moons", "n_samples": "200", "A.epochs": "3", "B.epochs": "3"}
VIEW = {"chart": "Weights", "log": "1", "smooth": "0.3", "train": "0", "whatif": "7",
        "boundary": "best"}


def test_view_options_round_trip_through_query_parameters():
    state = {}
    assert apply_view_query(VIEW, state) == []
    assert view_query(state) == VIEW


def test_default_view_options_stay_out_of_the_url():
    state = {keys.VIEW_LOG_Y: False, keys.VIEW_SHOW_TRAIN: True, keys.VIEW_SMOOTHING: 0.0}
    assert view_query(state) == {}


def test_bad_view_values_are_ignored_with_a_note():
    state = {keys.VIEW_LOG_Y: True}
    problems = apply_view_query({"log": "yes", "smooth": "nan", "chart": "Nope", "whatif": "x"},
                                state)
    assert len(problems) == 4
    assert any(problem.startswith("log='yes' ignored (use 0 or 1)") for problem in problems)
    assert any(problem.startswith("whatif='x' ignored (use a whole number") for problem in problems)
    assert state == {keys.VIEW_LOG_Y: True}


def test_a_link_opens_the_lab_with_its_chart_options():
    at = AppTest.from_file("../app.py", default_timeout=120)
    for name, value in {**LINK, **VIEW}.items():
        at.query_params[name] = value
    at.run()
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    for _ in range(5):
        at.run()
    assert not at.exception
    assert at.session_state[keys.VIEW_LOG_Y] is True
    assert at.session_state[keys.VIEW_SMOOTHING] == 0.3
    assert at.session_state[keys.VIEW_SHOW_TRAIN] is False
    assert at.session_state[keys.VIEW_BOUNDARY_AT] == "best"
    assert {name: at.query_params[name] for name in VIEW} == VIEW
