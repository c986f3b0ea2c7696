"""Ready questions for a workshop room's comparison, and the answer its runs give to each.

A question's `measure` names what answers it:
- which run wins: "lowest_val_loss", "largest_gap", "smallest_norm", "most_zeros" (2–4 runs);
- a number of one run, "<kind>:<run index>": "val_loss" (its final validation loss),
  "inputs_kept" (inputs an L1 run keeps, with many inputs), "stopped_epoch" (the epoch early
  stopping ends a run with patience), "epochs_to_target" (the first epoch a normalized run's
  validation loss reaches TARGET_VAL_LOSS).
Each lesson asks the question that fits it first (`ready_questions(..., first=...)`).
Nothing here imports Streamlit.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from regcore import Config
from regcore.lessons.batch_norm import TARGET_VAL_LOSS, epochs_to_target
from regcore.lessons.l1_l2 import input_selection
from regcore.summary import summarize
from regcore.training import dataset_for

from .rooms import Question

CHOICES = {  # measure → (question, the summary column that answers it, lowest or highest wins)
    "lowest_val_loss": ("Which run ends with the lower validation loss?", "final_val_loss", min),
    "largest_gap": ("Which run ends with the larger gap between validation and training loss?",
                    "gap", max),
    "smallest_norm": ("Which run ends with the smaller weights (‖w‖₂)?", "weight_norm", min),
    "most_zeros": ("Which run ends with more weights exactly at zero?", "sparsity", max),
}
MAX_LOSS_ANSWER = 2.0


def ready_questions(configs: Sequence[Config], names: Sequence[str],
                    first: str | None = None) -> dict[str, Question]:
    """The ready questions for a comparison, by measure: which run wins (2–4 runs), the
    validation loss of the last run, and where the comparison has them, how many inputs an L1
    run keeps, when early stopping ends a run, and how soon a normalized run reaches the
    target loss. The first question whose measure starts with `first` comes first."""
    questions = {measure: Question(text, tuple(names), measure=measure)
                 for measure, (text, _, _) in CHOICES.items()} if 2 <= len(names) <= 4 else {}
    last = len(names) - 1
    questions[f"val_loss:{last}"] = Question(
        f"What validation loss will run {names[last]} end with?", low=0.0, high=MAX_LOSS_ANSWER,
        measure=f"val_loss:{last}")
    for measure, question in _run_questions(configs, names):
        questions[measure] = question
    lead = [measure for measure in questions if first and measure.startswith(first)][:1]
    return {measure: questions[measure] for measure in [*lead, *questions] if measure in questions}


def _run_questions(configs, names):
    """(measure, question) of the number questions particular runs of `configs` invite."""
    sparse = _first(configs, lambda c: c.penalty in ("l1", "elasticnet") and c.penalty_strength > 0)
    inputs = dataset_for(configs[0]).n_features
    if sparse is not None and inputs > 2:
        yield f"inputs_kept:{sparse}", Question(
            f"How many of the {inputs} inputs will run {names[sparse]} keep (some weight not "
            f"exactly zero)?", low=0, high=inputs, measure=f"inputs_kept:{sparse}")
    stopping = _first(configs, lambda c: c.patience is not None)
    if stopping is not None:
        yield f"stopped_epoch:{stopping}", Question(
            f"At which epoch will early stopping end run “{names[stopping]}” (of at most "
            f"{configs[stopping].epochs})?", low=0, high=configs[stopping].epochs,
            measure=f"stopped_epoch:{stopping}")
    normalized = _first(configs, lambda c: c.norm != "none")
    if normalized is not None:
        yield f"epochs_to_target:{normalized}", Question(
            f"After how many epochs will the validation loss of run “{names[normalized]}” first "
            f"reach {TARGET_VAL_LOSS:g}?", low=0, high=configs[normalized].epochs,
            measure=f"epochs_to_target:{normalized}")


def _first(configs, condition) -> int | None:
    return next((index for index, config in enumerate(configs) if condition(config)), None)


def measured_answer(question: Question, runs, names) -> str | float | None:
    """The answer a comparison's runs give to a ready question (None for other questions, and
    when the runs never reach what the question asks about)."""
    if not question.measure or len(runs) != len(names) or not runs:
        return None
    if question.measure in CHOICES:
        _, column, pick = CHOICES[question.measure]
        values = [summarize(run)[column] for run in runs]
        finite = [(v, name) for v, name in zip(values, names) if np.isfinite(v)]
        return pick(finite)[1] if finite else None
    kind, index = question.measure.split(":")
    run = runs[int(index)]
    if kind == "val_loss":
        return summarize(run)["final_val_loss"]
    if kind == "inputs_kept":
        return float(len(input_selection(run).kept))
    if kind == "stopped_epoch":
        return float(run.stopped_epoch)
    reached = epochs_to_target(run.history)
    return None if reached is None else float(reached)
