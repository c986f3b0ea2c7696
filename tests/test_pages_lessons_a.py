"""The L1/L2, early stopping and weight decay pages load, show their controls, train their
preset and show "what to notice" sentences computed from the runs on screen; and the figures
only these pages draw, checked on small inputs."""

import numpy as np
import pandas as pd
import pytest

from lesson_pages import bullets, open_page, shown_sentences, train
from regcore import Config, train_side_by_side
from regcore.lessons import early_stopping, sparsity, weight_decay
from regcore.lessons.sparsity import CoefficientPath
from ui.plots.lessons_a import (decay_rates_figure, ending_losses_figure, input_norms_figure,
                                patience_figure, weight_gap_figure, weight_norm_figure)
from ui.plots.paths import path_figure
from ui.state import page_key


def test_l1_page_trains_its_preset_and_explains_the_measured_numbers():
    at = open_page("1_L1_and_L2.py")
    assert at.select_slider(key=page_key("sparsity", "strength")).value == \
        sparsity.DEFAULT_STRENGTH
    assert at.slider(key=page_key("sparsity", "seeds")) is not None
    assert len(at.latex) >= 3
    l1_path, l2_path = _cached_paths()
    assert bullets(sparsity.path_sentences(l1_path, l2_path)) in shown_sentences(at)

    runs = train(at, "sparsity", sparsity.comparison()[0].epochs)
    assert all(run.status == "completed" for run in runs)
    expected = sparsity.sentences(sparsity.outcome(runs, sparsity.RUN_NAMES))
    assert bullets(expected) in shown_sentences(at)
    assert len(at.get("plotly_chart")) == 4  # histograms, inputs, loss, path


def _cached_paths():
    data = sparsity.path_data(0)
    return (sparsity.regularization_path(data, "l1", sparsity.l1_strengths(data)),
            sparsity.regularization_path(data, "l2", sparsity.l2_strengths()))


def test_early_stopping_page_trains_its_preset_and_tables_each_patience():
    at = open_page("2_Early_stopping.py")
    assert at.select_slider(key=page_key("early_stopping", "patience")).value == \
        early_stopping.DEFAULT_PATIENCE
    runs = train(at, "early_stopping", early_stopping.overfitting_config().epochs)
    assert [run.status for run in runs] == ["completed", "early_stopped", "early_stopped"]
    assert bullets(early_stopping.sentences(early_stopping.outcome(runs))) in shown_sentences(at)
    assert len(at.get("plotly_chart")) == 3  # loss, ending losses, patience table

    at.slider(key=page_key("early_stopping", "what_if")).set_value(7).run()
    assert not at.exception
    table = early_stopping.patience_table(runs[0], sorted({*early_stopping.PATIENCES, 7}))
    assert early_stopping.table_sentence(table) in shown_sentences(at)
    assert 7 in at.dataframe[0].value.index


def test_early_stopping_page_waits_for_train_after_a_new_patience():
    at = open_page("2_Early_stopping.py")
    train(at, "early_stopping", 3)
    at.select_slider(key=page_key("early_stopping", "patience")).set_value(40).run()
    assert not at.exception
    assert any("Settings changed" in info.value for info in at.info)


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


# --- the lesson figures, on small hand-made inputs -----------------------------------------
TINY = Config(dataset="noisy_features", n_samples=60, n_features=6, n_informative=2,
              hidden=(4,), epochs=3)


@pytest.fixture(scope="module")
def tiny_runs():
    return train_side_by_side([TINY, TINY.replace(optimizer="sgd", lr=0.1, penalty="l1",
                                                  penalty_strength=100.0)])


def test_path_figure_draws_each_feature_in_both_panels_and_marks_departures():
    strengths = np.array([0.1, 1.0, 10.0])
    l1 = CoefficientPath("l1", strengths, np.array([[1.0, 2.0], [0.0, 1.0], [0.0, 1.0]]),
                         ("a", "b"))
    l2 = CoefficientPath("l2", strengths, np.array([[1.0, 2.0], [0.5, 1.0], [0.1, 0.2]]),
                         ("a", "b"))
    figure = path_figure(l1, l2)
    lines = [t for t in figure.data if t.mode == "lines"]
    marks = [t for t in figure.data if t.mode == "markers"]
    assert [t.name for t in lines] == ["a", "b", "a", "b"]
    assert [(t.name, t.x[0]) for t in marks] == [("a leaves", 1.0)]
    assert figure.layout.xaxis.type == figure.layout.xaxis2.type == "log"


def test_input_norms_figure_highlights_informative_inputs_and_counts_kept_ones(tiny_runs):
    figure = input_norms_figure(tiny_runs, ["plain", "strong L1"])
    bars = [t for t in figure.data if t.type == "bar"]
    assert len(bars) == 2 and len(bars[0].y) == TINY.n_features
    informative = tiny_runs[0].data.informative
    assert len({bars[0].marker.color[j] for j in informative}) == 1
    assert bars[0].marker.color[informative[0]] != bars[0].marker.color[
        next(j for j in range(TINY.n_features) if j not in informative)]
    notes = " ".join(a.text for a in figure.layout.annotations)
    assert "uses 6 of 6 inputs" in notes and "uses 0 of 6 inputs" in notes
    assert "Train the runs" in input_norms_figure([], []).layout.annotations[0].text


def test_patience_figure_labels_stops_and_outlines_the_chosen_patience():
    table = pd.DataFrame({"patience": [5, 10], "best_epoch": [3, 8], "stopped_epoch": [8, np.nan],
                          "epochs_saved": [12, 0], "val_loss_restored": [0.5, 0.4],
                          "val_loss_last": [0.6, 0.45]})
    figure = patience_figure(table, chosen=10)
    restored, last = figure.data
    assert list(restored.x) == ["5<br>stops at 8", "10<br>runs to the end"]
    assert list(restored.y) == [0.5, 0.4] and list(last.y) == [0.6, 0.45]
    assert list(restored.marker.line.width) == [0, 3]


def test_ending_losses_figure_has_one_bar_per_run():
    figure = ending_losses_figure(["A", "B"], [0.6, 0.4])
    assert list(figure.data[0].x) == [0.6, 0.4] and list(figure.data[0].y) == ["A", "B"]


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


def test_path_figure_titles_count_the_features_that_reach_zero():
    strengths = np.array([0.1, 1.0])
    path = CoefficientPath("l1", strengths, np.array([[1.0, 2.0], [0.0, 1.0]]), ("a", "b"))
    titles = [a.text for a in path_figure(path, path).layout.annotations]
    assert titles == ["<b>L1: 1 of 2 features reach exactly 0</b>"] * 2
