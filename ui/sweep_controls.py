"""The Sweep page's controls: the base configuration (from a preset, edited with the widgets
of the table of settings), the grid of one or two swept settings, and where the runs execute."""
from __future__ import annotations

import streamlit as st

from regcore import Config
from regcore.datasets import rows_available
from regcore.settings import SETTINGS, parse_widths
from regcore.sweep import (AXES, BACKENDS, SCHEDULER_VARIABLE, axis_values, max_local_workers,
                           prepare_workers, scheduler_from_environment)
from regcore.sweep.defaults import DEFAULT_BASE, DEFAULT_KEYS
from regcore.sweep.ranges import MAX_POINTS

from .controls import rows_text, samples_for_new_set, seed, setting_widget, widget_value
from .keys import page_key
from .presets import PRESETS

PAGE = "sweep"
STARTS = {"Small noisy moons, wide network, L2 penalty": DEFAULT_BASE,
          "Default settings with an L2 penalty": Config(penalty="l2", epochs=100),
          **{name: configs[0] for name, configs in PRESETS.items()}}
DATA_FIELDS = ("dataset", "n_samples", "epochs")
MODEL_FIELDS = ("hidden", "optimizer", "penalty", "penalty_strength")


def key(name: str) -> str:
    return page_key(PAGE, name)


# --- the base configuration --------------------------------------------------------------------
def base_controls() -> Config | None:
    """A preset to start from and the main settings of the base; None if they do not work."""
    start = st.selectbox("Start from", list(STARTS), key=key("start"), on_change=_apply_start,
                         help="The lab's presets: the first run of each is the base here.")
    preset = STARTS[start]
    _seed_base_widgets(preset)
    values = {}
    data, model = st.columns([3, 4])
    for columns, fields in ((data.columns(3), DATA_FIELDS), (model.columns(4), MODEL_FIELDS)):
        for column, field in zip(columns, fields):
            with column:
                values[field] = _base_widget(field)
    st.caption(_unshown_settings(preset))
    try:
        values["hidden"] = parse_widths(values["hidden"])
        base = preset.replace(**values)
    except ValueError as error:
        st.error(f"Base configuration: {error}")
        return None
    st.caption(rows_text(base))
    return base


def _base_widget(field: str):
    """A base setting's widget; a newly picked data set takes its own sample count (all rows
    of a real set), as in the lab."""
    if field == "dataset":
        return setting_widget(field, key(field), on_change=samples_for_new_set,
                              args=(key(field), key("n_samples"), st.session_state[key(field)]))
    if field == "n_samples":
        return setting_widget(field, key(field),
                              high=rows_available(st.session_state[key("dataset")]))
    return setting_widget(field, key(field))


def _unshown_settings(config: Config) -> str:
    """The start's settings that differ from the defaults and have no widget here."""
    shown = DATA_FIELDS + MODEL_FIELDS
    changed = [f"{SETTINGS[field].label} {SETTINGS[field].text(value)}"
               for field, value in config.changes().items()
               if field not in shown and field in SETTINGS]
    if not changed:
        return "Every other setting at its default."
    return f"Also from this start: {', '.join(changed)}; every other setting at its default."


def _seed_base_widgets(config: Config, overwrite: bool = False) -> None:
    for field in DATA_FIELDS + MODEL_FIELDS:
        if overwrite:
            st.session_state[key(field)] = widget_value(field, config)
        seed(key(field), widget_value(field, config))


def _apply_start() -> None:
    _seed_base_widgets(STARTS[st.session_state[key("start")]], overwrite=True)


# --- the grid ----------------------------------------------------------------------------------
def grid_controls() -> dict[str, list] | None:
    """One or two settings and the values of each: {field: values}, or None."""
    fields = st.multiselect("Sweep (one or two settings)", list(AXES),
                            default=list(DEFAULT_KEYS), max_selections=2,
                            format_func=lambda f: AXES[f].label, key=key("fields"))
    if not fields:
        st.info("Choose one or two settings to sweep.")
        return None
    try:
        return {field: _axis_controls(field) for field in fields}
    except ValueError as error:
        st.error(str(error))
        return None


def _axis_controls(field: str) -> list:
    axis = AXES[field]
    if axis.kind == "choice":
        return st.multiselect(axis.label, axis.choices, default=list(axis.choices),
                              key=key(f"{field}_choices"))
    left, right = st.columns([3, 1])
    if axis.kind == "log":
        low, high = left.select_slider(f"{axis.label} from … to (log scale)",
                                       axis.round_values(), value=(axis.low, axis.high),
                                       format_func=lambda v: f"{v:g}", key=key(f"{field}_range"))
    else:
        low, high = left.slider(f"{axis.label} from … to", axis.minimum, axis.maximum,
                                (axis.low, axis.high), step=0.05, key=key(f"{field}_range"))
    count = right.slider("values", 1, MAX_POINTS, axis.count, key=key(f"{field}_count"),
                         help="log-spaced" if axis.kind == "log" else "evenly spaced")
    return axis_values(axis, low, high, count)


# --- where the runs execute --------------------------------------------------------------------
def backend_controls() -> dict:
    """This machine's worker processes or a Dask cluster: the keyword arguments of a sweep."""
    with st.expander("Advanced: where the runs execute"):
        environment = scheduler_from_environment()
        backend = st.radio("Backend", BACKENDS, index=BACKENDS.index("dask" if environment
                           else "local"), horizontal=True, key=key("backend"),
                           format_func={"local": "this machine", "dask": "Dask cluster"}.get)
        if backend == "dask":
            scheduler = st.text_input("Scheduler address", key=key("scheduler"),
                                      placeholder=environment or "tcp://host:8786",
                                      help=f"Empty: the address in ${SCHEDULER_VARIABLE}.")
            return {"backend": "dask", "scheduler": scheduler.strip() or None}
        most = max_local_workers()
        workers = st.number_input("Worker processes", 1, most, most, key=key("workers"),
                                  help=f"At most {most}: this machine's cores, up to the "
                                       f"server's cap. 1 runs in the page's own process, "
                                       f"one run at a time.")
        if workers > 1:
            prepare_workers()
        return {"backend": "local", "workers": int(workers)}
