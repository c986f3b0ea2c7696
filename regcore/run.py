"""`Run`: what one training run leaves behind — history, outcome, model and weight snapshots."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .config import Config
from .datasets import Dataset
from .early_stopping import would_stop
from .model import Model
from .table import Table

HISTORY_COLUMNS = ("epoch", "train_loss", "val_loss", "penalty", "objective", "train_acc",
                   "val_acc", "minibatch_loss", "time", "test_loss", "test_acc")


@dataclass
class Run:
    """history: one row per epoch with HISTORY_COLUMNS, a DataFrame built on first use from
    `history_table`, which holds the same numbers as numpy columns (`column(name)`, what live
    views read). train_loss/val_loss are data losses in eval mode (comparable);
    minibatch_loss is the train-mode mean over the epoch's batches; penalty is the penalty
    term R(w); objective = train_loss + penalty; time in seconds.
    test_loss/test_acc: on the held-out test rows (config.test_fraction > 0), eval mode; NaN
    in every row when the run has no test split. Training never reads them.

    layer_stats: one row per (epoch, layer) from epoch 0 (the initial weights): sparsity
    (share of exact zeros), l1, l2 (norms) and max_abs of the layer's weights; a DataFrame
    built on first use from `layer_table`.
    histograms: epoch → {layer: counts (N_BINS,)} on the fixed `bin_edges` of each layer.
    best_epoch: the epoch with the best monitored metric; stopped_epoch: the last epoch trained.
    status: "running", "completed", "early_stopped", "diverged" or "failed" (could not start);
    message says why in a sentence.
    """

    config: Config
    history_table: Table
    status: str
    message: str
    best_epoch: int | None
    stopped_epoch: int
    model: Model
    best_state: dict[str, np.ndarray]
    layer_table: Table
    histograms: dict[int, dict[str, np.ndarray]]
    bin_edges: dict[str, np.ndarray]
    data: Dataset | None = field(repr=False, default=None)

    @classmethod
    def from_records(cls, trainer) -> "Run":
        history = trainer.history_table.table(trainer.records)
        return cls(config=trainer.config, history_table=history, status=trainer.status,
                   message=trainer.message, best_epoch=trainer.best_epoch,
                   stopped_epoch=trainer.epoch, model=trainer.model,
                   best_state=trainer.best_state,
                   layer_table=trainer.layer_table.table(trainer.layer_records),
                   histograms=dict(trainer.histograms), bin_edges=trainer.edges,
                   data=trainer.data)

    @property
    def history(self) -> pd.DataFrame:
        return self.history_table.frame()

    @property
    def layer_stats(self) -> pd.DataFrame:
        return self.layer_table.frame()

    def column(self, name: str) -> np.ndarray:
        """The history column `name` (epochs trained,), read-only."""
        return self.history_table[name]

    @property
    def elapsed(self) -> float:
        """Training time in seconds."""
        return self.final("time") if len(self.history_table) else 0.0

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
        return would_stop(self.column(monitor), patience, min_delta, mode,
                          self.config.start_from_epoch)

    def final(self, column: str) -> float:
        values = self.column(column)
        return float(values[-1]) if len(values) else float("nan")

    def at_epoch(self, column: str, epoch: int | None) -> float:
        """The history column's value at `epoch`; NaN where the run has no such epoch."""
        index = None if epoch is None else self.history_table.index_of("epoch", epoch)
        return float("nan") if index is None else float(self.column(column)[index])

    def at_best(self, column: str) -> float:
        return self.at_epoch(column, self.best_epoch)
