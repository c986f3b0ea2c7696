"""The dropout page trains its preset and shows "what to notice" sentences computed from the
runs on screen; its figures draw what they are given."""
import json
from types import SimpleNamespace

import numpy as np

from lesson_pages import bullets, open_page, shown_sentences, train
from regcore import build_model
from regcore.lessons import dropout as dropout_lesson
from ui.keys import page_key
from ui.plots.dropout import ensemble_figure, expectation_figure

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

def test_dropout_page_repeats_the_comparison_over_seeds():
    at = open_page("4_Dropout.py")
    at.slider(key=page_key("dropout", "epochs")).set_value(50).run()
    at.slider(key=page_key("dropout", "seeds")).set_value(2).run()
    at.button(key=page_key("dropout", "repeat")).click().run()
    assert not at.exception
    (configs, _), results = at.session_state[page_key("dropout", "seed_results")]
    assert all(config.epochs == 50 for config in configs) and set(results["seed"]) == {0, 1}
    assert bullets(dropout_lesson.seed_sentences(results)) in shown_sentences(at)

def test_ensemble_figure_maps_the_mean_and_the_spread():
    model = build_model(2, 2, hidden=(8,), dropout=0.5, rng=np.random.default_rng(0))
    grid = dropout_lesson.ensemble_grid(model, ((-1, 1), (-1, 1)), n_masks=5, resolution=6)
    data = SimpleNamespace(n_classes=2, X_train=np.array([[0.0, 0.0], [0.5, 0.5]]),
                           y_train=np.array([0, 1]))
    heatmaps = [t for t in ensemble_figure(grid, data).data if t.type == "heatmap"]
    assert len(heatmaps) == 2
    assert np.allclose(np.asarray(heatmaps[1].z), grid.spread.astype(np.float32))

def test_expectation_figure_has_whiskers_on_training_means_only():
    table = dropout_lesson.expected_activation(p=0.5, n_masks=100)
    bars = expectation_figure(table, 0.5).data
    assert len(bars) == 4
    assert [bar.error_y.array is not None for bar in bars] == [True, False, True, False]
    assert list(bars[3].y) == list(table["original_test"])
