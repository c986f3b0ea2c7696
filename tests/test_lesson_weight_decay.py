"""The claims of the weight decay lesson, on the page's own preset."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from regcore import train_side_by_side
from regcore.lessons import weight_decay
from regcore.lessons.weight_decay import DecayOutcome, outcome, sentences


@pytest.fixture(scope="module")
def runs():
    """The page's four runs: SGD + L2, SGD + weight decay, Adam + L2, AdamW."""
    return train_side_by_side(list(weight_decay.comparison()))


@pytest.fixture(scope="module")
def trace():
    return weight_decay.trace_decay(weight_decay.comparison())


def test_sgd_l2_equals_weight_decay(runs):
    assert outcome(runs).sgd_difference <= 1e-6


def test_adam_l2_differs_from_adamw(runs):
    measured = outcome(runs)
    assert measured.adam_difference > 0.1
    assert abs(measured.norms["Adam + L2"] - measured.norms["AdamW"]) > 0.1


def test_sgd_pair_stays_together_at_every_epoch(trace):
    gaps = trace.gaps.pivot(index="epoch", columns="pair", values="max_abs_diff")
    sgd, adam = (gaps[label] for label in weight_decay.PAIR_LABELS)
    assert sgd.max() <= 1e-6
    assert adam.iloc[0] == 0.0  # both start from the same weights
    assert adam.iloc[-1] > 0.1


def test_trace_ends_where_the_live_runs_end(runs, trace):
    last = trace.gaps[trace.gaps["epoch"] == trace.gaps["epoch"].max()]
    adam_gap = last.loc[last["pair"] == weight_decay.PAIR_LABELS[1], "max_abs_diff"].iloc[0]
    assert adam_gap == pytest.approx(outcome(runs).adam_difference)


def test_adam_applies_the_l2_term_unevenly_adamw_uniformly(trace):
    """Adam divides λw by √v̂: the pull on the weights spreads over orders of magnitude,
    measured relative to the median weight (1)."""
    pull = trace.l2_pull
    assert np.median(pull) == pytest.approx(1.0)
    assert np.percentile(pull, 95) > 10 * np.percentile(pull, 5)
    config = weight_decay.comparison()[3]
    assert trace.decoupled_decay == pytest.approx(config.lr * config.weight_decay)


def test_decay_sentence_quotes_the_spread_of_the_pull_not_a_shrink_above_one():
    trace = weight_decay.DecayTrace(pd.DataFrame(), np.array([0.1] * 10 + [1.0] * 80 + [8.0] * 10),
                                    3e-5)
    said = weight_decay.decay_sentence(trace)
    assert "8 times as hard as the median" in said and "0.1 times — a 80-fold spread" in said
    assert "1 − ηλ = 1 − 3.0e-05 per step" in said


SAME_THEN_APART = DecayOutcome(
    strength=0.01, sgd_difference=0.0, adam_difference=2.5,
    norms={"SGD + L2": 8.0, "SGD + weight decay": 8.0, "Adam + L2": 4.8, "AdamW": 20.1},
    val_loss={"SGD + L2": 0.17, "SGD + weight decay": 0.17, "Adam + L2": 0.174, "AdamW": 0.271})


def test_notice_reports_the_measured_differences():
    said = " ".join(sentences(SAME_THEN_APART))
    assert "the same update" in said and "0.0e+00" in said
    assert "up to 2.5" in said and "4.80 with Adam + L2 and 20.10 with AdamW" in said
    assert "shrank Adam + L2 more" in said


def test_notice_says_so_when_sgd_runs_differ():
    said = " ".join(sentences(replace(SAME_THEN_APART, sgd_difference=0.3)))
    assert "differ by up to 0.3" in said and "did not make the same updates" in said


def test_notice_says_so_when_adam_runs_coincide():
    said = " ".join(sentences(replace(SAME_THEN_APART, adam_difference=0.0)))
    assert "unexpected" in said


def test_notice_names_the_run_that_shrank_more():
    norms = {**SAME_THEN_APART.norms, "Adam + L2": 30.0}
    said = " ".join(sentences(replace(SAME_THEN_APART, norms=norms)))
    assert "shrank AdamW more" in said
