"""One training per comparison: recordings, the playbacks that watch them, and the store that
shares them between visitors."""
import gc
import threading

import numpy as np
import pandas as pd
import pytest

from regcore import Config, Lockstep, make_dataset
from ui.shared_training import (IDLE_SECONDS, MAX_CLOCK_STEP, Playback, Recording,
                                RecordingStore, detached)

BASE = Config(epochs=12, n_samples=150, hidden=(8, 8), batch_size=16)
CONFIGS = (BASE, BASE.replace(dropout=0.3, patience=3, epochs=40))


@pytest.fixture
def steps(monkeypatch):
    """Counts the epochs the engine trains, over every Lockstep."""
    counted = []
    original = Lockstep.step

    def counting(self, epochs=1):
        counted.append(epochs)
        return original(self, epochs)

    monkeypatch.setattr(Lockstep, "step", counting)
    return counted


def play_to_end(playback: Playback, start: float = 0.0, tick: float = 0.05) -> float:
    now = start
    for _ in range(10_000):
        playback.advance(now)
        if playback.done:
            return now
        now += tick
    raise AssertionError("the playback did not end")


def histories(runs) -> list[pd.DataFrame]:
    return [run.history.drop(columns="time") for run in runs]


def assert_same_runs(first, second):
    for a, b in zip(histories(first), histories(second)):
        pd.testing.assert_frame_equal(a, b)
    for a, b in zip(first, second):
        assert np.array_equal(a.model.weights, b.model.weights)
        assert (a.status, a.best_epoch, a.stopped_epoch) == (b.status, b.best_epoch, b.stopped_epoch)


def test_two_viewers_of_the_same_comparison_cause_one_training(steps):
    store = RecordingStore(cap_bytes=10**9)
    first, second = store.playback(CONFIGS), store.playback(CONFIGS)
    assert first.recording is second.recording and store.trainings_started == 1
    play_to_end(first)
    trained = list(steps)
    play_to_end(second)
    assert steps == trained  # the replay trained nothing
    assert_same_runs(first.runs(), second.runs())


def test_a_replay_shows_each_frame_once_its_recorded_time_has_come():
    recording = Recording(CONFIGS)
    for _ in range(3):
        recording.extend(2)
    viewer = Playback(recording)
    first_time = recording.frames[1].seconds
    viewer.advance(0.0)
    assert viewer.index == 0 or first_time == 0.0
    now = 0.0
    while now + MAX_CLOCK_STEP / 2 < first_time:
        now += MAX_CLOCK_STEP / 2
        viewer.advance(now)
        assert viewer.index == 0
    viewer.advance(now + first_time)
    assert viewer.index >= 1 and viewer.epochs[0] >= 2


def test_a_stalled_tick_moves_a_replay_at_most_by_the_clock_step():
    recording = Recording([BASE])
    recording.extend(BASE.epochs)
    viewer = Playback(recording)
    viewer.advance(0.0)
    viewer.advance(1000.0)
    assert viewer.seconds == MAX_CLOCK_STEP


def test_a_late_viewer_catches_up_and_then_trains_the_next_chunks_for_everyone(steps):
    store = RecordingStore(cap_bytes=10**9)
    first = store.playback(CONFIGS)
    first.step(2)
    late = store.playback(CONFIGS)
    play_to_end(late)
    assert first.recording.done and len(first.recording.frames) > 3
    trained = list(steps)
    play_to_end(first)  # it replays what the late viewer trained, training nothing again
    assert steps == trained
    assert_same_runs(first.runs(), late.runs())


def test_runs_at_a_frame_are_the_runs_trained_to_that_point():
    recording = Recording(CONFIGS)
    for epochs in (3, 4, 50):
        recording.extend(epochs)
    for index in (1, 2, 3):
        fresh = Lockstep(list(CONFIGS))
        fresh.step(sum((3, 4, 50)[:index]))
        assert_same_runs(recording.runs_at(index), fresh.runs())


def test_a_detached_playback_steps_on_with_the_numbers_of_the_shared_one():
    recording = Recording(CONFIGS)
    recording.extend(5)
    recording.extend(BASE.epochs)
    behind = Playback(recording)
    behind.index = 1
    with pytest.raises(ValueError, match="detached"):
        behind.step(1)
    private = detached(behind, None)
    assert private.recording is not recording and private.epochs == [5, 5]
    private.step(1)
    fresh = Lockstep(list(CONFIGS))
    fresh.step(6)
    assert_same_runs(private.runs(), fresh.runs())


def test_a_comparison_on_given_data_is_never_shared():
    store = RecordingStore(cap_bytes=10**9)
    data = make_dataset("moons", 150, 0.2, 0)
    first, second = store.playback(CONFIGS, data), store.playback(CONFIGS, data)
    assert first.recording is not second.recording and len(store) == 0


def test_the_store_evicts_the_least_recently_used_to_keep_its_cap():
    one = Recording([BASE])
    one.extend(BASE.epochs)
    cap = int(2.5 * one.nbytes)
    store = RecordingStore(cap_bytes=cap)
    for seed in range(6):
        playback = store.playback([BASE.replace(seed=seed)])
        play_to_end(playback)
        assert store.nbytes <= cap
    assert len(store) == 2
    newest = store.playback([BASE.replace(seed=5)])
    assert newest.recording.done  # still there: the most recent ones are kept


def test_a_finished_recording_lets_go_of_its_training_state_and_still_replays():
    store = RecordingStore(cap_bytes=10**9)
    first = store.playback(CONFIGS)
    play_to_end(first)
    assert first.recording.done and first.recording.lockstep is None
    second = store.playback(CONFIGS)
    play_to_end(second)
    assert_same_runs(first.runs(), second.runs())


def test_a_recording_every_viewer_left_unfinished_is_dropped_from_the_store():
    store = RecordingStore(cap_bytes=10**9)
    left = store.playback(CONFIGS)
    left.advance(0.0)
    assert not left.recording.done
    watched = store.playback((BASE.replace(seed=7),))
    del left
    gc.collect()
    store.playback((BASE.replace(seed=8),))  # any visitor's arrival sweeps the store
    assert CONFIGS not in store
    assert (BASE.replace(seed=7),) in store and watched.recording.watched


def test_a_finished_recording_stays_shared_after_its_viewers_left():
    store = RecordingStore(cap_bytes=10**9)
    play_to_end(store.playback(CONFIGS))
    gc.collect()
    store.playback((BASE.replace(seed=8),))
    assert CONFIGS in store


def test_an_unfinished_recording_no_one_advanced_for_a_while_is_no_longer_shared():
    now = [0.0]
    store = RecordingStore(cap_bytes=10**9, clock=lambda: now[0])
    paused = store.playback(CONFIGS)
    paused.advance(0.0)
    now[0] = IDLE_SECONDS / 2
    store.playback((BASE.replace(seed=7),))
    assert CONFIGS in store  # watched, idle for a short while
    now[0] = IDLE_SECONDS * 1.5
    store.playback((BASE.replace(seed=8),))
    assert CONFIGS not in store
    play_to_end(paused, start=1.0)  # its visitor still trains it, unshared
    assert paused.done


class LastChunkHeld:
    """Another viewer's thread training the last chunk of `recording`, held (by an event) just
    after the engine finished the runs and before the chunk's frame is recorded."""

    def __init__(self, recording: Recording):
        self.recording = recording
        self.reached, self.release = threading.Event(), threading.Event()
        lockstep = recording.lockstep
        built = lockstep.runs

        def held_runs():
            if lockstep.done:
                self.reached.set()
                self.release.wait(timeout=30)
            return built()

        lockstep.runs = held_runs
        self.thread = threading.Thread(
            target=lambda: recording.extend(max(c.epochs for c in recording.configs)))

    def __enter__(self):
        self.thread.start()
        assert self.reached.wait(timeout=30)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def test_a_viewer_is_not_done_before_the_last_chunk_it_has_not_seen_is_recorded():
    recording = Recording(CONFIGS)
    viewer = Playback(recording)
    viewer.step(2)
    with LastChunkHeld(recording):
        assert not recording.done and not viewer.done
        viewer.advance(0.01)  # its own tick meanwhile: the chunk is being trained by another
        assert not viewer.done
    assert recording.done and not viewer.done  # the last frame is there, not yet shown
    play_to_end(viewer, start=1.0)
    assert viewer.epochs == [run.stopped_epoch for run in recording.latest]


def test_a_viewer_is_not_done_when_the_last_chunk_lands_while_it_looks_at_the_frames():
    recording = Recording(CONFIGS)
    viewer = Playback(recording)
    viewer.step(2)
    with LastChunkHeld(recording) as last_chunk:
        class LandingWhileCounted(list):
            """Frames whose count, once taken, lets the held last chunk land."""

            def __len__(self):
                count = super().__len__()
                last_chunk.release.set()
                last_chunk.thread.join(timeout=30)
                return count

        recording.frames = LandingWhileCounted(recording.frames)
        assert not viewer.done
    assert recording.done and not viewer.done


def test_a_dropped_idle_recording_is_freed_in_its_training_process_and_resumes_alike(one_worker):
    """With a training process, an idle recording the store drops is freed there, and if its
    visitor comes back it goes on with the same numbers as an undisturbed one."""
    now = [0.0]
    store = RecordingStore(cap_bytes=10**9, clock=lambda: now[0], workers=one_worker)
    paused = store.playback(CONFIGS)
    paused.step(3)
    worker = one_worker._workers[0]
    assert worker.ask("forget", -1, None) == 1            # the worker holds its training
    now[0] = IDLE_SECONDS * 1.5
    store.playback((BASE.replace(seed=8),))               # an arrival drops the idle one
    assert CONFIGS not in store
    assert worker.ask("forget", -1, None) == 0            # ... and its worker freed it
    play_to_end(paused, start=1.0)                        # its visitor comes back
    undisturbed = Playback(Recording(CONFIGS))
    play_to_end(undisturbed)
    for resumed, whole in zip(paused.runs(), undisturbed.runs()):
        pd.testing.assert_frame_equal(resumed.history.drop(columns="time"),
                                      whole.history.drop(columns="time"))
        assert resumed.model.flat.tobytes() == whole.model.flat.tobytes()
