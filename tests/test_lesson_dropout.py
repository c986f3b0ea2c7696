"""The dropout lesson's claims, checked on the engine with the page's own preset."""
import numpy as np
import pandas as pd
import pytest

from regcore import Trainer, build_model, train_side_by_side
from regcore.lessons import dropout as lesson
from regcore.repeat import mean_and_spread, over_seeds

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def preset_runs():
    """The page's preset (rates 0, 0.2, 0.5), seed 0, trained to the end."""
    configs = lesson.rate_configs()
    return train_side_by_side(configs), [lesson.rate_name(c.dropout) for c in configs]


def test_dropout_narrows_the_train_validation_gap_on_the_overfitting_preset():
    configs = lesson.rate_configs((0.0, 0.5))
    results = over_seeds(configs, SEEDS, names=["none", "p=0.5"])
    gaps = mean_and_spread(results, "gap")["mean"]
    assert gaps["p=0.5"] < gaps["none"] - 0.05


def test_training_loss_with_dropout_on_exceeds_the_eval_mode_loss(preset_runs):
    runs, _ = preset_runs
    for run in runs[1:]:
        data = run.data
        on, off = lesson.loss_with_and_without_dropout(run.model, data.X_train, data.y_train)
        assert on > off
        assert off == pytest.approx(run.final("train_loss"), rel=1e-4)


def test_the_history_shows_a_larger_train_mode_excess_with_dropout(preset_runs):
    runs, _ = preset_runs
    excess = [lesson.curve_difference(run.history) for run in runs]
    assert excess[2] > excess[0] and excess[1] > excess[0]


def test_without_dropout_train_mode_and_eval_mode_losses_are_equal(preset_runs):
    run = preset_runs[0][0]
    on, off = lesson.loss_with_and_without_dropout(run.model, run.data.X_train, run.data.y_train)
    assert on == pytest.approx(off, rel=1e-6)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_inverted_and_original_dropout_keep_the_expected_activation(p):
    table = lesson.expected_activation(p=p)
    inverted = (table["inverted_train_mean"] - table["inverted_test"]).abs()
    original = (table["original_train_mean"] - table["original_test"]).abs()
    assert (inverted <= table["tolerance"]).all()
    assert (original <= (1 - p) * table["tolerance"]).all()
    assert np.allclose(table["inverted_test"], table["activation"])


def test_the_two_formulations_differ_by_the_keep_probability_in_training():
    table = lesson.expected_activation(p=0.3)
    assert np.allclose(table["original_train_mean"], 0.7 * table["inverted_train_mean"])


def test_the_mask_ensemble_has_spread_and_its_mean_is_close_to_the_eval_mode_network(preset_runs):
    run = preset_runs[0][2]
    report = lesson.ensemble_report(run.model, run.data.X_val, run.data.y_val)
    assert report["mean_spread"] > 0.01
    assert report["mean_abs_diff"] < 0.1
    ensemble = lesson.mask_ensemble(run.model, run.data.X_val)
    agree = np.mean(ensemble.mean.argmax(1) == ensemble.eval_proba.argmax(1))
    assert agree >= 0.9


def test_masks_disagree_most_near_the_decision_boundary(preset_runs):
    run = preset_runs[0][2]
    grid = lesson.ensemble_grid(run.model, ((-2, 2), (-2, 2)), n_masks=20, resolution=30)
    near, far = lesson.spread_near_boundary(grid)
    assert near > far


def test_a_network_without_dropout_is_an_ensemble_of_one():
    model = build_model(2, 2, hidden=(8,), rng=np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(20, 2))
    assert lesson.mask_ensemble(model, X, n_masks=5).spread.max() < 1e-12


def test_forward_with_dropout_leaves_the_training_generator_untouched():
    trainer = Trainer(lesson.OVERFITTING.replace(dropout=0.5, epochs=1))
    dropout = next(layer for layer in trainer.model.layers if hasattr(layer, "p"))
    before = dropout.rng.bit_generator.state
    lesson.forward_with_dropout(trainer.model, trainer.X_train, np.random.default_rng(0))
    assert dropout.rng.bit_generator.state == before


# --- the sentences follow the numbers -------------------------------------------------------------
def outcome(name, rate, train, val, train_mode, curve=0.0):
    return lesson.RateOutcome(name, rate, 100, train, val, train_mode, curve)


def test_gap_sentence_says_when_dropout_narrowed_the_gap():
    sentences = lesson.rate_sentences([outcome("none", 0, 0.1, 0.6, 0.1),
                                       outcome("p=0.5", 0.5, 0.3, 0.35, 0.4)])
    assert "narrowed it by 0.450" in sentences[0]


def test_gap_sentence_reports_a_wider_gap_with_dropout():
    sentences = lesson.rate_sentences([outcome("none", 0, 0.2, 0.3, 0.2),
                                       outcome("p=0.5", 0.5, 0.1, 0.5, 0.3)])
    assert "not narrower" in sentences[0] and "0.400" in sentences[0]
    assert "lowest with none" in sentences[1]


def test_train_mode_sentence_reports_a_train_mode_loss_not_above_eval():
    sentences = lesson.rate_sentences([outcome("none", 0, 0.2, 0.3, 0.2),
                                       outcome("p=0.5", 0.5, 0.25, 0.3, 0.21)])
    assert "not above the 0.250" in sentences[2]
    above = lesson.rate_sentences([outcome("none", 0, 0.2, 0.3, 0.2),
                                   outcome("p=0.5", 0.5, 0.25, 0.3, 0.31)])
    assert "0.310, above the 0.250" in above[2]


def test_curve_sentence_reports_a_train_mode_excess_not_larger_with_dropout():
    sentences = lesson.rate_sentences([outcome("none", 0, 0.2, 0.3, 0.2, curve=0.05),
                                       outcome("p=0.5", 0.5, 0.25, 0.3, 0.3, curve=0.01)])
    assert "+0.010 from the eval-mode loss with p=0.5 and +0.050 with none — NOT larger" \
        in sentences[3]


def test_ensemble_sentences_report_a_mean_far_from_eval_mode_and_no_boundary_effect():
    report = {"n_masks": 30, "ensemble_acc": 0.7, "eval_acc": 0.8, "single_mask_acc": 0.6,
              "mean_abs_diff": 0.2, "mean_spread": 0.1}
    sentences = lesson.ensemble_sentences(report, (0.05, 0.1))
    assert "70.0%" in sentences[0] and "80.0%" in sentences[0]
    assert "sizable difference" in sentences[1]
    assert "no more near the boundary" in sentences[2]


def test_expectation_sentence_reports_a_mismatch_beyond_sampling_error():
    table = lesson.expected_activation(p=0.5)
    assert "within sampling error" in lesson.expectation_sentences(table, 0.5, 10)[0]
    table["inverted_train_mean"] = table["activation"] * 0.5   # forgot the 1/(1−p) scaling
    assert "more than sampling error" in lesson.expectation_sentences(table, 0.5, 10)[0]


def test_seed_sentence_reports_when_dropout_did_not_narrow_the_gap_on_average():
    results = pd.DataFrame({"run": ["none", "p=0.5"] * 2, "seed": [0, 0, 1, 1],
                            "gap": [0.1, 0.3, 0.2, 0.4]})
    sentence = lesson.seed_sentences(results)[0]
    assert "not narrower with p=0.5" in sentence and "0.350 ± 0.071" in sentence


def test_forward_with_dropout_draws_its_masks_from_the_given_generator_only():
    model = build_model(2, 2, hidden=(16,), dropout=0.5, rng=np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(20, 2))
    first = lesson.forward_with_dropout(model, X, np.random.default_rng(7))
    again = lesson.forward_with_dropout(model, X, np.random.default_rng(7))
    other = lesson.forward_with_dropout(model, X, np.random.default_rng(8))
    assert np.array_equal(first, again) and not np.array_equal(first, other)
