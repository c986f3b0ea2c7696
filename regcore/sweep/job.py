"""Running a sweep: `SweepJob` (start, poll, cancel) and the two ways to use it —
`iter_sweep` yields rows as runs finish, `sweep` returns the whole table.

Every run is seeded from its own config, so the numbers do not depend on the backend, the
number of workers or the order in which runs finish; `sweep` orders its rows by grid point,
then seed.
"""
from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import closing

import pandas as pd

from ..config import Config
from .backends import make_backend
from .grid import SweepPlan, plan_sweep
from .progress import time_left
from .results import make_row, results_frame

POLL_SECONDS = 0.2  # how often a waiting consumer looks at a cancel request


class SweepJob:
    """A sweep in progress. Create it with `start_sweep`; call `poll()` while `running`;
    `cancel()` ends it early, leaving no worker running. `state` is "running", "finished",
    "cancelled" or "failed" (a worker could not run a config: poll raised RuntimeError)."""

    def __init__(self, plan: SweepPlan, backend):
        self.plan = plan
        self.rows: list[dict] = []
        self.state = "running"
        self._backend = backend
        self._started = time.perf_counter()
        self._ended: float | None = None
        backend.start(longest_first(plan))
        # If the job is dropped without being finished or cancelled (a closed browser tab),
        # its workers are stopped when it is garbage collected or the interpreter exits.
        self._release = weakref.finalize(self, backend.stop)

    @property
    def total(self) -> int:
        return self.plan.total

    @property
    def done(self) -> int:
        return len(self.rows)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def elapsed(self) -> float:
        end = time.perf_counter() if self._ended is None else self._ended
        return end - self._started

    @property
    def time_left(self) -> float | None:
        return time_left(self.done, self.total, self.elapsed)

    def poll(self, timeout: float = 0.0) -> list[dict]:
        """Rows of the runs finished since the last call, waiting up to `timeout` seconds
        for one (the in-process backend runs one config per call instead)."""
        if not self.running:
            return []
        try:
            finished = self._backend.collect(timeout)
        except BaseException:
            self._end("failed", self._backend.stop)
            raise
        new_rows = [make_row(self.plan, index, summary) for index, summary in finished]
        self.rows.extend(new_rows)
        if self.done == self.total:
            self._end("finished", self._backend.close)
        return new_rows

    def cancel(self) -> None:
        """Stop now: runs not started are dropped and running workers are ended."""
        if self.running:
            self._end("cancelled", self._backend.stop)

    def results(self) -> pd.DataFrame:
        """The rows so far, ordered by grid point, then seed."""
        return results_frame(self.plan, self.rows)

    def _end(self, state: str, release) -> None:
        self.state, self._ended = state, time.perf_counter()
        self._release.detach()
        release()


def longest_first(plan: SweepPlan) -> list[tuple[int, dict]]:
    """(run index, config as a dict) of every run, the longest first by an estimate of its
    length, epochs × n_samples (equal estimates keep the plan's order).
    In plan order a grid over epochs or samples would start its longest runs last, and one
    worker would finish them while the others idle."""
    runs = sorted(plan.runs(), key=lambda run: -run[3].epochs * run[3].n_samples)
    return [(index, config.to_dict()) for index, _, _, config in runs]


def start_sweep(base: Config, grid: Mapping[str, list], seeds: int | list[int] = 3,
                backend: str = "local", workers: int | None = None,
                scheduler: str | None = None) -> SweepJob:
    """Check the sweep and the backend (ValueError before anything starts), then start it."""
    plan = plan_sweep(base, grid, seeds)
    return SweepJob(plan, make_backend(backend, workers, scheduler, plan.work))


def iter_sweep(base: Config, grid: Mapping[str, list], seeds: int | list[int] = 3,
               backend: str = "local", workers: int | None = None,
               scheduler: str | None = None,
               cancel: threading.Event | None = None) -> Iterator[dict]:
    """Rows (dicts with the columns of `sweep`) in the order runs finish. The sweep and
    backend are checked at the call; runs start at the first next(). Setting `cancel`, or
    closing the generator, stops the sweep and its workers."""
    plan = plan_sweep(base, grid, seeds)
    chosen = make_backend(backend, workers, scheduler, plan.work)
    return _rows_of(plan, chosen, cancel or threading.Event())


def _rows_of(plan: SweepPlan, backend, cancel: threading.Event) -> Iterator[dict]:
    job = SweepJob(plan, backend)
    try:
        while job.running and not cancel.is_set():
            yield from job.poll(POLL_SECONDS)
    finally:
        job.cancel()


def sweep(base: Config, grid: Mapping[str, list], seeds: int | list[int] = 3,
          backend: str = "local", workers: int | None = None,
          scheduler: str | None = None) -> pd.DataFrame:
    """Train `base` changed by every combination of `grid` values, once per seed.

    grid: Config field → list of values, e.g. {"penalty_strength": [1e-4, 1e-3],
    "dropout": [0.0, 0.3]}. seeds: a count n (seeds base.seed … base.seed+n−1, which
    change the data, the split, the initial weights and the dropout masks) or a list.
    backend "local": worker processes on this machine (workers=None: every core, up to
    LIMITS.max_sweep_workers, or in this process for a sweep too small to pay for starting
    processes; workers=1: in this process, no pool); "dask": a Dask cluster at `scheduler`
    or $REGLAB_DASK_SCHEDULER. Compatible runs train together as stacked groups.

    Returns one row per (grid point, seed), ordered that way: point, the grid keys, seed,
    the `regcore.summarize` columns (status, best_val_loss, final_train_loss,
    final_val_loss, final_train_acc, final_val_acc, gap, sparsity, time, …) and message.
    """
    plan = plan_sweep(base, grid, seeds)
    chosen = make_backend(backend, workers, scheduler, plan.work)
    with closing(_rows_of(plan, chosen, threading.Event())) as rows:
        return results_frame(plan, list(rows))
