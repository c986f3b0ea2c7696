"""Live training on a page: a comparison advanced a chunk of epochs per tick of an
`st.fragment(run_every=...)`, so charts refresh several times a second while the page stays
responsive (no thread, no blocking loop). The training itself is a recording shared by every
session that trains the same configs on data they describe (`ui.shared_training`): a session
keeps only its Playback of it, so a room of visitors on one preset trains it once.

    shown = live_comparison("dropout", configs, None, draw, names=names)
    # shown.runs, shown.names: what the charts show, always the runs of one training

While training, only the fragment reruns: it advances the playback — replaying recorded
chunks at their pace, or at the frontier training the next chunk of its share of compute
(`ui.pace`) — then calls `draw(runs, names)`.
Train, Pause, Step and Reset rerun the whole page, which turns the ticking on or off.
Settings changed after training began never touch the running comparison: the old runs stay on
screen, paused, with a notice, until Train or Reset applies the new settings (pages with
autostart=True restart at once instead).
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import streamlit as st

from regcore import LIMITS, Config, Dataset, Run
from regcore.remote import WorkerLost, default_worker_count, for_server
from regcore.training import completion_message

from . import delivery, pace
from .idle_memory import release_while_idle
from .keys import live_key
from .lab_settings import same_configs
from .progress import CSS as PROGRESS_CSS
from .progress import ProgressRow, progress_html
from .shared_training import Playback, RecordingStore, detached
from .theme import RUN_NAMES, run_color, steady_charts_css

STATUS_LABELS = {"running": "running", "completed": "completed", "early_stopped": "stopped early",
                 "diverged": "diverged", "failed": "failed"}


class Shown(NamedTuple):
    """The runs on screen and their names: both from the same training, so they always agree
    (after the settings change, until Train, they are the previous settings' runs)."""

    runs: list[Run]
    names: list[str]


@dataclass
class LiveSession:
    """What one live comparison keeps between reruns."""

    configs: tuple[Config, ...]
    names: tuple[str, ...]
    data: Dataset | None
    fingerprint: str | None
    playback: Playback | None = None
    error: str = ""
    playing: bool = False
    steps_requested: int = 0          # epochs asked for with Step
    ident: str = field(default_factory=lambda: uuid.uuid4().hex)  # for the server's Pace
    runs: list[Run] | None = None     # the runs after the last tick
    pending: tuple | None = None      # (configs, names, data, fingerprint) for Train or Reset

    @property
    def started(self) -> bool:
        return self.playback is not None and any(self.playback.epochs)

    @property
    def done(self) -> bool:
        return self.playback is None or self.playback.done


# --- the component -----------------------------------------------------------------------------
def live_comparison(key: str, configs: Sequence[Config], data: Dataset | None,
                    draw: Callable[[list[Run], list[str]], None], *,
                    names: Sequence[str] | None = None, autostart: bool = False,
                    controls: bool = True, empty_charts: bool = False) -> Shown | None:
    """Train `configs` side by side on `data` (None: the data their fields describe), live.

    Keeps a LiveSession (with its Playback) in st.session_state under live_key(key); rebuilt
    when the configs or the data change (by value). Draws Train/Pause/Step/Reset (if `controls`) and each run's
    progress, and calls `draw(runs, names)` on every tick once an epoch has been trained, with
    the names the runs were trained under (settings changed since then wait for Train).
    autostart: start training on first view and after every change of settings.
    empty_charts: before the first epoch too, call `draw([], names)` (draw must accept no
    runs): the charts' places, drawn where the live charts will replace them in place.
    Returns the latest runs and their names, or None before the first epoch.
    """
    names = tuple(names) if names is not None else RUN_NAMES[:len(configs)]
    session = _synced_session(key, tuple(configs), names, data, autostart)
    if session.steps_requested:
        _advance(session)  # before the buttons, so they show the state after the step
    # The bar (buttons, progress) stays in view while this comparison's charts scroll by.
    with st.container(key=live_key(key, "section")):
        bar = st.container(key=live_key(key, "bar"))
        _sticky(live_key(key, "bar"))
        st.html(steady_charts_css(live_key(key, "section")) + PROGRESS_CSS)
        with bar:
            if controls:
                _buttons(key, session)
            else:
                st.empty()  # the fragment writes the progress here: the bar needs a first write
            if session.pending is not None and session.started:
                st.info("Settings changed — the charts still show the previous runs. Press "
                        "**Train** to start over with the new settings, or **Reset** to clear "
                        "the charts.", icon=":material/edit:")
        every = pace.interval(server_pace().active() + 1) if session.playing else None
        st.fragment(run_every=every)(_tick)(key, draw, every, bar, empty_charts)
    return Shown(session.runs, list(session.names)) if session.runs else None


def _tick(key: str, draw, registered_every, bar, empty_charts: bool = False) -> None:
    session: LiveSession = st.session_state[live_key(key)]
    if session.error:
        st.error(session.error)
        return
    server = server_pace()
    training = server.tick(session.ident) if session.playing else 1
    if session.playing and session.runs:  # on screen: let the room's first charts go first
        server.wait_for_first_charts()
    if registered_every and registered_every < pace.interval(training) / 2:
        st.rerun(scope="app")  # the room filled up: tick less often (set by the full run)
    delivery.with_delivery_in_order()
    trains_here = recording_store().workers is None
    if not trains_here:  # its training process trains while this process draws other ticks
        _advance(session, pace.training_budget(training))
    with server.turn:
        if trains_here:
            _advance(session, pace.training_budget(training))
        if registered_every and not session.playing:
            st.rerun(scope="app")  # paused or ended: draw the whole page again, not ticking
        with bar:
            _progress(session)
        if session.runs or empty_charts:
            draw(session.runs or [], list(session.names))
    if session.runs or not session.playing:
        server.first_drawn(session.ident)
    delivery.until_delivered()  # before the next tick's start could discard this one's charts


def _sticky(container_key: str) -> None:
    """Keep the container in view at the top while the page scrolls (sticky needs the
    container's wrapper, whose parent is as tall as the page)."""
    st.html(f"<style>[data-testid='stLayoutWrapper']:has(> .st-key-{container_key}) "
            "{position: sticky; top: 3.75rem; z-index: 999; background: white; "
            "padding-bottom: 0.6rem; border-bottom: 1px solid #e5e7eb; "
            "box-shadow: 0 8px 8px -8px rgba(17, 24, 39, 0.3);}</style>")


# --- state -------------------------------------------------------------------------------------
def session_for(key: str) -> LiveSession | None:
    """The live comparison `key` of this browser session, if the page has shown it."""
    return st.session_state.get(live_key(key))


def _synced_session(key, configs, names, data, autostart) -> LiveSession:
    state_key = live_key(key)
    session: LiveSession | None = st.session_state.get(state_key)
    if session is None:
        session = _built(configs, names, data, fingerprint(data))
        session.playing = autostart and not session.error
        st.session_state[state_key] = session
        return session
    same = same_configs(session.configs, configs) and _same_data(session, data)
    if same:
        session.pending = None
        session.names = names  # the same runs, relabelled
    elif autostart or not session.started:
        playing = autostart or session.playing
        session = _built(configs, names, data, fingerprint(data))
        session.playing = playing and not session.error
        st.session_state[state_key] = session
    else:
        session.pending = (configs, names, data, fingerprint(data))
        session.playing = False
    return session


@st.cache_resource(show_spinner=False)
def server_pace() -> pace.Pace:
    """The sessions training on this server right now; while there are none, the memory
    freed meanwhile goes back to the system (`ui.idle_memory`)."""
    server = pace.Pace()
    release_while_idle(server)
    return server


@st.cache_resource(show_spinner=False)
def recording_store() -> RecordingStore:
    """The recordings every session of this server shares (configs and numbers only), trained
    in the server's training processes (`regcore.remote`) when it has any."""
    return RecordingStore(LIMITS.max_shared_mb * 2**20,
                          workers=for_server(default_worker_count()))


def _built(configs, names, data, print_) -> LiveSession:
    session = LiveSession(configs=configs, names=names, data=data, fingerprint=print_)
    try:
        session.playback = recording_store().playback(configs, data)
    except ValueError as error:
        session.error = f"Cannot train these runs: {error}"
    return session


def _same_data(session: LiveSession, data: Dataset | None) -> bool:
    if session.data is data:
        return True
    if session.data is None or data is None:
        return False
    return session.fingerprint == fingerprint(data)


def fingerprint(data: Dataset | None) -> str | None:
    """A digest of a Dataset's arrays (held-out test rows too, when it has them) and task, so
    equal data built twice compares equal."""
    if data is None:
        return None
    digest = hashlib.blake2b(digest_size=16)
    test = () if data.X_test is None else (data.X_test, data.y_test)
    for array in (data.X_train, data.y_train, data.X_val, data.y_val, *test):
        digest.update(str((array.shape, array.dtype)).encode())
        digest.update(array.tobytes())
    digest.update(data.task.encode())
    return digest.hexdigest()


def _rebuild_from_pending(session: LiveSession) -> LiveSession:
    pending = session.pending or (session.configs, session.names, session.data,
                                  session.fingerprint)
    return _built(*pending)


# --- actions (button callbacks; also usable by pages with their own buttons) -------------------
def start(key: str) -> None:
    """Train: resume a paused comparison, or start over if it ended or its settings changed."""
    session = _ready_to_train(key)
    if session is not None:
        session.playing = not session.error and not session.done
        if session.playing and not session.runs:
            server_pace().expect_first(session.ident)


def pause(key: str) -> None:
    session = session_for(key)
    if session is not None:
        session.playing = False
        server_pace().first_drawn(session.ident)
        if session.playback is not None:
            session.playback.pause()


def step(key: str, epochs: int = 1) -> None:
    """Pause and advance every unfinished run by `epochs` epochs at the next draw."""
    session = _ready_to_train(key)
    if session is not None:
        session.playing = False
        session.steps_requested += epochs


def _ready_to_train(key: str) -> LiveSession | None:
    """The session under `key`, rebuilt first if it ended or its settings changed."""
    session = session_for(key)
    if session is not None and (session.pending is not None or (session.started and session.done)):
        session = _rebuild_from_pending(session)
        st.session_state[live_key(key)] = session
    return session


def reset(key: str) -> None:
    """Discard the runs (and apply changed settings)."""
    session = session_for(key)
    if session is not None:
        server_pace().first_drawn(session.ident)
        st.session_state[live_key(key)] = _rebuild_from_pending(session)


# --- one tick ----------------------------------------------------------------------------------
def _advance(session: LiveSession, budget: float = pace.TICK_SECONDS) -> None:
    """Advance the playback by one tick (or the requested steps), training at most about
    `budget` seconds, and take its runs."""
    playback = session.playback
    if playback is None or playback.done:
        session.playing = False
        return
    try:
        if session.steps_requested:
            if not playback.at_frontier:  # behind a shared recording: step a private copy
                playback = session.playback = detached(playback, session.data)
            playback.step(session.steps_requested)
            session.steps_requested = 0
        elif session.playing:
            playback.advance(target=budget)
        else:
            return
    except WorkerLost as error:
        session.playing, session.steps_requested = False, 0
        session.error = f"Training stopped: {error}. Reload the page to train again."
        return
    session.runs = playback.runs()
    if playback.done:
        session.playing = False


# --- what the user sees ------------------------------------------------------------------------
def _buttons(key: str, session: LiveSession) -> None:
    resumable = session.started and not session.done and session.pending is None
    buttons = [  # (part of the key, label, icon, callback, disabled, help)
        ("train", "Resume" if resumable else "Train", "play_arrow", start,
         session.playing or bool(session.error), "Train every run side by side, epoch by epoch."),
        ("pause", "Pause", "pause", pause, not session.playing, None),
        ("step", "Step", "skip_next", step, bool(session.error),
         "Pause and train one more epoch of every run."),
        ("reset", "Reset", "restart_alt", reset,
         not (session.started or session.playing) and session.pending is None,
         "Discard the runs and start again from epoch 0."),
    ]
    # Each button as wide as its label (shares of a narrower lesson column cut "Pause" to
    # "Pa…"); the state line takes the rest of the row, or the next line.
    with st.container(horizontal=True, vertical_alignment="center"):
        for part, label, icon, action, disabled, help_ in buttons:
            st.button(label, key=live_key(key, part), icon=f":material/{icon}:", on_click=action,
                      args=(key,), disabled=disabled, help=help_, width="content",
                      type="primary" if part == "train" else "secondary")
        st.caption(_state_line(session))


def _state_line(session: LiveSession) -> str:
    if session.error:
        return "Fix the settings to train."
    if session.playing:
        return "Training… the charts update as it goes."
    if not session.started:
        return "Press Train to start; Step trains one epoch at a time."
    if session.done:
        seconds = max((run.elapsed for run in session.runs or ()), default=0.0)
        return f"Finished — the longest run took {seconds:.1f} s of compute."
    return "Paused."


def stop_note(run) -> str:
    """What a run's message adds to its status bar: why it stopped (early, diverged, failed)
    or that it trained full batch (a batch larger than its training rows); nothing while it
    runs or for a plain completion ("completed 150 epochs")."""
    if run.status == "running" or run.message == completion_message(run.epoch):
        return ""
    return run.message


def _progress(session: LiveSession) -> None:
    if session.playback is None:
        return
    rows = []
    for index, (name, config, run) in enumerate(zip(session.names, session.configs,
                                                    session.playback.frame.runs)):
        state = "ready" if run.epoch == 0 and run.status == "running" else \
            STATUS_LABELS[run.status]
        if state == "running" and not session.playing:
            state = "paused"
        rows.append(ProgressRow(name, run_color(index, name), state, run.epoch, config.epochs,
                                stop_note(run)))
    st.html(progress_html(rows))
