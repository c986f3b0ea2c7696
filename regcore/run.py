"""`Run`: what one training run leaves behind — history, outcome, model and weight snapshots."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .config import Config
from .datasets import Dataset
from .early_stopping import would_stop
from .model import Model

HISTORY_COLUMNS = ("epoch", "train_loss", "val_loss", "penalty", "objective", "train_acc",
                   "val_acc", "minibatch_loss", "time", "test_loss", "test_acc")


class RecordTable:
    """A list of records (dicts, one a row, only ever appended to) as a DataFrame, each row
    converted once: `frame(records)` appends the rows added since its last call. pandas builds
    a frame from dicts at about a microsecond a cell, so rebuilding a live run's whole history
    after every chunk cost more the longer it ran. `reset()` after the records were replaced.
    The frame returned is shared until rows are added: treat it as read-only."""

    def __init__(self, columns: Sequence[str] | None = None):
        self.columns = list(columns) if columns is not None else None
        self.reset()

    def reset(self) -> None:
        self._frame: pd.DataFrame | None = None
        self._rows = 0

    def frame(self, records: list[dict]) -> pd.DataFrame:
        if self._frame is None or self._rows == 0 or len(records) < self._rows:
            self._frame = pd.DataFrame(records, columns=self.columns)
        elif len(records) > self._rows:
            added = pd.DataFrame(records[self._rows:], columns=self._frame.columns)
            self._frame = pd.concat([self._frame, added], ignore_index=True)
        self._rows = len(records)
        return self._frame


@dataclass
class Run:
    """history: one row per epoch with HISTORY_COLUMNS. train_loss/val_loss are data losses in
    eval mode (comparable); minibatch_loss is the train-mode mean over the epoch's batches;
    penalty is the penalty term R(w); objective = train_loss + penalty; time in seconds.
    test_loss/test_acc: on the held-out test rows (config.test_fraction > 0), eval mode; NaN
    in every row when the run has no test split. Training never reads them.

    layer_stats: one row per (epoch, layer) from epoch 0 (the initial weights): sparsity
    (share of exact zeros), l1, l2 (norms) and max_abs of the layer's weights.
    histograms: epoch → {layer: counts (N_BINS,)} on the fixed `bin_edges` of each layer.
    best_epoch: the epoch with the best monitored metric; stopped_epoch: the last epoch trained.
    status: "running", "completed", "early_stopped", "diverged" or "failed" (could not start);
    message says why in a sentence.
    """

    config: Config
    history: pd.DataFrame
    status: str
    message: str
    best_epoch: int | None
    stopped_epoch: int
    model: Model
    best_state: dict[str, np.ndarray]
    layer_stats: pd.DataFrame
    histograms: dict[int, dict[str, np.ndarray]]
    bin_edges: dict[str, np.ndarray]
    data: Dataset | None = field(repr=False, default=None)

    @classmethod
    def from_records(cls, trainer) -> "Run":
        history = trainer.history_table.frame(trainer.records)
        return cls(config=trainer.config, history=history, status=trainer.status,
                   message=trainer.message, best_epoch=trainer.best_epoch,
                   stopped_epoch=trainer.epoch, model=trainer.model,
                   best_state=trainer.best_state,
                   layer_stats=trainer.layer_table.frame(trainer.layer_records),
                   histograms=dict(trainer.histograms), bin_edges=trainer.edges,
                   data=trainer.data)

    @property
    def elapsed(self) -> float:
        """Training time in seconds."""
        return float(self.history["time"].iloc[-1]) if len(self.history) else 0.0

    def best_model(self):
        """A copy of the model with the weights of the best epoch."""
        model = self.model.copy()
        model.load_state(self.best_state)
        return model

    def would_stop(self, patience: int, min_delta: float = 0.0,
                   monitor: str = "val_loss") -> tuple[int | None, int | None]:
        """(best_epoch, stopped_epoch) that early stopping with this patience would have given
        on this run's curve; stopped_epoch is None when it would have run to the end."""
        mode = "max" if monitor == "val_acc" else "min"
        return would_stop(self.history[monitor], patience, min_delta, mode,
                          self.config.start_from_epoch)

    def final(self, column: str) -> float:
        return float(self.history[column].iloc[-1]) if len(self.history) else float("nan")

    def at_best(self, column: str) -> float:
        if self.best_epoch is None:
            return float("nan")
        return float(self.history.loc[self.history["epoch"] == self.best_epoch, column].iloc[0])
