"""A tick waits for its messages to leave the session's queue, and for the event loop to have
handled its start, before going on (ui.delivery), against a real ForwardMsgQueue and a real
event loop in a thread of its own, as on a server; outside a server it waits for nothing."""
import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui import delivery


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


@pytest.fixture
def served(monkeypatch, loop):
    """A session as the server has it: its queue of messages and its event loop."""
    session = SimpleNamespace(_browser_queue=ForwardMsgQueue(), _event_loop=loop)
    monkeypatch.setattr(delivery, "_app_session", lambda: session)
    return session


def a_delta() -> ForwardMsg:
    message = ForwardMsg()
    message.delta.new_element.markdown.body = "epoch 3"
    message.metadata.delta_path[:] = [0, 1]
    return message


def test_outside_a_server_nothing_is_waited_for():
    started = time.monotonic()
    assert delivery.until_delivered(timeout=1.0) is False
    assert delivery.with_delivery_in_order(timeout=1.0) is False
    assert time.monotonic() - started < 0.5


def test_a_tick_ends_only_once_its_messages_were_taken_for_sending(served):
    served._browser_queue.enqueue(a_delta())
    taken = []
    flusher = threading.Timer(0.2, lambda: taken.append(served._browser_queue.flush()))
    flusher.start()
    assert delivery.until_delivered(timeout=5.0) is True
    assert len(taken) == 1 and len(taken[0]) == 1   # returned after the flush, not before
    flusher.join()


def test_a_queue_never_emptied_gives_up_after_the_bound(served):
    served._browser_queue.enqueue(a_delta())
    started = time.monotonic()
    assert delivery.until_delivered(timeout=0.3) is False
    assert 0.3 <= time.monotonic() - started < 2.0


def test_a_tick_goes_on_only_after_the_event_loop_handled_what_was_asked_of_it_before(
        served, loop):
    handled = []
    loop.call_soon_threadsafe(lambda: (time.sleep(0.2), handled.append("the run's start")))
    assert delivery.with_delivery_in_order(timeout=5.0) is True
    assert handled == ["the run's start"]
