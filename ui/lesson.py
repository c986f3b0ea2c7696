"""Building blocks every lesson page shares: the "what to notice" box, when to show it,
repeating a comparison over seeds, and in presenter mode a workshop room with the lesson's
comparison."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from .keys import PRESENTER_KEPT, page_key
from .kept import forget, keep, kept
from .room_view import room_button

MAX_SEEDS = 5


def notice_box(sentences: Sequence[str], title: str = "What to notice") -> None:
    """Show sentences computed from the run on screen (never fixed text)."""
    if not sentences:
        return
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))


def training_ended(runs) -> bool:
    """Whether there are runs and none is still training (paused runs are still training):
    the moment for what to notice."""
    return bool(runs) and all(run.status != "running" for run in runs)


def seeds_control(key: str, default: int = 1) -> list[int]:
    """A slider for how many seeds to repeat a comparison over; returns the seeds 0..n−1."""
    count = st.slider("Repeat over seeds", 1, MAX_SEEDS, default, key=key,
                      help="Regularization effects are noisy on small data: more seeds give an "
                           "honest mean ± spread, at the cost of time.")
    return list(range(count))


def repeat_over_seeds(page: str, configs: Sequence, compute: Callable[[list[int]], pd.DataFrame],
                      *, default: int = 3, disabled: bool = False,
                      data_id: object = None) -> pd.DataFrame | None:
    """A seeds slider and a "Repeat the comparison" button that calls compute(seeds).
    Returns the results while the page's configs (and `data_id`, what identifies uploaded data)
    are still those they were computed for (None before the first repeat, or once a setting
    has changed). A ValueError of compute (say a split that leaves one class) is shown."""
    seeds = seeds_control(page_key(page, "seeds"), default)
    made_for, results_key = (tuple(configs), data_id), page_key(page, "seed_results")
    if st.button("Repeat the comparison", key=page_key(page, "repeat"), disabled=disabled):
        with st.spinner(f"Training {len(configs)} runs × {len(seeds)} seeds…"):
            try:
                keep(results_key, made_for, compute(seeds))
            except ValueError as error:
                forget(results_key)
                st.error(f"Could not repeat the comparison: {error}")
    return kept(results_key, made_for)


def room_control(page: str, configs: Sequence, names: Sequence[str],
                 first: str | None = None) -> None:
    """In presenter mode (as the lab last had it), "Open a workshop room" with this lesson's comparison (trained live
    under the key `page`), asking first its ready question whose measure starts with `first`
    (ui.room_questions); nothing otherwise (nor without runs)."""
    if st.session_state.get(PRESENTER_KEPT) and configs:
        with st.columns([1, 3])[0]:
            room_button(configs, list(names), first=first, live=page)
