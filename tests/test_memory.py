"""The heap trimmer collects cyclic garbage and hands freed memory back, at most once per
interval; where the C library has no malloc_trim it only collects."""
import gc
import weakref

from ui.memory import HeapTrimmer, release_freed_memory


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_trims_at_most_once_per_interval():
    calls, clock = [], Clock()
    trimmer = HeapTrimmer(calls.append, interval=30.0, clock=clock)
    assert trimmer() and calls == [0]           # the first page run trims
    clock.now += 29.9
    assert not trimmer() and calls == [0]       # too soon
    clock.now += 0.2
    assert trimmer() and calls == [0, 0]        # 30.1 s after the first


class Session:
    """Stands for a closed visitor's state: objects that refer to each other."""


def test_a_trim_first_frees_the_cycles_a_closed_session_left():
    gc.disable()  # as between Streamlit's script runs: no automatic collection in between
    try:
        session = Session()
        session.self = session
        left = weakref.ref(session)
        del session
        assert left() is not None   # a cycle: reference counting alone does not free it
        assert HeapTrimmer(None)()  # without malloc_trim it still collects
        assert left() is None
    finally:
        gc.enable()


def test_the_servers_trimmer_runs_without_error():
    release_freed_memory()  # glibc here: malloc_trim(0); elsewhere: nothing


def test_forced_trims_ignore_the_interval():
    calls, clock = [], Clock()
    trimmer = HeapTrimmer(calls.append, interval=30.0, clock=clock)
    trimmer()
    assert trimmer(force=True) and calls == [0, 0]  # the store just let megabytes go
