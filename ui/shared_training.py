"""One training per comparison, however many visitors watch it.

The engine is deterministic: two visitors who train the same configs on the same data get the
same numbers. So a comparison is trained once, as a `Recording` — a Lockstep advanced chunk by
chunk, with a `Frame` (every run's state) kept after each chunk — and every visitor watches it
through a `Playback` of their own: a clock that moves while they play and shows the last frame
recorded by then. The first visitor's ticks train new chunks; a later visitor replays the frames
at the pace they were recorded, and once caught up shares the training of the next chunks with
the others (whoever ticks first trains it, under the recording's lock).

`RecordingStore` keeps the recordings that can be shared — data described by the configs
alone, never an uploaded table — under a cap in bytes, evicting the least recently used. A
finished recording lets go of its training state (the stacked models, optimizer moments and
layer caches: ~2 MB for the default comparison), and an unfinished one that no playback
watches any more (every visitor left mid-training) or that no one advanced for IDLE_SECONDS is
dropped from the store, so visitors who come and go do not leave trainings behind.
Given `TrainingWorkers` (`regcore.remote`), a recording's chunks are trained in a training
process, the server process keeping a bit-identical mirror of the runs: a tick then waits for
its chunk without computing, and the server's core is left to the pages and charts.
Nothing here imports Streamlit: the live loop (`ui.live`) holds a Playback per comparison.
"""
from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from regcore import Config, Dataset, Lockstep, Run
from regcore.remote import TrainingWorkers, WorkerLost

from .pace import TICK_SECONDS

MAX_CHUNK = 500          # epochs per chunk at most
MAX_CLOCK_STEP = 0.5     # seconds a replay moves per tick at most (a stalled tick skips nothing)
IDLE_SECONDS = 60.0      # an unfinished recording no one advanced for this long is not shared


@dataclass(frozen=True)
class RunState:
    """One run as it stood after a chunk: enough to rebuild its Run from the full records."""

    epoch: int
    status: str
    message: str
    best_epoch: int | None
    state: dict              # Model.state(): parameters and running statistics, copied
    best_state: dict


@dataclass(frozen=True)
class Frame:
    """Every run after one chunk; `seconds`: compute spent on the recording up to here (the
    replay clock's time at which this frame is shown)."""

    runs: tuple[RunState, ...]
    seconds: float

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for run in self.runs for array in run.state.values())


class Recording:
    """A comparison trained once: `frames[i]` after the i-th chunk (frames[0]: before any).
    `extend` trains the next chunk; only one thread trains at a time."""

    def __init__(self, configs: Sequence[Config], data: Dataset | None = None,
                 on_extend: Callable[[], None] | None = None, clock=time.monotonic,
                 workers: TrainingWorkers | None = None):
        self.configs = tuple(configs)
        self.clock = clock
        self.touched = clock()       # when it was created or last extended
        self.workers = workers       # training processes, or None: train in this one
        self.data = data
        self.lockstep = self._new_lockstep()  # None once done
        self.viewers: weakref.WeakSet[Playback] = weakref.WeakSet()
        self.lock = threading.Lock()
        self.on_extend = on_extend   # told after every chunk (the store re-checks its cap)
        self.chunk = 1
        self.broken = False          # its training process was lost: not to be shared again
        self.latest: list[Run] = self.lockstep.runs()
        self._blank_models = [run.model.copy() for run in self.latest]  # copied per view
        self.frames: list[Frame] = []
        self._frame_bytes = 0
        self._record_frame(0.0)

    @property
    def done(self) -> bool:
        """Whether every run ended and the frame of the last chunk is recorded. The engine's
        runs end inside `extend`, before that frame exists: asking them would tell a viewer
        at the frontier it had seen everything while the last chunk still lands."""
        return self.lockstep is None  # dropped only once the last frame is recorded

    @property
    def watched(self) -> bool:
        """Whether some Playback still shows this recording."""
        return len(self.viewers) > 0

    @property
    def nbytes(self) -> int:
        """Memory held, roughly: the model copies of every frame and the records (their
        columns' bytes), counted when a frame is recorded (the store asks after every chunk, for
        every recording it holds)."""
        return self._frame_bytes + self._record_bytes

    def extend(self, epochs: int | None = None, wait: bool = False,
               target: float = TICK_SECONDS) -> bool:
        """Train one chunk — `epochs` epochs, or as many as fit `target` seconds of compute —
        and record its frame. If another thread is training this recording, returns False at
        once (or, with `wait`, trains after it)."""
        if not self.lock.acquire(blocking=wait):
            return False
        self.touched = self.clock()
        try:
            if not self.done:
                self._train(epochs, target)
        finally:
            self.lock.release()
        if self.on_extend is not None:
            self.on_extend()
        return True

    def release(self) -> None:
        """Let the training process free this unfinished training now (a store dropped it: no
        one watches or advances it; a visitor's session, gone, may hold it until Python's
        next full collection). Should a viewer advance it after all, it is first trained again
        up to its last frame: the same numbers. Does nothing while a thread trains it, or in
        process (there the memory goes with the recording)."""
        if self.workers is None or not self.lock.acquire(blocking=False):
            return
        try:
            if self.lockstep is not None:
                self.lockstep.close()
        finally:
            self.lock.release()

    def _new_lockstep(self):
        if self.workers is None:
            return Lockstep(list(self.configs), self.data)
        return self.workers.lockstep(self.configs, self.data)

    def _reopened(self):
        """A new remote Lockstep trained up to the last frame (after `release`)."""
        lockstep = self._new_lockstep()
        epochs = max(state.epoch for state in self.frames[-1].runs)
        if epochs:
            lockstep.step(epochs)
        return lockstep

    def _train(self, epochs: int | None, target: float) -> None:
        """One chunk, timed by the CPU time of the thread that trained it (this one, or the
        worker's): on a busy server the wall time also counts the other sessions' turns, and
        would shrink the chunks to nothing."""
        asked = epochs or self.chunk
        started = time.thread_time()
        try:
            if self.workers is not None and self.lockstep.closed:
                self.lockstep = self._reopened()
            worker_seconds = self.lockstep.step(asked)
        except WorkerLost:
            self.broken = True
            raise
        spent = time.thread_time() - started if self.workers is None else worker_seconds
        if epochs is None:
            self.chunk = next_chunk(asked, spent, target)
        self.latest = self.lockstep.runs()
        self._record_frame(self.frames[-1].seconds + spent)
        if self.lockstep.done:
            self.lockstep = None  # the runs and frames are all a replay needs

    def _record_frame(self, seconds: float) -> None:
        states = tuple(RunState(trainer.epoch, trainer.status, trainer.message,
                                trainer.best_epoch, run.model.state(), run.best_state)
                       for trainer, run in zip(self.lockstep.trainers, self.latest))
        frame = Frame(states, seconds)
        self._frame_bytes += frame.nbytes
        self._record_bytes = sum(run.history_table.nbytes + run.layer_table.nbytes
                                 for run in self.latest)
        self.frames.append(frame)

    def runs_at(self, index: int) -> list[Run]:
        """The runs as they stood at frame `index` (each with a model of its own)."""
        return [_run_as_of(run, state, blank) for run, state, blank
                in zip(self.latest, self.frames[index].runs, self._blank_models)]


def _run_as_of(run: Run, state: RunState, blank) -> Run:
    """`run` cut back to `state.epoch`: its records up to there (all of them, not a copy, at
    the frontier), a copy of the `blank` model of its architecture holding the state's
    weights."""
    epoch = state.epoch
    model = blank.copy()
    model.load_state(state.state)
    whole = epoch == run.stopped_epoch
    return Run(config=run.config, history_table=run.history_table.until("epoch", epoch),
               status=state.status, message=state.message, best_epoch=state.best_epoch,
               stopped_epoch=epoch, model=model, best_state=state.best_state,
               layer_table=run.layer_table.until("epoch", epoch),
               histograms=run.histograms if whole else
               {e: h for e, h in run.histograms.items() if e <= epoch},
               bin_edges=run.bin_edges, data=run.data)


def next_chunk(epochs: int, seconds: float, target: float = TICK_SECONDS) -> int:
    """Epochs for the next chunk so it takes about `target` seconds, given that `epochs` took
    `seconds`; grows at most 4× per chunk so one fast chunk does not cause a long freeze."""
    if seconds <= 0:
        return min(epochs * 4, MAX_CHUNK)
    wanted = round(epochs * target / seconds)
    return max(1, min(wanted, epochs * 4, MAX_CHUNK))


class Playback:
    """One visitor's view of a Recording: frame `index`, shown while the visitor's replay
    clock (`seconds`, moved by `advance` while playing) has reached its time."""

    def __init__(self, recording: Recording):
        self.recording = recording
        recording.viewers.add(self)
        self.index = 0
        self.seconds = 0.0
        self._last_tick: float | None = None
        self._shown: tuple[int, list[Run]] | None = None

    @property
    def frame(self) -> Frame:
        return self.recording.frames[self.index]

    @property
    def at_frontier(self) -> bool:
        return self.index == len(self.recording.frames) - 1

    @property
    def done(self) -> bool:
        # The recording first: once it is done its frames are complete, so the frontier read
        # next is the last frame (read the other way round, a chunk landing in between
        # would count as seen).
        return self.recording.done and self.at_frontier

    @property
    def epochs(self) -> list[int]:
        return [state.epoch for state in self.frame.runs]

    def runs(self) -> list[Run]:
        """The runs at this playback's frame (built once per frame shown)."""
        if self._shown is None or self._shown[0] != self.index:
            self._shown = (self.index, self.recording.runs_at(self.index))
        return self._shown[1]

    def advance(self, now: float | None = None, target: float = TICK_SECONDS) -> None:
        """One tick of play: move the clock by the time since the last tick, show the last
        frame recorded by then, and at the frontier train the next chunk of about `target`
        seconds of compute (unless another viewer is training it right now)."""
        now = time.monotonic() if now is None else now
        if self._last_tick is not None:
            self.seconds += min(now - self._last_tick, MAX_CLOCK_STEP)
        self._last_tick = now
        frames = self.recording.frames
        while self.index + 1 < len(frames) and frames[self.index + 1].seconds <= self.seconds:
            self.index += 1
        if self.at_frontier and not self.recording.done and \
                self.recording.extend(target=target):
            self._jump_to_frontier()

    def pause(self) -> None:
        """Stop the clock: the next `advance` starts counting afresh."""
        self._last_tick = None

    def step(self, epochs: int) -> None:
        """Train `epochs` more epochs of every unfinished run and show them. Only at the
        frontier: behind it, frames hold whole chunks — step a `detached` copy instead."""
        if not self.at_frontier:
            raise ValueError("step a detached playback: this one is behind its recording")
        self.recording.extend(epochs, wait=True)
        self._jump_to_frontier()

    def _jump_to_frontier(self) -> None:
        self.index = len(self.recording.frames) - 1
        self.seconds = max(self.seconds, self.frame.seconds)


def detached(playback: Playback, data: Dataset | None) -> Playback:
    """A private Playback at the same epochs as `playback`, trained afresh (the engine is
    deterministic: the same numbers), for a visitor who steps epoch by epoch behind the
    frontier of a shared recording."""
    recording = Recording(playback.recording.configs, data,
                          workers=playback.recording.workers)
    done_epochs = max(playback.epochs, default=0)
    if done_epochs:
        recording.extend(done_epochs)
    private = Playback(recording)
    private._jump_to_frontier()
    return private


class RecordingStore:
    """Shared recordings by configs, at most `cap_bytes` of them, least recently
    used evicted first. A visitor who is evicted keeps watching: only new visitors miss it."""

    def __init__(self, cap_bytes: int, clock=time.monotonic,
                 workers: TrainingWorkers | None = None):
        self.cap_bytes = cap_bytes
        self.clock = clock
        self.workers = workers  # where every recording trains (None: in this process)
        self._recordings: OrderedDict[tuple, Recording] = OrderedDict()
        self._lock = threading.Lock()
        self.trainings_started = 0   # recordings created: one per distinct comparison

    def playback(self, configs: Sequence[Config], data: Dataset | None = None) -> Playback:
        """A Playback of the recording of `configs`: shared when the configs describe their
        data (data None); on given data (a visitor's upload) private to the caller."""
        if data is not None:
            return Playback(Recording(configs, data, workers=self.workers))
        key = tuple(configs)
        with self._lock:
            recording = self._recordings.get(key)
            if recording is None or recording.broken:
                recording = Recording(configs, on_extend=self._fit_cap, clock=self.clock,
                                      workers=self.workers)
                self.trainings_started += 1
                self._recordings[key] = recording
            self._recordings.move_to_end(key)
            playback = Playback(recording)  # watched before any other thread may evict it
            self._evict(keep=key)
        self._free_dropped()
        return playback

    def _fit_cap(self) -> None:
        with self._lock:
            self._evict(keep=next(reversed(self._recordings), None))
        self._free_dropped()

    def _free_dropped(self) -> None:
        """Training processes free the trainings this store dropped (their memory)."""
        if self.workers is not None:
            self.workers.send_forgotten()

    @property
    def nbytes(self) -> int:
        return sum(recording.nbytes for recording in list(self._recordings.values()))

    def __len__(self) -> int:
        return len(self._recordings)

    def __contains__(self, configs) -> bool:
        return tuple(configs) in self._recordings

    def __iter__(self):
        """The configs of every shared recording, least recently used first."""
        return iter(list(self._recordings))

    def _evict(self, keep: tuple) -> None:
        """Drop the unfinished recordings no one watches or advances, then least recently
        used ones until the rest fit the cap (never `keep`)."""
        now = self.clock()
        for key, recording in list(self._recordings.items()):
            if key != keep and not recording.done and \
                    (not recording.watched or now - recording.touched > IDLE_SECONDS):
                del self._recordings[key]
                recording.release()
        total = self.nbytes
        for key in list(self._recordings):
            if total <= self.cap_bytes:
                return
            if key != keep:
                total -= self._recordings.pop(key).nbytes
