"""Regularization Lab: train small networks side by side and watch what each regularizer does.

    streamlit run app.py

The home page is the comparison lab (below); lessons and the sweep are pages of their own.
"""
import os

import streamlit as st
from threadpoolctl import threadpool_limits

from ui import controls, keys, lab_settings, lab_view, upload
from ui.live import live_comparison, pause, session_for
from ui.presets import CUSTOM, DESCRIPTIONS, PRESETS, matching_preset
from ui.theme import RUN_NAMES
from ui.urlcodec import MAX_RUNS

# Many visitors share the server's cores: one BLAS thread per training keeps them from fighting.
threadpool_limits(1, user_api="blas")

LESSONS = (("pages/1_L1_and_L2.py", "L1 and L2", ":material/functions:"),
           ("pages/2_Early_stopping.py", "Early stopping", ":material/timer:"),
           ("pages/3_Weight_decay_vs_L2.py", "Weight decay vs L2", ":material/balance:"),
           ("pages/4_Dropout.py", "Dropout", ":material/casino:"),
           ("pages/5_Batch_normalization.py", "Batch normalization", ":material/bar_chart:"),
           ("pages/6_Layer_normalization.py", "Layer normalization", ":material/straighten:"))
SWEEPS = (("pages/7_Sweep.py", "Sweep", ":material/tune:"),)
HERE = os.path.dirname(os.path.abspath(__file__))


def sidebar(configs) -> tuple[dict, object]:
    """Presenter mode, presets and the shared data; returns (data fields, Dataset or None)."""
    with st.sidebar:
        st.toggle("Presenter mode", key=keys.PRESENTER,
                  help="For a talk: hides the advanced controls (architecture, learning rate, "
                       "batch size, early-stopping details) and keeps the regularizers.")
        st.session_state[keys.PRESET] = matching_preset(configs)
        st.selectbox("Preset", [*PRESETS, CUSTOM], key=keys.PRESET, on_change=lab_settings.load_preset,
                     help="A ready comparison; choosing one replaces the runs.")
        st.caption(DESCRIPTIONS[st.session_state[keys.PRESET]])
        st.subheader("Data", divider="gray", anchor=False)
        presenter = st.session_state[keys.PRESENTER]
        if keys.CSV_DATA in st.session_state:
            return csv_data_controls(configs[0], presenter)
        fields = controls.data_controls(configs[0], presenter)
        upload_controls()
        return fields, None


def csv_data_controls(base, presenter) -> tuple[dict, object]:
    info = st.session_state[keys.CSV_DATA]
    st.markdown(f"Training on **{info['name']}**")
    controls.seed(keys.CSV_TARGET, upload.csv_split(st.session_state)[0])
    info["target"] = st.selectbox("Target column", info["columns"], key=keys.CSV_TARGET,
                                  help="The column to predict; the others are the features.")
    controls.seed_data(base)
    fields = {"dataset": "custom", **controls.split_controls(presenter)}
    split = [fields.get(name, getattr(base, name)) for name in ("val_fraction", "seed", "scale")]
    data, problem = upload.csv_dataset(st.session_state, info["target"], *split)
    if problem:
        st.error(problem)
    st.caption(controls.describe(data))
    st.button("Back to the built-in data sets", key=keys.USE_BUILTIN,
              on_click=upload.use_builtin, width="stretch")
    upload_controls()
    return fields, data


def upload_controls() -> None:
    with st.expander("Train on your own CSV", expanded=bool(upload.upload_error(keys.CSV_UPLOAD))):
        controls.csv_uploader(keys.CSV_UPLOAD)


def run_tabs(configs, data_fields, presenter) -> list:
    """One tab per run; only the open tab draws its controls (the others keep their last
    valid settings). Returns each run's Config, or the message of its problem."""
    names = RUN_NAMES[:len(configs)]
    results, selected = [], 0
    with st.expander("Run settings", expanded=True, icon=":material/tune:"), \
            st.container(key=keys.RUNS_CONTAINER):
        lab_view.run_color_css(keys.RUNS_CONTAINER, len(configs))
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
                results.append(run_controls(name, base, presenter))
        run_buttons(selected, len(configs))
    return results


def run_controls(name, base, presenter):
    result = controls.run_controls(name, base, presenter)
    if isinstance(result, str):
        st.error(f"Run {name} cannot train: {result}")
    return result


def run_buttons(index: int, count: int) -> None:
    """Add a run; duplicate or remove the run whose tab is open."""
    name = RUN_NAMES[index]
    add, duplicate, remove, _ = st.columns([1, 1, 1, 2])
    add.button("Add run", key=keys.ADD_RUN, icon=":material/add:", on_click=lab_settings.add_run,
               disabled=count >= MAX_RUNS, width="stretch",
               help=f"A new run with default settings; up to {MAX_RUNS} runs.")
    duplicate.button(f"Duplicate run {name}", key=keys.run_action_key(name, "duplicate"),
                     icon=":material/content_copy:", on_click=lab_settings.add_run, args=(index,),
                     disabled=count >= MAX_RUNS, width="stretch")
    remove.button(f"Remove run {name}", key=keys.run_action_key(name, "remove"),
                  icon=":material/delete:", on_click=lab_settings.remove_run, args=(index,),
                  disabled=count <= 1, width="stretch")


def comparison_lab() -> None:
    configs = lab_settings.load_settings()
    data_fields, data = sidebar(configs)
    lab_view.compact_top()
    st.title("Regularization Lab", anchor=False)
    st.caption("Set up runs that differ in a regularizer, press Train and watch what changes. "
               "Every run trains on the same split from the same initial weights.")
    if problems := lab_settings.link_problems(configs):
        st.warning("Some settings of the link could not be used; their defaults apply:\n"
                   + "\n".join(f"- {problem}" for problem in problems))
    results = run_tabs(configs, data_fields, st.session_state[keys.PRESENTER])
    names = list(RUN_NAMES[:len(results)])
    invalid = [f"Run {n}: {r}" for n, r in zip(names, results) if isinstance(r, str)]
    if not invalid:
        configs = tuple(results)
        st.session_state[keys.LAB_CONFIGS] = configs
        lab_settings.write_settings(configs)
    lab_view.diff_view(configs, names, DESCRIPTIONS[matching_preset(configs)])
    if invalid:
        st.error("Fix these settings to train:\n" + "\n".join(f"- {p}" for p in invalid))
        pause(keys.LIVE_KEY)
    shown = live_comparison(keys.LIVE_KEY, configs, data, lab_view.draw, names=names,
                            controls=not invalid)
    if shown is None:
        lab_view.placeholder()
    with st.expander("Share and keep", expanded=True, icon=":material/share:"):
        lab_view.share_and_keep(configs, names, shown, st.session_state.get(keys.CSV_DATA),
                                training=session_for(keys.LIVE_KEY).playing)


def navigation() -> None:
    lab = st.Page(comparison_lab, title="Comparison lab", icon=":material/science:", default=True)
    sections = {"": [lab]}
    for section, pages in (("Lessons", LESSONS), ("Sweeps", SWEEPS)):
        available = [st.Page(path, title=title, icon=icon) for path, title, icon in pages
                     if os.path.exists(os.path.join(HERE, path))]
        if available:
            sections[section] = available
    st.navigation(sections).run()


st.set_page_config(layout="wide", page_title="Regularization Lab", page_icon=":material/science:")
navigation()
