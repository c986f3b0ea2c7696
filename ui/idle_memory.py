"""Memory a server gives back to the system while nobody trains.

When visitors leave, Python and numpy free what their sessions held, but the C library's
allocator keeps the freed pages for reuse: every script run is a thread of its own, glibc
gives threads arenas of their own (up to eight per core), and an arena returns only what lies
at its top. Measured with `benchmarks.soak` (50 visitors who train and leave, twice): the
allocator's statistics showed 40–51 MB free but kept in its arenas, and the server stayed
+19.5% and +20.9% above where it started; asking it to give free pages back (glibc's
`malloc_trim(0)`) every few seconds brought that to +7.4% and +9.7%.

So a daemon thread of the server calls it every TRIM_SECONDS while no session has ticked for
`ui.pace.ACTIVE_WINDOW` seconds: during a room the pages would only be taken back at once,
one page fault each. Where the C library has no `malloc_trim` (macOS, musl, Windows) nothing
is done.
"""
from __future__ import annotations

import ctypes
import functools
import threading
from collections.abc import Callable

from .pace import Pace

TRIM_SECONDS = 2.0  # between two returns of freed memory while the server is idle


def release_freed_memory() -> bool:
    """Ask the C allocator to give its free pages back to the system; whether it could."""
    trim = _malloc_trim()
    return bool(trim is not None and trim(0))


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library this process runs on
    except (OSError, AttributeError, TypeError):  # no such call; Windows loads no CDLL(None)
        return None


def release_while_idle(pace: Pace, every: float = TRIM_SECONDS,
                       release: Callable[[], object] = release_freed_memory,
                       stop: threading.Event | None = None) -> threading.Thread:
    """Start a daemon thread that calls `release()` every `every` seconds while `pace`
    counts no session training, until `stop` is set (never, by default)."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            if pace.active() == 0:
                release()

    thread = threading.Thread(target=loop, name="release-freed-memory", daemon=True)
    thread.start()
    return thread
