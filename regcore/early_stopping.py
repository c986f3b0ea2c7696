"""Early stopping: watch a validation metric and stop `patience` epochs after its best.

An epoch improves on the best when the metric beats it by more than `min_delta`
(lower is better for losses, higher for accuracies). Epochs before `start_from_epoch` are
not watched. Training stops at the first epoch e with e − best_epoch ≥ patience.
"""
from __future__ import annotations

import math
from collections.abc import Iterable


class EarlyStopping:
    def __init__(self, patience: int, min_delta: float = 0.0, mode: str = "min",
                 start_from_epoch: int = 0):
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.patience, self.min_delta = patience, min_delta
        self.sign = 1.0 if mode == "min" else -1.0
        self.start_from_epoch = start_from_epoch
        self.best_value = math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None

    def update(self, epoch: int, value: float) -> bool:
        """Record the metric of `epoch` (1-based); returns True when this epoch is a new best."""
        if epoch < self.start_from_epoch or self.stopped_epoch is not None:
            return False
        score = self.sign * value
        improved = score < self.best_value - self.min_delta
        if improved:
            self.best_value, self.best_epoch = score, epoch
        elif self.best_epoch is not None and epoch - self.best_epoch >= self.patience:
            self.stopped_epoch = epoch
        return improved

    @property
    def should_stop(self) -> bool:
        return self.stopped_epoch is not None

    @property
    def best(self) -> float:
        """The best metric value seen, in its own sign."""
        return self.sign * self.best_value


def would_stop(values: Iterable[float], patience: int, min_delta: float = 0.0,
               mode: str = "min", start_from_epoch: int = 0) -> tuple[int | None, int | None]:
    """Replay a metric curve (values[0] is epoch 1) under early stopping.

    Returns (best_epoch, stopped_epoch): where a run with this patience would have kept its
    best weights and where it would have stopped (None if it would have run to the end).
    """
    stopper = EarlyStopping(patience, min_delta, mode, start_from_epoch)
    for epoch, value in enumerate(values, start=1):
        stopper.update(epoch, value)
        if stopper.should_stop:
            break
    return stopper.best_epoch, stopper.stopped_epoch
