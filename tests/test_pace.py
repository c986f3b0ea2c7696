"""The server's pace: the more sessions train at once, the less often each ticks and the less
each tick trains, so the core is not spent on redrawing alone."""
import threading
import time

from ui.pace import (ACTIVE_WINDOW, FIRST_CHART_WAIT, MAX_INTERVAL, MIN_INTERVAL, MIN_TRAINING,
                     TICK_COST, TICK_SECONDS, Pace, interval, training_budget)


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_one_session_ticks_fast_and_a_full_room_at_two_updates_a_second():
    assert interval(1) == MIN_INTERVAL
    assert interval(8) > interval(4) > MIN_INTERVAL
    assert interval(30) <= interval(200) == MAX_INTERVAL == 0.5


def test_the_training_of_a_tick_is_an_equal_share():
    assert training_budget(1) == TICK_SECONDS
    assert training_budget(5) * 5 == TICK_SECONDS
    assert training_budget(0) == TICK_SECONDS


def test_a_tick_in_a_full_room_trains_at_least_as_long_as_it_costs_besides():
    assert TICK_SECONDS / 30 < MIN_TRAINING == training_budget(30) == training_budget(200)
    assert MIN_TRAINING >= TICK_COST


def test_sessions_count_while_they_tick_and_are_forgotten_after_the_window():
    clock = Clock()
    pace = Pace(clock)
    assert pace.tick("a") == 1 and pace.tick("b") == 2 and pace.tick("a") == 2
    clock.now = ACTIVE_WINDOW / 2
    assert pace.tick("c") == 3
    clock.now = ACTIVE_WINDOW * 1.2
    assert pace.active() == 1  # only c ticked within the window


def test_no_more_than_the_allowed_ticks_compute_at_once():
    pace = Pace(turns=2)
    assert pace.turn.acquire(blocking=False) and pace.turn.acquire(blocking=False)
    assert not pace.turn.acquire(blocking=False)  # a third tick waits its turn
    pace.turn.release()
    assert pace.turn.acquire(blocking=False)


def test_a_session_on_screen_waits_until_every_first_chart_is_drawn():
    pace = Pace()
    pace.expect_first("a")
    pace.expect_first("b")
    waited = threading.Thread(target=pace.wait_for_first_charts, args=(30.0,))
    waited.start()
    pace.first_drawn("a")
    time.sleep(0.05)
    assert waited.is_alive() and pace.awaiting_first() == 1  # b has no chart yet
    pace.first_drawn("b")
    waited.join(5)
    assert not waited.is_alive() and pace.awaiting_first() == 0


def test_nobody_waits_when_no_first_chart_is_awaited_nor_for_one_that_never_comes():
    clock = Clock()
    pace = Pace(clock)
    started = time.monotonic()
    pace.wait_for_first_charts(30.0)
    assert time.monotonic() - started < 1
    pace.expect_first("left")  # pressed Train and left before its first chart
    clock.now = FIRST_CHART_WAIT * 1.1
    assert pace.awaiting_first() == 0
    pace.wait_for_first_charts(30.0)
    assert time.monotonic() - started < 2

