"""Sweep: one base configuration trained over a grid of one or two settings and several seeds.

The sweep runs in worker processes (or on a Dask cluster) while a fragment polls it a few
times a second, so the progress bar moves and Cancel reaches the workers at once.
"""
import streamlit as st

from regcore import LIMITS, Config
from regcore.sweep import (AXES, BACKENDS, SCHEDULER_VARIABLE, axis_values, describe,
                           format_duration, idle_keys, max_local_workers, plan_sweep,
                           prepare_workers, scheduler_from_environment, start_sweep)
from regcore.settings import SETTINGS, parse_widths
from regcore.sweep.ranges import MAX_POINTS
from ui.controls import seed
from ui.lesson import MAX_SEEDS
from ui.page import page_setup
from ui.plots.sweep import METRIC_LABELS, heatmap_figure, line_figure, selected_point
from ui.presets import PRESETS
from ui.keys import page_key
from ui.urlcodec import lab_link

PAGE = "sweep"
JOB, RESULTS, ERROR = page_key(PAGE, "job"), page_key(PAGE, "results"), page_key(PAGE, "error")
COUNT = page_key(PAGE, "count")  # sweeps started: each gets a fresh chart, with no old selection
STARTS = {"Default settings with an L2 penalty": Config(penalty="l2", epochs=100),
          **{name: configs[0] for name, configs in PRESETS.items()}}
BASE_FIELDS = ("dataset", "n_samples", "epochs", "hidden", "optimizer", "penalty",
               "penalty_strength")
TICK_SECONDS = 0.5  # between polls of a running sweep


def key(name: str) -> str:
    return page_key(PAGE, name)


# --- the base configuration --------------------------------------------------------------------
def seed_base_widgets(config: Config, overwrite: bool = False) -> None:
    for field in BASE_FIELDS:
        value = ", ".join(map(str, config.hidden)) if field == "hidden" else getattr(config, field)
        if overwrite:
            st.session_state[key(field)] = value
        seed(key(field), value)


def apply_start() -> None:
    seed_base_widgets(STARTS[st.session_state[key("start")]], overwrite=True)


def base_controls() -> Config | None:
    start = st.selectbox("Start from", list(STARTS), key=key("start"), on_change=apply_start,
                         help="The lab's presets: the first run of each is the base here.")
    preset = STARTS[start]
    seed_base_widgets(preset)
    data, model = st.columns([3, 4])
    c = data.columns(3)
    values = {
        "dataset": c[0].selectbox("Dataset", list(SETTINGS["dataset"].choices), key=key("dataset"),
                                  format_func=SETTINGS["dataset"].choices.get),
        "n_samples": c[1].number_input("Samples", 20, LIMITS.max_samples, step=100,
                                       key=key("n_samples")),
        "epochs": c[2].number_input("Epochs", 1, LIMITS.max_epochs, step=10, key=key("epochs")),
    }
    c = model.columns(4)
    values["hidden"] = c[0].text_input("Hidden layers", key=key("hidden"),
                                       help="Widths such as 64, 64; empty for a linear model.")
    values["optimizer"] = c[1].selectbox("Optimizer", list(SETTINGS["optimizer"].choices), key=key("optimizer"),
                                         format_func=SETTINGS["optimizer"].choices.get)
    values["penalty"] = c[2].selectbox("Penalty", list(SETTINGS["penalty"].choices), key=key("penalty"),
                                       format_func=SETTINGS["penalty"].choices.get)
    strength = st.session_state[key("penalty_strength")]
    values["penalty_strength"] = c[3].select_slider(
        "Strength λ", sorted(set(SETTINGS["penalty_strength"].marks_between()) | {strength}), key=key("penalty_strength"),
        format_func=lambda v: f"{v:g}")
    try:
        values["hidden"] = parse_widths(values["hidden"])
        return preset.replace(**values)
    except ValueError as error:
        st.error(f"Base configuration: {error}")
        return None


# --- the grid ----------------------------------------------------------------------------------
def axis_controls(field: str) -> list:
    axis = AXES[field]
    if axis.kind == "choice":
        return st.multiselect(axis.label, axis.choices, default=list(axis.choices),
                              key=key(f"{field}_choices"))
    left, right = st.columns([3, 1])
    if axis.kind == "log":
        low, high = left.select_slider(f"{axis.label} from … to (log scale)",
                                       axis.round_values(),
                                       value=(axis.low, axis.high), format_func=lambda v: f"{v:g}",
                                       key=key(f"{field}_range"))
    else:
        low, high = left.slider(f"{axis.label} from … to", axis.minimum, axis.maximum,
                                (axis.low, axis.high), step=0.05, key=key(f"{field}_range"))
    count = right.slider("values", 1, MAX_POINTS, axis.count, key=key(f"{field}_count"),
                         help="log-spaced" if axis.kind == "log" else "evenly spaced")
    return axis_values(axis, low, high, count)


def grid_controls() -> dict[str, list] | None:
    fields = st.multiselect("Sweep (one or two settings)", list(AXES), default=["penalty_strength",
                            "dropout"], max_selections=2, format_func=lambda f: AXES[f].label,
                            key=key("fields"))
    if not fields:
        st.info("Choose one or two settings to sweep.")
        return None
    try:
        return {field: axis_controls(field) for field in fields}
    except ValueError as error:
        st.error(str(error))
        return None


def backend_controls() -> dict:
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


# --- running -----------------------------------------------------------------------------------
def start(base: Config, grid: dict, seeds: int, where: dict) -> None:
    st.session_state.pop(ERROR, None)
    st.session_state[COUNT] = st.session_state.get(COUNT, 0) + 1
    try:
        st.session_state[JOB] = start_sweep(base, grid, seeds, **where)
    except ValueError as error:
        st.session_state[ERROR] = str(error)


def cancel() -> None:
    job = st.session_state.get(JOB)
    if job is not None:
        job.cancel()


def progress() -> None:
    job = st.session_state.get(JOB)
    if job is None:
        return
    try:
        job.poll(timeout=0.1)
    except RuntimeError as error:
        st.session_state[ERROR] = str(error)
    if not job.running:
        st.session_state[RESULTS] = (job.plan, job.results(), job.state)
        del st.session_state[JOB]
        st.rerun()  # the whole page: results in, polling off
    left = format_duration(job.time_left)
    st.progress(job.done / job.total, text=f"{job.done} of {job.total} runs · {left} left")
    st.button("Cancel", key=key("cancel"), on_click=cancel, icon=":material/stop:")


# --- results -----------------------------------------------------------------------------------
def show_results(plan, results, state: str) -> None:
    st.header("Results")
    failed = int(results["status"].isin(["diverged", "failed"]).sum())
    note = f"{len(results)} of {plan.total} runs" + (" (cancelled)" if state == "cancelled" else "")
    st.caption(note + (f" · {failed} diverged or failed" if failed else ""))
    metric = st.radio("Show", list(METRIC_LABELS), horizontal=True, key=key("metric"),
                      format_func=METRIC_LABELS.get)
    if len(plan.keys) == 2:
        figure = heatmap_figure(results, plan.keys[0], plan.keys[1], metric)
    else:
        figure = line_figure(results, plan.keys[0], metric)
    event = st.plotly_chart(figure, theme=None, on_select="rerun", selection_mode="points",
                            key=key(f"chart{st.session_state[COUNT]}"))
    point = selected_point(event["selection"])
    if point is None:
        st.caption("Click a cell or a point to open that configuration in the lab.")
    else:
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.link_button("Open in the lab", lab_link([plan.config(point)]), type="primary",
                         icon=":material/science:")
        right.markdown(f"**{describe(plan.points[point])}**")
        st.dataframe(results[results["point"] == point], hide_index=True)
    st.download_button("Download results (CSV)", results.to_csv(index=False), "sweep.csv",
                       "text/csv", key=key("download"), on_click="ignore",
                       icon=":material/download:")


# --- the page ----------------------------------------------------------------------------------
page_setup("Sweep", "🧮")
st.title("Sweep")
st.markdown("One run shows *what* a regularizer does; a sweep shows **how much** of it helps. "
            "Pick a base configuration, one or two settings and their ranges: every "
            "combination is trained once per seed, and the chart shows the mean over seeds.")

base = base_controls()
grid = grid_controls()
seeds = st.slider("Seeds per point", 1, MAX_SEEDS, 2, key=key("seeds"),
                  help="Each seed changes the data sample, the split and the initial weights.")
where = backend_controls()

plan, problem = None, None
if base is not None and grid is not None:
    try:
        plan = plan_sweep(base, grid, seeds)
    except ValueError as error:
        problem = str(error)
if problem:
    st.error(problem)
elif plan is not None:
    st.caption(f"{len(plan.points)} grid points × {len(plan.seeds)} seed(s) = "
               f"**{plan.total} runs** (at most {LIMITS.max_sweep_runs}).")
    for sentence in idle_keys(plan):
        st.warning(sentence)

running = JOB in st.session_state
st.button("Run sweep", key=key("run"), type="primary", icon=":material/play_arrow:",
          disabled=plan is None or running, on_click=start, args=(base, grid, seeds, where))
if ERROR in st.session_state:
    st.error(st.session_state[ERROR])
st.fragment(run_every=TICK_SECONDS if running else None)(progress)()

if RESULTS in st.session_state:
    show_results(*st.session_state[RESULTS])
