"""Repeating a comparison over seeds."""
import pytest

from regcore import Config, make_dataset, train
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
