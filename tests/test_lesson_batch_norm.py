"""The batch-norm lesson's claims, checked on the engine with the page's own presets."""
import numpy as np
import pandas as pd
import pytest

from regcore import Trainer, train
from regcore.lessons import batch_norm as lesson
from regcore.repeat import mean_and_spread, over_seeds

SEEDS = (0, 1, 2)


def test_batch_norm_reaches_the_target_in_fewer_epochs_on_unscaled_inputs():
    configs = lesson.norm_configs("batch")
    assert configs[0].lr == configs[1].lr and not configs[0].scale
    results = over_seeds(configs, SEEDS, ["none", "batch"], measure=lesson.speed_measure)
    epochs = mean_and_spread(results, "epochs_to_target")["mean"]
    assert epochs["batch"] < epochs["none"]
    assert results.loc[results["run"] == "batch", "reached"].all()


def test_batch_norm_has_the_lower_validation_loss_after_a_few_epochs():
    configs = [c.replace(epochs=lesson.CHECK_EPOCH) for c in lesson.norm_configs("batch")]
    results = over_seeds(configs, SEEDS, ["none", "batch"],
                         measure=lambda run: {"val_loss": run.final("val_loss")})
    means = mean_and_spread(results, "val_loss")["mean"]
    assert means["batch"] < means["none"]


def test_batch_of_two_has_a_larger_train_eval_mismatch_and_worse_validation_loss_than_64():
    configs = lesson.batch_size_configs(("batch",), (2, 64))
    results = over_seeds(configs, SEEDS[:2], ["2", "64"], measure=lesson.batch_measure)
    mismatch = mean_and_spread(results, "disagreement")["mean"]
    loss = mean_and_spread(results, "final_val_loss")["mean"]
    assert mismatch["2"] > 2 * mismatch["64"]
    assert loss["2"] > loss["64"]


def test_gamma_and_beta_start_at_one_and_zero_and_move_away():
    trace = lesson.trace_gamma_beta(lesson.norm_configs("batch")[1].replace(epochs=10))
    start, end = trace[trace["epoch"] == 0], trace[trace["epoch"] == 10]
    assert (start["gamma"] == 1).all() and (start["beta"] == 0).all()
    assert (end["gamma"] - 1).abs().mean() > 1e-3
    assert end["beta"].abs().mean() > 1e-3
    assert set(trace["layer"]) == {"batchnorm1", "batchnorm2"}


def test_the_trace_reproduces_the_run_with_the_same_config():
    config = lesson.norm_configs("batch")[1].replace(epochs=4)
    trace = lesson.trace_gamma_beta(config)
    assert lesson.trace_matches(trace, train(config).model)
    assert not lesson.trace_matches(trace, train(config.replace(seed=1)).model)


def test_tracing_needs_a_normalization_layer():
    with pytest.raises(ValueError, match="norm"):
        lesson.trace_gamma_beta(lesson.UNSCALED)


def test_forward_with_batch_statistics_leaves_the_running_statistics_untouched():
    trainer = Trainer(lesson.UNSCALED.replace(norm="batch", epochs=2))
    trainer.step_epoch()
    before = {name: value.copy() for name, value in trainer.model.buffers.items()}
    out = lesson.forward_with_batch_stats(trainer.model, trainer.X_train, batch_size=4)
    assert out.shape == (len(trainer.X_train), 2) and np.isfinite(out).all()
    for name, value in trainer.model.buffers.items():
        assert np.array_equal(value, before[name])


@pytest.mark.parametrize("n, size", [(10, 3), (9, 4), (8, 4), (5, 2), (3, 2)])
def test_batches_never_hold_a_single_sample(n, size):
    starts = lesson.batch_starts(n, size)
    lengths = np.diff(starts)
    assert starts[0] == 0 and starts[-1] == n and (lengths >= 2).all()


def test_epochs_to_target_for_losses_and_accuracies():
    history = pd.DataFrame({"epoch": [1, 2, 3], "val_loss": [0.9, 0.4, 0.2],
                            "val_acc": [0.5, 0.8, 0.95]})
    assert lesson.epochs_to_target(history, "val_loss", 0.3) == 3
    assert lesson.epochs_to_target(history, "val_acc", 0.8) == 2
    assert lesson.epochs_to_target(history, "val_loss", 0.1) is None


# --- the sentences follow the numbers -------------------------------------------------------------
def speed(name, reached, at_check):
    return lesson.SpeedOutcome(name, 1e-3, 40, reached, at_check, at_check)


def test_speed_sentences_say_when_batch_norm_is_faster():
    sentences = lesson.speed_sentences(speed("plain", None, 2.0), speed("BN", 3, 0.2))
    assert "BN reaches it at epoch 3" in sentences[0]
    assert "plain has not reached it in 40 epochs" in sentences[0]
    assert "BN got there sooner" in sentences[1]
    assert "lower with BN" in sentences[2]


def test_speed_sentences_report_batch_norm_being_slower():
    sentences = lesson.speed_sentences(speed("plain", 4, 0.25), speed("BN", 12, 0.5))
    assert "BN got there LATER than plain" in sentences[1]
    assert "lower with plain" in sentences[2]


def batch(size, disagreement, val_loss, norm="batch"):
    return lesson.BatchOutcome(f"{norm} {size}", norm, size, 400, val_loss, 0.9, disagreement,
                               disagreement)


def test_batch_sentences_report_a_small_batch_without_extra_mismatch():
    sentences = lesson.batch_sentences([batch(2, 0.01, 0.1), batch(64, 0.2, 0.4)])
    assert "1.0% of training points with batch 2, 20.0% with batch 64 — NOT more" in sentences[0]
    assert "0.100 with batch 2 (400 updates), 0.400 with batch 64" in sentences[1]
    usual = lesson.batch_sentences([batch(2, 0.3, 0.5), batch(64, 0.02, 0.1)])
    assert "— more with the small batch" in usual[0]


def test_batch_sentences_measure_batch_norm_against_the_baseline_without_normalization():
    suffers = lesson.batch_sentences([batch(2, 0.3, 0.5), batch(2, 0.0, 0.2, "none"),
                                      batch(64, 0.02, 0.1), batch(64, 0.0, 0.15, "none")])
    assert "+0.400 with BatchNorm and by +0.050 without normalization" in suffers[-1]
    assert "BatchNorm suffers more from the small batch" in suffers[-1]
    same = lesson.batch_sentences([batch(2, 0.3, 0.2), batch(2, 0.0, 0.5, "none"),
                                   batch(64, 0.02, 0.1), batch(64, 0.0, 0.15, "none")])
    assert "does NOT suffer more" in same[-1]


def test_runs_of_a_batch_size_comparison_make_about_the_same_number_of_updates():
    configs = lesson.batch_size_configs(("batch", "none"), (2, 8, 64))
    n_train = lesson.dataset_for(configs[0]).n_train
    updates = [c.epochs * lesson.steps_per_epoch(n_train, c.batch_size, c.norm) for c in configs]
    assert [c.norm for c in configs[:2]] == ["batch", "none"]
    assert all(abs(u - lesson.UPDATES) <= 0.1 * lesson.UPDATES for u in updates), updates
    assert configs[0].epochs < configs[-1].epochs  # the large batch needs more epochs


def test_a_last_batch_of_one_row_is_not_an_update_under_batch_norm():
    assert lesson.steps_per_epoch(9, 2, "batch") == 4 and lesson.steps_per_epoch(9, 2, "none") == 5


def test_gamma_beta_sentence_reports_values_that_did_not_move():
    trace = pd.DataFrame({"epoch": [5, 5], "layer": ["batchnorm1"] * 2, "unit": [0, 1],
                          "gamma": [1.0, 1.0], "beta": [0.0, 0.0]})
    assert "barely moved" in lesson.gamma_beta_sentences(trace)[0]
    trace["gamma"] = [1.02, 0.98]
    assert "moved little" in lesson.gamma_beta_sentences(trace)[0]
    trace["gamma"] = [1.2, 0.9]
    assert "mean |γ − 1| = 0.150" in lesson.gamma_beta_sentences(trace)[0]
