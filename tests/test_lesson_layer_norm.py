"""The layer-norm lesson's claims, checked on the engine with the page's own presets."""
import numpy as np
import pandas as pd
import pytest

from regcore import LIMITS, BatchNorm, LayerNorm, build_model
from regcore.lessons import batch_norm as bn_lesson
from regcore.lessons import layer_norm as lesson
from regcore.repeat import mean_and_spread, over_seeds


def test_layer_norm_output_of_a_sample_does_not_depend_on_its_batch():
    change = lesson.output_change(lesson.batch_dependence())
    assert change["layer"] < 1e-12
    assert change["batch"] > 0.1


@pytest.mark.parametrize("norm, same", [("layer", True), ("batch", False)])
def test_a_network_gives_a_sample_the_same_train_mode_output_in_any_batch_only_with_layer_norm(
        norm, same):
    model = build_model(5, 2, hidden=(16, 16), norm=norm, rng=np.random.default_rng(0),
                        dtype=np.float64)
    X = np.random.default_rng(1).normal(1.0, 2.0, size=(64, 5))
    small, large = model.forward(X[:2], train=True)[0], model.forward(X, train=True)[0]
    assert np.allclose(small, large, atol=1e-10) is same


def test_layer_norm_statistics_run_over_each_samples_features():
    x = np.random.default_rng(2).normal(3.0, 5.0, size=(4, 7))
    out = LayerNorm(7, dtype=np.float64).forward(x, train=True)
    assert np.allclose(out.mean(axis=1), 0) and np.allclose(out.std(axis=1), 1, atol=1e-5)
    batch_out = BatchNorm(7, dtype=np.float64).forward(x, train=True)
    assert np.allclose(batch_out.mean(axis=0), 0) and not np.allclose(batch_out.mean(axis=1), 0)


def test_at_equal_updates_layer_norm_results_vary_less_across_batch_sizes_than_batch_norm():
    results = lesson.across_study(lesson.COMPARED_BATCHES, seeds=(0, 1))
    assert set(results["norm"]) == {"batch", "layer", "none"}
    assert results["updates"].between(0.9 * lesson.UPDATES, 1.1 * lesson.UPDATES).all()
    assert sorted(results["batch_size"].unique()) == list(lesson.COMPARED_BATCHES)
    spans = lesson.across_batches(results, "final_val_loss")["range"]
    assert spans["layer"] < spans["batch"]
    layer = results[results["norm"] == "layer"]
    assert (layer["disagreement"] == 0).all()
    assert mean_and_spread(results, "disagreement").loc["BatchNorm, batch 2", "mean"] > 0.05


def test_layer_norm_speeds_up_training_on_unscaled_inputs():
    configs = lesson.unscaled_configs()
    results = over_seeds(configs, (0, 1, 2), ["none", "layer"],
                         measure=lambda run: {"best_val_loss": run.history["val_loss"].min(),
                                              **bn_lesson.speed_measure(run)})
    means = mean_and_spread(results, "epochs_to_target")["mean"]
    assert means["layer"] < means["none"]
    assert mean_and_spread(results, "best_val_loss").loc["layer", "mean"] < \
        mean_and_spread(results, "best_val_loss").loc["none", "mean"]


def test_the_live_comparison_stays_within_the_run_cap():
    assert len(lesson.bn_vs_ln_configs()) <= LIMITS.max_runs
    with pytest.raises(ValueError, match="batch sizes"):
        lesson.across_study(tuple(range(2, 3 + LIMITS.max_runs)))


# --- the sentences follow the numbers -------------------------------------------------------------
def test_independence_sentence_reports_a_layer_norm_output_that_changed():
    sentences = lesson.independence_sentences({"batch": 0.0, "layer": 0.5}, (2, 64))
    assert "BatchNorm" in sentences[0] and "the same output whatever the batch" in sentences[0]
    assert "up to 0.5 — its output depends" in sentences[1]


def fabricated(batch_losses, layer_losses, none_losses=None, sizes=(2, 64)):
    rows = []
    losses_of = {"batch": batch_losses, "layer": layer_losses, "none": none_losses}
    for norm, losses in losses_of.items():
        rows += [{"run": f"{norm} {b}", "seed": 0, "norm": norm, "batch_size": b,
                  "final_val_loss": loss, "disagreement": 0.2 if norm == "batch" else 0.0}
                 for b, loss in zip(sizes, losses or [])]
    return pd.DataFrame(rows)


def test_across_sentences_name_the_normalization_that_moves_least():
    sentences = lesson.across_sentences(fabricated([0.2, 0.25], [0.1, 0.6]))
    assert "spans 0.050 with BatchNorm, 0.500 with LayerNorm" in sentences[0]
    assert "moves least with BatchNorm" in sentences[0]
    usual = lesson.across_sentences(fabricated([0.6, 0.1], [0.2, 0.25], [0.3, 0.31]))
    assert "0.500 with BatchNorm, 0.050 with LayerNorm, 0.010 with no normalization" in usual[0]
    assert "moves least with no normalization" in usual[0]
    assert "20.0% of training points with BatchNorm and 0.0% with LayerNorm" in usual[2]


def test_across_sentences_explain_layer_norm_moving_through_optimization():
    alone = lesson.across_sentences(fabricated([0.6, 0.1], [0.2, 0.25]))[1]
    assert "still moves by 0.050: through optimization" in alone
    with_baseline = lesson.across_sentences(fabricated([0.6, 0.1], [0.2, 0.25], [0.3, 0.4]))[1]
    assert "only optimization can change with the batch, the loss moves by 0.100" in with_baseline


def test_independence_sentence_never_speaks_of_a_change_of_zero():
    sentences = lesson.independence_sentences({"batch": 0.4, "layer": 0.0}, (2, 64))
    assert "by up to 0 " not in " ".join(sentences) and "below 1e-6" in sentences[1]
