"""One visitor of a Streamlit app, speaking the browser's side of Streamlit's websocket protocol
(the `streamlit.proto` messages on `/_stcore/stream`) instead of running a browser.

What it does, as the browser's frontend does it:
- opens the page: GETs `/` and the health and host-config endpoints (not the scripts and styles
  the page loads, which a browser caches), connects the websocket and sends a `rerun_script`
  BackMsg with the URL's query string;
- remembers the page's script hash (the page st.navigation ran, else NewSession's) and the
  query string the app writes (PageInfo), and sends them with every later rerun;
- keeps the ForwardMsg cache: a message marked cacheable is kept under its hash, its hash is
  listed in `cached_message_hashes` of every rerun, a `ref_hash` message is replaced by the
  cached one, and a message unused for `maxCachedMessageAge` runs is dropped;
- presses a button: a `rerun_script` whose widget states hold the button's trigger, and the
  values of the widgets changed with it (a form's fields on its submit button, a slider moved
  before the press);
- reruns fragments on the timers the server asks for: an AutoRerun message starts a timer
  sending `rerun_script` with the fragment's id every `interval` seconds, whether or not the
  previous run has finished; StopAutoRerun or a full run of the page stops it.
Unlike a browser it sends no widget values of its own (the server keeps every widget at the
value the script gave it) and never renders anything.

It records when things arrive, for the load benchmark: every chart (Plotly element), the text
of every text element, code block and metric ("label: value"), each run's "epoch i of n" in
the live bar's progress (an HTML element), exceptions and the end of every script run, each
with its time.
"""
from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FINISHED_EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
PAGE_PATHS = ("/", "/_stcore/health", "/_stcore/host-config")
EPOCHS = re.compile(r"epoch \d+ of \d+")  # a run's progress in the live bar (ui.progress)


@dataclass
class ScriptRun:
    """What one script run (the whole page or fragments of it) delivered to the visitor."""

    fragments: tuple[str, ...]   # empty for a run of the whole page
    started: float
    finished: float | None = None
    charts: list[float] = field(default_factory=list)   # when each chart arrived
    texts: list[str] = field(default_factory=list)
    bytes: int = 0               # of the websocket messages that arrived during this run


@dataclass
class Record:
    """Everything a visitor saw, with times from time.monotonic()."""

    runs: list[ScriptRun] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)   # exception elements of the app
    errors: list[str] = field(default_factory=list)       # failures of this client
    bytes_received: int = 0
    messages: int = 0
    reruns_sent: int = 0


class Visitor:
    """A browser tab on `url` (http://host:port) opened with `query_string` on the page whose
    address is `page` ("" for the app's default page, "Room" for /Room)."""

    def __init__(self, url: str, query_string: str = "", page: str = ""):
        self.url = url
        self.query_string = query_string
        self.page = page
        self.record = Record()
        self.widget_ids: dict[str, str] = {}     # element id suffix (user key) -> widget id
        self._page_hash = ""
        self._max_age = 2
        self._cache: dict[str, tuple[bytes, int, str]] = {}  # hash -> (message, run, fragment)
        self._run_count = 0
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._run_ended = asyncio.Event()
        self._leaving = False

    # --- the visitor's actions -----------------------------------------------------------------
    async def open(self, timeout: float = 60.0) -> None:
        """Load the page and wait until its first run has finished."""
        await asyncio.to_thread(_get_page, self.url)
        ws_url = "ws" + self.url.removeprefix("http") + "/_stcore/stream"
        self._socket = await connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                     compression=None)
        self._reader = asyncio.create_task(self._read())
        self._run_ended.clear()
        await self._rerun()
        await self.wait_for_full_run(timeout)

    async def press(self, key: str, values: dict[str, tuple[str, object]] | None = None) -> None:
        """Click the button whose user key is `key`, as the browser does, sending with it the
        `values` of other widgets: user key → (WidgetState field, value), e.g.
        {"choice": ("string_value", "B"), "rate": ("double_array_value", [0.3])}."""
        widget = self.widget_id(key)
        self._run_ended.clear()
        msg = self._rerun_msg()
        for other, (kind, value) in (values or {}).items():
            _set_state(msg.rerun_script.widget_states.widgets.add(), self.widget_id(other),
                       kind, value)
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.trigger_value = widget, True
        await self._send(msg)

    async def wait_for_full_run(self, timeout: float) -> None:
        """Wait until a run of the whole page has finished since the last press (or open)."""
        await asyncio.wait_for(self._run_ended.wait(), timeout)

    async def close(self) -> None:
        """Leave: stop the timers and close the websocket."""
        self._leaving = True
        self._stop_timers(list(self._timers))
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    def widget_id(self, key: str) -> str:
        try:
            return self.widget_ids[key]
        except KeyError:
            raise LookupError(f"no widget with the key {key!r} on the page") from None

    # --- sending -------------------------------------------------------------------------------
    def _rerun_msg(self, fragment_id: str = "", auto: bool = False) -> BackMsg:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self._page_hash
        rerun.page_name = self.page
        rerun.cached_message_hashes.extend(self._cache)
        rerun.widget_states.SetInParent()
        if fragment_id:
            rerun.fragment_id, rerun.is_auto_rerun = fragment_id, auto
        return msg

    async def _rerun(self, fragment_id: str = "", auto: bool = False) -> None:
        await self._send(self._rerun_msg(fragment_id, auto))

    async def _send(self, msg: BackMsg) -> None:
        self.record.reruns_sent += 1
        await self._socket.send(msg.SerializeToString())

    async def _tick(self, fragment_id: str, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                await self._rerun(fragment_id, auto=True)
        except ConnectionClosed:
            return  # the reader reports how the connection ended

    def _stop_timers(self, fragment_ids) -> None:
        for fragment_id in fragment_ids:
            entry = self._timers.pop(fragment_id, None)
            if entry is not None:
                entry[1].cancel()

    # --- receiving -----------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._socket:
                self.record.bytes_received += len(data)
                self.record.messages += 1
                self._handle(self._resolved(data), time.monotonic())
                if self.record.runs:
                    self.record.runs[-1].bytes += len(data)
        except Exception as error:  # reported with the results instead of lost in the task
            self.record.errors.append(repr(error))
        else:
            if not self._leaving:
                self.record.errors.append(f"the server closed the connection "
                                          f"({self._socket.close_code} {self._socket.close_reason})")

    def _resolved(self, data: bytes) -> ForwardMsg:
        """The message `data` stands for: a ref_hash message is replaced by the cached one."""
        msg = ForwardMsg.FromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            cached, _, fragment = self._cache[msg.ref_hash]
            self._cache[msg.ref_hash] = (cached, self._run_count, fragment)
            full = ForwardMsg.FromString(cached)
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            self._cache[msg.hash] = (data, self._run_count, msg.delta.fragment_id)
        return msg

    def _handle(self, msg: ForwardMsg, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._new_run(msg, now)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, now)
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(msg.stop_auto_rerun.fragment_ids)
        elif kind == "navigation":
            self._page_hash = msg.navigation.page_script_hash  # the page st.navigation runs
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            self._run_finished(msg.script_finished, now)

    def _new_run(self, msg: ForwardMsg, now: float) -> None:
        fragments = list(msg.metadata.run.fragment_ids)
        if not fragments:
            self._stop_timers(list(self._timers))  # a full run registers its timers anew
        self._page_hash = self._page_hash or msg.new_session.page_script_hash
        self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
        self.record.runs.append(ScriptRun(fragments=tuple(fragments), started=now))

    def _element(self, element, now: float) -> None:
        kind = element.WhichOneof("type")
        run = self.record.runs[-1]
        if kind == "plotly_chart":
            run.charts.append(now)
        elif kind == "exception":
            self.record.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "markdown":
            run.texts.append(element.markdown.body)
        elif kind == "html":  # the live bar's progress grid: each run's "epoch i of n"
            run.texts.extend(EPOCHS.findall(element.html.body))
        elif kind == "code":
            run.texts.append(element.code.code_text)
        elif kind == "metric":
            run.texts.append(f"{element.metric.label}: {element.metric.body}")
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if isinstance(widget_id, str) and widget_id:
            self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        current = self._timers.get(fragment_id)
        if current is not None and current[0] == interval:
            return
        self._stop_timers([fragment_id])
        self._timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id,
                                                                               interval)))

    def _run_finished(self, status: int, now: float) -> None:
        run = self.record.runs[-1] if self.record.runs else None
        if run is not None and run.finished is None:
            run.finished = now
        if status == FINISHED_EARLY_FOR_RERUN:
            return
        self._age_cache(run)
        if run is not None and not run.fragments:
            self._run_ended.set()

    def _age_cache(self, run: ScriptRun | None) -> None:
        """Drop cached messages not used for more than maxCachedMessageAge runs (a fragment's
        run ages only that fragment's messages, as in the browser)."""
        self._run_count += 1
        for hash_, (_, last_used, fragment) in list(self._cache.items()):
            if run is not None and run.fragments and fragment not in run.fragments:
                continue
            if self._run_count - last_used > self._max_age:
                del self._cache[hash_]


def _set_state(state, widget_id: str, kind: str, value) -> None:
    """Fill a WidgetState: `kind` names its value field (an *_array_value takes a list)."""
    state.id = widget_id
    if kind.endswith("_array_value"):
        getattr(state, kind).data.extend(value)
    else:
        setattr(state, kind, value)


def _get_page(url: str) -> None:
    for path in PAGE_PATHS:
        with urllib.request.urlopen(url + path, timeout=30) as reply:
            reply.read()
