"""Where the runs of a sweep execute. Every backend has the same four steps:

    backend.start(runs)        # runs: [(index, config dict)]; nothing runs before this
    backend.collect(timeout)   # [(index, summary)] finished since the last call
    backend.stop()             # cancel what is left: afterwards no worker is running
    backend.close()            # all runs collected: release the workers

Building a backend only checks its arguments, so a bad one is refused before anything starts.
Every backend cuts the runs into chunks of compatible runs (`chunks.make_chunks`) that a
worker trains as stacked groups. `InProcess` trains them in the caller's thread, an epoch at
a time (no pool: simple, deterministic, and a cancel waits at most one epoch); `LocalPool`
uses worker processes on this machine, one chunk per worker; `DaskCluster` (in
dask_backend.py) sends chunks to a Dask scheduler.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
import types
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

from .. import limits
from ..checks import check_range
from . import worker
from .chunks import make_chunks
from .outcomes import run_failed, take_results

BACKENDS = ("local", "dask")
JOIN_SECONDS = 5.0  # how long stop() waits for a terminated worker to exit
# Below this much work (Σ epochs × samples; 36 runs of 100 epochs on 1,000 samples are 3.6e6)
# a local sweep with the default worker count trains in process: starting worker processes
# would cost more than the second core saves.
IN_PROCESS_WORK = 1_000_000
# Until this process has started the fork server, the first local sweep also pays for the
# server's import of the engine (~1.5 s of CPU, more wall time on a busy machine): the default
# worker count then trains in process below this much work (36 runs of 100 epochs on 1,000
# samples take ~3 s in process, the import and half of that on two workers about as long).
COLD_IN_PROCESS_WORK = 5_000_000
_fork_server_started = False  # whether this process has started (or asked for) the server


def available_cores() -> int:
    """Cores this process may use (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def max_local_workers() -> int:
    """The most worker processes a local sweep may use here: every core, up to the server's
    cap LIMITS.max_sweep_workers (each worker holds its own copy of the engine in memory)."""
    return min(available_cores(), limits.LIMITS.max_sweep_workers)


def make_backend(name: str = "local", workers: int | None = None, scheduler: str | None = None,
                 work: int | None = None):
    """The backend a sweep asked for; ValueError for an unknown name or bad arguments.
    Local workers: None means max_local_workers(), or in process when the sweep's `work`
    (Σ epochs × samples, if given) is below IN_PROCESS_WORK (COLD_IN_PROCESS_WORK before the
    fork server has been started); more than the cap is refused."""
    if name == "local":
        count = _checked_workers(workers)
        least = IN_PROCESS_WORK if _fork_server_started else COLD_IN_PROCESS_WORK
        if workers is None and work is not None and work < least:
            count = 1
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


class InProcess:
    """Trains the chunks one after the other in the calling thread. Each `collect` call
    either starts the next chunk (builds its data and models) or trains epochs of the
    current one until a run ends or `timeout` seconds have passed, so a caller that polls
    stays responsive and a cancel waits at most one epoch of one group."""

    def __init__(self):
        self._chunks: list[list[tuple[int, dict]]] = []
        self._current: worker.ChunkTraining | None = None
        self._indices: list[int] = []

    def start(self, runs: list[tuple[int, dict]]) -> None:
        self._chunks = make_chunks(runs, pieces=1)

    def collect(self, timeout: float = 0.0) -> list[tuple[int, dict]]:
        try:
            if self._current is None:
                return self._start_chunk() if self._chunks else []
            return self._train(time.monotonic() + timeout)
        except Exception as error:
            raise run_failed(self._indices, error) from error

    def _start_chunk(self) -> list[tuple[int, dict]]:
        chunk = self._chunks.pop(0)
        self._indices = [index for index, _ in chunk]
        self._current = worker.ChunkTraining(chunk)
        return []

    def _train(self, deadline: float) -> list[tuple[int, dict]]:
        finished: list[tuple[int, dict]] = []
        while not finished:
            finished = self._current.step()
            if self._current.done:
                self._current = None
                break
            if time.monotonic() >= deadline:
                break
        return finished

    def stop(self) -> None:
        self._chunks, self._current = [], None

    def close(self) -> None:
        self.stop()


class LocalPool:
    """Worker processes on this machine. They come from a fork server (a clean process that
    has imported regcore once), not from forking the caller: forking a process that runs
    threads, as a Streamlit server does, can deadlock the child."""

    def __init__(self, workers: int):
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._futures: dict[Future, int] = {}

    def start(self, runs: list[tuple[int, dict]]) -> None:
        chunks = make_chunks(runs, pieces=self.workers)
        self._executor = ProcessPoolExecutor(max_workers=min(self.workers, len(chunks)),
                                             mp_context=worker_context())
        with main_script_hidden():  # the workers start during the first submits
            self._futures = {
                self._executor.submit(worker.RUN_CONFIGS, [config for _, config in chunk]):
                    [index for index, _ in chunk]
                for chunk in chunks}

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
        if hasattr(executor, "terminate_workers"):  # Python 3.14 and later
            executor.terminate_workers()
            return
        # Before 3.14 ProcessPoolExecutor has no public way to end a busy worker, and its
        # workers are children of the fork server, so multiprocessing.active_children()
        # does not list them: the executor's own table is the only place they are named.
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
def main_script_hidden():
    """A new worker process runs the parent's __main__ script again unless it is hidden
    while the worker starts. Under Streamlit __main__ is the page being shown, which must not
    run in a worker; a plain script calling sweep() then needs no `if __name__` guard either.
    multiprocessing offers no public switch for this: a worker's preparation data always
    name the main script of sys.modules["__main__"], so a stand-in is put there while the
    workers start. Restores __main__ only if no other thread has replaced it meanwhile."""
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
        worker_context()
        from multiprocessing import forkserver
        forkserver.ensure_running()


def worker_context():
    """forkserver where the platform has it (Linux, macOS), else spawn (Windows)."""
    global _fork_server_started
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.preload"])
        _fork_server_started = True  # by the caller, at once
        return context
    return multiprocessing.get_context("spawn")
