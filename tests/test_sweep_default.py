"""The sweep the Sweep page opens with shows a case where regularization matters: measured by
running it (the one slow test), and its grid spans too little to too much."""
import pytest

from regcore.sweep import aggregate, plan_sweep, sweep
from regcore.sweep.defaults import (DEFAULT_BASE, DEFAULT_GRID, DEFAULT_KEYS, DEFAULT_METRIC,
                                    DEFAULT_SEEDS)
from regcore.sweep.ties import APART, BEST, standings


def test_the_default_grid_spans_l2_and_dropout_from_too_little_to_too_much():
    assert DEFAULT_GRID == {"penalty_strength": [1e-4, 1e-3, 1e-2, 1e-1, 1.0],
                            "dropout": [0.0, 0.2, 0.4, 0.6, 0.8]}
    assert DEFAULT_BASE.penalty == "l2" and DEFAULT_SEEDS >= 3
    assert plan_sweep(DEFAULT_BASE, DEFAULT_GRID, DEFAULT_SEEDS).total == 75


@pytest.fixture(scope="module")
def default_cells():
    results = sweep(DEFAULT_BASE, DEFAULT_GRID, DEFAULT_SEEDS, workers=1)
    return standings(aggregate(results, ["point", *DEFAULT_KEYS], DEFAULT_METRIC),
                     DEFAULT_METRIC)


@pytest.mark.slow
def test_the_default_sweeps_best_cell_beats_the_unregularized_one_by_more_than_the_seed_spread(
        default_cells):
    best = default_cells[default_cells["standing"] == BEST].iloc[0]
    weakest = default_cells[(default_cells["penalty_strength"] == 1e-4)
                            & (default_cells["dropout"] == 0.0)].iloc[0]
    assert (best["penalty_strength"], best["dropout"]) != (1e-4, 0.0)
    assert best["count"] == weakest["count"] == DEFAULT_SEEDS
    assert weakest["mean"] - best["mean"] > max(weakest["std"], best["std"])
    assert weakest["standing"] == APART
    # too much: the strongest penalty is worse than the best, beyond the seed spread too
    strongest = default_cells[default_cells["penalty_strength"] == 1.0]
    assert (strongest["standing"] == APART).all()
    assert (strongest["mean"] - best["mean"] > strongest["std"] + best["std"]).all()
