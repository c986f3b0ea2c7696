"""The lab's state: every session-state key the app uses (named in one place), the lab's
canonical settings, their sync with the URL, the changes made by the lab's buttons, and an
uploaded CSV (kept in the session only).

Widgets hold their values under the keys below. Streamlit forgets a widget's value when the
widget is not drawn (presenter mode hides some, another page was open), so the lab keeps its
last valid configs under LAB_CONFIGS and seeds any missing widget value from them.
Importing this module has no side effects.
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass

import streamlit as st

from regcore import Config, Dataset, load_csv
from regcore.config import DATA_FIELDS

from .presets import DEFAULT_PRESET, PRESETS
from .theme import RUN_NAMES
from .urlstate import IGNORED_PARAMS, MAX_RUNS, PRESENTER_PARAM, lab_query, read_lab_query

# --- the lab's settings ------------------------------------------------------------------------
LAB_CONFIGS = "lab_configs"              # tuple[Config, ...]: the last valid settings of the runs
LAB_QUERY_WRITTEN = "lab_query_written"  # dict: the query parameters the lab last wrote
LAB_QUERY_WARNINGS = "lab_query_warnings"  # (problems, configs): what a link could not set
PRESENTER = "lab_presenter"              # bool: hide advanced controls
PRESET = "lab_preset"                    # str: name of the preset shown in the selector
ADD_RUN = "lab_add_run"
RUNS_CONTAINER = "lab_runs"              # holds the run tabs (colored like the runs)
RUN_TAB = "lab_run_tab"                  # str: label of the open run tab
DOWNLOAD_HISTORY = "lab_download_history"
DOWNLOAD_CONFIGS = "lab_download_configs"
DOWNLOAD_SCRIPT = "lab_download_script"
LIVE_KEY = "lab"                         # the lab's live comparison (see ui.live)

# --- data --------------------------------------------------------------------------------------
NEW_SAMPLE = "data_new_sample"           # button: draw a new seed
CSV_UPLOAD = "data_csv_upload"           # file uploader
CSV_TARGET = "data_csv_target"           # selectbox: the target column of the uploaded file
CSV_DATA = "data_csv"                    # dict: name, content (bytes), digest, columns, target
CSV_DATASET = "data_csv_dataset"         # (split settings, Dataset): the parsed upload
CSV_ERROR = "data_csv_error"             # (uploader key, message): why its last upload was refused
USE_BUILTIN = "data_use_builtin"         # button: back to the built-in sets

# --- charts of the lab -------------------------------------------------------------------------
VIEW_TAB = "view_tab"
VIEW_LOG_Y = "view_log_y"
VIEW_SMOOTHING = "view_smoothing"
VIEW_SHOW_TRAIN = "view_show_train"
VIEW_WHAT_IF = "view_what_if_patience"
VIEW_EPOCH = "view_epoch"
VIEW_BOUNDARY_AT = "view_boundary_at"
FIGURE_CACHE = "figure_cache"            # dict: slot -> (version, built_at, figure)

# --- the controls of one run -------------------------------------------------------------------
# Config fields with a widget per run, plus "early_stopping" (the on/off switch for patience),
# in the order the run's grid shows them: model, regularizers, optimization, early stopping.
RUN_FIELDS = ("hidden", "activation", "init", "norm", "dropout",
              "penalty", "penalty_strength", "l1_ratio", "weight_decay", "optimizer",
              "lr", "momentum", "batch_size", "epochs", "early_stopping",
              "patience", "min_delta", "monitor", "start_from_epoch", "restore_best")
# Hidden in presenter mode; what stays is what a regularization talk is about.
ADVANCED_RUN_FIELDS = frozenset({"hidden", "activation", "init", "lr", "momentum", "batch_size",
                                 "min_delta", "monitor", "start_from_epoch", "restore_best"})


def run_key(name: str, field: str) -> str:
    """Key of run `name`'s widget for `field`: run_key("B", "dropout") == "run_B_dropout"."""
    return f"run_{name}_{field}"


def run_action_key(name: str, action: str) -> str:
    """Key of a per-run button: run_action_key("B", "remove") == "run_B_remove"."""
    return f"run_{name}_{action}"


def run_tab_label(name: str) -> str:
    return f"Run {name}"


def data_key(field: str) -> str:
    """Key of the data widget for a Config data field: data_key("noise") == "data_noise"."""
    return f"data_{field}"


# workshop rooms (ui.room_view): this session's tokens and the room page's widgets
ROOM_OWNER = "room_owner_token"          # str: secret that makes this session a room's presenter
ROOM_PARTICIPANT = "room_participant_token"  # str: secret of this session as a participant
ROOM_OWNED = "room_owned_code"           # str: code of the room this session opened
ROOM_MESSAGE = "room_message"            # str: why the last room action was refused
ROOM_POSTED = "room_posted"              # (code, settings): the last result posted
ROOM_SETUP = "room_setup"
ROOM_ANSWER = "room_answer"
ROOM_PREDICTIONS = "room_predictions"
ROOM_RESULTS = "room_results"
ROOM_REVEAL = "room_reveal"
ROOM_DOWNLOAD = "room_download"
ROOM_CLOSE = "room_close"
ROOM_LOSS = "room_loss"
OPEN_ROOM = "lab_open_room"


def live_key(key: str, part: str = "session") -> str:
    """Keys of a live comparison named `key`: its state ("session") and its buttons."""
    return f"live_{key}_{part}"


def page_key(page: str, name: str) -> str:
    """Key of a widget `name` on the page `page`, e.g. page_key("dropout", "rate")."""
    return f"{page}_{name}"


def lab_widget_keys(names: Sequence[str]) -> list[str]:
    """Keys of every settings widget of the lab for runs `names`."""
    keys = [data_key(field) for field in DATA_FIELDS]
    return keys + [run_key(name, field) for name in names for field in RUN_FIELDS]


def lab_configs(state: MutableMapping) -> tuple[Config, ...] | None:
    return state.get(LAB_CONFIGS)


def same_configs(old: Sequence[Config], new: Sequence[Config]) -> bool:
    """Equal field by field (not by class identity: a reloaded module makes a new Config class)."""
    return [c.to_dict() for c in old] == [c.to_dict() for c in new]


def replace_lab_configs(state: MutableMapping, configs: Sequence[Config],
                        names: Sequence[str] = RUN_NAMES[:MAX_RUNS]) -> None:
    """Make `configs` the lab's settings and forget every settings widget's value (of runs
    `names`), so the widgets are drawn again from the new configs. Only valid before the
    widgets are drawn, e.g. in a button callback."""
    state[LAB_CONFIGS] = tuple(configs)
    for key in lab_widget_keys(names):
        state.pop(key, None)


# --- the URL -----------------------------------------------------------------------------------
def load_settings() -> tuple[Config, ...]:
    """The lab's configs: from the URL when it changed since the page last wrote it (a link
    was opened; ignored parameters are kept under LAB_QUERY_WARNINGS), else the session's,
    else the default preset."""
    query = st.query_params.to_dict()
    if query != st.session_state.get(LAB_QUERY_WRITTEN):
        view_problems = apply_view_query(query, st.session_state)
        if set(query) - IGNORED_PARAMS:
            configs, problems = read_lab_query(query)
            configs, problems = _without_missing_csv(configs, problems)
            replace_lab_configs(st.session_state, configs)
            st.session_state[LAB_QUERY_WARNINGS] = (problems + view_problems, tuple(configs))
        if set(query) - (IGNORED_PARAMS - {PRESENTER_PARAM}):
            st.session_state[PRESENTER] = query.get(PRESENTER_PARAM) in ("1", "true")
    st.session_state.setdefault(PRESENTER, False)
    if lab_configs(st.session_state) is None:
        replace_lab_configs(st.session_state, PRESETS[DEFAULT_PRESET])
    return lab_configs(st.session_state)


def link_problems(configs: Sequence[Config]) -> list[str]:
    """The ignored parameters of the link that set `configs` (none once they were changed)."""
    problems, loaded = st.session_state.get(LAB_QUERY_WARNINGS, ((), None))
    return list(problems) if loaded is not None and same_configs(configs, loaded) else []


def _without_missing_csv(configs, problems):
    if configs[0].dataset != "custom" or CSV_DATA in st.session_state:
        return configs, problems
    fallback = Config().dataset
    note = f"the link trains on an uploaded CSV, which a link cannot carry; using {fallback}"
    return [c.replace(dataset=fallback) for c in configs], problems + [note]


def write_settings(configs: Sequence[Config]) -> None:
    """Put the settings into the URL, touching only the parameters that changed."""
    wanted = lab_query(configs)
    if st.session_state.get(PRESENTER):
        wanted[PRESENTER_PARAM] = "1"
    current = st.query_params.to_dict()
    for name in set(current) - set(wanted) - (IGNORED_PARAMS - {PRESENTER_PARAM}):
        del st.query_params[name]
    for name, value in wanted.items():
        if current.get(name) != value:
            st.query_params[name] = value
    write_view_settings()


# --- the chart options in the URL: ?chart=Weights&log=1&smooth=0.3&train=0&whatif=20&boundary=best
CHART_TABS = ("Loss", "Accuracy", "Penalty", "Weights", "Decision boundary")
BOUNDARY_AT = ("final", "best")
SMOOTHING_STEP, MAX_SMOOTHING, MAX_WHAT_IF = 0.05, 0.95, 500


@dataclass(frozen=True)
class ViewParam:
    """One chart option in the URL: its widget's key, its default and its text conversions."""

    key: str
    default: object
    parse: Callable[[str], object]   # raises ValueError on a bad value
    format: Callable[[object], str] = str


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("use 0 or 1")
    return text == "1"


def _smoothing(text: str) -> float:
    try:
        value = round(round(float(text) / SMOOTHING_STEP) * SMOOTHING_STEP, 2)
    except (ValueError, OverflowError):
        value = -1.0  # not a number: refused below
    if not 0 <= value <= MAX_SMOOTHING:
        raise ValueError(f"use a number from 0 to {MAX_SMOOTHING}")
    return value


def _what_if(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WHAT_IF:
        raise ValueError(f"use a whole number from 1 to {MAX_WHAT_IF}")
    return int(text)


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError(f"use one of: {', '.join(choices)}")
        return text
    return parse


def _bit(on: bool) -> str:
    return "1" if on else "0"


VIEW_PARAMS = {
    "chart": ViewParam(VIEW_TAB, CHART_TABS[0], _one_of(CHART_TABS)),
    "log": ViewParam(VIEW_LOG_Y, False, _flag, _bit),
    "smooth": ViewParam(VIEW_SMOOTHING, 0.0, _smoothing, lambda value: f"{value:g}"),
    "train": ViewParam(VIEW_SHOW_TRAIN, True, _flag, _bit),
    "whatif": ViewParam(VIEW_WHAT_IF, None, _what_if),
    "boundary": ViewParam(VIEW_BOUNDARY_AT, BOUNDARY_AT[0], _one_of(BOUNDARY_AT)),
}


def view_query(state: Mapping) -> dict[str, str]:
    """The chart options of `state` that differ from their defaults, as query parameters."""
    return {name: param.format(state[param.key]) for name, param in VIEW_PARAMS.items()
            if state.get(param.key, param.default) != param.default}


def apply_view_query(query: Mapping[str, str], state: MutableMapping) -> list[str]:
    """Set the chart options a link carries (before their widgets are drawn); returns a note
    for each bad value, which is left as it was."""
    problems = []
    for name, param in VIEW_PARAMS.items():
        if name in query:
            try:
                state[param.key] = param.parse(query[name])
            except ValueError as error:
                problems.append(f"{name}={query[name]!r} ignored ({error})")
    return problems


def write_view_settings() -> None:
    """Put the chart options into the URL; called where they are drawn (inside the live
    loop's fragment, whose reruns do not reach write_settings)."""
    current, wanted = st.query_params.to_dict(), view_query(st.session_state)
    for name in VIEW_PARAMS:
        if name in wanted and current.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
        elif name not in wanted and name in current:
            del st.query_params[name]
    st.session_state[LAB_QUERY_WRITTEN] = st.query_params.to_dict()


# --- button callbacks: they run before any widget is drawn -------------------------------------
def load_preset() -> None:
    name = st.session_state[PRESET]
    if name in PRESETS:
        st.session_state.pop(CSV_DATA, None)
        replace_lab_configs(st.session_state, PRESETS[name])
        st.session_state[RUN_TAB] = run_tab_label(RUN_NAMES[0])


def add_run(index: int | None = None) -> None:
    """Insert a copy of run `index` after it, or append a default run on the same data; its
    tab opens."""
    configs = list(lab_configs(st.session_state))
    if index is None:
        data = {field: getattr(configs[0], field) for field in DATA_FIELDS}
        configs.append(Config().replace(epochs=configs[0].epochs, **data))
        index = len(configs) - 2
    else:
        configs.insert(index + 1, configs[index])
    replace_lab_configs(st.session_state, configs)
    st.session_state[RUN_TAB] = run_tab_label(RUN_NAMES[index + 1])


def remove_run(index: int) -> None:
    """Remove run `index`; the runs after it move up, the tab before it opens."""
    configs = list(lab_configs(st.session_state))
    replace_lab_configs(st.session_state, configs[:index] + configs[index + 1:])
    st.session_state[RUN_TAB] = run_tab_label(RUN_NAMES[max(index - 1, 0)])


# --- an uploaded CSV (kept in this session only) ------------------------------------------------
def accept_csv(state: MutableMapping, name: str, content: bytes, base: Config) -> str | None:
    """Parse an upload with regcore.load_csv (target: the last column). On success keep it in
    `state` as the active data and return None; on a ValueError keep the previous data and
    return the message."""
    try:
        data = load_csv(content, val_fraction=base.val_fraction, seed=base.seed, scale=base.scale)
    except ValueError as error:
        return f"{name} was not loaded: {error}"
    columns = _header(content)
    state[CSV_DATA] = {"name": name, "content": content, "columns": columns,
                       "digest": hashlib.blake2b(content, digest_size=16).hexdigest()}
    state[CSV_TARGET] = columns[-1]
    state[CSV_DATASET] = ((columns[-1], base.val_fraction, base.seed, base.scale), data)
    return None


def take_upload(uploader_key: str) -> None:
    """Callback of a CSV uploader (the lab's or a lesson's): make the file this session's own
    data if it parses — the lab's runs train on it, the lessons offer it."""
    upload = st.session_state.get(uploader_key)
    if upload is None:
        return
    configs = lab_configs(st.session_state)
    base = configs[0] if configs else Config()
    previous = st.session_state.get(CSV_DATA, {}).get("previous", base.dataset)
    problem = accept_csv(st.session_state, upload.name, upload.getvalue(), base)
    if problem:
        st.session_state[CSV_ERROR] = (uploader_key, problem)
        return
    st.session_state.pop(CSV_ERROR, None)
    st.session_state[CSV_DATA]["previous"] = previous
    if configs:
        replace_lab_configs(st.session_state, [c.replace(dataset="custom") for c in configs])


def upload_error(uploader_key: str) -> str | None:
    """Why the last file given to this uploader was refused (None if it was not)."""
    where, message = st.session_state.get(CSV_ERROR, (None, None))
    return message if where == uploader_key else None


def use_builtin() -> None:
    """Callback: back to the built-in set the lab used before the upload."""
    previous = st.session_state.pop(CSV_DATA, {}).get("previous", Config().dataset)
    dataset = previous if previous != "custom" else Config().dataset
    configs = [c.replace(dataset=dataset) for c in lab_configs(st.session_state)]
    replace_lab_configs(st.session_state, configs)


def csv_split(state: Mapping) -> tuple[str, float, int, bool]:
    """(target, val_fraction, seed, scale) of the active upload's split."""
    return state[CSV_DATASET][0]


def csv_dataset(state: MutableMapping, target: str, val_fraction: float, seed_: int,
                scale: bool) -> tuple[Dataset, str]:
    """The active upload split with these settings (parsed again only when they change), and
    an error message if they do not work (the previous split is kept then)."""
    settings, data = state[CSV_DATASET]
    wanted = (target, val_fraction, seed_, scale)
    if settings == wanted:
        return data, ""
    try:
        data = load_csv(state[CSV_DATA]["content"], target=target, val_fraction=val_fraction,
                        seed=seed_, scale=scale)
    except ValueError as error:
        return data, f"Target {target!r} does not work: {error}"
    state[CSV_DATASET] = (wanted, data)
    return data, ""


def _header(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    header = next(cells for cells in rows if any(cell.strip() for cell in cells))
    return [cell.strip() for cell in header]
