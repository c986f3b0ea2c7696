"""Which sweep cells the seeds can tell from the best one, and the sentences that say what a
sweep measured; worked by hand on small tables."""
import math

import numpy as np
import pandas as pd
import pytest

from regcore.sweep import aggregate
from regcore.sweep.ties import (APART, BEST, TIED, UNKNOWN, measured_sentences, spread_text,
                                standings)

KEYS = ["penalty_strength", "dropout"]


def cells(values_by_cell: dict, metric: str = "final_val_loss") -> pd.DataFrame:
    """standings of a sweep whose cell (λ, p) produced the listed values, one per seed."""
    rows = [{"point": point, "penalty_strength": strength, "dropout": rate, "seed": seed,
             metric: value}
            for point, ((strength, rate), values) in enumerate(values_by_cell.items())
            for seed, value in enumerate(values)]
    return standings(aggregate(pd.DataFrame(rows), ["point", *KEYS], metric), metric)


# Means 2.1, 1.1, 1.2, 1.5; both two-seed cells have std 0.1·√2, so standard error 0.1.
# The difference of two such means has standard error √(0.1² + 0.1²) ≈ 0.141.
WORKED = {(1e-4, 0.0): [2.0, 2.2], (1e-2, 0.0): [1.0, 1.2], (1e-2, 0.5): [1.1, 1.3],
          (1.0, 0.0): [1.5]}


def test_the_best_cell_has_the_lowest_mean_loss():
    table = cells(WORKED)
    assert table.loc[table["standing"] == BEST, KEYS].values.tolist() == [[1e-2, 0.0]]


def test_a_cell_within_one_standard_error_of_the_difference_is_tied_with_the_best():
    table = cells(WORKED)  # 1.2 − 1.1 = 0.1 ≤ 0.141
    assert table["standing"][2] == TIED
    assert table["sem"][2] == pytest.approx(0.1)


def test_a_cell_further_than_one_standard_error_of_the_difference_is_apart():
    assert cells(WORKED)["standing"][0] == APART  # 2.1 − 1.1 = 1.0 > 0.141


def test_a_cell_of_one_seed_has_no_spread_so_whether_it_differs_is_unknown():
    table = cells(WORKED)
    assert table["standing"][3] == UNKNOWN and math.isnan(table["sem"][3])


def test_just_outside_one_standard_error_is_apart_and_just_inside_is_tied():
    # best [1.0, 1.2] against [b, b + 0.2], both sem 0.1: tied while b + 0.1 − 1.1 ≤ 0.1414
    assert cells({(1e-2, 0.0): [1.0, 1.2], (1e-3, 0.0): [1.14, 1.34]})["standing"][1] == TIED
    assert cells({(1e-2, 0.0): [1.0, 1.2], (1e-3, 0.0): [1.15, 1.35]})["standing"][1] == APART


def test_accuracy_is_best_when_highest():
    table = cells({(1e-2, 0.0): [0.8, 0.9], (1e-3, 0.0): [0.5, 0.6]}, "final_val_acc")
    assert table["standing"].tolist() == [BEST, APART]


def test_the_gap_has_no_better_direction_so_no_cell_is_ranked():
    table = cells({(1e-2, 0.0): [0.8, 0.9], (1e-3, 0.0): [0.5, 0.6]}, "gap")
    assert table["standing"].tolist() == ["", ""]


def test_a_cell_without_a_finite_number_is_not_ranked():
    table = cells({(1e-2, 0.0): [0.8, 0.9], (1e-3, 0.0): [np.nan, np.inf]})
    assert table["standing"].tolist() == [BEST, ""]


def test_spread_text_says_plus_minus_std_over_n_seeds_and_never_zero_for_one_seed():
    assert spread_text(0.0723, 3) == "± 0.072 over 3 seeds"
    assert spread_text(float("nan"), 1) == "(1 seed: no spread known)"
    assert "± 0" not in spread_text(0.0, 1)


def test_the_sentences_give_the_seeds_the_best_cell_the_ties_and_the_least_regularized():
    text = " ".join(measured_sentences(cells(WORKED), KEYS, "final_val_loss", "final loss"))
    assert "Each cell is the mean over 1 to 2 seeds" in text
    assert ("Lowest mean final loss: strength λ = 0.01, dropout = 0, 1.1 ± 0.14 over 2 seeds"
            in text)
    assert "1 other cell is within one standard error of the difference" in text
    assert "1 cell has no known spread" in text
    assert ("The least regularized cell (strength λ = 0.0001, dropout = 0): 2.1 ± 0.14 over 2 "
            "seeds: 1 from the best, more than one standard error of the difference (0.14)"
            in text)


def test_a_least_regularized_cell_tied_with_the_best_is_said_to_show_no_difference():
    table = cells({(1e-4, 0.0): [1.0, 1.2], (1e-2, 0.0): [0.95, 1.15]})
    text = " ".join(measured_sentences(table, KEYS, "final_val_loss", "final loss"))
    assert "regularization made no difference these seeds can show" in text


def test_with_one_seed_the_sentences_say_no_spread_is_known():
    table = cells({(1e-4, 0.0): [1.0], (1e-2, 0.0): [0.9]})
    text = " ".join(measured_sentences(table, KEYS, "final_val_loss", "final loss"))
    assert "Each cell is the mean over 1 seed." in text
    assert "no known spread" in text and "± 0" not in text


def test_a_cancelled_sweep_without_the_least_regularized_cell_says_it_has_no_result():
    table = cells({(1e-4, 0.5): [1.4, 1.6], (1e-2, 0.0): [1.0, 1.2]})  # (1e-4, 0) never ran
    sentences = measured_sentences(table, KEYS, "final_val_loss", "validation loss")
    assert sentences[-1].startswith("The least regularized cell (")
    assert "no result" in sentences[-1] and "0.0001" in sentences[-1]
