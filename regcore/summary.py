"""One row of numbers per run: what a comparison table or a sweep reports.

A row describes one model: the one the run ends with. With early stopping and restore_best
that is the model of the best epoch, so its losses, accuracies and gap are read at that
epoch (`end_epoch`), the same weights its sparsity and norm are measured on. Besides it, the
row keeps how far the run went (`stopped_epoch`) and the lowest validation loss it reached,
and, with a held-out test split, the test loss and accuracy of that same model.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .run import HISTORY_COLUMNS, Run

SUMMARY_COLUMNS = ("status", "collapsed", "epochs_trained", "best_epoch", "stopped_epoch",
                   "end_epoch", "best_val_loss", "final_val_loss", "final_train_loss", "gap",
                   "final_val_acc", "final_train_acc", "final_test_loss", "final_test_acc",
                   "sparsity", "weight_norm", "time")
CONSTANT_OUTPUT_SPREAD = 1e-3  # regression outputs this many target std's wide count as constant


def summarize(run: Run) -> dict:
    """Numbers of one run.

    end_epoch: the epoch whose weights the run ends with (`end_epoch(run)`); final_* and
    gap = final_val_loss − final_train_loss (both eval mode) are read at that epoch.
    final_test_loss, final_test_acc: on the held-out test rows, of the same model (NaN
    without a test split); they report, nothing was chosen on them.
    best_val_loss: the lowest validation loss of any epoch. sparsity: share of exact zeros
    among all weights; weight_norm: ‖w‖₂ over all weights (of the model the run ends with).
    collapsed: the model gives the same output for every validation input (`is_collapsed`).
    """
    weights = run.model.weights.astype(np.float64)
    end = _end_row(run)
    return {
        "status": run.status,
        "collapsed": is_collapsed(run),
        "epochs_trained": len(run.history_table),
        "best_epoch": run.best_epoch,
        "stopped_epoch": run.stopped_epoch,
        "end_epoch": end_epoch(run),
        "best_val_loss": _lowest(run.column("val_loss")),
        "final_val_loss": end["val_loss"],
        "final_train_loss": end["train_loss"],
        "gap": end["val_loss"] - end["train_loss"],
        "final_val_acc": end["val_acc"],
        "final_train_acc": end["train_acc"],
        "final_test_loss": end.get("test_loss", math.nan),
        "final_test_acc": end.get("test_acc", math.nan),
        "sparsity": float(np.mean(weights == 0)) if weights.size else math.nan,
        "weight_norm": float(np.sqrt(np.sum(weights * weights))),  # no BLAS threads to spin up
        "time": run.elapsed,
    }


def summary_table(runs: Sequence[Run], names: Sequence[str]) -> pd.DataFrame:
    """A DataFrame indexed by run name with SUMMARY_COLUMNS."""
    rows = [summarize(run) for run in runs]
    return pd.DataFrame(rows, index=pd.Index(list(names), name="run"), columns=list(SUMMARY_COLUMNS))


def end_epoch(run: Run) -> int:
    """The epoch whose weights the run ends with: its best epoch when early stopping restored
    them (restore_best on, the run did not diverge), else the last epoch trained."""
    config = run.config
    restored = (config.patience is not None and config.restore_best
                and run.status != "diverged" and run.best_epoch is not None)
    return run.best_epoch if restored else run.stopped_epoch


def is_collapsed(run: Run) -> bool:
    """Whether the model the run ends with answers every validation input alike: one class
    for all (while the inputs hold several), or, for regression, outputs spread over less than
    CONSTANT_OUTPUT_SPREAD of the targets' standard deviation. A diverged, failed or untrained
    run is not called collapsed: its status says more."""
    data = run.data
    if data is None or run.status in ("diverged", "failed") or not len(run.history_table):
        return False
    out = run.model.predict_output(data.X_val)
    if not np.all(np.isfinite(out)):
        return False
    if data.task == "regression":
        return bool(np.std(out) < CONSTANT_OUTPUT_SPREAD * max(np.std(data.y_val), 1e-12))
    return len(np.unique(data.y_val)) > 1 and len(np.unique(out.argmax(axis=1))) == 1


def at_end(run: Run, column: str) -> float:
    """A history column (say "val_loss") of the model the run ends with: at `end_epoch`."""
    return _end_row(run)[column]


def _end_row(run: Run) -> dict[str, float]:
    """The history row of `end_epoch` as floats (NaN everywhere before the first epoch)."""
    table = run.history_table
    index = table.index_of("epoch", end_epoch(run)) if len(table) else None
    if index is None:
        return dict.fromkeys(HISTORY_COLUMNS, math.nan)
    return {column: float(value) for column, value in table.row(index).items()}


def _lowest(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.min()) if len(finite) else math.nan
