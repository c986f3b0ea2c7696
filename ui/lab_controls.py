"""The lab's controls: the sidebar (presenter mode, the preset, a workshop room, the shared data
or an uploaded CSV) and one tab of settings per run, with the buttons that add, duplicate and
remove runs."""
from __future__ import annotations

import streamlit as st

from . import controls, keys, lab_settings, lab_view, upload
from .presets import CUSTOM, DESCRIPTIONS, PRESETS
from .theme import wrapping_labels_css
from .urlcodec import MAX_RUNS


# --- the sidebar -------------------------------------------------------------------------------
def sidebar(configs) -> tuple[dict, object]:
    """Presenter mode, presets and the shared data; returns (data fields, Dataset or None).
    (Presenter mode collapses the sidebar: its workshop-room button is on the page, `title`.)"""
    with st.sidebar:
        st.toggle("Presenter mode", key=keys.PRESENTER,
                  help="For a talk on a projector: collapses this sidebar, puts the Train bar "
                       "and the charts first in larger text, hides the advanced controls "
                       "(architecture, learning rate, batch size, early-stopping details) and "
                       "keeps the regularizers; a workshop room opens beside the title.")
        st.session_state[keys.PRESET] = lab_settings.lab_preset(
            configs, lab_settings.lab_names(st.session_state))
        st.selectbox("Preset", [*PRESETS, CUSTOM], key=keys.PRESET,
                     on_change=lab_settings.load_preset,
                     help="A ready comparison; choosing one replaces the runs.")
        st.caption(DESCRIPTIONS[st.session_state[keys.PRESET]])
        presenter = lab_settings.presenter()
        st.subheader("Data", divider="gray", anchor=False)
        if upload.current() is not None:
            return _csv_data_controls(configs[0], presenter)
        fields = controls.data_controls(configs[0], presenter)
        _upload_controls()
        return fields, None


def _csv_data_controls(base, presenter) -> tuple[dict, object]:
    info = upload.current()
    st.markdown(f"Training on **{info['name']}**")
    controls.seed(keys.CSV_TARGET, upload.csv_split(st.session_state)[0])
    info["target"] = st.selectbox("Target column", info["columns"], key=keys.CSV_TARGET,
                                  help="The column to predict; the others are the features.")
    controls.seed_data(base)
    fields = {"dataset": "custom", **controls.split_controls(presenter, test_split=True)}
    split = upload.CsvSplit(info["target"], *(fields.get(name, getattr(base, name)) for name in
                                              ("val_fraction", "test_fraction", "seed", "scale")))
    data, problem = upload.csv_dataset(st.session_state, split)
    if problem:
        st.error(problem)
    st.caption(controls.describe(data))
    st.button("Back to the built-in data sets", key=keys.USE_BUILTIN,
              on_click=upload.use_builtin, width="stretch")
    _upload_controls()
    return fields, data


def _upload_controls() -> None:
    with st.expander("Train on your own CSV",
                     expanded=bool(upload.upload_error(keys.CSV_UPLOAD))):
        controls.csv_uploader(keys.CSV_UPLOAD)


# --- the runs ----------------------------------------------------------------------------------
def run_tabs(configs, data_fields, presenter) -> list:
    """One tab per run; only the open tab draws its controls (the others keep their last
    valid settings). Returns each run's Config, or the message of its problem."""
    names = lab_settings.lab_names(st.session_state)
    results, selected = [], 0
    with st.expander("Run settings", expanded=True, icon=":material/tune:"), \
            st.container(key=keys.RUNS_CONTAINER):
        lab_view.run_color_css(keys.RUNS_CONTAINER, names)
        st.html(wrapping_labels_css(keys.RUNS_CONTAINER))
        tabs = st.tabs([lab_settings.run_tab_label(name) for name in names], key=keys.RUN_TAB,
                       on_change="rerun")
        for index, (tab, name, config) in enumerate(zip(tabs, names, configs)):
            try:
                base = config.replace(**data_fields)
            except ValueError as error:
                st.error(f"The data settings are not valid: {error}")
                return [f"data: {error}"] * len(configs)
            if tab.open is False:
                results.append(base)
                continue
            selected = index
            with tab:
                results.append(_run_controls(name, base, presenter))
        _run_buttons(selected, names)
    return results


def _run_controls(name, base, presenter):
    result = controls.run_controls(name, base, presenter)
    if isinstance(result, str):
        st.error(f"Run {name} cannot train: {result}")
    return result


def _run_buttons(index: int, names) -> None:
    """Add a run (a copy of the last); duplicate or remove the run whose tab is open."""
    name, count = names[index], len(names)
    add, duplicate, remove = st.columns(3)
    add.button("Add run", key=keys.ADD_RUN, icon=":material/add:",
               on_click=lab_settings.add_run, disabled=count >= MAX_RUNS, width="stretch",
               help=f"A new run with the settings of run {names[-1]}, to change one thing; "
                    f"up to {MAX_RUNS} runs.")
    duplicate.button(f"Duplicate run {name}", key=keys.run_action_key(name, "duplicate"),
                     icon=":material/content_copy:", on_click=lab_settings.add_run,
                     args=(index,), disabled=count >= MAX_RUNS, width="stretch")
    remove.button(f"Remove run {name}", key=keys.run_action_key(name, "remove"),
                  icon=":material/delete:", on_click=lab_settings.remove_run, args=(index,),
                  disabled=count <= 1, width="stretch")
