"""The workshop room page through AppTest: a presenter opens a room from the lab, participants
join by the link's code, predict, train and post; what reaches the presenter, and what a
participant can never do."""
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from regcore import Config, summarize, train_side_by_side
from ui import keys
from ui.room_view import measured_answer, ready_questions, server_rooms
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


def test_ready_questions_follow_the_comparison_and_are_answered_by_its_runs():
    wide = Config(dataset="noisy_features", n_samples=200, hidden=(16,), lr=3e-3, epochs=40)
    configs = (wide.replace(penalty="l2", penalty_strength=1e-3),
               wide.replace(penalty="l1", penalty_strength=3e-2))
    questions = ready_questions(configs, NAMES)
    kept = questions["inputs_kept:1"]
    assert kept.text.startswith("How many of the 50 inputs will run B keep")
    runs = train_side_by_side(list(configs))
    from regcore.lessons.l1_l2 import input_selection
    assert measured_answer(kept, runs, NAMES) == len(input_selection(runs[1]).kept) < 50
    loss = questions["val_loss:1"]
    assert measured_answer(loss, runs, NAMES) == summarize(runs[1])["final_val_loss"]
    lower = min(NAMES, key=lambda n: summarize(runs[NAMES.index(n)])["final_val_loss"])
    assert measured_answer(questions["lowest_val_loss"], runs, NAMES) == lower
    assert "inputs_kept:0" not in ready_questions((wide, wide), NAMES)  # no L1 run, no question


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
