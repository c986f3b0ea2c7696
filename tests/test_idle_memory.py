"""Freed memory goes back to the system while no session trains, never during a room."""
import sys
import threading
import time

import pytest
from test_pace import Clock

from ui.idle_memory import release_freed_memory, release_while_idle
from ui.pace import ACTIVE_WINDOW, Pace


def wait_until(condition, timeout=5.0):
    ended = time.monotonic() + timeout
    while not condition() and time.monotonic() < ended:
        time.sleep(0.005)
    return condition()


def test_freed_memory_is_released_only_while_no_session_trains():
    clock, released, stop = Clock(), [], threading.Event()
    pace = Pace(clock)
    pace.tick("a")  # a session is training
    thread = release_while_idle(pace, every=0.01, release=lambda: released.append(1), stop=stop)
    time.sleep(0.1)
    assert released == []
    clock.now = ACTIVE_WINDOW * 1.5  # it has not ticked for longer than the window
    assert wait_until(lambda: len(released) >= 2)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and thread.daemon


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_c_library_gives_back_free_pages_between_blocks_still_in_use():
    blocks = [bytearray(64_000) for _ in range(600)]  # ~38 MB from the allocator's heap
    kept = blocks[1::2]  # every second block stays: the freed ones lie between them
    del blocks
    assert release_freed_memory() is True  # glibc answers whether it gave any back
    assert len(kept) == 300
