"""The lab's settings: the configs of its runs kept in the session, the widgets that edit
them, and the URL that carries them — read from a link, written back as they change — plus the
buttons that change the runs (a preset, add, duplicate, remove).

Widgets hold their values under the keys of ui.keys. Streamlit forgets a widget's value when
the widget is not drawn (presenter mode hides some, another page was open), so the lab keeps
its last valid configs under LAB_CONFIGS and seeds any missing widget value from them.
"""
from __future__ import annotations

from collections.abc import MutableMapping, Sequence

import streamlit as st

from regcore import Config
from regcore.config import DATA_FIELDS
from regcore.settings import RUN_WIDGETS

from .keys import (CSV_DATA, LAB_CONFIGS, LAB_QUERY_WARNINGS, LAB_QUERY_WRITTEN, PENALTY_SEEN,
                   PRESENTER, PRESENTER_KEPT, PRESET, RUN_TAB, data_key, run_key)
from .presets import DEFAULT_PRESET, PRESETS
from .theme import RUN_NAMES
from .urlcodec import (IGNORED_PARAMS, MAX_RUNS, PRESENTER_PARAM, VIEW_PARAMS, apply_view_query,
                       lab_query, read_lab_query, view_query)


def lab_widget_keys(names: Sequence[str]) -> list[str]:
    """Keys of every settings widget of the lab for runs `names`."""
    keys = [data_key(field) for field in DATA_FIELDS]
    return keys + [run_key(name, field) for name in names
                   for field in (*RUN_WIDGETS, PENALTY_SEEN)]


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



def run_tab_label(name: str) -> str:
    return f"Run {name}"
