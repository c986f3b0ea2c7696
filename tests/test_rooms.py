"""Workshop rooms: codes nobody can guess, a presenter only the opener can be, answers before
results, caps, expiry, and rooms that never see each other's posts."""
import math

import pytest

from regcore import Config
from ui.rooms import (CODE_ALPHABET, CODE_LENGTH, Experiment, Question, RoomError, RoomLimits,
                      Rooms, Unlocked, display_code, new_code, parse_code)

BASE = Config(epochs=5)
QUESTION = Question("Which run ends with the lower validation loss?", ("A", "B"))
EXPERIMENT = Experiment((BASE, BASE.replace(dropout=0.5)), ("A", "B"), QUESTION,
                        (Unlocked("dropout", 1, 0.0, 0.9),))


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def rooms():
    return Rooms(RoomLimits(max_rooms=3, max_participants=3, max_posts=4, idle_seconds=60),
                 clock=Clock())


def test_a_room_code_carries_at_least_64_bits_and_reads_back_from_its_display_form():
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 64
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = codes.pop()
    assert parse_code(display_code(code).lower()) == code
    with pytest.raises(RoomError, match="not a room code"):
        parse_code("ABC")


def test_predictions_and_results_reach_the_presenter(rooms):
    code = rooms.open("owner", EXPERIMENT)
    for token, answer, rate in (("p1", "A", 0.2), ("p2", "B", 0.6)):
        rooms.join(code, token)
        rooms.answer(code, token, answer)
        rooms.post_result(code, token, {"dropout": rate}, {"val_loss": 0.3 + rate})
    rooms.join(code, "p3")
    summary = rooms.summary(code, "owner")
    assert (summary.joined, summary.answered, summary.finished) == (3, 2, 2)
    assert sorted(summary.answers) == ["A", "B"]
    assert [r["dropout"] for r in summary.results] == [0.2, 0.6]


def test_only_the_session_that_opened_a_room_can_act_as_its_presenter(rooms):
    code = rooms.open("owner", EXPERIMENT)
    rooms.join(code, "p1")
    for act in (lambda t: rooms.summary(code, t), lambda t: rooms.reveal(code, t, "B"),
                lambda t: rooms.close(code, t), lambda t: rooms.change(code, t, EXPERIMENT)):
        with pytest.raises(RoomError, match="only the presenter"):
            act("p1")
    rooms.reveal(code, "owner", "B")
    assert rooms.summary(code, "owner").answer == "B"


def test_an_answer_is_committed_once_and_before_training(rooms):
    code = rooms.open("owner", EXPERIMENT)
    rooms.join(code, "p1")
    with pytest.raises(RoomError, match="pick one of"):
        rooms.answer(code, "p1", "C")
    rooms.answer(code, "p1", "A")
    assert rooms.join(code, "p1").answer == "A"
    with pytest.raises(RoomError, match="answered already"):
        rooms.answer(code, "p1", "B")
    rooms.join(code, "p2")
    rooms.post_result(code, "p2", {"dropout": 0.1}, {"val_loss": 0.4})
    with pytest.raises(RoomError, match="before training"):
        rooms.answer(code, "p2", "A")


@pytest.mark.parametrize("settings, result, message", [
    ({"lr": 0.1}, {"val_loss": 0.3}, "only the unlocked settings"),
    ({"dropout": 0.95}, {"val_loss": 0.3}, "between 0 and 0.9"),
    ({"dropout": "x"}, {"val_loss": 0.3}, "must be a number"),
    ({"dropout": 0.2}, {"val_loss": math.inf}, "finite"),
    ({"dropout": 0.2}, {"secret": 1.0}, "unknown result fields"),
    ({"dropout": 0.2}, "0.3", "needs numbers"),
])
def test_a_post_outside_what_the_room_allows_is_refused_with_a_reason(rooms, settings, result,
                                                                      message):
    code = rooms.open("owner", EXPERIMENT)
    rooms.join(code, "p1")
    with pytest.raises(RoomError, match=message):
        rooms.post_result(code, "p1", settings, result)
    assert rooms.summary(code, "owner").results == ()


def test_the_same_result_twice_is_refused_and_another_setting_is_a_new_point(rooms):
    code = rooms.open("owner", EXPERIMENT)
    rooms.join(code, "p1")
    rooms.post_result(code, "p1", {"dropout": 0.2}, {"val_loss": 0.3})
    with pytest.raises(RoomError, match="already"):
        rooms.post_result(code, "p1", {"dropout": 0.2}, {"val_loss": 0.3})
    rooms.post_result(code, "p1", {"dropout": 0.5}, {"val_loss": 0.25})
    assert len(rooms.summary(code, "owner").results) == 2


def test_caps_on_rooms_participants_and_posts_hold(rooms):
    codes = [rooms.open(f"owner{i}", EXPERIMENT) for i in range(3)]
    with pytest.raises(RoomError, match="as many rooms"):
        rooms.open("owner3", EXPERIMENT)
    for token in ("p1", "p2", "p3"):
        rooms.join(codes[0], token)
    with pytest.raises(RoomError, match="full"):
        rooms.join(codes[0], "p4")
    rooms.join(codes[0], "p1")  # rejoining is not a new participant
    for rate in (0.1, 0.2, 0.3, 0.4):
        rooms.post_result(codes[0], "p1", {"dropout": rate}, {"val_loss": rate})
    with pytest.raises(RoomError, match="as often as a room allows"):
        rooms.post_result(codes[0], "p1", {"dropout": 0.5}, {"val_loss": 0.5})


def test_an_idle_room_expires_and_an_active_one_stays(rooms):
    idle, active = rooms.open("a", EXPERIMENT), rooms.open("b", EXPERIMENT)
    for _ in range(3):
        rooms._clock.now += 40
        rooms.summary(active, "b")
    with pytest.raises(RoomError, match="no room with this code"):
        rooms.join(idle, "p1")
    assert rooms.join(active, "p1").experiment == EXPERIMENT


def test_a_closed_room_takes_no_one_and_nothing(rooms):
    code = rooms.open("owner", EXPERIMENT)
    rooms.join(code, "p1")
    rooms.close(code, "owner")
    with pytest.raises(RoomError, match="closed"):
        rooms.join(code, "p2")
    with pytest.raises(RoomError, match="closed"):
        rooms.post_result(code, "p1", {"dropout": 0.2}, {"val_loss": 0.3})


def test_two_rooms_never_see_each_others_posts(rooms):
    first, second = rooms.open("one", EXPERIMENT), rooms.open("two", EXPERIMENT)
    rooms.join(first, "p1")
    rooms.post_result(first, "p1", {"dropout": 0.2}, {"val_loss": 0.3})
    with pytest.raises(RoomError, match="join the room first"):
        rooms.post_result(second, "p1", {"dropout": 0.2}, {"val_loss": 0.3})
    assert rooms.summary(second, "two").results == ()


def test_an_experiment_checks_its_question_and_unlocked_settings():
    with pytest.raises(RoomError, match="2 to 4 different choices"):
        Question("Which?", ("A",))
    with pytest.raises(RoomError, match="range"):
        Question("How many inputs will L1 keep?")
    with pytest.raises(RoomError, match="at most two"):
        Experiment((BASE,), ("A",), QUESTION, (Unlocked("dropout", 0, 0, 0.5),) * 3)
    with pytest.raises(RoomError, match="not a valid setting"):
        Experiment((BASE,), ("A",), QUESTION, (Unlocked("dropout", 0, 0.0, 1.5),))
    number = Question("How many of the 50 inputs will L1 keep?", low=0, high=50)
    assert number.checked_answer("12") == 12.0
