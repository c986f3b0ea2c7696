"""The load benchmark on a small room: three visitors on one server press Train at once.

Checks that the benchmark's visitors drive the real app to the end of training and that the
app raises no exception under concurrent sessions; no timing is asserted (figures vary with the
machine; `python -m benchmarks.load` reports them).
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.room import run_room
from benchmarks.server import served
from benchmarks.workshop import run_workshop

pytestmark = pytest.mark.slow


def in_own_event_loop(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright (sync API) leaves an
    event loop running in the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_three_visitors_all_finish_without_exception():
    with served() as server:
        room = in_own_event_loop(run_room(server, visitors=3, mode="distinct", timeout=60,
                                          warm=False))
    assert [result.errors for result in room.results] == [[], [], []]
    assert [result.exceptions for result in room.results] == [[], [], []]
    assert room.server_errors == []
    assert room.all_finished, [result.finish for result in room.results]
    assert all(result.updates >= 1 for result in room.results)


def test_a_workshop_room_of_three_gets_every_post_without_exception():
    with served() as server:
        room = in_own_event_loop(run_workshop(server, participants=3, timeout=60, warm=False))
    assert [result.errors for result in room.results] == [[], [], []]
    assert [result.exceptions for result in room.results] == [[], [], []]
    assert room.server_errors == [] and room.presenter_exceptions == []
    assert room.presenter_errors == []
    assert room.all_finished, [result.finish for result in room.results]
    assert room.posts == 3 and room.all_posts_shown is not None
    assert room.ok


def test_bytes_per_update_are_what_arrived_from_the_click_to_the_finish_per_chart_update():
    from benchmarks.room import visitor_result
    from benchmarks.visitor import Record, ScriptRun
    before = ScriptRun(fragments=(), started=0.0, finished=0.5, bytes=90_000)   # page load
    ticks = [ScriptRun(fragments=("f",), started=1.0 + i, finished=1.5 + i, charts=[1.2 + i],
                       bytes=3_000) for i in range(3)]
    quiet = ScriptRun(fragments=("f",), started=4.0, finished=4.5, bytes=1_000)  # no chart
    end = ScriptRun(fragments=(), started=5.0, finished=5.5, charts=[5.2], bytes=5_000,
                    texts=["Finished — the longest run took 1.0 s of compute."])
    result = visitor_result(Record(runs=[before, *ticks, quiet, end]), clicked=0.8, stopped=9.0)
    # (3·3000 + 1000 + 5000) bytes over 4 chart updates
    assert result.updates == 4
    assert result.kilobytes_per_update == pytest.approx(15.0 / 4)
