"""The weight decay vs L2 page trains its preset and shows the gap; its figures checked on
small inputs."""
import numpy as np
import pandas as pd
import pytest

from lesson_pages import TINY, bullets, open_page, shown_sentences, train
from regcore.lessons import weight_decay
from ui.keys import page_key
from ui.plots.weight_decay import decay_rates_figure, weight_gap_figure, weight_norm_figure

def test_weight_decay_page_trains_its_preset_and_shows_the_gap():
    at = open_page("3_Weight_decay_vs_L2.py")
    assert at.select_slider(key=page_key("weight_decay", "strength")).value == \
        weight_decay.DEFAULT_STRENGTH
    runs = train(at, "weight_decay", weight_decay.comparison()[0].epochs)
    measured = weight_decay.outcome(runs, weight_decay.RUN_NAMES)
    assert measured.sgd_difference <= 1e-6 < measured.adam_difference
    said = shown_sentences(at)
    assert bullets(weight_decay.sentences(measured)) in said
    decay = weight_decay.ADAM_LR * weight_decay.DEFAULT_STRENGTH
    assert f"AdamW pulls every weight alike, shrinking it by the factor 1 − ηλ = 1 − {decay:.1e}" in said
    assert len(at.get("plotly_chart")) == 4  # loss, norms, gap, decay rates

def test_weight_gap_figure_draws_each_pair_with_its_final_gap():
    gaps = pd.DataFrame({"epoch": [0, 0, 1, 1], "pair": list(weight_decay.PAIR_LABELS) * 2,
                         "max_abs_diff": [0.0, 0.0, 0.0, 0.25]})
    figure = weight_gap_figure(gaps)
    assert [list(t.y) for t in figure.data] == [[0.0, 0.0], [0.0, 0.25]]
    assert [a.text for a in figure.layout.annotations] == ["0", "0.25"]

def test_decay_rates_figure_counts_every_weight_and_marks_adamw():
    trace = weight_decay.DecayTrace(pd.DataFrame(), np.array([1e-3, 1e-2, 1e-2, 0.1]), 1e-4)
    figure = decay_rates_figure(trace)
    assert sum(figure.data[0].y) == 4
    assert figure.layout.shapes[0].x0 == 1  # AdamW: every weight pulled like the median
    assert "1.0e-04" in figure.data[1].name

def test_weight_norm_figure_starts_at_the_initial_weight_norm(tiny_runs):
    figure = weight_norm_figure(tiny_runs, ["plain", "strong L1"])
    initial = tiny_runs[0].layer_stats.query("epoch == 0")["l2"]
    assert figure.data[0].y[0] == pytest.approx(np.sqrt((initial ** 2).sum()))
    assert len(figure.data[0].y) == TINY.epochs + 1
