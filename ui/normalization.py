"""What the batch- and layer-normalization lessons share: the controls of the "with vs
without normalization on unscaled inputs" experiment, and its view drawn on every tick of
the live comparison."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from regcore import Config
from regcore.lessons import batch_norm as lesson

from .lesson import notice_box
from .plots.curves import accuracy_figure, loss_figure
from .plots.style import CHART_OPTIONS
from .keys import page_key


LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)


def unscaled_base(page: str) -> Config:
    """The learning rate and epochs of both runs, chosen on `page`: the lesson's UNSCALED
    preset with them."""
    rate, length = st.columns(2)
    lr = rate.select_slider("Learning rate (both runs)", LEARNING_RATES,
                            value=lesson.UNSCALED.lr, format_func=lambda v: f"{v:g}",
                            key=page_key(page, "lr"))
    epochs = length.slider("Epochs", 10, 150, lesson.UNSCALED.epochs, step=10,
                           key=page_key(page, "epochs"))
    return lesson.UNSCALED.replace(lr=lr, epochs=epochs)


def speed_view(page: str) -> Callable[[list, list[str]], None]:
    """A draw function for live_comparison: loss (log scale) and accuracy side by side, and
    what to notice about how fast each run reached the target."""
    def draw(runs, names) -> None:
        left, right = st.columns(2)
        left.plotly_chart(loss_figure(runs, names, log_y=True), **CHART_OPTIONS,
                          key=page_key(page, "loss"))
        right.plotly_chart(accuracy_figure(runs, names), **CHART_OPTIONS,
                           key=page_key(page, "accuracy"))
        outcomes = lesson.speed_outcomes(runs, names)
        if len(outcomes) == 2:
            notice_box(lesson.speed_sentences(*outcomes))
    return draw
