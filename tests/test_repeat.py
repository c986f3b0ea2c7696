"""Repeating a comparison over seeds."""
import pytest

from regcore import Config, make_dataset, summarize, train, train_side_by_side
from regcore.repeat import mean_and_spread, over_seeds

BASE = Config(dataset="moons", n_samples=100, epochs=4, hidden=(8,))


def test_one_row_per_run_and_seed_with_summary_numbers():
    results = over_seeds([BASE, BASE.replace(dropout=0.5)], [0, 1, 2], ["plain", "dropout"])
    assert len(results) == 6
    assert sorted(set(results["seed"])) == [0, 1, 2]
    assert {"final_val_loss", "best_epoch", "sparsity"} <= set(results.columns)


def test_each_seed_gives_another_outcome():
    results = over_seeds([BASE], [0, 1])
    assert results["final_val_loss"].nunique() == 2


def test_mean_and_spread_per_run():
    results = over_seeds([BASE, BASE.replace(hidden=(4,))], [0, 1], ["wide", "narrow"])
    stats = mean_and_spread(results, "final_val_loss")
    wide = results[results["run"] == "wide"]["final_val_loss"]
    assert stats.loc["wide", "mean"] == pytest.approx(wide.mean())
    assert stats.loc["wide", "std"] == pytest.approx(wide.std())
    assert list(stats.index) == ["wide", "narrow"]


def test_a_single_seed_has_zero_spread():
    stats = mean_and_spread(over_seeds([BASE], [3]), "final_val_loss")
    assert stats["std"].iloc[0] == 0


def test_no_seeds_is_refused():
    with pytest.raises(ValueError, match="at least one seed"):
        over_seeds([BASE], [])


def test_given_data_is_built_for_each_seed_and_trained_on():
    data_seeds = []

    def table_split_by(seed):
        data_seeds.append(seed)
        return make_dataset("circles", n_samples=80, noise=0.1, seed=seed)

    custom = BASE.replace(dataset="custom")
    results = over_seeds([custom], [3, 5], data=table_split_by)
    assert data_seeds == [3, 5]
    expected = train(custom.replace(seed=5), make_dataset("circles", n_samples=80, noise=0.1,
                                                          seed=5))
    assert results["final_val_loss"].iloc[1] == pytest.approx(expected.final("val_loss"))


def test_repeating_over_seeds_gives_the_numbers_of_each_comparison_trained_by_itself():
    """All seeds train at once in stacked groups; no run's numbers change for it."""
    configs = [BASE, BASE.replace(dropout=0.3), BASE.replace(norm="batch")]
    results = over_seeds(configs, [3, 4], ["plain", "dropout", "bn"])
    for seed in (3, 4):
        runs = train_side_by_side([config.replace(seed=seed) for config in configs])
        for name, run in zip(["plain", "dropout", "bn"], runs):
            row = results[(results["run"] == name) & (results["seed"] == seed)].iloc[0]
            expected = summarize(run)
            for column in ("final_val_loss", "best_val_loss", "final_train_acc", "weight_norm"):
                assert row[column] == expected[column]


def test_over_seeds_records_what_the_measure_returns():
    results = over_seeds([BASE, BASE.replace(epochs=2)], [0, 1], ["a", "b"],
                         measure=lambda run: {"epochs": len(run.history)})
    assert list(results.columns) == ["run", "seed", "epochs"]
    assert results["epochs"].tolist() == [4, 2, 4, 2]
