"""Groups: runs that share a structure train as one computation on stacked arrays.

A group of R runs holds their parameters as one stacked model (`flat` (R, n_params)) and
steps them together: one batched matmul per layer for all runs, one call per optimizer
formula. Each run's own `Trainer.model` is a view of its row, so it always shows the run's
current weights. What the runs share is their `structure`: data shapes, hidden widths,
activation, norm, batch size and optimizer kind. Everything else is a per-run value in an
(R, 1) array: dropout rate, penalty, l1_ratio, weight decay, learning rate, momentum,
epochs, initial weights and early stopping; the data itself may differ (another seed).

A run's numbers do not depend on the company it keeps. Each keeps its own generators
(shuffling, dropout masks); every operation acts on each run's slice by itself (no sum
runs across runs, matmul multiplies each run's matrices with the same kernel whatever R
is); a per-run value of 0 leaves a run exactly as it would be without that term. So a run's
history is bit-identical alone (a group of one) or in any group at any position.

A run that ends (its epochs, early stopping, divergence) moves out to buffers of its own
and the group restacks the others: it costs nothing afterwards. A run whose loss turns
NaN or inf within an epoch stops there, as it would alone: its state of that step is put
back before the epoch's evaluation, and it ends as diverged.
"""
from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable

import numpy as np

from .model import EVALUATION_ROWS, build_model
from .optimizers import any_nonzero, as_dtype_of, make_optimizer
from .penalties import Penalty
from .snapshots import histograms, layer_weight_stats
from .losses import one_hot
from .training import Trainer, WeightReport, n_outputs, one_blas_thread


MEMORY_BUDGET = 8_000_000  # numbers (32 MB in float32) a group's stacked data may hold


def structure(trainer: Trainer) -> tuple:
    """What the runs of one group must share. "momentum" with momentum 0 is plain SGD."""
    config, data = trainer.config, trainer.data
    kind = "sgd" if config.optimizer == "momentum" and config.momentum == 0 else config.optimizer
    test_shape = None if trainer.X_test is None else trainer.X_test.shape
    return (data.task, trainer.X_train.shape, trainer.X_val.shape, test_shape, n_outputs(data),
            config.hidden, config.activation, config.norm, config.batch_size, kind,
            trainer.dtype)


def form_groups(trainers: Iterable[Trainer]) -> list[Group]:
    """Groups of the unfinished trainers, one per structure in order of first appearance,
    split where a group would hold more than MEMORY_BUDGET numbers of data and activations."""
    by_structure: dict[tuple, list[Trainer]] = {}
    for trainer in trainers:
        if not trainer.done:
            by_structure.setdefault(structure(trainer), []).append(trainer)
    groups = []
    for members in by_structure.values():
        most = most_members(members[0])
        groups += [Group(members[i: i + most]) for i in range(0, len(members), most)]
    return groups


def most_members(trainer: Trainer) -> int:
    """How many runs like `trainer` a group holds within MEMORY_BUDGET: per run its training
    inputs twice (its own, and shuffled each epoch) and the activations of one evaluation
    batch of the widest layer."""
    n, features = trainer.X_train.shape
    widest = max([features, *trainer.config.hidden, n_outputs(trainer.data)])
    per_run = 2 * n * features + min(n, EVALUATION_ROWS) * widest
    return max(1, MEMORY_BUDGET // per_run)


def train_all(trainers: Iterable[Trainer]) -> None:
    """Train every trainer to its end, in groups of one structure."""
    with one_blas_thread():
        for group in form_groups(trainers):
            while not group.done:
                group.step_epoch()


def per_run(values: Iterable[float]) -> np.ndarray:
    """Per-run numbers as an (R, 1) float64 column, to broadcast over (R, n) arrays."""
    return np.array(list(values), dtype=np.float64).reshape(-1, 1)


def _gather(a: np.ndarray, orders: np.ndarray, stacked: bool) -> np.ndarray:
    """Rows of a, shared (n, …) or stacked (R, n, …), as (R, n, …): orders (R, n) numbers
    the rows of a shared array, or those of all runs one after the other. `take` costs a
    tenth of fancy indexing here."""
    rows = a.reshape(-1, *a.shape[2:]) if stacked else a
    return rows.take(orders, axis=0)


class Group:
    """Trains `members` (Trainers of one structure, none started) in lockstep, one epoch per
    `step_epoch()`; `members` lists the runs still training."""

    def __init__(self, trainers: list[Trainer]):
        self.members = list(trainers)
        first = self.members[0]
        for trainer in self.members:
            if structure(trainer) != structure(first):
                raise ValueError("runs of one group must share their structure")
            if trainer.epoch or trainer.group is not None or trainer.done:
                raise ValueError("a group is formed of runs that have not started")
            trainer.group = self
        self.config, self.loss_fn = first.config, first.loss_fn
        self._stack()
        with np.errstate(all="ignore"), one_blas_thread():
            initial_losses = self._loss_and_accuracy(self.X_train, self.y_train)[0]
        for trainer, loss in zip(self.members, initial_losses):
            trainer.initial_loss = float(loss)

    @property
    def done(self) -> bool:
        return not self.members

    # stacking --------------------------------------------------------------------------------
    def _stack(self) -> None:
        """Build the stacked model, optimizer, penalty and data of the current members and
        make every member's model and optimizer state views of its row."""
        members, config = self.members, self.config
        first = members[0]
        self.model = build_model(
            first.X_train.shape[1], n_outputs(first.data), hidden=config.hidden,
            activation=config.activation, norm=config.norm, init=config.init,
            dropout=tuple(m.config.dropout for m in members), task=first.data.task, rng=None,
            dropout_rng=tuple(m.dropout_rng for m in members), dtype=first.dtype,
            runs=len(members))
        stacked_buffers = self.model.buffers
        for r, member in enumerate(members):
            member.model.bind(self.model.flat[r], self.model.flat_grad[r],
                              {name: value[r] for name, value in stacked_buffers.items()})
        self.params, self.grads = self.model.param_groups()
        self.optimizer = self._stacked_optimizer()
        self.penalty = Penalty(l1=per_run(m.penalty.l1 for m in members),
                               l2=per_run(m.penalty.l2 for m in members))
        self._l1_rows = np.flatnonzero(self.penalty.l1[:, 0])
        self._l1_penalty = Penalty(l1=self.penalty.l1[self._l1_rows])  # of those rows only
        self._terms = {"l1": any_nonzero(self.penalty.l1), "l2": any_nonzero(self.penalty.l2),
                       "decay": any_nonzero(self.decay)}  # which per-run terms any run has
        self._bias_terms()
        self._stack_data()
        self._plan_batches()

    def _bias_terms(self) -> None:
        """The biases' columns in the Linear layers' block (R, n_linear), which penalties and
        weight decay leave alone: those terms act on the whole block, in numpy's fast loops,
        and the biases (or their gradients) are put back, which costs less than acting
        through a mask (`where=`: 3× slower for 36 runs). AdamW's factor 1 − lr·wd is an
        array with 1 on biases and where wd = 0 (x·1 = x exactly)."""
        columns = self.model.weight_columns
        self._biases = np.flatnonzero(~columns)
        factor = np.where(columns, as_dtype_of(self.model.flat, 1 - self.lr * self.decay), 1)
        self._decay_factor = factor.astype(self.model.flat.dtype)

    def _stacked_optimizer(self):
        """The members' optimizer on the whole stacked buffer (R, n_params): one call per
        formula for weights and the rest together. Weight decay, which acts on weights only,
        is applied by `_decay` before the step, as the optimizer would (so it is built with
        none). Each member's own optimizer keeps "linear" and "other" views of its row."""
        members, n_linear = self.members, self.model.n_linear
        self.decay = per_run(m.config.weight_decay for m in members)
        self.lr = per_run(m.config.lr for m in members)
        optimizer = make_optimizer(structure(members[0])[-2], self.lr,
                                   momentum=per_run(m.config.momentum for m in members))
        optimizer.t = members[0].optimizer.t
        whole = self._whole = {"all": self.model.flat}
        self._whole_grad = {"all": self.model.flat_grad}
        optimizer.init_state(whole)
        parts = {"linear": np.s_[..., :n_linear], "other": np.s_[..., n_linear:]}
        parts = {key: part for key, part in parts.items() if key in self.params}
        for name, stacked in optimizer.state["all"].items():
            for r, member in enumerate(members):
                for key, part in parts.items():
                    own = member.optimizer.state.get(key, {}).get(name)
                    if own is not None:
                        stacked[r][part] = own
        for r, member in enumerate(members):
            member.optimizer.state = {
                key: {name: value[r][part] for name, value in optimizer.state["all"].items()}
                for key, part in parts.items()}
        return optimizer

    def _stack_data(self) -> None:
        """The members' data: one shared (N, features) array when they train on one Dataset,
        else stacked (R, N, features) arrays (as runs of several seeds in a sweep)."""
        members = self.members
        self.shared_data = all(m.data is members[0].data for m in members)
        pick = (lambda name: getattr(members[0], name)) if self.shared_data else (
            lambda name: np.stack([getattr(m, name) for m in members]))
        self.X_train, self.y_train = pick("X_train"), pick("y_train")
        self.onehot_train = (one_hot(self.y_train, n_outputs(members[0].data), members[0].dtype)
                             if members[0].data.task == "classification" else None)
        self.X_val, self.y_val = pick("X_val"), pick("y_val")
        has_test = members[0].X_test is not None  # shared by a group (its structure)
        self.X_test, self.y_test = (pick("X_test"), pick("y_test")) if has_test else (None, None)

    def _release(self, ended: list[Trainer]) -> None:
        """Move ended runs out to buffers of their own and restack the others. An ended
        run's optimizer keeps copies of its state split as its own optimizer splits the
        parameters: "weights" (as `Model.weights`) and "other"."""
        for trainer in ended:
            trainer.model.detach()
            row = self.members.index(trainer)
            trainer.optimizer.state = self.model.split_weights(
                {name: value[row] for name, value in self.optimizer.state["all"].items()})
            trainer.optimizer.t = self.optimizer.t
            trainer.group = None
        self.members = [m for m in self.members if not m.done]
        if self.members:
            self._stack()

    # one epoch -------------------------------------------------------------------------------
    def step_epoch(self) -> None:
        """Train every member one epoch, evaluate, and let each record it."""
        if self.done:
            raise RuntimeError("every run of this group has ended")
        started = time.perf_counter()
        with np.errstate(all="ignore"), one_blas_thread():
            minibatch_loss = self._train_one_epoch()
            train_loss, train_acc = self._loss_and_accuracy(self.X_train, self.y_train)
            val_loss, val_acc = self._loss_and_accuracy(self.X_val, self.y_val)
            test_loss, test_acc = self._test_loss_and_accuracy()
            penalty = (self.penalty.value(self.model.weights) if self._terms["l1"] or
                       self._terms["l2"] else np.zeros(len(self.members)))
        share = (time.perf_counter() - started) / len(self.members)
        reports = self._weight_reports()
        for r, member in enumerate(self.members):
            member.end_epoch({"minibatch_loss": minibatch_loss[r],
                              "train_loss": float(train_loss[r]), "val_loss": float(val_loss[r]),
                              "train_acc": float(train_acc[r]), "val_acc": float(val_acc[r]),
                              "test_loss": float(test_loss[r]), "test_acc": float(test_acc[r]),
                              "penalty": float(penalty[r])}, share, reports[r])
        for member in self.members:
            member.optimizer.t = self.optimizer.t
        ended = [m for m in self.members if m.done]
        if ended:
            self._release(ended)

    def _weight_reports(self) -> list[WeightReport | None]:
        """Every recording member's weight statistics of this epoch, and the histograms of
        those at a snapshot epoch, computed for all of them at once (bin edges depend on the
        init); None for members that keep no weight records."""
        recording = [r for r, member in enumerate(self.members) if member.weight_records]
        reports: list[WeightReport | None] = [None] * len(self.members)
        if not recording:
            return reports
        weights = self.model.weights
        weights = weights if len(recording) == len(self.members) else weights[recording]
        spans = self.model.weight_spans
        layers = {name: weights[:, span] for name, span in spans.items()}
        for r, stats in zip(recording, layer_weight_stats(weights, spans)):
            reports[r] = WeightReport(stats)
        snapshot_rows: dict[str, list[int]] = {}
        for i, r in enumerate(recording):
            member = self.members[r]
            if member.wants_snapshot(member.epoch + 1):
                snapshot_rows.setdefault(member.config.init, []).append(i)
        for rows in snapshot_rows.values():
            edges = self.members[recording[rows[0]]].edges
            counts = {name: histograms(layers[name][rows], edges[name]) for name in layers}
            for j, i in enumerate(rows):
                reports[recording[i]].histograms = {name: counts[name][j] for name in layers}
        return reports

    def _train_one_epoch(self) -> list[float]:
        """Minibatch steps over each member's own shuffle; returns each member's mean
        minibatch loss, or the first loss that was not finite (that member then stops)."""
        R, n = len(self.members), len(self.members[0].X_train)
        orders = np.stack([m.shuffle_rng.permutation(n) for m in self.members])
        if not self.shared_data:  # run r's row orders[r, i] is row r·n + orders[r, i] of all
            orders += np.arange(0, R * n, n)[:, None]
        shuffled = functools.partial(_gather, orders=orders, stacked=not self.shared_data)
        X, y = shuffled(self.X_train), shuffled(self.y_train)
        onehot = None if self.onehot_train is None else shuffled(self.onehot_train)
        batches, step = self._batches, self._train_step
        losses = np.empty((len(batches), R))  # float64, as the float32 losses are summed
        stopped, steps = {}, len(batches)
        for i, batch in enumerate(batches):
            targets = {} if onehot is None else {"onehot": onehot[:, batch]}
            step_losses = losses[i] = step(X[:, batch], y[:, batch], targets)
            if not math.isfinite(np.add.reduce(step_losses)):
                self._stop_unfinite(step_losses, stopped)
                if len(stopped) == R:
                    steps = i + 1
                    break
        # Σ loss·batch size, added in step order as floats would be (cumsum is sequential)
        sizes = self._batch_sizes[:steps]
        totals = np.cumsum(losses[:steps] * sizes[:, None], axis=0)[-1]
        seen = int(sizes.sum())
        for r, (state, _) in stopped.items():
            self.members[r].model.load_state(state)
        return [stopped[r][1] if r in stopped else float(totals[r] / seen) for r in range(R)]

    def _plan_batches(self) -> None:
        """The minibatches of an epoch as slices of the shuffled rows, and their sizes; a last
        batch of one sample is left out with BatchNorm, which needs two (as drop_last)."""
        n, size = len(self.members[0].X_train), self.config.batch_size
        starts = [start for start in range(0, n, size)
                  if min(size, n - start) >= 2 or self.config.norm != "batch"]
        self._batches = [slice(start, start + size) for start in starts]
        self._batch_sizes = np.array([min(size, n - start) for start in starts])

    def _stop_unfinite(self, losses: np.ndarray, stopped: dict) -> None:
        """Keep, for each member whose loss has just become NaN or inf, its state after this
        step and that loss: alone it would end the epoch here."""
        for r in np.flatnonzero(~np.isfinite(losses)):
            if r not in stopped:
                stopped[r] = (self.members[r].model.state(), float(losses[r]))

    def _train_step(self, xb: np.ndarray, yb: np.ndarray, targets: dict) -> np.ndarray:
        """One minibatch step of every member: xb (R, B, n_in), yb (R, B), targets: the
        loss's further arguments (classification: onehot (R, B, K)); returns the (R,)
        minibatch losses."""
        model, terms = self.model, self._terms
        losses, dout = self.loss_fn(model.forward(xb, train=True), yb, **targets)
        model.backward(dout)
        if terms["l2"] or terms["decay"]:
            linear, linear_grads = self.params["linear"], self.grads["linear"]
            bias_grads = linear_grads.take(self._biases, axis=-1)
            self.penalty.add_smooth_grad(linear, linear_grads)
            self._decay(linear, linear_grads)
            linear_grads[..., self._biases] = bias_grads
        self.optimizer.step(self._whole, self._whole_grad)
        if terms["l1"]:
            self._prox(self.params["linear"])
        return losses

    def _prox(self, linear: np.ndarray) -> None:
        """The L1 proximal step of the members with an L1 term, on their rows only: on the
        whole Linear layers' block (R, n_linear), the biases then put back."""
        rows, biases = self._l1_rows, linear.take(self._biases, axis=-1)
        every_row = len(rows) == len(linear)
        step = self.optimizer.step_size("all", None if every_row else rows)
        # (rows, 1), or per entry of the whole buffer: those of the Linear block
        step = step if step.shape[-1] == 1 else step[:, : linear.shape[-1]]
        if every_row:
            self.penalty.prox(linear, step)
        else:
            some = linear[rows]
            self._l1_penalty.prox(some, step)
            linear[rows] = some
        linear[..., self._biases] = biases

    def _decay(self, linear: np.ndarray, linear_grads: np.ndarray) -> None:
        """Weight decay as the optimizers apply it to weights: added to the gradient
        (g ← g + wd·w, SGD and Adam) or, decoupled (AdamW), w ← w·(1 − lr·wd) before the step."""
        if not any_nonzero(self.decay):
            return
        if getattr(self.optimizer, "decoupled", False):
            linear *= self._decay_factor
        else:
            np.add(linear_grads, as_dtype_of(linear, self.decay) * linear, out=linear_grads,
                   where=self.decay != 0)

    def _test_loss_and_accuracy(self) -> tuple[np.ndarray, np.ndarray]:
        """Loss and accuracy on the held-out test rows, (R,) each; NaN without a test split."""
        if self.X_test is None:
            nan = np.full(len(self.members), np.nan)
            return nan, nan
        return self._loss_and_accuracy(self.X_test, self.y_test)

    def _loss_and_accuracy(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """Eval-mode data loss and accuracy (NaN for regression) of every member, (R,) each."""
        out = self.model.predict_output(X)
        loss = self.loss_fn(out, y, grad=False)[0]
        if self.members[0].data.task == "regression":
            return loss, np.full(len(loss), np.nan)
        correct = np.add.reduce(out.argmax(axis=-1) == y, axis=-1, dtype=np.intp)
        return loss, correct / out.shape[-2]  # the mean of the hits, as np.mean gives it
