"""Training: `Trainer` is one run — its config, model, history and outcome; `train` and
`train_iter` train one config to the end.

The arithmetic of an epoch happens in a `regcore.group.Group`, which trains runs of one
structure as stacked arrays; a Trainer stepped by itself is a group of one. Per epoch:
shuffle, minibatch steps (forward in train mode, loss, backward, smooth penalty gradient,
optimizer step, L1 proximal step), then evaluation in eval mode on the training and
validation rows, and on the held-out test rows when the data has them (recorded as test_loss
and test_acc, NaN without a test split; nothing reads them to decide anything); the Trainer
then records the epoch, watches for divergence and early stopping and keeps weight
statistics and, every few epochs, weight histograms.
All randomness comes from generators spawned from `config.seed`: one for the initial
weights, one for shuffling, one for dropout masks.
"""
from __future__ import annotations

import functools
import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from .config import DATA_FIELDS, Config
from .datasets import Dataset, make_dataset
from .early_stopping import EarlyStopping
from .limits import LIMITS
from .losses import LOSSES
from .model import Model, build_model
from .optimizers import make_optimizer
from .penalties import make_penalty
from .run import HISTORY_COLUMNS, Run
from .snapshots import bin_edges, snapshot, snapshot_interval, weight_stats
from .table import TableBuilder

DTYPE = np.float32
BLAS = ThreadpoolController()  # small matrices: one BLAS thread is fastest, more only contend
DIVERGENCE_FACTOR = 1e3  # a training loss this many times the initial one counts as diverged
_blas_lock = threading.Lock()
_blas_users: list = []  # the limiter of the outermost one_blas_thread, while any is open


@contextmanager
def one_blas_thread():
    """BLAS on one thread inside (small matrices gain nothing from more; extra threads spin
    on after each product and take another run's core). Only the outermost of nested uses
    sets and restores the limit, which costs ~0.1 ms each time."""
    with _blas_lock:
        if not _blas_users:
            _blas_users.append(BLAS.limit(limits=1, user_api="blas"))
        else:
            _blas_users.append(None)
    try:
        yield
    finally:
        with _blas_lock:
            limiter = _blas_users.pop()
            if limiter is not None:
                limiter.restore_original_limits()


def dataset_for(config: Config) -> Dataset:
    """The dataset a config describes (built from its data fields)."""
    if config.dataset == "custom":
        raise ValueError("dataset 'custom' needs the data passed in: train(config, data=...)")
    return make_dataset(config.dataset, config.n_samples, config.noise, config.seed,
                        val_fraction=config.val_fraction, test_fraction=config.test_fraction,
                        scale=config.scale,
                        label_noise=config.label_noise, n_features=config.n_features,
                        n_informative=config.n_informative)


@functools.lru_cache(maxsize=64)
def _split_sizes(data_fields: tuple) -> tuple[int, int, int]:
    data = dataset_for(Config(**dict(zip(DATA_FIELDS, data_fields))))
    return data.n_train, data.n_val, data.n_test


def split_sizes(config: Config) -> tuple[int, int, int]:
    """(training, validation, held-out test) rows of the data `config` describes, counted on
    its split (built once per data settings; test 0 without a test split)."""
    return _split_sizes(tuple(getattr(config, name) for name in DATA_FIELDS))


def build_for(config: Config, data: Dataset, init_rng, dropout_rng, dtype=DTYPE) -> Model:
    return build_model(data.n_features, n_outputs(data), hidden=config.hidden,
                       activation=config.activation, norm=config.norm,
                       dropout=config.dropout, init=config.init, task=data.task,
                       rng=init_rng, dropout_rng=dropout_rng, dtype=dtype)


def n_outputs(data: Dataset) -> int:
    return 1 if data.task == "regression" else data.n_classes


@dataclass
class WeightReport:
    """What a group computes at once for all its runs: one run's per-layer `weight_stats`
    (layer → dict) and, at its snapshot epochs, its histograms (layer → counts)."""

    stats: dict[str, dict[str, float]] | None = None
    histograms: dict[str, np.ndarray] | None = None


class Trainer:
    """One run of `config`; `step_epoch()` trains one epoch and returns its history record.
    dtype: of parameters and data (float32; float64 for checks).
    weight_records: keep per-epoch weight statistics (`layer_records`) and histograms; a
    sweep, which keeps only each run's summary, trains without them."""

    def __init__(self, config: Config, data: Dataset | None = None, dtype=DTYPE,
                 weight_records: bool = True):
        self.config, self.dtype = config, np.dtype(dtype)
        self.weight_records = weight_records
        self.data = dataset_for(config) if data is None else data
        _check_task(config, self.data)
        init_rng, self.shuffle_rng, self.dropout_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(3))
        self.model = build_for(config, self.data, init_rng, self.dropout_rng, self.dtype)
        self.loss_fn = LOSSES[self.data.task]
        self.penalty = make_penalty(config.penalty, config.penalty_strength, config.l1_ratio)
        self.optimizer = make_optimizer(config.optimizer, config.lr, momentum=config.momentum,
                                        weight_decay=config.weight_decay,
                                        decay_keys={"weights"})
        self.X_train, self.y_train = _as_arrays(self.data.X_train, self.data.y_train,
                                                self.data.task, self.dtype)
        self.X_val, self.y_val = _as_arrays(self.data.X_val, self.data.y_val, self.data.task,
                                            self.dtype)
        self.X_test, self.y_test = (None, None) if self.data.X_test is None else _as_arrays(
            self.data.X_test, self.data.y_test, self.data.task, self.dtype)
        self.batch_note = full_batch_note(config.batch_size, len(self.X_train))
        self.stopper = _stopper(config)
        self.edges = _layer_edges(self.model, config.init)
        self.snapshot_every = config.snapshot_every or snapshot_interval(
            config.epochs, min(100, LIMITS.max_snapshots))
        self.records: list[dict] = []
        self.layer_records: list[dict] = []
        self.history_table, self.layer_table = TableBuilder(HISTORY_COLUMNS), TableBuilder()
        self.histograms: dict[int, dict[str, np.ndarray]] = {}
        self.best_state = self.model.state()
        self.initial_loss = math.nan  # the training loss of the initial weights, set by the group
        self.group = None  # the regcore.group.Group this run trains in, once it trains
        self.epoch, self.elapsed = 0, 0.0
        self.status, self.message = "running", ""
        self._check_batch_norm_batches()
        self._record_weights(0)

    @property
    def done(self) -> bool:
        return self.status != "running"

    def load_initial_state(self, state: dict[str, np.ndarray]) -> None:
        """Start from given weights (a `Model.state()` of the same architecture)."""
        if self.epoch or self.group is not None:
            raise RuntimeError("initial weights can only be set before the first epoch")
        self.model.load_state(state)
        self.best_state = self.model.state()
        self.layer_records.clear()
        self.layer_table.reset()
        self._record_weights(0)

    # one epoch --------------------------------------------------------------------------------
    def step_epoch(self) -> dict:
        """Train one epoch of this run alone (a group of one); a run that trains in a larger
        group advances with its group (`Lockstep.step`)."""
        if self.done:
            raise RuntimeError(f"training has ended ({self.status})")
        from .group import Group  # the group module builds on this one
        if self.group is None:
            Group([self])
        if len(self.group.members) > 1:
            raise RuntimeError("this run trains in a group with others: step the group")
        self.group.step_epoch()
        return self.records[-1]

    def end_epoch(self, numbers: dict, seconds: float, weights: WeightReport | None = None) -> None:
        """Record an epoch the group has trained: `numbers` holds minibatch_loss, train_loss,
        train_acc, val_loss, val_acc, penalty and, with a test split, test_loss and test_acc
        (NaN without); `seconds` is this run's share of the time;
        `weights`, if given, the statistics and histograms of the epoch's weights."""
        self.epoch += 1
        self.elapsed += seconds
        penalty = numbers["penalty"]
        record = {"epoch": self.epoch, "train_loss": numbers["train_loss"],
                  "val_loss": numbers["val_loss"], "penalty": penalty,
                  "objective": numbers["train_loss"] + penalty,
                  "train_acc": numbers["train_acc"], "val_acc": numbers["val_acc"],
                  "minibatch_loss": numbers["minibatch_loss"], "time": self.elapsed,
                  "test_loss": numbers.get("test_loss", math.nan),
                  "test_acc": numbers.get("test_acc", math.nan)}
        self.records.append(record)
        self._after_epoch(record, weights or WeightReport())

    # after an epoch: divergence, early stopping, snapshots ------------------------------------
    def wants_snapshot(self, epoch: int) -> bool:
        """Whether the weights after `epoch` are kept as histograms (also kept at the end)."""
        return epoch % self.snapshot_every == 0

    def _after_epoch(self, record: dict, weights: WeightReport) -> None:
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
                self._end("completed", completion_message(self.epoch))
        self._record_weights(self.epoch, weights)
        if self.done:
            self._restore_best()
            if self.batch_note:
                self.message += f"; {self.batch_note}"

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

    def _record_weights(self, epoch: int, weights: WeightReport | None = None) -> None:
        """Per-layer statistics and, at snapshot epochs and the end, histograms of the current
        weights: those in `weights` where given, else computed here."""
        if not self.weight_records:
            return
        weights = weights or WeightReport()
        layers = self.model.weight_layers
        for name, w in layers.items():
            stats = weights.stats[name] if weights.stats else weight_stats(w)
            self.layer_records.append({"epoch": epoch, "layer": name, **stats})
        if self.wants_snapshot(epoch) or self.done:
            self.histograms[epoch] = weights.histograms or snapshot(layers, self.edges)

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


def completion_message(epochs: int) -> str:
    """What a run that trained all its epochs says ("completed 150 epochs"), before any note."""
    return f"completed {epochs} epochs"


def full_batch_note(batch_size: int, n_train: int) -> str:
    """What a run says when its batch size exceeds its training rows ("" otherwise): it
    trains full batch, every step on all n_train rows."""
    if batch_size <= n_train:
        return ""
    return (f"batch size {batch_size} is larger than the {n_train} training rows, so every "
            f"step uses all {n_train} (full batch)")


def _check_task(config: Config, data: Dataset) -> None:
    if config.monitor == "val_acc" and data.task == "regression":
        raise ValueError("monitor 'val_acc' needs a classification dataset; use 'val_loss'")


def _as_arrays(X, y, task, dtype):
    y_dtype = dtype if task == "regression" else np.int64
    return np.ascontiguousarray(X, dtype=dtype), np.asarray(y, dtype=y_dtype)


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
    """Train `config` to the end (all epochs, early stop or divergence) and return the Run:
    a group of one, with the same numbers the run has in any group."""
    trainer = Trainer(config, data)
    with one_blas_thread():
        while not trainer.done:
            trainer.step_epoch()
    return trainer.run()
