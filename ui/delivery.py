"""Keep a live fragment's charts from being lost on the way to the browser in a full room.

A session's script thread puts its messages in the session's queue; the server's event loop
takes them out and sends them, every session in turn. When a fragment run starts, Streamlit
clears that fragment's messages still in the queue (they would be outdated), from the event
loop. In a full room the event loop falls behind the thirty script threads, and two things
go wrong: a tick that ended is followed at once by the next (`run_every` requests queue up
while a tick waits for its turn), whose start discards the first tick's charts before they
were sent; and the start's clearing can run after the new tick has queued its own first
messages, discarding those too. Measured with 30 visitors: about one tick in six lost some
of its messages, and a few visitors saw their first chart seconds late.

    with_delivery_in_order()   # at a tick's start: the start's clearing has been done
    ...                        # the tick's work and drawing
    until_delivered()          # at its end: its messages have left the queue

Both wait without holding the GIL and give up after a bound (a closed tab never empties its
queue). Outside a served app (AppTest, bare mode) there is no queue to wait for and both
return at once. They read the session's queue and event loop through Streamlit's runtime,
whose attributes are not public API: if a Streamlit release renames them, both return at once
and the app works as before.
"""
from __future__ import annotations

import threading
import time

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

START_WAIT = 0.5      # seconds a tick waits at most for its start to be handled
DELIVERY_WAIT = 2.0   # seconds a tick waits at most for its messages to leave the queue
FIRST_POLL = 0.01     # seconds between looks at the queue, doubling up to LAST_POLL
LAST_POLL = 0.08


def with_delivery_in_order(timeout: float = START_WAIT) -> bool:
    """Wait until the event loop has handled everything the session asked of it so far (the
    start of this run among it), so nothing queued from here on is cleared by it. Returns
    whether it did within `timeout` seconds (False without a served session)."""
    session = _app_session()
    if session is None:
        return False
    handled = threading.Event()
    try:
        session._event_loop.call_soon_threadsafe(handled.set)
    except (AttributeError, RuntimeError):  # renamed, or the loop is closed
        return False
    return handled.wait(timeout)


def until_delivered(timeout: float = DELIVERY_WAIT) -> bool:
    """Wait until the session's queue is empty: its messages were taken for sending, so the
    next run's start cannot discard them. Looks every FIRST_POLL seconds, doubling up to
    LAST_POLL (thirty waiting sessions must not keep the GIL busy). Returns whether the
    queue emptied within `timeout` seconds (False without a served session)."""
    queue = getattr(_app_session(), "_browser_queue", None)
    if queue is None:
        return False
    deadline, pause = time.monotonic() + timeout, FIRST_POLL
    while not queue.is_empty():
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(2 * pause, LAST_POLL)
    return True


def _app_session():
    """This script thread's AppSession on the running server, or None (bare mode, AppTest,
    or a Streamlit whose runtime no longer has these attributes)."""
    context = get_script_run_ctx(suppress_warning=True)
    if context is None or not Runtime.exists():
        return None
    try:
        info = Runtime.instance()._session_mgr.get_active_session_info(context.session_id)
    except AttributeError:
        return None
    return None if info is None else info.session
