"""How often live comparisons tick, and how much each tick trains, given how many sessions
are training on this server right now.

One server process shares its core between every visitor, and a tick costs the server more
than its training: the rerun of the live fragment and the drawing of its charts. With one
visitor the charts can refresh twenty times a second; with thirty the same rate would spend
the whole core on redrawing and leave none for training. So the interval between ticks grows
with the number of sessions ticking (about TICK_COST of server time each), and the compute a
tick may spend on training is an equal share of TICK_SECONDS, but never less than
MIN_TRAINING: in a full room a tick costs the server 15–30 ms besides its training, and ticks
that trained less than that would spend most of the core on redrawing (thirty visitors: 3
epochs per update, the room finished in 50 s instead of about half that; 15 ms gave 1.5
chart updates a second instead of 1.0 in most runs, but in some the room took up to twice as
long: see the README).

At most TURNS ticks run at once (`Pace.turn`): the others wait without holding Python's global
lock, so the server's event loop, which sends every session's charts, is not starved by
thirty threads computing at once (it would fall behind, and each chart would reach its
visitor later; ui.delivery keeps them from being lost meanwhile). A tick whose chunk trains in
the server process trains inside its turn; one whose chunk trains in a training process waits
for it before taking a turn (the process serves the waiting ticks in the order they asked:
regcore.remote.FifoLock), so the server draws other sessions' ticks meanwhile and both cores
stay busy.

First charts come first: when a room presses Train together, the sessions whose visitors see
no chart yet (`Pace.expect_first` from Train until their first draw, `Pace.first_drawn`) are
served before the next ticks of sessions already on screen, which wait
(`Pace.wait_for_first_charts`, at most FIRST_CHART_WAIT, without holding the global lock).
Otherwise the first visitors' second and third ticks compete with the last visitors' page
runs, and those see their first chart last, after all of it.
"""
from __future__ import annotations

import threading
import time

TICK_SECONDS = 0.25   # training compute per tick with one session; shared out among more
TICK_COST = 0.015     # server time one tick costs besides its training, roughly
MIN_INTERVAL = 0.05   # seconds between a session's ticks: one visitor
MAX_INTERVAL = 0.5    # at most: two chart updates a second, however full the room
MIN_TRAINING = 0.03   # compute seconds a tick trains at least: about what it costs besides
TURNS = 2             # ticks computing at the same time
FEW_SESSIONS = 4      # up to this many training, the costly views keep their own rate
VIEW_SECONDS = 0.1    # beyond: seconds between their redraws per session training
ACTIVE_WINDOW = 10.0  # a session that ticked this recently counts as training (ticks of a
#                       full room can be seconds apart: a shorter window would undercount)
FIRST_CHART_WAIT = 1.5  # seconds a tick of a session on screen waits for others' first charts


def interval(sessions: int) -> float:
    """Seconds between the ticks of each of `sessions` sessions training at once."""
    return min(MAX_INTERVAL, max(MIN_INTERVAL, TICK_COST * sessions))


def view_refresh(sessions: int) -> float:
    """Seconds between redraws of a live view that costs about as much as the rest of a tick
    (the decision maps, the summary) while `sessions` train, at least: 0 up to FEW_SESSIONS
    (the view's own rate applies), then VIEW_SECONDS per session, so in a room of thirty a
    map is redrawn every 3 s and the server's core goes to the curves and the training."""
    return 0.0 if sessions <= FEW_SESSIONS else VIEW_SECONDS * sessions


def training_budget(sessions: int) -> float:
    """Compute seconds one tick may spend on training when `sessions` train at once: an
    equal share of TICK_SECONDS, at least MIN_TRAINING."""
    return max(TICK_SECONDS / max(sessions, 1), MIN_TRAINING)


class Pace:
    """The sessions that ticked within ACTIVE_WINDOW seconds, and those that wait for their
    first chart (thread-safe: every session's script runs in a thread of its own)."""

    def __init__(self, clock=time.monotonic, turns: int = TURNS):
        self._clock = clock
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.turn = threading.BoundedSemaphore(turns)  # `with pace.turn:` around a tick
        self._awaited: dict[str, float] = {}  # sessions without a first chart: since when
        self._firsts_drawn = threading.Condition(self._lock)

    def tick(self, session: str) -> int:
        """Note a tick of `session`; returns how many sessions are training now."""
        with self._lock:
            now = self._clock()
            self._last[session] = now
            return self._count(now)

    def active(self) -> int:
        with self._lock:
            return self._count(self._clock())

    def _count(self, now: float) -> int:
        for session in [s for s, t in self._last.items() if now - t > ACTIVE_WINDOW]:
            del self._last[session]
        return len(self._last)

    # first charts ------------------------------------------------------------------------
    def expect_first(self, session: str) -> None:
        """`session` started training and shows no chart yet."""
        with self._lock:
            self._awaited[session] = self._clock()

    def first_drawn(self, session: str) -> None:
        """`session` drew its first chart (or left off waiting for one)."""
        with self._lock:
            if self._awaited.pop(session, None) is not None and not self._awaited:
                self._firsts_drawn.notify_all()

    def awaiting_first(self) -> int:
        """How many sessions wait for their first chart (those waiting longer than
        FIRST_CHART_WAIT are forgotten: a visitor who left never draws)."""
        with self._lock:
            return len(self._still_awaited())

    def wait_for_first_charts(self, timeout: float = FIRST_CHART_WAIT) -> None:
        """Until no session waits for its first chart, or `timeout` seconds, whichever comes
        first (the global lock is free meanwhile)."""
        with self._lock:
            self._firsts_drawn.wait_for(lambda: not self._still_awaited(), timeout)

    def _still_awaited(self) -> dict[str, float]:
        now = self._clock()
        for session in [s for s, t in self._awaited.items() if now - t > FIRST_CHART_WAIT]:
            del self._awaited[session]
        return self._awaited
