"""Sweep: one base configuration trained over a grid of one or two settings and several seeds.

The sweep runs in worker processes (or on a Dask cluster) while a fragment polls it (see
ui.sweep_job), so the progress bar moves and Cancel reaches the workers at once.
"""
import streamlit as st

from regcore import LIMITS
from regcore.sweep import aggregate, held_out_note, idle_keys, plan_sweep
from regcore.sweep.defaults import DEFAULT_METRIC, DEFAULT_SEEDS
from regcore.sweep.ties import measured_sentences, standings
from ui import sweep_job
from ui.lesson import MAX_SEEDS
from ui.page import page_setup
from ui.plots.style import CHART_OPTIONS
from ui.plots.sweep import (METRIC_LABELS, heatmap_figure, line_figure, selected_point,
                            selected_text)
from ui.sweep_controls import backend_controls, base_controls, grid_controls, key
from ui.urlcodec import lab_link

page_setup("Sweep", "🧮")
st.title("Sweep")
st.markdown("One run shows *what* a regularizer does; a sweep shows **how much** of it helps. "
            "Pick a base configuration, one or two settings and their ranges: every "
            "combination is trained once per seed, and the chart shows the mean over seeds. "
            "Cells the seeds cannot tell from the best are marked ≈ *tied with the best*.")

base = base_controls()
grid = grid_controls()
seeds = st.slider("Seeds per point", 1, MAX_SEEDS, DEFAULT_SEEDS, key=key("seeds"),
                  help="Each seed changes the data sample, the split and the initial weights. "
                       "With one seed no spread is known, so no difference can be told from "
                       "noise.")
where = backend_controls()

plan = None
if base is not None and grid is not None:
    try:
        plan = plan_sweep(base, grid, seeds)
    except ValueError as error:
        st.error(str(error))
if plan is not None:
    st.caption(f"{len(plan.points)} grid points × {len(plan.seeds)} seed(s) = "
               f"**{plan.total} runs** (at most {LIMITS.max_sweep_runs}).")
    for sentence in idle_keys(plan):
        st.warning(sentence)

st.button("Run sweep", key=key("run"), type="primary", icon=":material/play_arrow:",
          disabled=plan is None or sweep_job.running(), on_click=sweep_job.start,
          args=(base, grid, seeds, where))
if sweep_job.error():
    st.error(sweep_job.error())
sweep_job.progress()

# --- results -----------------------------------------------------------------------------------
if sweep_job.results() is not None:
    swept, results, state = sweep_job.results()
    st.header("Results")
    failed = int(results["status"].isin(["diverged", "failed"]).sum())
    st.caption(f"{len(results)} of {swept.total} runs" + (" (cancelled)" if state == "cancelled"
               else "") + (f" · {failed} diverged or failed" if failed else ""))
    metric = st.radio("Show", list(METRIC_LABELS), horizontal=True, key=key("metric"),
                      index=list(METRIC_LABELS).index(DEFAULT_METRIC),
                      format_func=METRIC_LABELS.get)
    cells = standings(aggregate(results, ["point", *swept.keys], metric), metric)
    st.markdown("\n".join(f"- {sentence}" for sentence in
                          measured_sentences(cells, swept.keys, metric, METRIC_LABELS[metric])))
    figure = (heatmap_figure(results, *swept.keys, metric) if len(swept.keys) == 2
              else line_figure(results, swept.keys[0], metric))
    event = st.plotly_chart(figure, **CHART_OPTIONS, on_select="rerun", selection_mode="points",
                            key=sweep_job.chart_key())
    point = selected_point(event["selection"])
    if point is None:
        st.caption("Click a cell or a point to open that configuration in the lab.")
    else:
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.link_button("Open in the lab", lab_link([swept.config(point)]), type="primary",
                         icon=":material/science:")
        right.markdown(selected_text(cells, point, swept.points[point]))
        if note := held_out_note(results, point):
            st.caption(note)
        st.dataframe(results[results["point"] == point], hide_index=True)
    st.download_button("Download results (CSV)", results.to_csv(index=False), "sweep.csv",
                       "text/csv", key=key("download"), on_click="ignore",
                       icon=":material/download:")
