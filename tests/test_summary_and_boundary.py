"""regcore.summary (one row of numbers per run) and regcore.boundary (a classifier's
predictions on a grid over 2-D data)."""
import math

import numpy as np
import pytest

import regcore
from regcore import Config, decision_grid, grid_bounds, summarize, summary_table
from regcore.summary import SUMMARY_COLUMNS

BASE = Config(epochs=12, n_samples=150, hidden=(8, 8), lr=0.05, batch_size=16)


@pytest.fixture(scope="module")
def plain():
    return regcore.train(BASE)


@pytest.fixture(scope="module")
def lasso():
    return regcore.train(BASE.replace(penalty="l1", penalty_strength=3e-2))


@pytest.fixture(scope="module")
def stopped():
    run = regcore.train(BASE.replace(epochs=60, patience=3))
    assert run.status == "early_stopped"
    return run


# summary --------------------------------------------------------------------------------------
def test_gap_is_final_validation_minus_final_training_loss(plain):
    numbers, last = summarize(plain), plain.history.iloc[-1]
    assert numbers["gap"] == pytest.approx(last["val_loss"] - last["train_loss"])
    assert numbers["final_val_loss"] == last["val_loss"]
    assert numbers["final_train_loss"] == last["train_loss"]
    assert numbers["final_val_acc"] == last["val_acc"]


def test_best_val_loss_is_the_lowest_validation_loss_of_any_epoch(plain, stopped):
    for run in (plain, stopped):
        assert summarize(run)["best_val_loss"] == run.history["val_loss"].min()


def test_a_run_that_restored_its_best_weights_is_summarized_at_the_best_epoch(stopped):
    numbers, history = summarize(stopped), stopped.history
    at_best = history[history["epoch"] == stopped.best_epoch].iloc[0]
    assert numbers["end_epoch"] == stopped.best_epoch < stopped.stopped_epoch
    assert numbers["final_val_loss"] == at_best["val_loss"]
    assert numbers["final_val_acc"] == at_best["val_acc"]
    assert numbers["gap"] == pytest.approx(at_best["val_loss"] - at_best["train_loss"])
    val_acc = np.mean(stopped.model.predict(stopped.data.X_val) == stopped.data.y_val)
    assert numbers["final_val_acc"] == pytest.approx(val_acc)  # the model it ends with


def test_without_restore_best_the_summary_is_of_the_last_epoch():
    run = regcore.train(BASE.replace(epochs=60, patience=3, restore_best=False))
    numbers, last = summarize(run), run.history.iloc[-1]
    assert numbers["end_epoch"] == run.stopped_epoch > run.best_epoch
    assert numbers["final_val_loss"] == last["val_loss"]


def test_a_network_crushed_by_its_penalty_is_called_collapsed(plain):
    crushed = regcore.train(BASE.replace(penalty="l2", penalty_strength=1.0, epochs=40))
    assert summarize(crushed)["collapsed"] and not summarize(plain)["collapsed"]


def test_early_stopped_run_reports_where_it_stopped(stopped):
    numbers = summarize(stopped)
    assert numbers["status"] == "early_stopped"
    assert numbers["stopped_epoch"] == numbers["epochs_trained"] == len(stopped.history)
    assert numbers["best_epoch"] == stopped.best_epoch < numbers["stopped_epoch"]


def test_sparsity_is_the_share_of_exact_zeros_among_all_weights(lasso, plain):
    weights = np.concatenate([w.ravel() for w in lasso.model.weight_layers.values()])
    assert np.mean(weights == 0) > 0.2
    assert summarize(lasso)["sparsity"] == pytest.approx(np.mean(weights == 0))
    assert summarize(plain)["sparsity"] == 0.0


def test_weight_norm_is_the_l2_norm_of_all_weights_together(lasso):
    final = lasso.layer_stats[lasso.layer_stats["epoch"] == lasso.stopped_epoch]
    expected = math.sqrt((final["l2"] ** 2).sum())  # ‖w‖² adds up over the layers
    assert summarize(lasso)["weight_norm"] == pytest.approx(expected, rel=1e-5)


def test_time_is_the_training_time_of_the_last_epoch(plain):
    assert summarize(plain)["time"] == plain.history["time"].iloc[-1] > 0


def test_regression_runs_have_no_accuracy():
    run = regcore.train(Config(dataset="diabetes", epochs=3, hidden=(8,)))
    numbers = summarize(run)
    assert math.isnan(numbers["final_val_acc"]) and math.isnan(numbers["final_train_acc"])
    assert math.isfinite(numbers["final_val_loss"])


def test_a_run_without_epochs_has_missing_numbers():
    numbers = summarize(regcore.Trainer(BASE).run())
    assert numbers["epochs_trained"] == 0 and numbers["best_epoch"] is None
    assert math.isnan(numbers["final_val_loss"]) and math.isnan(numbers["best_val_loss"])
    assert numbers["time"] == 0.0


def test_summary_table_has_a_row_per_run_named_after_it(plain, lasso):
    table = summary_table([plain, lasso], ["A", "B"])
    assert list(table.index) == ["A", "B"] and table.index.name == "run"
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert table.loc["B", "sparsity"] == summarize(lasso)["sparsity"]


# boundary -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def blobs():
    """A three-class 2-D classifier."""
    return regcore.train(Config(dataset="blobs", epochs=5, n_samples=150, hidden=(8,), lr=0.05))


def test_grid_bounds_cover_every_point_with_a_margin():
    a = np.array([[0.0, 10.0], [2.0, 12.0]])
    b = np.array([[-1.0, 11.0]])
    (x0, x1), (y0, y1) = grid_bounds(a, b, margin=0.1)
    assert (x0, x1) == pytest.approx((-1.3, 2.3)) and (y0, y1) == pytest.approx((9.8, 12.2))


def test_grid_bounds_of_identical_points_are_not_empty():
    (x0, x1), (y0, y1) = grid_bounds(np.ones((3, 2)))
    assert x0 < 1 < x1 and y0 < 1 < y1


def test_decision_grid_has_resolution_squared_cells_and_a_probability_per_class(blobs):
    bounds = grid_bounds(blobs.data.X_train, blobs.data.X_val)
    grid = decision_grid(blobs.model, bounds, resolution=17)
    assert grid.xs.shape == grid.ys.shape == (17,)
    assert grid.proba.shape == (17, 17, 3) and grid.label.shape == grid.confidence.shape == (17, 17)
    assert (grid.xs[0], grid.xs[-1]) == pytest.approx(bounds[0])
    assert (grid.ys[0], grid.ys[-1]) == pytest.approx(bounds[1])
    np.testing.assert_allclose(grid.proba.sum(axis=-1), 1.0, rtol=1e-6)


def test_grid_label_is_the_argmax_and_confidence_the_max_of_the_probabilities(blobs):
    grid = decision_grid(blobs.model, grid_bounds(blobs.data.X_train), resolution=9)
    np.testing.assert_array_equal(grid.label, grid.proba.argmax(axis=-1))
    np.testing.assert_array_equal(grid.confidence, grid.proba.max(axis=-1))
    assert (grid.confidence >= 1 / 3 - 1e-9).all()


def test_grid_rows_run_along_y_and_columns_along_x(blobs):
    grid = decision_grid(blobs.model, ((-2.0, 2.0), (-1.0, 3.0)), resolution=5)
    row, col = 1, 3
    point = np.array([[grid.xs[col], grid.ys[row]]])
    # float32 network: the batch a point is evaluated in changes the last digits
    np.testing.assert_allclose(grid.proba[row, col], blobs.model.predict_proba(point)[0], rtol=1e-5)
    assert grid.label[row, col] == blobs.model.predict(point)[0]


@pytest.mark.parametrize("resolution", [1, 0, -3])
def test_a_resolution_below_two_is_refused(blobs, resolution):
    with pytest.raises(ValueError, match="resolution"):
        decision_grid(blobs.model, ((0.0, 1.0), (0.0, 1.0)), resolution=resolution)


def test_summary_reports_the_test_numbers_of_the_model_the_run_ends_with():
    config = Config(dataset="moons", n_samples=200, noise=0.4, label_noise=0.2, hidden=(64, 64),
                    epochs=80, patience=5, restore_best=True, test_fraction=0.25)
    run = regcore.train(config)
    summary = summarize(run)
    end = run.history.set_index("epoch").loc[summary["end_epoch"]]
    assert summary["end_epoch"] == run.best_epoch != run.stopped_epoch
    assert summary["final_test_loss"] == end["test_loss"]
    assert summary["final_test_acc"] == end["test_acc"]


def test_summary_test_numbers_are_nan_without_a_test_split():
    summary = summarize(regcore.train(Config(n_samples=100, epochs=2, hidden=(8,))))
    assert math.isnan(summary["final_test_loss"]) and math.isnan(summary["final_test_acc"])
