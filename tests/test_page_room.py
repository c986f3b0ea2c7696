"""The workshop room page through AppTest: a presenter opens a room from the lab, participants
join by the link's code, predict, train and post; what reaches the presenter, and what a
participant can never do."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from regcore import Config
from ui import keys
from ui.room_questions import ready_questions
from ui.room_view import COMMIT, PREDICTION, server_rooms
from ui.rooms import Experiment, Unlocked
from ui.keys import live_key

ROOT = Path(__file__).resolve().parents[1]
BASE = Config(n_samples=150, hidden=(16,), epochs=6)
NAMES = ("A", "B")
OWNER = "presenter-token-of-the-test"


def open_test_room(unlocked=(Unlocked("dropout", 1, 0.0, 0.6),)) -> str:
    question = ready_questions((BASE, BASE), NAMES)["lowest_val_loss"]
    experiment = Experiment((BASE, BASE.replace(dropout=0.3)), NAMES, question, unlocked)
    return server_rooms().open(OWNER, experiment)


def participant(code: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "8_Room.py"), default_timeout=60)
    at.query_params["room"] = code
    return at.run()


def train_to_end(at: AppTest) -> AppTest:
    at.button(key=live_key("room", "train")).click().run()
    for _ in range(30):
        if at.session_state[live_key("room")].done:
            return at.run()
        at.run()
    raise AssertionError("training did not end")


def test_a_presenter_opens_a_room_from_the_lab_in_presenter_mode():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.toggle(key=keys.PRESENTER).set_value(True).run()
    at.button(key=keys.OPEN_ROOM).click().run()
    assert not at.exception
    code = at.session_state[keys.ROOM_OWNED]
    assert any(code[:4] in m.value for m in at.markdown)  # the code, large
    assert len(at.get("image")) == 1  # the QR code of the join link
    assert f"?room={code}" in at.code[0].value
    owner = at.session_state[keys.ROOM_OWNER]
    assert server_rooms().summary(code, owner).joined == 0


def test_a_room_opened_from_the_lab_keeps_the_names_of_its_runs():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"runs": "2", "names": "B-C", "C.dropout": "0.5"})
    at.run().toggle(key=keys.PRESENTER).set_value(True).run()
    at.button(key=keys.OPEN_ROOM).click().run()
    owner = at.session_state[keys.ROOM_OWNER]
    summary = server_rooms().summary(at.session_state[keys.ROOM_OWNED], owner)
    assert summary.experiment.names == ("B", "C")


def test_a_participant_predicts_trains_and_the_result_reaches_the_presenter():
    code = open_test_room()
    at = participant(code)
    assert not at.exception
    assert live_key("room", "train") not in [b.key for b in at.button]  # predict first
    at.radio[0].set_value("B")
    at.button[0].click().run()
    assert server_rooms().summary(code, OWNER).answered == 1
    at.slider(key=keys.page_key("Room", "setting_dropout")).set_value(0.5).run()
    train_to_end(at)
    assert not at.exception
    summary = server_rooms().summary(code, OWNER)
    assert summary.finished == 1 and summary.results[0]["dropout"] == 0.5
    runs = at.session_state[live_key("room")].runs
    assert runs[1].config.dropout == 0.5
    assert any("Your result is in the room" in c.value for c in at.caption)


def test_an_unknown_code_gets_a_message_not_an_exception():
    at = participant("NOT-A-CODE")
    assert not at.exception
    assert "Cannot join this room" in at.error[0].value


def test_a_participant_never_sees_the_presenter_controls():
    code = open_test_room()
    at = participant(code)
    keys_shown = [b.key for b in at.button]
    assert keys.ROOM_REVEAL not in keys_shown and keys.ROOM_CLOSE not in keys_shown
    assert keys.ROOM_OWNER not in at.session_state


def test_a_closed_room_says_so_to_a_new_participant():
    code = open_test_room()
    server_rooms().close(code, OWNER)
    at = participant(code)
    assert not at.exception and "closed" in at.error[0].value


def presenter(code: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "8_Room.py"), default_timeout=60)
    at.session_state[keys.ROOM_OWNED] = code
    at.session_state[keys.ROOM_OWNER] = OWNER
    return at.run()


def test_the_presenter_sees_counts_predictions_results_and_reveals_what_the_room_measured():
    code = open_test_room()
    rooms = server_rooms()
    for token, answer, rate, measured in (("p1", "A", 0.1, 0.0), ("p2", "B", 0.5, 1.0),
                                          ("p3", "B", 0.4, 1.0)):
        rooms.join(code, token)
        rooms.answer(code, token, answer)
        rooms.post_result(code, token, {"dropout": rate},
                          {"val_loss": 0.3 + rate, "measured": measured})
    at = presenter(code)
    assert not at.exception
    assert [m.value for m in at.metric] == ["3", "3", "3"]
    predictions, results = (c.proto.spec for c in at.get("plotly_chart")[:2])
    assert '"y":[1,2]' in predictions.replace(" ", "")
    assert "0.5" in results
    at.button(key=keys.ROOM_REVEAL).click().run()
    assert rooms.summary(code, OWNER).answer == "B"  # the room's most measured answer
    assert "B in 2 of 3" in at.success[0].value


def test_the_room_charts_are_drawn_in_the_labs_style():
    at = presenter(open_test_room())
    charts = at.get("plotly_chart")
    assert charts and not at.exception
    for chart in charts:
        assert chart.proto.theme != "streamlit"
        assert "lasso2d" in json.loads(chart.proto.config)["modeBarButtonsToRemove"]


def test_a_room_never_opens_on_uploaded_data():
    at = AppTest.from_file(str(ROOT / "app_pages" / "8_Room.py"), default_timeout=60)
    at.session_state[keys.LAB_CONFIGS] = (BASE.replace(dataset="custom"),) * 2
    at.run().button(key=keys.OPEN_ROOM).click().run()
    assert not at.exception and keys.ROOM_OWNED not in at.session_state
    assert "never receive your uploaded data" in at.error[0].value


SMALL_LAB = {"runs": "2", "dataset": "moons", "n_samples": "150", "A.epochs": "8",
             "B.epochs": "8", "B.dropout": "0.5"}


def trained_lab() -> AppTest:
    """The lab in presenter mode after training a small comparison to the end."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in SMALL_LAB.items():
        at.query_params[name] = value
    at.run().toggle(key=keys.PRESENTER).set_value(True).run()
    at.button(key=live_key(keys.LIVE_KEY, "train")).click().run()
    for _ in range(30):
        if at.session_state[live_key(keys.LIVE_KEY)].done:
            return at.run()
        at.run()
    raise AssertionError("training did not end")


def star_names(at: AppTest) -> list[str]:
    """The runs drawn as the presenter's stars in the room's results chart."""
    traces = json.loads(at.get("plotly_chart")[1].proto.spec)["data"]
    return sorted(t["name"].removeprefix("presenter: ") for t in traces
                  if t["name"].startswith("presenter: "))


def test_the_presenters_finished_lab_runs_of_the_rooms_comparison_are_drawn_as_stars():
    at = trained_lab()
    at.button(key=keys.OPEN_ROOM).click().run()
    assert not at.exception
    assert star_names(at) == ["A", "B"]
    assert not any("not this room's comparison" in c.value for c in at.caption)


def test_lab_runs_of_another_comparison_are_not_drawn_and_the_room_says_so():
    at = trained_lab()
    at.session_state[keys.ROOM_OWNER] = OWNER
    at.session_state[keys.ROOM_OWNED] = open_test_room()  # BASE, not the lab's comparison
    at.switch_page("app_pages/8_Room.py").run()
    assert not at.exception
    assert star_names(at) == []
    assert any("not this room's comparison" in c.value for c in at.caption)


LESSONS = {  # lesson page → (its live comparison's key, the measure its room asks first,
    #              the setting participants may vary: (field, run) of the run that uses it)
    "1_L1_and_L2.py": ("sparsity", "inputs_kept:1", [("penalty_strength", 1)]),  # L1's λ
    "2_Early_stopping.py": ("early_stopping", "stopped_epoch:1", []),
    "3_Weight_decay_vs_L2.py": ("weight_decay", "smallest_norm", [("penalty_strength", 2)]),
    "4_Dropout.py": ("dropout", "largest_gap", [("dropout", 2)]),
    "5_Batch_normalization.py": ("batch_norm", "epochs_to_target:1", []),
    "6_Layer_normalization.py": ("layer_norm", "epochs_to_target:1", []),
}


def lesson_in_presenter_mode(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.toggle(key=keys.PRESENTER).set_value(True).run()
    return at.switch_page(f"app_pages/{page}").run()


@pytest.mark.parametrize("page", LESSONS)
def test_a_presenter_opens_a_room_from_each_lesson_with_its_comparison_and_question(page):
    live, measure, unlocked = LESSONS[page]
    at = lesson_in_presenter_mode(page)
    assert not at.exception
    lesson_configs = at.session_state[live_key(live)].configs
    at.button(key=keys.OPEN_ROOM).click().run()
    assert not at.exception
    code = at.session_state[keys.ROOM_OWNED]
    experiment = server_rooms().summary(code, at.session_state[keys.ROOM_OWNER]).experiment
    assert experiment.configs == lesson_configs
    assert experiment.question.measure == measure
    assert [(u.field, u.run) for u in experiment.unlocked] == unlocked
    assert f"?room={code}" in at.code[0].value  # the room page, with its join link
    assert at.session_state[keys.ROOM_SOURCE] == live


def test_a_lesson_shows_no_room_control_outside_presenter_mode():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/4_Dropout.py").run()
    assert keys.OPEN_ROOM not in [b.key for b in at.button]


def test_presenter_mode_stays_on_across_a_lesson_and_back_in_the_lab():
    at = lesson_in_presenter_mode("4_Dropout.py")
    at.run()  # a second run of the lesson, after the lab's toggle was last drawn
    assert keys.OPEN_ROOM in [b.key for b in at.button]
    at.switch_page("app_pages/0_Comparison_lab.py").run()
    assert at.toggle(key=keys.PRESENTER).value is True


def test_a_lesson_moves_the_presenters_open_room_to_its_experiment_under_the_same_code():
    at = lesson_in_presenter_mode("4_Dropout.py")
    at.session_state[keys.ROOM_OWNER] = OWNER
    code = at.session_state[keys.ROOM_OWNED] = open_test_room()
    at.run()
    assert at.button(key=keys.OPEN_ROOM).label == "Move my workshop room to this experiment"
    at.button(key=keys.OPEN_ROOM).click().run()
    assert at.session_state[keys.ROOM_OWNED] == code
    experiment = server_rooms().summary(code, OWNER).experiment
    assert experiment.configs == at.session_state[live_key("dropout")].configs


def test_a_presenter_whose_room_has_expired_is_told_so_and_may_open_another():
    at = presenter("ABCDEFGHJKMNPQ")  # a well-formed code of no room (as after expiry)
    assert not at.exception
    assert "no room with this code" in at.error[0].value
    assert keys.ROOM_OWNED not in at.session_state
    at.run()
    assert keys.OPEN_ROOM in [b.key for b in at.button]


def test_a_participant_answers_a_number_question_and_posts_what_their_runs_measured():
    configs = (BASE.replace(epochs=30), BASE.replace(epochs=30, patience=2))
    question = ready_questions(configs, NAMES, first="stopped_epoch")["stopped_epoch:1"]
    code = server_rooms().open(OWNER, Experiment(configs, NAMES, question))
    at = participant(code)
    at.number_input(key=PREDICTION).set_value(12)
    at.button(key=COMMIT).click().run()
    assert server_rooms().summary(code, OWNER).answers == (12.0,)
    train_to_end(at)
    assert not at.exception
    runs = at.session_state[live_key("room")].runs
    posted = server_rooms().summary(code, OWNER).results
    assert [r["measured"] for r in posted] == [float(runs[1].stopped_epoch)]
