"""Ready questions of a workshop room: each comparison gets the questions its runs can
answer, each lesson's fitting question first, and the runs' answers are the lesson's own
measurements."""
import numpy as np
import pytest

from regcore import Config, summarize, train_side_by_side
from regcore.lessons import batch_norm, dropout, early_stopping, l1_l2, layer_norm, weight_decay
from regcore.lessons.l1_l2 import input_selection
from ui.room_questions import measured_answer, ready_questions

NAMES = ("A", "B")


def test_ready_questions_follow_the_comparison_and_are_answered_by_its_runs():
    wide = Config(dataset="noisy_features", n_samples=200, hidden=(16,), lr=3e-3, epochs=40)
    configs = (wide.replace(penalty="l2", penalty_strength=1e-3),
               wide.replace(penalty="l1", penalty_strength=3e-2))
    questions = ready_questions(configs, NAMES)
    kept = questions["inputs_kept:1"]
    assert kept.text.startswith("How many of the 50 inputs will run B keep")
    runs = train_side_by_side(list(configs))
    assert measured_answer(kept, runs, NAMES) == len(input_selection(runs[1]).kept) < 50
    loss = questions["val_loss:1"]
    assert measured_answer(loss, runs, NAMES) == summarize(runs[1])["final_val_loss"]
    lower = min(NAMES, key=lambda n: summarize(runs[NAMES.index(n)])["final_val_loss"])
    assert measured_answer(questions["lowest_val_loss"], runs, NAMES) == lower
    assert "inputs_kept:0" not in ready_questions((wide, wide), NAMES)  # no L1 run, no question


@pytest.mark.parametrize("configs, names, first, measure", [
    (l1_l2.comparison(), l1_l2.RUN_NAMES, "inputs_kept", "inputs_kept:1"),
    (early_stopping.comparison(), early_stopping.RUN_NAMES, "stopped_epoch", "stopped_epoch:1"),
    (weight_decay.comparison(), weight_decay.RUN_NAMES, "smallest_norm", "smallest_norm"),
    (dropout.rate_configs(), [dropout.rate_name(p) for p in dropout.RATES], "largest_gap",
     "largest_gap"),
    (batch_norm.norm_configs("batch"), NAMES, "epochs_to_target", "epochs_to_target:1"),
    (layer_norm.unscaled_configs(), NAMES, "epochs_to_target", "epochs_to_target:1"),
])
def test_each_lessons_comparison_asks_its_fitting_question_first(configs, names, first, measure):
    questions = ready_questions(configs, names, first)
    assert next(iter(questions)) == measure
    assert "lowest_val_loss" in questions  # the other ready questions stay on offer


def test_a_number_question_asks_when_early_stopping_ends_a_run_and_its_run_answers():
    base = Config(dataset="moons", n_samples=150, noise=0.4, hidden=(32,), lr=1e-2, epochs=60)
    configs = (base, base.replace(patience=3))
    question = ready_questions(configs, NAMES)["stopped_epoch:1"]
    assert (question.low, question.high) == (0, 60)
    runs = train_side_by_side(list(configs))
    stopped = runs[1].history["epoch"].max()  # the last epoch the run trained
    assert runs[1].status == "early_stopped" and stopped < 60
    assert measured_answer(question, runs, NAMES) == stopped


def test_a_number_question_asks_how_soon_a_normalized_run_reaches_the_target_loss():
    base = batch_norm.UNSCALED.replace(epochs=12)
    configs = (base, base.replace(norm="batch"))
    question = ready_questions(configs, NAMES)["epochs_to_target:1"]
    assert f"reach {batch_norm.TARGET_VAL_LOSS:g}" in question.text
    runs = train_side_by_side(list(configs))
    losses, epochs = (runs[1].history[column].to_numpy() for column in ("val_loss", "epoch"))
    first = epochs[np.argmax(losses <= batch_norm.TARGET_VAL_LOSS)]
    assert losses.min() <= batch_norm.TARGET_VAL_LOSS  # it does reach it on this preset
    assert measured_answer(question, runs, NAMES) == first
    runs[1].history["val_loss"] = 1.0  # a run that never gets there has no answer
    assert measured_answer(question, runs, NAMES) is None
