"""The lab's settings: the configs of its runs kept in the session, the widgets that edit
them, and the URL that carries them — read from a link, written back as they change — plus the
buttons that change the runs (a preset, add, duplicate, remove).

Widgets hold their values under the keys of ui.keys. Streamlit forgets a widget's value when
the widget is not drawn (presenter mode hides some, another page was open), so the lab keeps
its last valid configs under LAB_CONFIGS and seeds any missing widget value from them.

Runs keep their names (and so their colours): the names live under LAB_NAMES, one per config.
Removing run A of A, B, C leaves B and C; a run added then takes the first free name, A.
"""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence

import streamlit as st

from regcore import Config
from regcore.config import DATA_FIELDS
from regcore.settings import RUN_WIDGETS

from .keys import (CSV_DATA, LAB_CONFIGS, LAB_NAMES, LAB_QUERY_WARNINGS, LAB_QUERY_WRITTEN,
                   PENALTY_SEEN, PRESENTER, PRESENTER_KEPT, PRESET, RUN_TAB, data_key, run_key)
from .presets import CUSTOM, DEFAULT_PRESET, PRESETS, matching_preset
from .theme import RUN_NAMES
from .urlcodec import (IGNORED_PARAMS, MAX_RUNS, PRESENTER_PARAM, VIEW_PARAMS, apply_view_query,
                       default_names, lab_query, query_names, read_lab_query, view_query)


def lab_widget_keys(names: Sequence[str]) -> list[str]:
    """Keys of every settings widget of the lab for runs `names`."""
    keys = [data_key(field) for field in DATA_FIELDS]
    return keys + [run_key(name, field) for name in names
                   for field in (*RUN_WIDGETS, PENALTY_SEEN)]


def lab_configs(state: Mapping) -> tuple[Config, ...] | None:
    return state.get(LAB_CONFIGS)


def lab_names(state: Mapping) -> tuple[str, ...]:
    """The names of the lab's runs, one per config of LAB_CONFIGS, in order: the names they
    were given (a run keeps its name when another is removed), or A, B, C… if none were."""
    count = len(state.get(LAB_CONFIGS) or ())
    names = tuple(state.get(LAB_NAMES, ()))
    return names if len(names) == count else default_names(count)


def lab_preset(configs: Sequence[Config], names: Sequence[str]) -> str:
    """The preset the lab holds: the one equal to `configs` if the runs carry its names A, B…
    (its description speaks of them), else CUSTOM."""
    return matching_preset(configs) if tuple(names) == default_names(len(configs)) else CUSTOM


def same_configs(old: Sequence[Config], new: Sequence[Config]) -> bool:
    """Equal field by field (not by class identity: a reloaded module makes a new Config class)."""
    return [c.to_dict() for c in old] == [c.to_dict() for c in new]


def replace_lab_configs(state: MutableMapping, configs: Sequence[Config],
                        names: Sequence[str] | None = None) -> None:
    """Make `configs` the lab's settings, run i named names[i] (None: the runs keep their
    names if there are as many, else A, B, C…), and forget every settings widget's value, so
    the widgets are drawn again from the new configs. Only valid before the widgets are drawn,
    e.g. in a button callback."""
    names = tuple(lab_names(state) if names is None else names)
    state[LAB_CONFIGS] = tuple(configs)
    state[LAB_NAMES] = names if len(names) == len(configs) else default_names(len(configs))
    for key in lab_widget_keys(RUN_NAMES[:MAX_RUNS]):
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
            replace_lab_configs(st.session_state, configs, query_names(query))
            st.session_state[LAB_QUERY_WARNINGS] = (problems + view_problems, tuple(configs))
        if set(query) - (IGNORED_PARAMS - {PRESENTER_PARAM}):
            st.session_state[PRESENTER] = query.get(PRESENTER_PARAM) in ("1", "true")
    st.session_state.setdefault(PRESENTER, st.session_state.get(PRESENTER_KEPT, False))
    if lab_configs(st.session_state) is None:
        replace_lab_configs(st.session_state, PRESETS[DEFAULT_PRESET])
    return lab_configs(st.session_state)


def presenter() -> bool:
    """Whether presenter mode is on (load_settings has read it from the link or the session).
    Kept under PRESENTER_KEPT too: Streamlit forgets the toggle's value on pages without it."""
    st.session_state[PRESENTER_KEPT] = st.session_state[PRESENTER]
    return st.session_state[PRESENTER]


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


def keep_settings(configs: Sequence[Config]) -> None:
    """Make `configs` (valid) the lab's last valid settings and put them into the URL."""
    st.session_state[LAB_CONFIGS] = tuple(configs)
    write_settings(configs)


def write_settings(configs: Sequence[Config]) -> None:
    """Put the settings into the URL, touching only the parameters that changed."""
    wanted = lab_query(configs, lab_names(st.session_state))
    if st.session_state.get(PRESENTER):
        wanted[PRESENTER_PARAM] = "1"
    current = st.query_params.to_dict()
    for name in set(current) - set(wanted) - (IGNORED_PARAMS - {PRESENTER_PARAM}):
        del st.query_params[name]
    for name, value in wanted.items():
        if current.get(name) != value:
            st.query_params[name] = value
    write_view_settings()


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



# --- buttons: their callbacks run before any widget is drawn -------------------------------------
def load_preset() -> None:
    name = st.session_state[PRESET]
    if name in PRESETS:
        st.session_state.pop(CSV_DATA, None)
        names = default_names(len(PRESETS[name]))
        replace_lab_configs(st.session_state, PRESETS[name], names)
        st.session_state[RUN_TAB] = run_tab_label(names[0])


def add_run(index: int | None = None) -> None:
    """Insert a copy of run `index` (None: of the last run, the user then changes one thing)
    after it, under the first free name; its tab opens."""
    configs, names = list(lab_configs(st.session_state)), list(lab_names(st.session_state))
    index = len(configs) - 1 if index is None else index
    name = next(free for free in RUN_NAMES[:MAX_RUNS] if free not in names)
    configs.insert(index + 1, configs[index])
    names.insert(index + 1, name)
    replace_lab_configs(st.session_state, configs, names)
    st.session_state[RUN_TAB] = run_tab_label(name)


def remove_run(index: int) -> None:
    """Remove run `index`; the others keep their names and colours, the tab before it opens."""
    configs, names = list(lab_configs(st.session_state)), list(lab_names(st.session_state))
    del configs[index], names[index]
    replace_lab_configs(st.session_state, configs, names)
    st.session_state[RUN_TAB] = run_tab_label(names[max(index - 1, 0)])



def run_tab_label(name: str) -> str:
    return f"Run {name}"
