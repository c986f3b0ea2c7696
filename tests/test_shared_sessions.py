"""Sessions on one server share trainings of identical comparisons and nothing else: two
visitors on the same settings cause one training and see the same numbers; a visitor's own
CSV never enters the shared store. With a training process the same holds, with the numbers
of training in process, and a lost process is reported to its visitor."""
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from test_shared_training import CONFIGS, LastChunkHeld

from regcore import Lockstep
from ui import keys
from ui.live import LiveSession, _advance, recording_store
from ui.shared_training import Playback, Recording

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LINK = {"runs": "2", "dataset": "moons", "n_samples": "200", "A.epochs": "8", "B.epochs": "8",
        "B.dropout": "0.5"}
CSV = "x1,x2,label\n" + "\n".join(f"{i % 7},{(i * 3) % 5},{i % 2}" for i in range(60)) + "\n"


@pytest.fixture
def epochs_trained(monkeypatch):
    counted = []
    original = Lockstep.step

    def counting(self, epochs=1):
        before = sum(trainer.epoch for trainer in self.trainers)
        result = original(self, epochs)
        counted.append(sum(trainer.epoch for trainer in self.trainers) - before)
        return result

    monkeypatch.setattr(Lockstep, "step", counting)
    return counted


def visitor(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def train_to_end(at: AppTest) -> list:
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    for _ in range(200):
        session = at.session_state[keys.live_key(keys.LIVE_KEY)]
        if session.done:
            return session.runs
        at.run()
    raise AssertionError("training did not end")


def test_two_sessions_on_the_same_settings_cause_one_training_and_show_the_same_numbers(
        epochs_trained):
    first = train_to_end(visitor(LINK))
    trained = sum(epochs_trained)
    assert trained == 16
    second = train_to_end(visitor(LINK))
    assert sum(epochs_trained) == trained  # the second visitor's runs were replayed
    assert recording_store().trainings_started == 1
    for mine, theirs in zip(first, second):
        pd.testing.assert_frame_equal(mine.history, theirs.history)


def test_a_session_on_its_own_csv_shares_nothing(epochs_trained):
    at = visitor(LINK)
    at.file_uploader(key=keys.CSV_UPLOAD).upload("mine.csv", CSV.encode(), "text/csv").run()
    runs = train_to_end(at)
    assert sum(epochs_trained) > 0 and runs[0].config.dataset == "custom"
    session = at.session_state[keys.live_key(keys.LIVE_KEY)]
    assert session.configs not in recording_store()
    assert all(config.dataset != "custom" for configs in recording_store() for config in configs)


def test_a_session_keeps_playing_while_another_session_trains_the_last_chunk():
    """A tick that meets the shared training between its last epoch and its last frame must
    not end the session's play: the full-page run that follows would draw the page without
    the fragment's timer, and the visitor would never see the finish."""
    playback = Playback(Recording(CONFIGS))
    playback.step(2)
    session = LiveSession(configs=CONFIGS, names=("A", "B"), data=None, fingerprint=None,
                          playback=playback, playing=True)
    with LastChunkHeld(playback.recording):
        _advance(session)
        assert session.playing and not session.done
    assert session.playing and not session.done  # the last frame is still to be shown


@pytest.fixture
def training_processes(monkeypatch):
    """The server's trainings run in one training process, as on a multi-core server (the
    test process keeps its cores)."""
    monkeypatch.setattr("ui.live.default_worker_count", lambda: 1)
    monkeypatch.setattr("regcore.remote._keep_to_core", lambda core: None)
    yield
    recording_store().workers.close()


def test_with_a_training_process_two_sessions_share_one_training_numbered_as_in_process(
        training_processes, epochs_trained):
    first = train_to_end(visitor(LINK))
    second = train_to_end(visitor(LINK))
    assert recording_store().trainings_started == 1
    assert sum(epochs_trained) == 0          # nothing trained in this process
    lockstep = Lockstep([run.config for run in first])
    lockstep.step(8)
    for shown, replayed, here in zip(first, second, lockstep.runs()):
        pd.testing.assert_frame_equal(shown.history, replayed.history)
        pd.testing.assert_frame_equal(shown.history.drop(columns="time"),
                                      here.history.drop(columns="time"))


def test_a_lost_training_process_tells_the_visitor_and_a_new_visit_trains_again(
        training_processes):
    at = visitor(LINK)
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    for worker in recording_store().workers._workers:
        worker.process.kill()
        worker.process.join(5)
    for _ in range(5):
        at.run()
    assert not at.exception
    assert any("Training stopped" in error.value for error in at.error)
    assert not at.session_state[keys.live_key(keys.LIVE_KEY)].playing
    runs = train_to_end(visitor(LINK))    # a new visitor: a new process, a new training
    assert all(run.status == "completed" for run in runs)
