"""Building blocks every lesson page shares: the "what to notice" box and the seeds control."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

MAX_SEEDS = 5


def notice_box(sentences: Sequence[str], title: str = "What to notice") -> None:
    """Show sentences computed from the run on screen (never fixed text)."""
    if not sentences:
        return
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))


def seeds_control(key: str, default: int = 1) -> list[int]:
    """A slider for how many seeds to repeat a comparison over; returns the seeds 0..n−1."""
    count = st.slider("Repeat over seeds", 1, MAX_SEEDS, default, key=key,
                      help="Regularization effects are noisy on small data: more seeds give an "
                           "honest mean ± spread, at the cost of time.")
    return list(range(count))
