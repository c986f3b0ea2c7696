"""Training: `Trainer` steps one config epoch by epoch; `train` and `train_iter` wrap it.

Per epoch: shuffle, minibatch steps (forward in train mode, loss, backward, smooth penalty
gradient, optimizer step, L1 proximal step), then evaluation in eval mode on both splits,
early stopping, weight statistics and, every few epochs, weight histograms.
All randomness comes from generators spawned from `config.seed`: one for the initial
weights, one for shuffling, one for dropout masks.
"""
from __future__ import annotations

import math
import time

import numpy as np
from threadpoolctl import ThreadpoolController

from .config import Config
from .datasets import Dataset, make_dataset
from .early_stopping import EarlyStopping
from .limits import LIMITS
from .losses import LOSSES
from .model import Model, build_model
from .optimizers import make_optimizer
from .penalties import make_penalty
from .run import Run
from .snapshots import bin_edges, snapshot, snapshot_interval, weight_stats

DTYPE = np.float32
BLAS = ThreadpoolController()  # small matrices: one BLAS thread is fastest, more only contend
DIVERGENCE_FACTOR = 1e3  # a training loss this many times the initial one counts as diverged


def dataset_for(config: Config) -> Dataset:
    """The dataset a config describes (built from its data fields)."""
    if config.dataset == "custom":
        raise ValueError("dataset 'custom' needs the data passed in: train(config, data=...)")
    return make_dataset(config.dataset, config.n_samples, config.noise, config.seed,
                        val_fraction=config.val_fraction, scale=config.scale,
                        label_noise=config.label_noise, n_features=config.n_features,
                        n_informative=config.n_informative)


def build_for(config: Config, data: Dataset, init_rng, dropout_rng) -> Model:
    n_out = 1 if data.task == "regression" else data.n_classes
    return build_model(data.n_features, n_out, hidden=config.hidden,
                       activation=config.activation, norm=config.norm,
                       dropout=config.dropout, init=config.init, task=data.task,
                       rng=init_rng, dropout_rng=dropout_rng, dtype=DTYPE)


class Trainer:
    """Trains one config; `step_epoch()` runs one epoch and returns its history record."""

    def __init__(self, config: Config, data: Dataset | None = None):
        self.config = config
        self.data = dataset_for(config) if data is None else data
        _check_task(config, self.data)
        init_rng, self.shuffle_rng, dropout_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(3))
        self.model = build_for(config, self.data, init_rng, dropout_rng)
        self.loss_fn = LOSSES[self.data.task]
        self.penalty = make_penalty(config.penalty, config.penalty_strength, config.l1_ratio)
        self.optimizer = make_optimizer(config.optimizer, config.lr, momentum=config.momentum,
                                        weight_decay=config.weight_decay,
                                        decay_keys={"weights"})
        self.params, self.grads = self.model.param_groups()
        self.X_train, self.y_train = _as_arrays(self.data.X_train, self.data.y_train, self.data.task)
        self.X_val, self.y_val = _as_arrays(self.data.X_val, self.data.y_val, self.data.task)
        self.stopper = _stopper(config)
        self.edges = _layer_edges(self.model, config.init)
        self.snapshot_every = config.snapshot_every or snapshot_interval(
            config.epochs, min(100, LIMITS.max_snapshots))
        self.records: list[dict] = []
        self.layer_records: list[dict] = []
        self.histograms: dict[int, dict[str, np.ndarray]] = {}
        self.best_state = self.model.state()
        with BLAS.limit(limits=1, user_api="blas"):  # several threads would spin on after
            self.initial_loss = self._loss_and_accuracy(self.X_train, self.y_train)[0]
        self.epoch, self.elapsed = 0, 0.0
        self.status, self.message = "running", ""
        self._check_batch_norm_batches()
        self._record_weights(0)

    @property
    def done(self) -> bool:
        return self.status != "running"

    def load_initial_state(self, state: dict[str, np.ndarray]) -> None:
        """Start from given weights (a `Model.state()` of the same architecture)."""
        if self.epoch:
            raise RuntimeError("initial weights can only be set before the first epoch")
        self.model.load_state(state)
        self.best_state = self.model.state()
        self.layer_records.clear()
        self._record_weights(0)

    # one epoch --------------------------------------------------------------------------------
    def step_epoch(self) -> dict:
        if self.done:
            raise RuntimeError(f"training has ended ({self.status})")
        started = time.perf_counter()
        self.epoch += 1
        with np.errstate(all="ignore"), BLAS.limit(limits=1, user_api="blas"):
            minibatch_loss = self._train_one_epoch()
            record = self._evaluate(minibatch_loss)
        self.elapsed += time.perf_counter() - started
        record["time"] = self.elapsed
        self.records.append(record)
        self._after_epoch(record)
        return record

    def _train_one_epoch(self) -> float:
        order = self.shuffle_rng.permutation(len(self.X_train))
        X, y = self.X_train[order], self.y_train[order]
        size, total, seen = self.config.batch_size, 0.0, 0
        for start in range(0, len(X), size):
            xb, yb = X[start: start + size], y[start: start + size]
            if len(xb) < 2 and self.config.norm == "batch":
                continue  # a last batch of one sample: BatchNorm needs two (as drop_last)
            loss = self._train_step(xb, yb)
            if not math.isfinite(loss):
                return loss
            total, seen = total + loss * len(xb), seen + len(xb)
        return total / seen

    def _train_step(self, xb: np.ndarray, yb: np.ndarray) -> float:
        out = self.model.forward(xb, train=True)
        loss, dout = self.loss_fn(out, yb)
        self.model.backward(dout)
        if "weights" in self.grads:
            self.penalty.add_smooth_grad(self.params["weights"], self.grads["weights"])
        self.optimizer.step(self.params, self.grads)
        if self.penalty.l1 and "weights" in self.params:
            self.penalty.prox(self.params["weights"], self.optimizer.step_size("weights"))
        return loss

    def _evaluate(self, minibatch_loss: float) -> dict:
        train_loss, train_acc = self._loss_and_accuracy(self.X_train, self.y_train)
        val_loss, val_acc = self._loss_and_accuracy(self.X_val, self.y_val)
        penalty = self.penalty.value(self.model.weights)
        return {"epoch": self.epoch, "train_loss": train_loss, "val_loss": val_loss,
                "penalty": penalty, "objective": train_loss + penalty,
                "train_acc": train_acc, "val_acc": val_acc, "minibatch_loss": minibatch_loss}

    def _loss_and_accuracy(self, X, y) -> tuple[float, float]:
        out = self.model.predict_output(X)
        loss = self.loss_fn(out, y)[0]
        if self.data.task == "regression":
            return loss, math.nan
        return loss, float(np.mean(out.argmax(axis=1) == y))

    # after an epoch: divergence, early stopping, snapshots ------------------------------------
    def _after_epoch(self, record: dict) -> None:
        divergence = self._divergence(record)
        if divergence:
            self._end("diverged", f"diverged at epoch {self.epoch}: {divergence} "
                                  f"(try a smaller learning rate)")
        else:
            if self.stopper.update(self.epoch, record[self.config.monitor]):
                self.best_state = self.model.state()
            if self.stopper.should_stop:
                self._end("early_stopped", f"stopped early at epoch {self.epoch}: no "
                                           f"improvement since epoch {self.stopper.best_epoch}")
            elif self.epoch >= self.config.epochs:
                self._end("completed", f"completed {self.epoch} epochs")
        self._record_weights(self.epoch)
        if self.done:
            self._restore_best()

    def _divergence(self, record: dict) -> str:
        """Why this epoch counts as diverged ("" if it does not): a loss that is NaN or inf,
        or a training loss DIVERGENCE_FACTOR times the loss of the initial weights."""
        for key in ("minibatch_loss", "train_loss", "val_loss"):
            if not math.isfinite(record[key]):
                return f"the loss became {record[key]}"
        if record["train_loss"] > DIVERGENCE_FACTOR * max(self.initial_loss, 1e-3):
            return (f"the training loss grew to {record['train_loss']:.3g} from "
                    f"{self.initial_loss:.3g} at the start")
        return ""

    def _end(self, status: str, message: str) -> None:
        self.status, self.message = status, message

    def _restore_best(self) -> None:
        """With early stopping on and restore_best, a run that did not diverge ends with the
        weights of its best epoch."""
        if self.status == "diverged" or self.config.patience is None or not self.config.restore_best:
            return
        if self.stopper.best_epoch is not None:
            self.model.load_state(self.best_state)
            self.message += f"; restored the weights of epoch {self.stopper.best_epoch}"

    def _record_weights(self, epoch: int) -> None:
        layers = self.model.weight_layers
        for name, w in layers.items():
            self.layer_records.append({"epoch": epoch, "layer": name, **weight_stats(w)})
        if epoch % self.snapshot_every == 0 or self.done:
            self.histograms[epoch] = snapshot(layers, self.edges)

    def _check_batch_norm_batches(self) -> None:
        if self.config.norm == "batch" and min(self.config.batch_size, len(self.X_train)) < 2:
            self._end("failed", "BatchNorm needs batches of 2 or more: raise the batch size "
                                "or choose another normalization")

    # results ----------------------------------------------------------------------------------
    @property
    def best_epoch(self) -> int | None:
        return self.stopper.best_epoch

    def run(self) -> Run:
        """The run so far (a snapshot of the trainer's records)."""
        return Run.from_records(self)


def _check_task(config: Config, data: Dataset) -> None:
    if config.monitor == "val_acc" and data.task == "regression":
        raise ValueError("monitor 'val_acc' needs a classification dataset; use 'val_loss'")


def _as_arrays(X, y, task):
    y_dtype = DTYPE if task == "regression" else np.int64
    return np.ascontiguousarray(X, dtype=DTYPE), np.asarray(y, dtype=y_dtype)


def _stopper(config: Config) -> EarlyStopping:
    """The early-stopping watcher; with patience None it only tracks the best epoch."""
    mode = "max" if config.monitor == "val_acc" else "min"
    patience = math.inf if config.patience is None else config.patience
    return EarlyStopping(patience, config.min_delta, mode, config.start_from_epoch)


def _layer_edges(model: Model, init: str) -> dict[str, np.ndarray]:
    return {name: bin_edges(*w.shape, init) for name, w in model.weight_layers.items()}


def train_iter(config: Config, data: Dataset | None = None):
    """Yield one history record (a dict) per epoch while training `config`; the generator's
    return value (StopIteration.value) is the finished Run."""
    trainer = Trainer(config, data)
    while not trainer.done:
        yield trainer.step_epoch()
    return trainer.run()


def train(config: Config, data: Dataset | None = None) -> Run:
    """Train `config` to the end (all epochs, early stop or divergence) and return the Run."""
    trainer = Trainer(config, data)
    while not trainer.done:
        trainer.step_epoch()
    return trainer.run()
