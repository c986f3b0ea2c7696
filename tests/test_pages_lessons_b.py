"""The dropout, batch-norm and layer-norm pages load, show their controls, train their preset
and show "what to notice" sentences computed from the runs on screen; their figures draw what
they are given."""
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lesson_pages import bullets, open_page, shown_sentences, train
from regcore import build_model
from regcore.lessons import batch_norm as bn_lesson
from regcore.lessons import dropout as dropout_lesson
from regcore.lessons import layer_norm as ln_lesson
from ui.plots import lessons_b as figures
from ui.state import page_key


def test_dropout_page_trains_its_preset_and_explains_the_measured_numbers():
    at = open_page("4_Dropout.py")
    assert at.multiselect(key=page_key("dropout", "rates")).value == list(dropout_lesson.RATES)
    assert at.slider(key=page_key("dropout", "epochs")).value == dropout_lesson.OVERFITTING.epochs
    runs = train(at, "dropout", dropout_lesson.OVERFITTING.epochs)
    assert all(run.status == "completed" for run in runs)
    names = [dropout_lesson.rate_name(p) for p in dropout_lesson.RATES]
    expected = dropout_lesson.rate_sentences(dropout_lesson.rate_outcomes(runs, names))
    assert bullets(expected) in shown_sentences(at)
    assert "Averaging 50 dropout masks" in shown_sentences(at)
    assert len(at.metric) == 3
    assert len(at.get("plotly_chart")) >= 6


def test_dropout_page_keeps_the_trained_runs_names_when_a_rate_is_removed():
    at = open_page("4_Dropout.py")
    runs = train(at, "dropout", 3)
    trained = [dropout_lesson.rate_name(p) for p in dropout_lesson.RATES]
    at.multiselect(key=page_key("dropout", "rates")).set_value([0.0, 0.5]).run()
    assert not at.exception
    gap_chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert [trace["legendgroup"] for trace in gap_chart["data"]] == trained
    expected = dropout_lesson.rate_sentences(dropout_lesson.rate_outcomes(runs, trained))
    assert bullets(expected) in shown_sentences(at)
    assert at.selectbox(key=page_key("dropout", "ensemble_run")).options == trained[1:]


def test_dropout_page_asks_for_two_rates():
    at = open_page("4_Dropout.py")
    at.multiselect(key=page_key("dropout", "rates")).set_value([0.5]).run()
    assert not at.exception
    assert any("at least two rates" in w.value for w in at.warning)


def test_dropout_page_expectation_demo_follows_the_chosen_rate():
    at = open_page("4_Dropout.py")
    at.slider(key=page_key("dropout", "demo_p")).set_value(0.3).run()
    assert not at.exception
    table = dropout_lesson.expected_activation(p=0.3)
    expected = dropout_lesson.expectation_sentences(table, 0.3, dropout_lesson.N_DEMO_MASKS)
    assert bullets(expected) in shown_sentences(at)


def test_batch_norm_page_trains_both_experiments_and_traces_gamma_and_beta():
    at = open_page("5_Batch_normalization.py")
    assert at.select_slider(key=page_key("batch_norm", "lr")).value == bn_lesson.UNSCALED.lr
    runs = train(at, "batch_norm", bn_lesson.UNSCALED.epochs)
    speed = bn_lesson.speed_sentences(*bn_lesson.speed_outcomes(runs, ["no normalization",
                                                                       "BatchNorm"]))
    assert bullets(speed) in shown_sentences(at)
    assert "batchnorm1 after 40 epochs" in shown_sentences(at)
    assert any("equal those of the BatchNorm run" in c.value for c in at.caption)

    configs = bn_lesson.batch_size_configs()
    batch_runs = train(at, "batch_norm_batches", max(c.epochs for c in configs))
    assert all(run.status == "completed" for run in batch_runs)
    names = [bn_lesson.batch_name(c) for c in configs]
    assert names[:2] == ["BatchNorm, batch 2", "no normalization, batch 2"]
    mismatch = bn_lesson.batch_sentences(bn_lesson.batch_outcomes(batch_runs, names))
    assert bullets(mismatch) in shown_sentences(at)
    assert len(at.get("plotly_chart")) >= 5


def test_layer_norm_page_trains_both_experiments():
    at = open_page("6_Layer_normalization.py")
    assert "LayerNorm: the same sample in batches of 2, 8, 64 gets the same normalized output " \
           "in every batch" in shown_sentences(at)
    runs = train(at, "layer_norm", bn_lesson.UNSCALED.epochs)
    speed = bn_lesson.speed_sentences(*bn_lesson.speed_outcomes(runs, ["no normalization",
                                                                       "LayerNorm"]))
    assert bullets(speed) in shown_sentences(at)

    configs = ln_lesson.bn_vs_ln_configs()
    across = train(at, "layer_norm_across", max(c.epochs for c in configs))
    names = [bn_lesson.batch_name(c) for c in configs]
    expected = ln_lesson.across_sentences(ln_lesson.measure_runs(across, names))
    assert bullets(expected) in shown_sentences(at)
    assert len(at.get("plotly_chart")) >= 5


def test_layer_norm_page_runs_the_study_over_more_batch_sizes():
    at = open_page("6_Layer_normalization.py")
    at.slider(key=page_key("layer_norm_across", "seeds")).set_value(1).run()
    at.button(key=page_key("layer_norm_across", "study")).click().run()
    assert not at.exception
    _, study = at.session_state[page_key("layer_norm_across", "study_results")]
    assert sorted(study["batch_size"].unique()) == list(ln_lesson.COMPARED_BATCHES)
    assert set(study["norm"]) == {"batch", "layer", "none"} and set(study["seed"]) == {0}
    assert bullets(ln_lesson.across_sentences(study)) in shown_sentences(at)


def test_dropout_page_repeats_the_comparison_over_seeds():
    at = open_page("4_Dropout.py")
    at.slider(key=page_key("dropout", "epochs")).set_value(50).run()
    at.slider(key=page_key("dropout", "seeds")).set_value(2).run()
    at.button(key=page_key("dropout", "repeat")).click().run()
    assert not at.exception
    (configs, _), results = at.session_state[page_key("dropout", "seed_results")]
    assert all(config.epochs == 50 for config in configs) and set(results["seed"]) == {0, 1}
    assert bullets(dropout_lesson.seed_sentences(results)) in shown_sentences(at)


def test_batch_norm_page_repeats_the_comparison_over_seeds():
    at = open_page("5_Batch_normalization.py")
    at.button(key=page_key("batch_norm", "repeat")).click().run()
    assert not at.exception
    _, results = at.session_state[page_key("batch_norm", "seed_results")]
    assert set(results["seed"]) == {0, 1, 2}
    assert bullets(bn_lesson.speed_seed_sentences(results)) in shown_sentences(at)


@pytest.mark.parametrize("page, key", [("5_Batch_normalization.py", "batch_norm_batches"),
                                       ("6_Layer_normalization.py", "layer_norm_across")])
def test_batch_size_experiments_ask_for_two_sizes(page, key):
    at = open_page(page)
    at.multiselect(key=page_key(key, "sizes")).set_value([8]).run()
    assert not at.exception
    assert any("two batch sizes" in w.value for w in at.warning)


# --- the lessons' figures, on small inputs ------------------------------------------------------
def small_run(offset: float):
    history = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [0.9, 0.6, 0.5],
                            "minibatch_loss": [1.0 + offset, 0.8, 0.7]})
    return SimpleNamespace(history=history)


def test_mode_loss_figure_draws_eval_and_train_mode_per_run():
    figure = figures.mode_loss_figure([small_run(0), small_run(0.1)], ["A", "B"])
    assert [t.name for t in figure.data] == ["A — eval mode", "A — train mode",
                                             "B — eval mode", "B — train mode"]
    assert list(figure.data[1].y) == [1.0, 0.8, 0.7] and figure.data[1].line.dash == "dot"
    assert figure.data[0].line.color != figure.data[2].line.color
    assert figures.mode_loss_figure([], []).layout.annotations[0].text == figures.NO_RUNS


def test_ensemble_figure_maps_the_mean_and_the_spread():
    model = build_model(2, 2, hidden=(8,), dropout=0.5, rng=np.random.default_rng(0))
    grid = dropout_lesson.ensemble_grid(model, ((-1, 1), (-1, 1)), n_masks=5, resolution=6)
    data = SimpleNamespace(n_classes=2, X_train=np.array([[0.0, 0.0], [0.5, 0.5]]),
                           y_train=np.array([0, 1]))
    heatmaps = [t for t in figures.ensemble_figure(grid, data).data if t.type == "heatmap"]
    assert len(heatmaps) == 2
    assert np.allclose(np.asarray(heatmaps[1].z), grid.spread.astype(np.float32))


def test_expectation_figure_has_whiskers_on_training_means_only():
    table = dropout_lesson.expected_activation(p=0.5, n_masks=100)
    bars = figures.expectation_figure(table, 0.5).data
    assert len(bars) == 4
    assert [bar.error_y.array is not None for bar in bars] == [True, False, True, False]
    assert list(bars[3].y) == list(table["original_test"])


def test_gamma_beta_figure_draws_every_unit_and_the_mean():
    trace = pd.DataFrame({"epoch": [0, 0, 1, 1], "layer": ["batchnorm1"] * 4,
                          "unit": [0, 1, 0, 1], "gamma": [1, 1, 1.1, 0.9],
                          "beta": [0, 0, 0.1, -0.2]})
    figure = figures.gamma_beta_figure(trace, "batchnorm1")
    assert len(figure.data) == 2 * (2 + 1)
    assert list(figure.data[2].y) == [1.0, 1.0]           # mean γ per epoch
    missing = figures.gamma_beta_figure(trace, "batchnorm2")
    assert "No batchnorm2" in missing.layout.annotations[0].text


def test_batch_outcomes_draw_as_grouped_bars_per_normalization():
    outcomes = [bn_lesson.BatchOutcome("BN 2", "batch", 2, 400, 0.5, 0.8, 0.25, 0.2),
                bn_lesson.BatchOutcome("none 2", "none", 2, 400, 0.3, 0.8, 0.0, 0.0),
                bn_lesson.BatchOutcome("BN 64", "batch", 64, 399, 0.2, 0.9, 0.05, 0.04),
                bn_lesson.BatchOutcome("none 64", "none", 64, 399, 0.25, 0.9, 0.0, 0.0)]
    bars = figures.across_batches_figure(bn_lesson.outcome_table(outcomes)).data
    loss = {bar.name: list(bar.y) for bar in bars if bar.xaxis == "x"}
    mismatch = {bar.name: list(bar.y) for bar in bars if bar.xaxis == "x2"}
    assert loss == {"BatchNorm": [0.5, 0.2], "no normalization": [0.3, 0.25]}
    assert mismatch == {"BatchNorm": [25.0, 5.0], "no normalization": [0.0, 0.0]}

def test_batch_dependence_figure_has_one_line_per_batch_size_and_norm():
    frame = ln_lesson.batch_dependence(batch_sizes=(2, 16), n_features=3)
    lines = figures.batch_dependence_figure(frame).data
    assert len(lines) == 4 and all(len(line.y) == 3 for line in lines)


def test_across_batches_figure_shows_whiskers_only_over_several_seeds():
    rows = [{"seed": seed, "norm": norm, "batch_size": size, "final_val_loss": 0.1 * size + seed,
             "disagreement": 0.0} for seed in (0, 1) for norm in ("batch", "layer")
            for size in (2, 8)]
    several = figures.across_batches_figure(pd.DataFrame(rows)).data
    one = figures.across_batches_figure(pd.DataFrame(rows[:4])).data
    assert several[0].error_y.visible and not one[0].error_y.visible
    assert list(several[0].y) == pytest.approx([0.7, 1.3])
