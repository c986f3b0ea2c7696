"""A Lockstep that trains in a worker process, so a server's training leaves its own core
to the work only it can do (running pages, drawing charts).

    workers = TrainingWorkers(2)             # processes start now, in the background
    lockstep = workers.lockstep(configs)     # a RemoteLockstep: the interface of Lockstep
    seconds = lockstep.step(10)              # trained in a worker; its CPU seconds
    lockstep.runs()                          # Run objects, as an in-process Lockstep gives

The caller keeps a mirror of every run: a Trainer built here but never trained (the same
initial weights, weight edges and epoch-0 records, since the engine is deterministic), whose
records and weights each step brings up to date from the worker. A worker holds the real
Locksteps by number and answers one request at a time; every Lockstep stays on the worker
that opened it at its first step, chosen as the one then holding fewest. A worker's numbers
are the engine's: the same histories as training in process, bit for bit.

Workers come from the sweeps' fork server (a clean process that imported the engine), never
from forking the caller, whose threads could deadlock the child. A Lockstep the caller drops
is forgotten by its worker with the worker's next request, or at `send_forgotten()`.

A process does not give back to the system what it freed: the C allocator keeps it for later
use. A worker that trained a full room would hold the room's peak memory for the rest of its
life, so at `send_forgotten()` a worker that holds nothing and has grown by more than
RENEW_AFTER_MB since it started is replaced by a fresh one (a fork of the fork server: tens
of milliseconds).
"""
from __future__ import annotations

import itertools
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .compare import Lockstep
from .config import Config
from .datasets import Dataset
from .run import Run
from .sweep.backends import available_cores, main_script_hidden, worker_context
from .training import Trainer

WORKERS_VARIABLE = "REGLAB_TRAINING_WORKERS"
RENEW_AFTER_MB = 48.0  # an idle worker grown by more than this (resident MB) is replaced


def default_worker_count(environ: Mapping[str, str] = os.environ) -> int:
    """Training processes for a server: REGLAB_TRAINING_WORKERS if set (0: train in the server
    process), else one per usable core but the one the server keeps (`for_server`): none on a
    single core, where a worker could only take turns with the server."""
    text = environ.get(WORKERS_VARIABLE)
    if text is None:
        return available_cores() - 1
    try:
        count = int(text.strip())
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(f"{WORKERS_VARIABLE} must be an integer >= 0, got {text!r}")
    return count


# --- the worker process ------------------------------------------------------------------------
@dataclass
class RunUpdate:
    """What one run gained in a step: its new records and, after the step, its state; its
    best state only if it changed (None: the one sent before still holds)."""

    records: list[dict]
    layer_records: list[dict]
    histograms: dict
    epoch: int
    status: str
    message: str
    best_epoch: int | None
    state: dict
    best_state: dict | None


class _Held:
    """A Lockstep in the worker and, per run, what its caller has: how many records and
    layer records, the histograms' epochs, and the best state last sent (None: none yet)."""

    def __init__(self, lockstep: Lockstep):
        self.lockstep = lockstep
        self.sent = [(len(t.records), len(t.layer_records), set(t.histograms), None)
                     for t in lockstep.trainers]

    def step(self, epochs: int) -> list[RunUpdate]:
        self.lockstep.step(epochs)
        updates, sent = [], []
        for trainer, (records, layers, histograms, best) in zip(self.lockstep.trainers,
                                                                self.sent):
            new_histograms = {e: h for e, h in trainer.histograms.items() if e not in histograms}
            updates.append(RunUpdate(
                trainer.records[records:], trainer.layer_records[layers:], new_histograms,
                trainer.epoch, trainer.status, trainer.message, trainer.best_epoch,
                trainer.model.state(),
                None if trainer.best_state is best else trainer.best_state))
            sent.append((len(trainer.records), len(trainer.layer_records),
                         histograms | set(new_histograms), trainer.best_state))
        self.sent = sent
        return updates


def serve(connection, cores: frozenset[int] | None = None) -> None:
    """A worker's loop, on `cores` if given: requests (action, number, argument, numbers to
    forget) until the pipe closes. "open" builds Lockstep(configs, data); "step" trains it
    and answers (updates, CPU seconds); "forget" only forgets, and answers how many it still
    holds; any answers ("error", message) if the engine refuses."""
    if cores:
        os.sched_setaffinity(0, cores)
    held: dict[int, _Held] = {}
    while True:
        try:
            action, number, argument, forget = connection.recv()
        except (EOFError, OSError):
            return
        for old in forget:
            held.pop(old, None)
        try:
            connection.send(("ok", _answer(held, action, number, argument)))
        except Exception as error:  # the caller re-raises it; the worker serves on
            connection.send(("error", f"{type(error).__name__}: {error}"))


def _answer(held: dict[int, _Held], action: str, number: int, argument):
    if action == "forget":
        return len(held)
    if action == "open":
        configs, data = argument
        held[number] = _Held(Lockstep(list(configs), data))
        return None
    started = time.process_time()
    updates = held[number].step(argument)
    if held[number].lockstep.done:
        del held[number]
    return updates, time.process_time() - started


# --- the caller's side -------------------------------------------------------------------------
class WorkerLost(RuntimeError):
    """A training worker ended (or refused a step) while it held a comparison."""


class FifoLock:
    """A lock handed to the waiting threads in the order they asked for it, those that ask
    `first` (a comparison's first chunk: its visitor has no chart yet) ahead of the others.
    Python's own lock lets any waiter win: with thirty sessions waiting for one training
    process, an unlucky one waited for many rounds and its visitor saw the first chart seconds
    after the rest. In order alone, the visitors who pressed Train first asked for their
    second and third chunks (30 ms or more each) before the last ones' page runs had asked for
    their first: those waited up to a second for the training process."""

    def __init__(self):
        self._guard = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._first: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, blocking: bool = True, first: bool = False) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            if not blocking:
                return False
            turn = threading.Lock()
            turn.acquire()
            (self._first if first else self._waiting).append(turn)
        turn.acquire()  # until release() hands the lock over to this thread
        return True

    def release(self) -> None:
        with self._guard:
            queue = self._first or self._waiting
            if queue:
                queue.popleft().release()  # held on: it passes to the next waiter
            else:
                self._held = False

    def __enter__(self) -> FifoLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class _Worker:
    """One training process and the pipe to it; one request at a time."""

    def __init__(self, cores: frozenset[int] | None = None):
        context = worker_context()
        self.connection, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, cores), daemon=True,
                                       name="regcore-training")
        with main_script_hidden():
            self.process.start()
        child.close()
        self.lock = FifoLock()          # thirty sessions' ticks may wait for one worker
        self.held = 0                   # Locksteps open here
        self.forgotten: deque[int] = deque()  # dropped by the caller, sent with the next request
        self.started_mb = resident_mb(self.process.pid)  # a copy of the fork server, as forked

    def grown_mb(self) -> float:
        """Resident MB gained since the process started (0 where /proc cannot tell)."""
        now = resident_mb(self.process.pid)
        return 0.0 if now is None or self.started_mb is None else now - self.started_mb

    def ask(self, action: str, number: int, argument, first: bool = False):
        """The worker's answer to one request; `first` requests go ahead of the queue."""
        self.lock.acquire(first=first)
        try:
            return self._exchange(action, number, argument)
        finally:
            self.lock.release()

    def send_forgotten(self) -> None:
        """Let the worker free what the caller dropped now, unless it is busy (then its next
        request does) or gone (its memory with it)."""
        if self.forgotten and self.lock.acquire(blocking=False):
            try:
                self._exchange("forget", -1, None)
            except WorkerLost:
                pass
            finally:
                self.lock.release()

    def forget(self, number: int) -> None:
        self.held -= 1
        self.forgotten.append(number)  # deque.append is atomic: safe from a finalizer

    def _exchange(self, action: str, number: int, argument):
        """One request and its answer; the caller holds the lock."""
        forget = [self.forgotten.popleft() for _ in range(len(self.forgotten))]
        try:
            self.connection.send((action, number, argument, forget))
            status, answer = self.connection.recv()
        except (EOFError, OSError) as error:
            raise WorkerLost(f"the training process stopped ({error or 'no answer'})") from None
        if status == "error":
            raise WorkerLost(answer)
        return answer

    def close(self) -> None:
        self.connection.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()


class TrainingWorkers:
    """`count` training processes, started at once (each imports nothing: it is a fork of the
    fork server, which imported the engine), on `cores` if given (else where the OS puts them)."""

    def __init__(self, count: int, cores: frozenset[int] | None = None):
        if count < 1:
            raise ValueError(f"training workers need a count >= 1, got {count}")
        self.cores = cores
        self._workers = [_Worker(cores) for _ in range(count)]
        self._numbers = itertools.count()
        self._lock = threading.Lock()

    def lockstep(self, configs: Sequence[Config], data: Dataset | None = None) -> RemoteLockstep:
        """A Lockstep of `configs` on `data` (None: the data the configs describe), trained
        from its first step by the worker then holding fewest. ValueError, as Lockstep gives,
        for configs the engine refuses."""
        with self._lock:
            number = next(self._numbers)
        return RemoteLockstep(self, number, configs, data)

    def assign(self) -> _Worker:
        """The worker holding fewest (a lost one replaced first), counted as holding one more."""
        with self._lock:
            self._replace_lost()
            worker = min(self._workers, key=lambda w: w.held)
            worker.held += 1
            return worker

    def send_forgotten(self) -> None:
        """Tell every idle worker which comparisons the caller dropped, so it frees them now
        (a server calls this after dropping trainings from its store); then replace the
        workers that hold nothing and grew by more than RENEW_AFTER_MB."""
        for worker in self._workers:
            worker.send_forgotten()
        if any(worker.held == 0 for worker in self._workers):
            self._renew_grown()

    def _renew_grown(self) -> None:
        with self._lock:  # no comparison can be given to a worker while it is replaced
            for index, worker in enumerate(self._workers):
                if worker.held == 0 and worker.grown_mb() > RENEW_AFTER_MB:
                    worker.close()
                    self._workers[index] = _Worker(self.cores)

    def _replace_lost(self) -> None:
        """A new process for every worker that ended (its comparisons report WorkerLost)."""
        for index, worker in enumerate(self._workers):
            if not worker.process.is_alive():
                self._workers[index] = _Worker(self.cores)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()


def resident_mb(pid: int) -> float | None:
    """Resident memory of process `pid` in MB (from /proc; None where there is none)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def for_server(count: int | None = None) -> TrainingWorkers | None:
    """A server's training processes: `count` of them (default: `default_worker_count()`) on
    every usable core but the first, which the server process keeps for itself — all its
    threads, and those they start later. None for a count of 0.

    A Python process runs one thread at a time, so the server's threads (one per visitor's
    script run, and the event loop) gain nothing from a second core and would take it from the
    training. Measured with thirty visitors (README, Load): the room finished in 13–15 s with
    the server keeping its core, 16–17 s with every process free on both cores, its slowest
    first chart after 3–4 s instead of about 6 s."""
    count = default_worker_count() if count is None else count
    if count < 1:
        return None
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cores) < 2:
        return TrainingWorkers(count)
    workers = TrainingWorkers(count, frozenset(cores[1:]))  # starts the fork server first,
    _keep_to_core(cores[0])                                 # so it and sweeps keep every core
    return workers


def _keep_to_core(core: int) -> None:
    """Every thread of this process on `core` (threads started later inherit it)."""
    for thread in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(thread), {core})
        except OSError:  # the thread ended meanwhile
            continue


class RemoteLockstep:
    """The interface of Lockstep — trainers (mirrors: epoch, status, message, best_epoch),
    done, step, runs — for a Lockstep held by a worker. `step` returns the worker's CPU
    seconds, since the caller's thread only waits."""

    def __init__(self, pool: TrainingWorkers, number: int, configs: Sequence[Config],
                 data: Dataset | None):
        mirror = Lockstep(list(configs), data)  # checks the configs; the initial state
        self.trainers: list[Trainer] = mirror.trainers
        self._pool, self._number = pool, number
        self._opening = (tuple(configs), data)  # sent with the first step: a comparison
        #                                        shown but never trained costs no worker
        self._worker: _Worker | None = None      # chosen at the first step
        self._finalizer: weakref.finalize | None = None
        self._closed = False

    @property
    def done(self) -> bool:
        return all(trainer.done for trainer in self.trainers)

    @property
    def closed(self) -> bool:
        """Whether the worker let go of it (`close`, or every run ended)."""
        return self._closed or (self._finalizer is not None and not self._finalizer.alive)

    def close(self) -> None:
        """Let the worker free this Lockstep (with its next request, or `send_forgotten`);
        it cannot be stepped afterwards."""
        self._closed = True
        if self._finalizer is not None:
            self._finalizer()

    def step(self, epochs: int = 1) -> float:
        """Advance each unfinished run by up to `epochs` epochs in the worker; the CPU seconds
        the worker spent."""
        if self.done:
            return 0.0
        if self.closed:
            raise RuntimeError("this comparison was closed: its worker let go of it")
        first = self._opening is not None  # nothing of it is on screen yet
        if first:
            self._open()
        updates, seconds = self._worker.ask("step", self._number, epochs, first=first)
        for trainer, update in zip(self.trainers, updates):
            _apply(trainer, update)
        if self.done:  # the worker let go of it already: nothing to tell it
            self._finalizer.detach()
            self._worker.held -= 1
        return seconds

    def runs(self) -> list[Run]:
        return [trainer.run() for trainer in self.trainers]

    def _open(self) -> None:
        """Build the Lockstep in the worker holding fewest, which holds it until it ends,
        is closed, or this object is dropped."""
        self._worker = self._pool.assign()
        self._finalizer = weakref.finalize(self, self._worker.forget, self._number)
        self._worker.ask("open", self._number, self._opening, first=True)
        self._opening = None


def _apply(mirror: Trainer, update: RunUpdate) -> None:
    """Bring a mirror (a Trainer that never trains) up to the worker's run."""
    mirror.records.extend(update.records)
    mirror.layer_records.extend(update.layer_records)
    mirror.histograms.update(update.histograms)
    mirror.epoch, mirror.status, mirror.message = update.epoch, update.status, update.message
    mirror.stopper.best_epoch = update.best_epoch
    mirror.model.load_state(update.state)
    if update.best_state is not None:  # unchanged: the mirror's (shared by recorded frames)
        mirror.best_state = update.best_state
