"""A room on one server: N visitors open the lab and press Train at the same moment.

    result = asyncio.run(run_room(server, visitors=8, mode="distinct"))

Modes: "distinct" — every visitor opens a link to the default comparison with its own data
seed (N different trainings); "same" — every visitor opens the lab as it is (N identical
trainings of the default preset).

Before the room, one visitor opens the lab with a seed no one else uses, trains, and leaves:
the server has then imported everything and drawn every chart once, as after the presenter's
own try, without having computed anything a visitor will ask for.

Measured from the click (the moment every Train press is sent):
- first chart: when the first Plotly chart of the visitor's training arrives;
- finish: when the full-page run that says "Finished" has ended (the lab reruns the whole
  page once when every run is done);
- chart updates: the script runs that delivered at least one chart, from the click to the
  finish; per second of that time; and the epochs each run trained per update (from the
  progress' "epoch i of n");
- bytes per update: what the websocket brought the visitor from the click to the finish (every
  message as sent, cached ones as their short references), per chart update;
- trained: the share of all epochs done at the finish, or when the room stopped waiting
  (--timeout) — how far unfinished visitors got;
  these three count what reached the visitor: Streamlit drops a run's unsent messages when the
  next run starts, so an overloaded server computes more than its visitors see;
- server CPU: user + system time of the server process and its training processes from the
  click until the last visitor finished, per visitor (and while the visitors loaded the page,
  per visitor); of which the server process alone (it runs every page and draws every chart);
- peak memory: the server's VmHWM (the kernel's record of its largest resident size); and the
  largest memory of the server with its fork server and training processes, each shared page
  counted once (their summed Pss, sampled every PSS_SECONDS from the click to the finish:
  reading it walks the processes' page tables, which costs the visitors' core);
- clients' CPU: this process's CPU time over the same span, as a share of its wall time — well
  below 1 means the visitors waited for the server, not the other way round;
- exceptions: exception elements any visitor received, plus tracebacks in the server's log.
"""
from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from ui.keys import LIVE_KEY, live_key
from ui.presets import DEFAULT_PRESET, PRESETS
from ui.urlcodec import lab_query

from . import proc
from .server import Server
from .visitor import Record, Visitor

TRAIN = live_key(LIVE_KEY, "train")
FINISHED = "Finished"          # the lab's state line once every run is done (ui.live)
PROGRESS = re.compile(r"epoch (\d+) of (\d+)")  # each run's progress (ui.progress)
MODES = ("distinct", "same")
WARM_UP_SEED = 99
FIRST_SEED = 100               # visitor k of a "distinct" room trains on seed FIRST_SEED + k
SAMPLE_SECONDS = 0.1
PSS_SECONDS = 1.0


@dataclass
class VisitorResult:
    first_chart: float | None  # seconds after the click
    finish: float | None
    updates: int
    updates_per_second: float | None
    epochs_per_update: float | None
    trained: float             # share of the runs' epochs done (1.0 at the finish)
    kilobytes_per_update: float | None
    megabytes: float
    exceptions: list[str]
    errors: list[str]          # failures of the client, not of the app


@dataclass
class RoomResult:
    mode: str
    visitors: int
    results: list[VisitorResult]
    load_cpu_per_visitor: float
    train_cpu_per_visitor: float     # the server process and its training processes
    main_cpu_per_visitor: float      # the server process alone
    span: float                # seconds from the click to the last finish (or the timeout)
    server_core_share: float   # server CPU over the span / span
    client_cpu_share: float
    peak_mb: float             # the server process's VmHWM
    peak_family_mb: float      # the sampled peak of its family's summed Pss
    rss_before_mb: float
    server_errors: list[str]   # the last line of every traceback in the server's log
    # A workshop room (benchmarks.workshop): what the presenter's view showed.
    posts: int | None = None                 # results the room counted
    all_posts_shown: float | None = None     # seconds after the click it counted every one
    presenter_exceptions: list[str] = field(default_factory=list)
    presenter_errors: list[str] = field(default_factory=list)    # failures of its client

    @property
    def all_finished(self) -> bool:
        return all(result.finish is not None for result in self.results)

    @property
    def ok(self) -> bool:
        """Every visitor finished, no exception, no failure of a client; in a workshop room,
        the presenter's view counted every visitor's result."""
        return self.all_finished and not self.exceptions and \
            not any(result.errors for result in self.results) and \
            not self.presenter_errors and self.posts in (None, self.visitors)

    @property
    def exceptions(self) -> int:
        return sum(len(result.exceptions) for result in self.results) + \
            len(self.server_errors) + len(self.presenter_exceptions)

    def summary(self) -> dict:
        """Medians and extremes over the visitors, with the room's own figures."""
        firsts = [r.first_chart for r in self.results if r.first_chart is not None]
        finishes = [r.finish for r in self.results if r.finish is not None]
        rates = [r.updates_per_second for r in self.results if r.updates_per_second]
        return {
            "mode": self.mode, "visitors": self.visitors,
            "finished": len(finishes),
            "first_chart_median_s": _median(firsts), "first_chart_max_s": _max(firsts),
            "finish_median_s": _median(finishes), "finish_max_s": _max(finishes),
            "updates_per_s_median": _median(rates), "updates_per_s_min": _min(rates),
            "epochs_per_update_median": _median([r.epochs_per_update for r in self.results
                                                 if r.epochs_per_update]),
            "trained_median": _median([r.trained for r in self.results]),
            "kilobytes_per_update_median": _median([r.kilobytes_per_update for r in self.results
                                                    if r.kilobytes_per_update]),
            "server_cpu_per_visitor_s": self.train_cpu_per_visitor,
            "main_cpu_per_visitor_s": self.main_cpu_per_visitor,
            "load_cpu_per_visitor_s": self.load_cpu_per_visitor,
            "server_core_share": self.server_core_share,
            "client_cpu_share": self.client_cpu_share,
            "peak_mb": self.peak_mb, "peak_family_mb": self.peak_family_mb,
            "rss_before_mb": self.rss_before_mb,
            "megabytes_per_visitor": _median([r.megabytes for r in self.results]),
            "exceptions": self.exceptions, "server_errors": self.server_errors,
            "client_errors": sum(len(result.errors) for result in self.results),
            "posts": self.posts, "all_posts_shown_s": self.all_posts_shown,
            "presenter_exceptions": self.presenter_exceptions,
            "presenter_errors": self.presenter_errors,
        }

    def as_dict(self) -> dict:
        return {**self.summary(), "per_visitor": [asdict(r) for r in self.results]}


def query_string(mode: str, index: int) -> str:
    """The query string visitor `index` opens the lab with."""
    if mode == "same":
        return ""
    configs = [config.replace(seed=FIRST_SEED + index) for config in PRESETS[DEFAULT_PRESET]]
    return urlencode(lab_query(configs))


async def warm_up(server: Server, timeout: float) -> None:
    """One visitor trains on a seed no one else uses, then leaves."""
    configs = [config.replace(seed=WARM_UP_SEED) for config in PRESETS[DEFAULT_PRESET]]
    visitor = Visitor(server.url, urlencode(lab_query(configs)))
    await visitor.open(timeout)
    clicked = time.monotonic()
    await visitor.press(TRAIN)
    await until(lambda: finish_time(visitor.record, clicked) is not None, timeout)
    await visitor.close()


async def run_room(server: Server, visitors: int, mode: str, timeout: float = 300.0,
                   warm: bool = True) -> RoomResult:
    """Open `visitors` sessions, press Train in all at once, wait until all finished."""
    if warm:
        await warm_up(server, timeout)
    room = [Visitor(server.url, query_string(mode, index)) for index in range(visitors)]
    result, _ = await measured(server, mode, room, lambda visitor, _: visitor.open(timeout),
                               lambda visitor, _: visitor.press(TRAIN), timeout)
    return result


async def measured(server: Server, mode: str, room: list[Visitor], load, press,
                   timeout: float, done_text: str = FINISHED) -> tuple[RoomResult, float]:
    """Load every visitor (`await load(visitor, index)`, its server CPU counted as the page
    load), then press in all at once (`await press(visitor, index)`) and wait until every
    visitor's page says `done_text` in a full run; the visitors leave. Returns the room's
    figures and the moment of the click."""
    cpu_before_load = proc.family_cpu_seconds(server.pid)
    await asyncio.gather(*(load(visitor, index) for index, visitor in enumerate(room)))
    rss_before = proc.rss_mb(server.pid)
    cpu_at_click, client_at_click = proc.family_cpu_seconds(server.pid), _own_cpu()
    main_at_click = proc.cpu_seconds(server.pid)
    clicked = time.monotonic()
    await asyncio.gather(*(press(visitor, index) for index, visitor in enumerate(room)))
    family_peak = FamilyPeak(server.pid)

    def done() -> bool:
        family_peak.sample()
        return all(finish_time(v.record, clicked, done_text) is not None for v in room)

    await until(done, timeout)
    stopped = time.monotonic()
    span = stopped - clicked
    train_cpu = proc.family_cpu_seconds(server.pid) - cpu_at_click
    main_cpu = proc.cpu_seconds(server.pid) - main_at_click
    client_cpu = _own_cpu() - client_at_click
    results = [visitor_result(visitor.record, clicked, stopped, done_text) for visitor in room]
    await asyncio.gather(*(visitor.close() for visitor in room))
    visitors = len(room)
    return RoomResult(
        mode=mode, visitors=visitors, results=results,
        load_cpu_per_visitor=(cpu_at_click - cpu_before_load) / visitors,
        train_cpu_per_visitor=train_cpu / visitors, main_cpu_per_visitor=main_cpu / visitors,
        span=span,
        server_core_share=train_cpu / span, client_cpu_share=client_cpu / span,
        peak_mb=proc.peak_rss_mb(server.pid), peak_family_mb=family_peak.mb,
        rss_before_mb=rss_before,
        server_errors=server_errors(server.log_text())), clicked


class FamilyPeak:
    """The largest summed Pss of a server's family seen by `sample()` (read at most every
    PSS_SECONDS)."""

    def __init__(self, pid: int):
        self.pid, self.mb, self._read_at = pid, 0.0, -PSS_SECONDS

    def sample(self) -> None:
        if time.monotonic() - self._read_at >= PSS_SECONDS:
            self._read_at = time.monotonic()
            self.mb = max(self.mb, proc.family_pss_mb(self.pid))


def server_errors(log: str) -> list[str]:
    """The exception line that ends each traceback in a server log."""
    errors, in_traceback = [], False
    for line in log.splitlines():
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and line and not line[0].isspace() and \
                not line.startswith("During handling"):
            errors.append(line)
            in_traceback = False
    return errors


def finish_time(record: Record, clicked: float, done_text: str = FINISHED) -> float | None:
    """When the first full-page run after `clicked` that says `done_text` ended, if it did."""
    for run in record.runs:
        if run.started >= clicked and not run.fragments and run.finished is not None \
                and any(done_text in text for text in run.texts):
            return run.finished
    return None


def visitor_result(record: Record, clicked: float, stopped: float,
                   done_text: str = FINISHED) -> VisitorResult:
    """The visitor's figures from the click to its finish (or to `stopped`, unfinished)."""
    finished = finish_time(record, clicked, done_text)
    end = finished if finished is not None else stopped
    runs = [run for run in record.runs if clicked <= run.started <= end]
    charts = [time_ for run in runs for time_ in run.charts]
    updates = sum(1 for run in runs if run.charts)
    epochs, totals = _progress(runs)
    mean_epochs = sum(epochs) / len(epochs) if epochs else 0
    return VisitorResult(
        first_chart=min(charts) - clicked if charts else None,
        finish=None if finished is None else finished - clicked,
        updates=updates, updates_per_second=updates / (end - clicked),
        epochs_per_update=mean_epochs / updates if updates else None,
        trained=sum(epochs) / sum(totals) if totals else 0.0,
        kilobytes_per_update=sum(run.bytes for run in runs) / 1e3 / updates if updates else None,
        megabytes=record.bytes_received / 1e6, exceptions=list(record.exceptions),
        errors=list(record.errors))


def _progress(runs) -> tuple[list[int], list[int]]:
    """(epochs done, epochs in all) of each training run, from the last progress bars seen."""
    for run in reversed(runs):
        bars = [PROGRESS.fullmatch(text) for text in run.texts]
        bars = [(int(bar[1]), int(bar[2])) for bar in bars if bar]
        if bars:
            return [done for done, _ in bars], [total for _, total in bars]
    return [], []


async def until(condition, timeout: float) -> None:
    """Wait until `condition()` holds or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(SAMPLE_SECONDS)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _median(values):
    return statistics.median(values) if values else None


def _max(values):
    return max(values) if values else None


def _min(values):
    return min(values) if values else None
