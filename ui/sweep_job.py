"""A sweep running in this session: started by the Run button, polled a few times a second by
a fragment (so the progress bar moves and Cancel reaches the workers at once), and its results
kept once it ends.

    st.button("Run sweep", on_click=sweep_job.start, args=(base, grid, seeds, where))
    sweep_job.progress()            # a polling fragment while a sweep runs
    shown = sweep_job.results()     # (plan, results, state) of the last sweep, or None

Everything lives in st.session_state under the page's keys: the job while it runs, the
results after, the message of a sweep that could not start or failed, and a count of the
sweeps started (each gets a chart of its own, with no point selected).
"""
from __future__ import annotations

import streamlit as st

from regcore import Config
from regcore.sweep import format_duration, start_sweep

from .keys import page_key

PAGE = "sweep"
JOB, RESULTS, ERROR = page_key(PAGE, "job"), page_key(PAGE, "results"), page_key(PAGE, "error")
COUNT = page_key(PAGE, "count")
TICK_SECONDS = 0.5  # between polls of a running sweep


def start(base: Config, grid: dict, seeds: int, where: dict) -> None:
    """Callback of Run: start the sweep (a ValueError becomes the message shown)."""
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


def running() -> bool:
    return JOB in st.session_state


def error() -> str | None:
    """Why the last sweep could not start, or failed."""
    return st.session_state.get(ERROR)


def results() -> tuple | None:
    """(plan, results frame, "finished" or "cancelled") of the last sweep that ended."""
    return st.session_state.get(RESULTS)


def chart_key() -> str:
    """The key of the results chart: a new one per sweep, so no old point stays selected."""
    return page_key(PAGE, f"chart{st.session_state.get(COUNT, 0)}")


def progress() -> None:
    """The progress bar and Cancel, in a fragment that polls the job while it runs."""
    st.fragment(run_every=TICK_SECONDS if running() else None)(_poll)()


def _poll() -> None:
    job = st.session_state.get(JOB)
    if job is None:
        return
    try:
        job.poll(timeout=0.1)
    except RuntimeError as failure:
        st.session_state[ERROR] = str(failure)
    if not job.running:
        st.session_state[RESULTS] = (job.plan, job.results(), job.state)
        del st.session_state[JOB]
        st.rerun()  # the whole page: results in, polling off
    left = format_duration(job.time_left)
    st.progress(job.done / job.total, text=f"{job.done} of {job.total} runs · {left} left")
    st.button("Cancel", key=page_key(PAGE, "cancel"), on_click=cancel, icon=":material/stop:")
