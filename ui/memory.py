"""Give the memory of visitors who left back to the operating system.

A closed session's objects hold reference cycles, which only a full garbage collection frees;
Streamlit's collection after every script run is off (`runner.postScriptGC`: it cost a third
of the server's time with the live charts), and the automatic one rarely reaches the oldest
generation. What Python frees goes back to the C allocator, and glibc's malloc keeps freed
pages for later instead of returning them. So after a room has left, the server's resident
memory stayed near its peak (the memory soak, `benchmarks.soak`, measures it).
`release_freed_memory` runs a full collection, then `malloc_trim(0)`, which hands free pages
back. It is called on full page runs — page loads and widget changes, never the live charts'
ticks — at most every TRIM_INTERVAL seconds, and whenever the shared store drops trainings that
visitors left unfinished (megabytes each); where the C library has no malloc_trim (not glibc)
only the collection runs.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time

TRIM_INTERVAL = 5.0  # seconds between two trims at most (a full collection costs tens of ms)


class HeapTrimmer:
    """A full garbage collection and then `trim` (glibc's malloc_trim(0), or nothing), at most
    every `interval` seconds."""

    def __init__(self, trim, interval: float = TRIM_INTERVAL, clock=time.monotonic):
        self.trim, self.interval, self.clock = trim, interval, clock
        self._last = None
        self._lock = threading.Lock()

    def __call__(self, force: bool = False) -> bool:
        """Collect and trim if the last time is `interval` seconds old (or there was none, or
        `force`: a large share of memory was just let go); whether it did."""
        with self._lock:
            now = self.clock()
            if not force and self._last is not None and now - self._last < self.interval:
                return False
            self._last = now
        gc.collect()
        if self.trim is not None:
            self.trim(0)
        return True


def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


release_freed_memory = HeapTrimmer(_malloc_trim())
