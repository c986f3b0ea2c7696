"""One row of numbers per run: what a comparison table or a sweep reports."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .run import Run

SUMMARY_COLUMNS = ("status", "epochs_trained", "best_epoch", "stopped_epoch", "best_val_loss",
                   "final_val_loss", "final_train_loss", "gap", "best_val_acc", "final_val_acc",
                   "final_train_acc", "sparsity", "weight_norm", "time")


def summarize(run: Run) -> dict:
    """Numbers of one run. gap = final val_loss − final train_loss (both eval mode);
    sparsity = share of exact zeros among all weights; weight_norm = ‖w‖₂ over all weights.
    best_val_loss/best_val_acc are taken at best_epoch (the epoch early stopping watches)."""
    weights = run.model.weights.astype(np.float64)
    return {
        "status": run.status,
        "epochs_trained": len(run.history),
        "best_epoch": run.best_epoch,
        "stopped_epoch": run.stopped_epoch,
        "best_val_loss": run.at_best("val_loss"),
        "final_val_loss": run.final("val_loss"),
        "final_train_loss": run.final("train_loss"),
        "gap": run.final("val_loss") - run.final("train_loss"),
        "best_val_acc": run.at_best("val_acc"),
        "final_val_acc": run.final("val_acc"),
        "final_train_acc": run.final("train_acc"),
        "sparsity": float(np.mean(weights == 0)) if weights.size else math.nan,
        "weight_norm": float(np.linalg.norm(weights)),
        "time": run.elapsed,
    }


def summary_table(runs: Sequence[Run], names: Sequence[str]) -> pd.DataFrame:
    """A DataFrame indexed by run name with SUMMARY_COLUMNS."""
    rows = [summarize(run) for run in runs]
    return pd.DataFrame(rows, index=pd.Index(list(names), name="run"), columns=list(SUMMARY_COLUMNS))
