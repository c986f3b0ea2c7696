"""What the lab shows: the chart tabs drawn on every tick with each run's latest numbers beside
them (and, for the 2-D sets, the decision maps, live from before the first epoch, redrawn
about every second while training, every few seconds in a full room), the summary
table, the table of settings that differ between runs, and the share-and-keep section."""
from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from regcore.export import configs_json, history_csv, reproduction_script
from ui.plots.boundary import boundary_figure
from ui.plots.curves import accuracy_figure, gap_figure, loss_figure, penalty_split_figure
from ui.plots.network import network_figure
from ui.plots.numbers import live_numbers_html
from ui.plots.style import CHART_OPTIONS
from ui.plots.summary import LEGEND as SUMMARY_LEGEND
from ui.plots.summary import summary_frame, summary_html
from ui.plots.weights import histogram_figure, layer_stats_figure, snapshot_epochs

from . import keys, lab_settings, urlcodec
from .controls import settings_diff
from .kept import kept_or_throttled
from .lab_maps import (MAP_CAPTION, live_maps_figure, shows_maps, tab_maps_layout,
                       untrained_runs)
from . import pace
from .live import server_pace, session_for
from .room_view import room_button
from .presenter import (PRESENTER_CHART_HEIGHT, PRESENTER_CHART_OPTIONS, legend_beside,
                        presenter_fonts)
from .theme import FIGURE_HEIGHT, run_color

HEAVY_REFRESH = 1.0   # seconds between redraws of the heavy views while training
KEEP = "session"  # chart options survive a switch of tab (hidden tabs are not drawn) or page


def title(configs, presenter: bool) -> None:
    """The lab's title; in presenter mode (sidebar collapsed) with the workshop-room button
    beside it, so a room opens from the first screen."""
    if not presenter:
        st.title("Regularization Lab", anchor=False)
        return
    heading, room = st.columns([3, 1], vertical_alignment="bottom")
    heading.title("Regularization Lab", anchor=False)
    with room:
        room_button(configs, list(lab_settings.lab_names(st.session_state)))


def run_color_css(container_key: str, names) -> None:
    """Color the tab labels (and the selected tab's underline) inside
    st.container(key=container_key) like the runs `names`, one tab each."""
    rules = "\n".join(
        f".st-key-{container_key} [role='tab'][data-key='{i}'] p {{color: {run_color(i, name)}; "
        f"font-weight: 700;}}\n"
        f".st-key-{container_key} [role='tab'][data-key='{i}'] .react-aria-SelectionIndicator "
        f"{{background-color: {run_color(i, name)};}}" for i, name in enumerate(names))
    st.html(f"<style>{rules}</style>")


# --- drawn on every tick -----------------------------------------------------------------------
def draw(runs, names) -> None:
    """The lab's charts: one tab at a time is computed (lazy tabs), beside them each run's
    latest numbers and, for 2-D classification data, its decision map; the summary below —
    the heavy views (the maps, summary, weight histograms, networks) at most every
    HEAVY_REFRESH seconds while training (`heavy_refresh`: longer in a full room), and
    exactly at the end."""
    charts, side = _chart_columns()
    with side:
        _live_side(runs, names)
    with charts:
        _chart_tabs(runs, names)
    st.markdown(SUMMARY_LEGEND + (f" (while training, refreshed about every "
                                  f"{heavy_refresh():g} s)" if _training() else ""))
    st.html(_heavy("lab-summary", runs, names, lambda: summary_html(summary_frame(runs, names))))
    lab_settings.write_view_settings()


def _chart_columns():
    """(charts, side): the chart tabs, and beside them the live numbers and maps."""
    return st.columns([3, 2], gap="medium")


def _live_side(runs, names) -> None:
    """Each run's latest numbers (every tick), and for 2-D data its decision map (at the
    heavy views' rate while training: a browser mounts a changed chart anew, and the maps'
    thousands of points made it the slowest to draw)."""
    st.html(live_numbers_html(runs, names))
    if shows_maps(runs):
        _chart(_heavy("lab-live-maps", runs, names, lambda: live_maps_figure(runs, names)))
        st.caption(MAP_CAPTION + (f" While training, redrawn about every {heavy_refresh():g} s "
                                  "(each title says its epoch)." if _training() else ""))


def _chart_tabs(runs, names) -> None:
    tabs = st.tabs(urlcodec.CHART_TABS, key=keys.VIEW_TAB, on_change="rerun")
    drawers = {"Loss": _loss_tab, "Accuracy": _accuracy_tab, "Penalty": _penalty_tab,
               "Weights": _weights_tab, "Network": _network_tab,
               "Decision boundary": _boundary_tab}
    for label, tab in zip(urlcodec.CHART_TABS, tabs):
        if tab.open is not False:
            with tab:
                drawers[label](runs, names)


def _heavy(slot: str, runs, names, build, *extra):
    """`build()`, rebuilt at most every `heavy_refresh()` seconds while training and once the
    runs have paused or ended (or presenter mode changed the fonts)."""
    final = not _training()
    version = (tuple((run.stopped_epoch, run.status) for run in runs), tuple(names),
               lab_settings.presenter(), *extra)
    return kept_or_throttled(keys.figure_key(slot), version, build, every=heavy_refresh(),
                             final=final)


def _training() -> bool:
    """Whether the lab's comparison is training right now."""
    session = session_for(keys.LIVE_KEY)
    return session is not None and session.playing


def heavy_refresh() -> float:
    """Seconds between redraws of the heavy views while training: HEAVY_REFRESH, or longer
    in a full room (`pace.view_refresh`)."""
    return max(HEAVY_REFRESH, pace.view_refresh(server_pace().active()))


def _chart(figure) -> None:
    if lab_settings.presenter():
        st.plotly_chart(presenter_fonts(figure), width="stretch", **PRESENTER_CHART_OPTIONS)
        return
    st.plotly_chart(figure, width="stretch", **CHART_OPTIONS)


def _tab_height() -> int:
    """The tab charts' height, less in presenter mode so the first chart fits a 1280×720
    projector under the bar."""
    return PRESENTER_CHART_HEIGHT if lab_settings.presenter() else FIGURE_HEIGHT + 60


def _loss_tab(runs, names) -> None:
    """The loss curves, the gap under them, and their options above (in presenter mode, below
    the curves: the loss chart comes first on the screen). Containers only where the order
    needs them: each is one more message to the visitor on every tick."""
    if lab_settings.presenter():
        charts, options = st.container(), st.container()
    else:
        charts = options = nullcontext()
    with options:
        log, amount, train, patience = _loss_options(runs)
    with charts:
        _chart(legend_beside(loss_figure(runs, names, log_y=log, smoothing=amount,
                                          show_train=train, what_if_patience=patience,
                                          height=_tab_height())))
        _chart(legend_beside(gap_figure(runs, names, smoothing=amount, height=_tab_height())))


OPTION_WIDTH = 190  # px of the smoothing slider and the what-if box: two fit a row of the tab


def _loss_options(runs) -> tuple[bool, float, bool, int | None]:
    """The loss tab's widgets: (log scale, smoothing, show training loss, what-if patience),
    in one wrapping row (one layout block: this is redrawn on every tick, and each block is a
    message to every visitor; the charts' column takes two a line at 1280 px)."""
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        log = st.toggle("Log scale", key=keys.VIEW_LOG_Y, persist_state=KEEP, width="content")
        st.session_state.setdefault(keys.VIEW_SHOW_TRAIN, True)  # a link may have set it
        train = st.toggle("Training loss", key=keys.VIEW_SHOW_TRAIN, persist_state=KEEP,
                          width="content")
        amount = st.slider("Smoothing", 0.0, 0.95, step=0.05, key=keys.VIEW_SMOOTHING,
                           persist_state=KEEP, width=OPTION_WIDTH,
                           help="Exponential moving average of each curve (0: raw).")
        patience = None
        if any(run.config.patience is None for run in runs):
            patience = st.number_input(
                "What if patience were…", min_value=1, max_value=500, value=None, step=5,
                key=keys.VIEW_WHAT_IF, placeholder="off", persist_state=KEEP,
                width=OPTION_WIDTH, help="Mark where early stopping with this patience would "
                                         "have ended the runs that train without it.")
    return log, amount, train, patience


def _accuracy_tab(runs, names) -> None:
    if runs[0].data.task != "classification":
        st.info("This data set is a regression task: its loss is the mean squared error and "
                "there is no accuracy to show.")
        return
    amount = st.session_state.get(keys.VIEW_SMOOTHING, 0.0)
    _chart(legend_beside(accuracy_figure(runs, names, smoothing=amount,
                                          height=_tab_height())))


def _penalty_tab(runs, names) -> None:
    log = st.toggle("Log scale", key=keys.VIEW_LOG_Y, persist_state=KEEP,
                    help="The same setting as the loss chart's.")
    _chart(penalty_split_figure(runs, names, log_y=log, height=_tab_height()))


def _weights_tab(runs, names) -> None:
    epochs = snapshot_epochs(runs)
    following = _training()
    if following or st.session_state.get(keys.VIEW_EPOCH) not in epochs:
        st.session_state[keys.VIEW_EPOCH] = epochs[-1]
    epoch = epochs[-1]
    if len(epochs) > 1:
        epoch = st.select_slider(
            "Epoch", epochs, key=keys.VIEW_EPOCH, disabled=following, persist_state=KEEP,
            help="Scrub through the weight snapshots (follows training while it runs).")
    _chart(_heavy("lab-histograms", runs, names,
                  lambda: histogram_figure(runs, names, epoch), epoch))
    for column, stat in zip(st.columns(2), ("sparsity", "l2")):
        with column:
            _chart(_heavy(f"lab-layers-{stat}", runs, names,
                          lambda stat=stat: layer_stats_figure(runs, names, stat=stat)))


def _network_tab(runs, names) -> None:
    """Each run's weights as a diagram: lines by sign and size, exact zeros dotted, the units
    one dropout mask removes hollow."""
    columns = st.columns(min(len(runs), 2))
    for index, (run, name) in enumerate(zip(runs, names)):
        with columns[index % len(columns)]:
            _chart(_heavy(f"lab-network-{index}", [run], [name],
                          lambda run=run, name=name: network_figure(run, name)))


def _boundary_tab(runs, names) -> None:
    data = runs[0].data
    if not (data.is_2d and data.task == "classification"):
        st.info(f"Decision boundaries are drawn for the 2-D classification sets (moons, circles, "
                f"spiral, XOR, blobs); this data has {data.n_features} features.")
        return
    labels = dict(zip(urlcodec.BOUNDARY_AT, ("at the end", "at the best epoch")))
    st.session_state.setdefault(keys.VIEW_BOUNDARY_AT, urlcodec.BOUNDARY_AT[0])
    which = st.segmented_control("Weights", list(labels), key=keys.VIEW_BOUNDARY_AT,
                                 required=True, format_func=labels.get,
                                 persist_state=KEEP)
    cols, height = tab_maps_layout(len(runs))
    _chart(_heavy(f"lab-boundary-{which}", runs, names,
                  lambda: boundary_figure(runs, names, which=which, cols=cols, height=height)))
    if _training():
        st.caption(f"While training, the maps refresh about every {heavy_refresh():g} s.")


def placeholder(names) -> None:
    """Where the charts will be, before the first epoch (so Train does not push the page
    around, and the browser has its chart library loaded by then): an empty loss chart and,
    for the 2-D sets, the data on the maps of the untrained runs (`names`)."""
    runs = untrained_runs()
    charts, side = _chart_columns()
    if runs:
        with side:
            _live_side(runs, names)
    with charts:
        _chart(loss_figure([], [], height=_tab_height()))


# --- around the live part ----------------------------------------------------------------------
def diff_view(configs, names, description: str) -> None:
    """The settings that differ between the runs (one column per run), next to what the
    comparison is about (`description`)."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        diff = settings_diff(configs, names)
        if len(configs) < 2:
            st.caption(f"Add a run to compare it with run {names[0]}.")
        elif diff.empty:
            st.caption("All runs have the same settings: change one in a run's tab to compare.")
        else:
            st.markdown("**What differs between the runs**")
            st.table(diff, width="content")
    with right:
        st.info(description, icon=":material/lightbulb:")


def share_and_keep(configs, names, shown, csv_info: dict | None, training: bool) -> None:
    """The link to this experiment (`configs` under `names`: the settings on screen) and
    downloads of the history of the trained runs (`shown`, a live.Shown or None), the configs
    and a script. csv_info: {"name", "target"} of the uploaded CSV the runs train on, if any;
    while `training`, the history is not offered (this part of the page is not redrawn per
    tick)."""
    link = urlcodec.lab_link(configs, names)
    base = st.context.url.split("?")[0].rstrip("/") if st.context.url else ""
    st.caption("The address bar always holds the settings of this page; this link opens the "
               "same experiment" + (" (the uploaded CSV is not part of it)." if csv_info else "."))
    st.code(base + link, language=None, wrap_lines=True)
    history, settings, script = st.columns(3)
    ready = shown is not None and not training
    history.download_button(  # the CSV is written on the click, not on every page run
        "History (CSV)", (lambda: history_csv(*shown)) if ready else "", "history.csv",
        "text/csv",
        key=keys.DOWNLOAD_HISTORY, disabled=not ready, width="stretch",
        icon=":material/download:", help="Every epoch of every run, with a `run` column "
                                         "(when training is paused or has ended).")
    settings.download_button("Settings (JSON)", configs_json(configs, names), "configs.json",
                             "application/json", key=keys.DOWNLOAD_CONFIGS, width="stretch",
                             icon=":material/download:")
    csv_args = ({"csv_path": csv_info["name"], "csv_target": csv_info.get("target")}
                if csv_info else {})
    script.download_button("Python script", reproduction_script(configs, names, **csv_args),
                           "reproduce.py", "text/x-python", key=keys.DOWNLOAD_SCRIPT,
                           width="stretch", icon=":material/download:",
                           help="Trains the same runs again with regcore, outside the app.")
