"""What the batch- and layer-normalization lessons share: the "with vs without
normalization on unscaled inputs" view drawn on every tick of the live comparison."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from regcore.lessons import batch_norm as lesson

from .lesson import notice_box
from .plots.curves import accuracy_figure, loss_figure
from .keys import page_key


def speed_view(page: str) -> Callable[[list, list[str]], None]:
    """A draw function for live_comparison: loss (log scale) and accuracy side by side, and
    what to notice about how fast each run reached the target."""
    def draw(runs, names) -> None:
        left, right = st.columns(2)
        left.plotly_chart(loss_figure(runs, names, log_y=True), theme=None,
                          key=page_key(page, "loss"))
        right.plotly_chart(accuracy_figure(runs, names), theme=None,
                           key=page_key(page, "accuracy"))
        outcomes = lesson.speed_outcomes(runs, names)
        if len(outcomes) == 2:
            notice_box(lesson.speed_sentences(*outcomes))
    return draw
