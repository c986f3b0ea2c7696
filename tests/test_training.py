"""Training-level claims of the engine: regularizers do what the lessons say, runs are
reproducible, and bad numbers end a run with a status instead of an exception."""
import math

import numpy as np
import pytest
from sklearn.linear_model import Lasso

import regcore
from regcore import Config, Dataset, train
from regcore.group import Group
from regcore.training import BLAS, Trainer

SMALL = dict(dataset="moons", n_samples=200, epochs=15, hidden=(16, 16), batch_size=32)


def small(**changes) -> Config:
    """A quick config: SMALL with some settings changed."""
    return Config(**{**SMALL, **changes})


def weights_of(run):
    return run.model.weights.astype(np.float64)


def test_history_has_one_row_per_epoch_with_the_documented_columns():
    run = train(small())
    assert list(run.history["epoch"]) == list(range(1, 16))
    for column in ("epoch", "train_loss", "val_loss", "penalty", "train_acc", "val_acc",
                   "minibatch_loss"):
        assert column in run.history
    assert run.status == "completed" and run.stopped_epoch == 15


def test_train_loss_is_measured_in_eval_mode():
    run = train(small(dropout=0.5))
    data = run.data
    logits = run.model.predict_output(data.X_train)
    expected = regcore.softmax_cross_entropy(logits, data.y_train)[0]
    assert run.history["train_loss"].iloc[-1] == pytest.approx(expected, rel=1e-5)
    assert run.history["minibatch_loss"].iloc[-1] != pytest.approx(expected, rel=1e-3)


def test_sgd_l2_equals_sgd_weight_decay():
    base = small(optimizer="sgd", lr=0.1)
    l2 = train(base.replace(penalty="l2", penalty_strength=0.01))
    decay = train(base.replace(weight_decay=0.01))
    assert np.max(np.abs(weights_of(l2) - weights_of(decay))) < 1e-6
    np.testing.assert_allclose(l2.history["val_loss"], decay.history["val_loss"], atol=1e-6)


def test_adam_l2_differs_from_adamw():
    base = small(optimizer="adam", lr=0.01)
    l2 = train(base.replace(penalty="l2", penalty_strength=0.01))
    adamw = train(base.replace(optimizer="adamw", weight_decay=0.01))
    assert np.max(np.abs(weights_of(l2) - weights_of(adamw))) > 1e-2


def test_weight_decay_and_penalties_leave_biases_alone():
    run = train(small(hidden=(), optimizer="sgd", lr=0.1, weight_decay=5.0,
                       penalty="l1", penalty_strength=1.0))
    assert np.all(run.model.weights == 0)  # weights crushed to exact zero ...
    assert np.any(run.model.params["linear1.b"] != 0)  # ... biases still learn


def test_l1_gives_exact_zeros_and_l2_does_not():
    base = small(epochs=30, penalty_strength=3e-3)
    l1, l2 = train(base.replace(penalty="l1")), train(base.replace(penalty="l2"))
    assert np.mean(weights_of(l1) == 0) > 0.2
    assert np.mean(weights_of(l2) == 0) == 0


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_larger_strength_gives_smaller_weights(penalty):
    norms = [np.linalg.norm(weights_of(train(small(penalty=penalty,
                                                    penalty_strength=s))))
             for s in (0.0, 1e-3, 1e-2)]
    assert norms[0] > norms[1] > norms[2]


def test_early_stopping_stops_patience_epochs_after_the_best_and_restores_it():
    config = small(epochs=300, n_samples=100, hidden=(64, 64), noise=0.4,
                    lr=0.01, patience=5, restore_best=True)
    run = train(config)
    assert run.status == "early_stopped"
    assert run.stopped_epoch - run.best_epoch == 5
    best_val = run.history["val_loss"].min()
    assert run.history.loc[run.history["epoch"] == run.best_epoch, "val_loss"].iloc[0] == best_val
    restored = regcore.softmax_cross_entropy(run.model.predict_output(run.data.X_val), run.data.y_val)[0]
    assert restored == pytest.approx(best_val, rel=1e-5)


def test_without_restore_best_the_final_weights_stay():
    config = small(epochs=300, n_samples=100, hidden=(64, 64), noise=0.4,
                    lr=0.01, patience=5, restore_best=False)
    run = train(config)
    final = regcore.softmax_cross_entropy(run.model.predict_output(run.data.X_val), run.data.y_val)[0]
    assert final == pytest.approx(run.history["val_loss"].iloc[-1], rel=1e-5)


def test_would_stop_replays_early_stopping_on_a_run_without_it():
    base = small(epochs=120, n_samples=100, hidden=(64, 64), noise=0.4,
                  lr=0.01)
    full = train(base)
    best, stopped = full.would_stop(patience=5)
    stopped_run = train(base.replace(patience=5))
    assert (best, stopped) == (stopped_run.best_epoch, stopped_run.stopped_epoch)


def test_lasso_coefficients_match_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 6))
    y = X @ np.array([2.0, -1.5, 0.0, 0.0, 0.7, 0.0]) + 0.5 + 0.3 * rng.normal(size=200)
    data = Dataset(X[:150], y[:150], X[150:], y[150:], task="regression")
    config = Config(dataset="custom", hidden=(), optimizer="sgd", lr=0.5, batch_size=150,
                    epochs=500, penalty="l1", penalty_strength=0.1)
    run = train(config, data)
    lasso = Lasso(alpha=0.1).fit(X[:150], y[:150])
    np.testing.assert_allclose(run.model.params["linear1.W"][:, 0], lasso.coef_, atol=1e-4)
    assert run.model.params["linear1.b"][0] == pytest.approx(lasso.intercept_, abs=1e-4)
    np.testing.assert_array_equal(run.model.params["linear1.W"][:, 0] == 0, lasso.coef_ == 0)


def test_lasso_with_momentum_reaches_the_same_coefficients():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 5))
    y = X @ np.array([1.5, 0.0, -2.0, 0.0, 0.3]) + 0.2 * rng.normal(size=120)
    data = Dataset(X[:100], y[:100], X[100:], y[100:], task="regression")
    config = Config(dataset="custom", hidden=(), optimizer="momentum", lr=0.05, batch_size=100,
                    epochs=600, penalty="l1", penalty_strength=0.2)
    run = train(config, data)
    lasso = Lasso(alpha=0.2).fit(X[:100], y[:100])
    np.testing.assert_allclose(run.model.params["linear1.W"][:, 0], lasso.coef_, atol=1e-4)


def test_a_twenty_sample_set_can_be_overfit():
    run = train(Config(dataset="moons", n_samples=20, val_fraction=0.25, noise=0.3,
                       hidden=(64, 64), epochs=400, batch_size=15, lr=0.01))
    assert run.history["train_acc"].iloc[-1] == 1.0
    assert run.history["train_loss"].iloc[-1] < 0.02


def test_the_same_config_gives_an_identical_run():
    config = small(dropout=0.3, norm="batch")
    first, second = train(config), train(config)
    assert first.history.drop(columns="time").equals(second.history.drop(columns="time"))
    np.testing.assert_array_equal(first.model.flat, second.model.flat)


def test_another_seed_gives_another_run():
    first, second = train(small()), train(small(seed=1))
    assert not np.allclose(first.history["val_loss"], second.history["val_loss"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_divergent_learning_rate_ends_with_status_diverged(seed):
    run = train(small(dataset="diabetes", optimizer="sgd", lr=5.0, seed=seed))
    assert run.status == "diverged"
    assert "diverged at epoch" in run.message
    assert run.stopped_epoch < 15


def test_a_loss_that_becomes_nan_ends_with_status_diverged():
    run = train(small(optimizer="sgd", lr=10.0, penalty="l2", penalty_strength=100.0))
    assert run.status == "diverged"
    assert "the loss became nan" in run.message


def test_batchnorm_with_batches_of_one_fails_with_a_clear_message():
    run = train(small(norm="batch", batch_size=1))
    assert run.status == "failed"
    assert "BatchNorm needs batches of 2 or more" in run.message


def test_train_iter_streams_one_record_per_epoch_and_returns_the_run():
    stream = regcore.train_iter(small())
    records = []
    try:
        while True:
            records.append(next(stream))
    except StopIteration as end:
        run = end.value
    assert [r["epoch"] for r in records] == list(range(1, 16))
    assert run.history["val_loss"].tolist() == [r["val_loss"] for r in records]


def test_histograms_use_fixed_bins_and_count_every_weight():
    run = train(small(snapshot_every=5))
    assert sorted(run.histograms) == [0, 5, 10, 15]
    for epoch, layers in run.histograms.items():
        for name, counts in layers.items():
            assert counts.sum() == run.model.weight_layers[name].size
            assert len(counts) == len(run.bin_edges[name]) - 1


def test_layer_stats_report_sparsity_and_norms_per_layer():
    run = train(small(penalty="l1", penalty_strength=1e-2))
    last = run.layer_stats[run.layer_stats["epoch"] == 15].set_index("layer")
    for name, w in run.model.weight_layers.items():
        assert last.loc[name, "sparsity"] == pytest.approx(np.mean(w == 0))
        assert last.loc[name, "l2"] == pytest.approx(np.linalg.norm(w), rel=1e-5)


def test_penalty_column_is_the_penalty_term():
    run = train(small(penalty="l2", penalty_strength=0.01))
    w = weights_of(run)
    assert run.history["penalty"].iloc[-1] == pytest.approx(0.005 * np.sum(w * w), rel=1e-5)
    assert math.isclose(run.history["objective"].iloc[-1],
                        run.history["train_loss"].iloc[-1] + run.history["penalty"].iloc[-1])


def test_best_model_has_the_weights_of_the_best_epoch():
    run = train(small(epochs=60, n_samples=100, hidden=(64, 64), noise=0.4, lr=0.01))
    best = run.best_model()
    loss = regcore.softmax_cross_entropy(best.predict_output(run.data.X_val), run.data.y_val)[0]
    assert run.best_epoch < 60
    assert loss == pytest.approx(run.at_best("val_loss"), rel=1e-5)
    final = regcore.softmax_cross_entropy(run.model.predict_output(run.data.X_val), run.data.y_val)[0]
    assert final == pytest.approx(run.final("val_loss"), rel=1e-5)  # the run's model is untouched


def test_the_initial_loss_is_computed_on_one_blas_thread(monkeypatch):
    """Several BLAS threads would spin on after the product and take another run's core."""
    threads, measure = [], Group._loss_and_accuracy

    def spy(self, X, y):
        threads.append({lib["num_threads"] for lib in BLAS.info() if lib["user_api"] == "blas"})
        return measure(self, X, y)

    monkeypatch.setattr(Group, "_loss_and_accuracy", spy)
    with BLAS.limit(limits=2, user_api="blas"):
        Group([Trainer(Config(dataset="moons", n_samples=100, epochs=1))])
    assert threads == [{1}]


# --- the held-out test split -----------------------------------------------------------------
def test_test_loss_and_accuracy_are_recorded_every_epoch_on_the_test_rows():
    config = small(test_fraction=0.2, epochs=3)
    trainer = Trainer(config)
    while not trainer.done:
        trainer.step_epoch()
    run = trainer.run()
    assert run.history[["test_loss", "test_acc"]].notna().all().all()
    out = run.model.predict_output(trainer.X_test)
    expected_acc = float(np.mean(out.argmax(axis=1) == trainer.y_test))
    assert run.history["test_acc"].iloc[-1] == pytest.approx(expected_acc)
    log_p = out - np.log(np.exp(out).sum(axis=1, keepdims=True))
    expected_loss = -np.mean(log_p[np.arange(len(out)), trainer.y_test])
    assert run.history["test_loss"].iloc[-1] == pytest.approx(expected_loss, rel=1e-4)


def test_without_a_test_split_the_test_columns_are_nan():
    run = train(small(epochs=2))
    assert run.history[["test_loss", "test_acc"]].isna().all().all()


def test_the_test_split_changes_no_choice_of_training():
    """Early stopping and restore-best look at validation only: a run with its test rows
    replaced by other rows stops, restores and ends with the same weights."""
    config = small(test_fraction=0.2, epochs=60, patience=3, hidden=(32, 32), label_noise=0.2)
    data = regcore.make_dataset("moons", 200, test_fraction=0.2, label_noise=0.2)
    other = Dataset(data.X_train, data.y_train, data.X_val, data.y_val,
                    X_test=-data.X_test, y_test=1 - data.y_test)
    first, second = train(config, data), train(config, other)
    assert first.best_epoch == second.best_epoch and first.stopped_epoch == second.stopped_epoch
    assert np.array_equal(first.model.weights, second.model.weights)
    assert not np.allclose(first.history["test_loss"], second.history["test_loss"])


def test_a_run_with_a_test_split_gives_the_same_numbers_alone_and_in_a_group():
    configs = [small(test_fraction=0.2, epochs=3), small(test_fraction=0.2, epochs=3, dropout=0.3)]
    alone = [train(config) for config in configs]
    together = regcore.train_side_by_side(configs)
    for one, other in zip(alone, together):
        assert np.array_equal(one.history["test_loss"], other.history["test_loss"])


def test_a_batch_larger_than_the_training_rows_trains_full_batch_and_says_so():
    config = small(n_samples=100, batch_size=5000, epochs=2)
    run = train(config)
    full = train(config.replace(batch_size=70))
    assert np.array_equal(run.history["train_loss"], full.history["train_loss"])
    assert "batch size 5000 is larger than the 70 training rows" in run.message
    assert "full batch" in run.message and "full batch" not in full.message


@pytest.mark.parametrize("config", [
    Config(epochs=12, seed=3),                                       # no test split: NaN column
    Config(epochs=12, seed=3, test_fraction=0.2, dropout=0.2),
    Config(epochs=30, seed=3, lr=5.0, optimizer="sgd")],   # diverges in its first epoch
    ids=["plain", "test split", "diverging"])
def test_a_run_taken_after_each_chunk_has_the_frames_of_one_built_at_once(config):
    import pandas as pd
    from regcore.run import HISTORY_COLUMNS
    trainer = Trainer(config)
    for chunk in (1, 3, 0, 5, 30):   # as a live page asks; 0: nothing new since the last look
        for _ in range(chunk):
            if not trainer.done:
                trainer.step_epoch()
        run = trainer.run()
        pd.testing.assert_frame_equal(
            run.history, pd.DataFrame(trainer.records, columns=list(HISTORY_COLUMNS)))
        pd.testing.assert_frame_equal(run.layer_stats, pd.DataFrame(trainer.layer_records))
    assert len(run.history) == trainer.epoch > 0


def test_a_run_taken_before_new_initial_weights_does_not_keep_the_old_statistics():
    trainer, other = Trainer(Config(epochs=3, seed=1)), Trainer(Config(epochs=3, seed=2))
    trainer.run()
    trainer.load_initial_state(other.model.state())
    assert trainer.run().layer_stats.equals(other.run().layer_stats)
