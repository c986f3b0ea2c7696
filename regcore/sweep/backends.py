"""Where the runs of a sweep execute. Every backend has the same four steps:

    backend.start(runs)        # runs: [(index, config dict)]; nothing runs before this
    backend.collect(timeout)   # [(index, summary)] finished since the last call
    backend.stop()             # cancel what is left: afterwards no worker is running
    backend.close()            # all runs collected: release the workers

Building a backend only checks its arguments, so a bad one is refused before anything starts.
`InProcess` runs one config per `collect` call in the caller's thread (no pool: simple and
deterministic); `LocalPool` uses worker processes on this machine; `DaskCluster` (in
dask_backend.py) sends the runs to a Dask scheduler.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import types
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

from .. import limits
from ..checks import check_range
from . import worker

BACKENDS = ("local", "dask")
JOIN_SECONDS = 5.0  # how long stop() waits for a terminated worker to exit


def available_cores() -> int:
    """Cores this process may use (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def max_local_workers() -> int:
    """The most worker processes a local sweep may use here: every core, up to the server's
    cap LIMITS.max_sweep_workers (each worker holds its own copy of the engine in memory)."""
    return min(available_cores(), limits.LIMITS.max_sweep_workers)


def make_backend(name: str = "local", workers: int | None = None, scheduler: str | None = None):
    """The backend a sweep asked for; ValueError for an unknown name or bad arguments.
    Local workers: None means max_local_workers(); more than the cap is refused."""
    if name == "local":
        count = _checked_workers(workers)
        return InProcess() if count == 1 else LocalPool(count)
    if name == "dask":
        from .dask_backend import DaskCluster  # imports dask only when asked for
        return DaskCluster(scheduler)
    raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")


def _checked_workers(workers) -> int:
    if workers is None:
        return max_local_workers()
    check_range("workers", workers, 1, limits.LIMITS.max_sweep_workers, integer=True,
                hint=f"None: every core up to the cap; "
                     f"{limits.how_to_raise('max_sweep_workers')}")
    return workers


def run_failed(index: int, error: BaseException) -> RuntimeError:
    """The error a sweep raises when a worker could not run a config at all."""
    return RuntimeError(f"run {index} failed on a worker: {type(error).__name__}: {error}")


def take_results(done, futures: dict) -> list[tuple[int, dict]]:
    """(run index, summary) of each finished future in `done`, removed from `futures`
    (future → run index); a future that failed stops the sweep with run_failed."""
    finished = []
    for future in done:
        index = futures.pop(future)
        try:
            finished.append((index, future.result()))
        except Exception as error:
            raise run_failed(index, error) from error
    return finished


class InProcess:
    """Runs the configs one at a time in the calling thread, one per `collect` call."""

    def __init__(self):
        self._queue: list[tuple[int, dict]] = []

    def start(self, runs: list[tuple[int, dict]]) -> None:
        self._queue = list(runs)

    def collect(self, timeout: float = 0.0) -> list[tuple[int, dict]]:
        if not self._queue:
            return []
        index, config = self._queue.pop(0)
        try:
            return [(index, worker.run_config(config))]
        except Exception as error:
            raise run_failed(index, error) from error

    def stop(self) -> None:
        self._queue.clear()

    def close(self) -> None:
        self._queue.clear()


class LocalPool:
    """Worker processes on this machine. They come from a fork server (a clean process that
    has imported regcore once), not from forking the caller: forking a process that runs
    threads, as a Streamlit server does, can deadlock the child."""

    def __init__(self, workers: int):
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._futures: dict[Future, int] = {}

    def start(self, runs: list[tuple[int, dict]]) -> None:
        self._executor = ProcessPoolExecutor(max_workers=min(self.workers, len(runs)),
                                             mp_context=_worker_context())
        with _main_script_hidden():  # the workers start during the first submits
            self._futures = {self._executor.submit(worker.RUN_CONFIG, config): index
                             for index, config in runs}

    def collect(self, timeout: float = 0.0) -> list[tuple[int, dict]]:
        if not self._futures:
            return []
        done, _ = wait(self._futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return take_results(done, self._futures)

    def stop(self) -> None:
        """Cancel the runs not started and end the running workers now: a worker cannot be
        interrupted mid-run any other way, and a cancelled sweep must not keep cores busy."""
        if self._executor is None:
            return
        executor, self._executor = self._executor, None
        self._futures.clear()
        # ProcessPoolExecutor has no public way to end a busy worker before Python 3.14.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(JOIN_SECONDS)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


@contextmanager
def _main_script_hidden():
    """A new worker process runs the parent's __main__ script again unless it is hidden
    while the worker starts. Under Streamlit __main__ is the page being shown, which must not
    run in a worker; a plain script calling sweep() then needs no `if __name__` guard either.
    Restores __main__ only if no other thread has replaced it meanwhile."""
    original = sys.modules.get("__main__")
    stand_in = types.ModuleType("__main__")
    sys.modules["__main__"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("__main__") is stand_in:
            sys.modules["__main__"] = original


def prepare_workers() -> None:
    """Start the fork server now, so that it imports regcore while the user is still choosing
    settings and the first local sweep's workers start at once (a page calls this on load;
    it returns at once and does nothing if the server already runs)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        _worker_context()
        from multiprocessing import forkserver
        forkserver.ensure_running()


def _worker_context():
    """forkserver where the platform has it (Linux, macOS), else spawn (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([worker.__name__])
        return context
    return multiprocessing.get_context("spawn")
