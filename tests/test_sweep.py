"""Sweeps: the grid checked and expanded, the result table, ranges, aggregation, progress."""
import numpy as np
import pandas as pd
import pytest

from regcore import Config, summarize, train
from regcore.summary import SUMMARY_COLUMNS
from regcore.sweep import (AXES, aggregate, axis_values, idle_keys, linear_spaced, log_spaced,
                           plan_sweep, progress_text, results_frame, sweep, held_out_note,
                           time_left)

BASE = Config(dataset="moons", n_samples=120, hidden=(8,), epochs=3)


# --- the plan ----------------------------------------------------------------------------------
def test_grid_expands_to_one_run_per_point_and_seed_ordered_by_point_then_seed():
    plan = plan_sweep(BASE, {"dropout": [0.0, 0.3], "lr": [1e-3, 1e-2, 1e-1]}, seeds=2)
    assert plan.total == 12
    runs = plan.runs()
    assert [(point, seed) for _, point, seed, _ in runs[:4]] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert plan.points[1] == {"dropout": 0.0, "lr": 1e-2}
    _, _, _, config = runs[-1]
    assert (config.dropout, config.lr, config.seed) == (0.3, 1e-1, 1)


def test_a_seed_count_starts_at_the_base_seed():
    assert plan_sweep(BASE.replace(seed=10), {}, seeds=3).seeds == (10, 11, 12)


def test_a_seed_list_is_used_as_given():
    assert plan_sweep(BASE, {}, seeds=[7, 2]).seeds == (7, 2)


def test_an_empty_grid_repeats_the_base_config_over_seeds():
    plan = plan_sweep(BASE, {}, seeds=2)
    assert [config for *_, config in plan.runs()] == [BASE, BASE.replace(seed=1)]


def test_data_fields_and_model_fields_can_both_be_swept():
    plan = plan_sweep(BASE, {"n_samples": [100, 200], "norm": ["none", "layer"]}, seeds=1)
    assert {(c.n_samples, c.norm) for *_, c in plan.runs()} == {
        (100, "none"), (100, "layer"), (200, "none"), (200, "layer")}


def test_unknown_key_is_refused_listing_the_valid_fields():
    with pytest.raises(ValueError, match=r"unknown grid key.*'dropuot'.*valid keys.*dropout"):
        plan_sweep(BASE, {"dropuot": [0.1]})


def test_empty_list_is_refused():
    with pytest.raises(ValueError, match="dropout has an empty list"):
        plan_sweep(BASE, {"dropout": []})


def test_a_value_that_is_not_a_list_is_refused():
    with pytest.raises(ValueError, match=r"must be lists: dropout is 0.1"):
        plan_sweep(BASE, {"dropout": 0.1})


def test_invalid_value_is_refused_naming_field_range_and_grid_point():
    with pytest.raises(ValueError, match=r"grid point dropout=1.5, lr=0.01: dropout must be a "
                                         r"number in \[0, 1\), got 1.5"):
        plan_sweep(BASE, {"dropout": [0.2, 1.5], "lr": [1e-2]})


def test_too_many_runs_are_refused_with_count_cap_and_environment_variable():
    grid = {"penalty_strength": [i / 1000 for i in range(134)]}  # 134 points × 3 seeds = 402
    with pytest.raises(ValueError, match=r"402 runs \(134 grid points × 3 seeds\); at most 400 "
                                         r".*REGLAB_MAX_SWEEP_RUNS"):
        plan_sweep(BASE, grid, seeds=3)


def test_seed_is_not_a_grid_key():
    with pytest.raises(ValueError, match="seeds="):
        plan_sweep(BASE, {"seed": [0, 1]})


def test_a_value_listed_twice_is_refused():
    with pytest.raises(ValueError, match="lists the value 0.1 twice"):
        plan_sweep(BASE, {"dropout": [0.1, 0.2, 0.1]})


@pytest.mark.parametrize("seeds", [0, [], [1, 1], [0.5], "3", [-1]])
def test_bad_seeds_are_refused(seeds):
    with pytest.raises(ValueError, match="seed"):
        plan_sweep(BASE, {}, seeds=seeds)


def test_custom_data_cannot_be_swept_because_workers_build_the_data():
    with pytest.raises(ValueError, match="custom"):
        plan_sweep(BASE.replace(dataset="custom"), {})
    with pytest.raises(ValueError, match="custom"):
        plan_sweep(BASE, {"dataset": ["moons", "custom"]})


def test_a_strength_swept_without_a_penalty_is_reported_as_changing_nothing():
    idle = idle_keys(plan_sweep(BASE, {"penalty_strength": [1e-3, 1e-2]}, seeds=1))
    assert idle == ["Sweeping penalty_strength changes nothing: the penalty is none in every "
                    "grid point."]


def test_a_strength_swept_with_some_penalty_acts():
    grid = {"penalty_strength": [1e-3, 1e-2], "penalty": ["none", "l2"]}
    assert idle_keys(plan_sweep(BASE, grid, seeds=1)) == []


# --- results -----------------------------------------------------------------------------------
def test_rows_hold_the_summary_of_the_same_config_trained_alone():
    results = sweep(BASE, {"dropout": [0.0, 0.4]}, seeds=[3], workers=1)
    alone = summarize(train(BASE.replace(dropout=0.4, seed=3)))
    row = results.iloc[1]
    for column in ("best_val_loss", "final_train_loss", "final_val_loss", "final_train_acc",
                   "final_val_acc", "gap", "sparsity", "best_epoch"):
        assert row[column] == alone[column], column
    assert list(results.columns) == ["point", "dropout", "seed", *SUMMARY_COLUMNS, "message"]


def test_a_config_the_engine_refuses_at_the_start_becomes_a_failed_row():
    base = Config(dataset="diabetes", hidden=(4,), epochs=2, monitor="val_acc")
    results = sweep(base, {}, seeds=1, workers=1)
    assert results.loc[0, "status"] == "failed"
    assert "val_acc" in results.loc[0, "message"]
    assert np.isnan(results.loc[0, "best_val_loss"])


def test_results_are_ordered_by_point_then_seed_whatever_order_runs_finish_in():
    plan = plan_sweep(BASE, {"dropout": [0.0, 0.3]}, seeds=[5, 1])
    rows = [{"point": p, "seed": s, "dropout": plan.points[p]["dropout"]}
            for p, s in [(1, 1), (0, 1), (1, 5), (0, 5)]]
    frame = results_frame(plan, rows)
    assert list(zip(frame["point"], frame["seed"])) == [(0, 5), (0, 1), (1, 5), (1, 1)]


def test_aggregate_gives_mean_std_and_count_over_seeds_and_no_spread_for_one_seed():
    results = pd.DataFrame({"dropout": [0.0, 0.0, 0.5], "gap": [1.0, 3.0, 2.0]})
    table = aggregate(results, ["dropout"], "gap")
    assert table["mean"].tolist() == [2.0, 2.0]
    assert table["std"][0] == pytest.approx(np.std([1.0, 3.0], ddof=1))
    assert np.isnan(table["std"][1])  # one seed shows no spread: not a spread of 0
    assert table["count"].tolist() == [2, 1]


def test_aggregate_leaves_runs_without_a_finite_number_out_of_the_mean():
    results = pd.DataFrame({"lr": [0.1, 0.1, 0.1], "gap": [1.0, None, np.inf]})
    assert aggregate(results, ["lr"], "gap")[["mean", "count"]].values.tolist() == [[1.0, 1]]


# --- ranges ------------------------------------------------------------------------------------
def test_log_spaced_values_have_a_constant_ratio_and_round_numbers():
    assert log_spaced(1e-4, 1e-1, 4) == [1e-4, 1e-3, 1e-2, 1e-1]
    values = log_spaced(1e-3, 1.0, 7)
    assert np.allclose(np.diff(np.log10(values)), 0.5, atol=1e-3)


def test_linear_spaced_values_have_a_constant_step():
    assert linear_spaced(0.0, 0.5, 6) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]


def test_log_spacing_refuses_zero_and_reversed_ranges():
    with pytest.raises(ValueError, match="low > 0"):
        log_spaced(0.0, 1.0, 3)
    with pytest.raises(ValueError, match="low ≤ high"):
        linear_spaced(0.5, 0.1, 3)


def test_axis_values_stay_within_the_fields_bounds():
    with pytest.raises(ValueError, match=r"dropout high must be in \[0, 0.9\]"):
        axis_values(AXES["dropout"], 0.0, 1.0, 3)


# --- progress ----------------------------------------------------------------------------------
def test_progress_text_shows_bar_count_and_time_left():
    assert progress_text(18, 36, 12.0, width=10) == "[#####-----] 18/36  0:12 left"
    assert progress_text(0, 36, 3.0, width=4) == "[----] 0/36  ? left"


def test_time_left_extrapolates_the_mean_time_per_finished_run():
    assert time_left(4, 10, 8.0) == pytest.approx(12.0)
    assert time_left(0, 10, 8.0) is None


def test_regcore_sweep_is_the_sweep_function_and_the_package_keeps_its_names():
    import regcore
    from regcore.sweep import aggregate, job
    from regcore.sweep import sweep as from_subpackage
    assert regcore.sweep is from_subpackage is job.sweep
    assert callable(aggregate)


# --- the held-out test split -------------------------------------------------------------------
def test_a_sweep_with_a_test_split_carries_the_test_loss_per_run_and_per_cell():
    base = Config(dataset="moons", n_samples=100, hidden=(8,), epochs=2, test_fraction=0.2)
    results = sweep(base, {"dropout": [0.0, 0.3]}, seeds=2, workers=1)
    assert results["final_test_loss"].notna().all()
    table = aggregate(results, ["dropout"], "final_val_loss")
    expected = results.groupby("dropout", sort=False)["final_test_loss"].mean()
    assert table["test_loss"].tolist() == pytest.approx(expected.tolist())
    note = held_out_note(results, 0)
    mean = results.loc[results["point"] == 0, "final_test_loss"].mean()
    assert note.startswith(f"Held-out test loss of this configuration: {mean:.4g} ± ")
    assert "(2 seeds)" in note


def test_without_a_test_split_a_sweep_has_no_test_loss_per_cell_and_no_note():
    results = pd.DataFrame({"point": [0, 0], "dropout": [0.0, 0.0], "gap": [1.0, 2.0],
                            "final_test_loss": [np.nan, np.nan]})
    assert "test_loss" not in aggregate(results, ["dropout"], "gap").columns
    assert held_out_note(results, 0) == ""


def test_a_sweep_cell_whose_batch_exceeds_the_training_rows_says_it_trained_full_batch():
    base = Config(dataset="moons", n_samples=100, hidden=(8,), epochs=2)
    results = sweep(base, {"batch_size": [32, 5000]}, seeds=1, workers=1)
    messages = dict(zip(results["batch_size"], results["message"]))
    assert "larger than the 70 training rows" in messages[5000] and "full batch" in messages[5000]
    assert "full batch" not in messages[32]
