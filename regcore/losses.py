"""Data losses. Each returns (loss, dout): the mean loss over the batch and its gradient
with respect to the network output, shape (N, outputs).

Stacked runs: outputs (R, N, outputs) and targets (R, N) (or (N,), shared) give one loss per
run, an (R,) array; each run's mean is taken over its own samples only.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .layers import mean_along


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax(z)_k = z_k − log Σ_j e^{z_j}, computed with the max subtracted (log-sum-exp)."""
    shifted = logits - over_classes(np.maximum, logits)
    shifted -= np.log(over_classes(np.add, np.exp(shifted)))
    return shifted


def over_classes(ufunc: np.ufunc, z: np.ndarray) -> np.ndarray:
    """ufunc folded over the last axis of z (…, K), class after class: (…, 1). K − 1
    elementwise calls cost far less than numpy's reduction over an axis of 2 to 10."""
    out = ufunc(z[..., :1], z[..., 1:2]) if z.shape[-1] > 1 else z[..., :1].copy()
    for k in range(2, z.shape[-1]):
        ufunc(out, z[..., k: k + 1], out=out)
    return out


def softmax(logits: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(logits))


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray, grad: bool = True,
                          onehot: np.ndarray | None = None
                          ) -> tuple[float | np.ndarray, np.ndarray | None]:
    """L = −(1/N) Σ_i log softmax(z_i)_{y_i};  dL/dz = (softmax(z) − onehot(y)) / N.

    logits: (N, K), y: (N,) integer labels in [0, K). grad=False: (L, None).
    onehot: y's one-hot rows (N, K) in the logits' dtype, if the caller keeps them (a
    training loop gathers them per epoch; subtracting floats is cheaper than comparing
    labels with the classes and subtracting booleans at every step; the same numbers).
    """
    logp = log_softmax(logits)
    loss = _negative_mean_last(picked(logp, y))
    if not grad:
        return _per_run(loss), None
    dlogits = np.exp(logp, out=logp)
    dlogits -= y[..., None] == _classes(logits.shape[-1]) if onehot is None else onehot
    dlogits /= logits.shape[-2]
    return _per_run(loss), dlogits


def one_hot(y: np.ndarray, k: int, dtype) -> np.ndarray:
    """(…, N, K) rows of 0 and 1 in `dtype`, 1 at each label of y (…, N)."""
    return (y[..., None] == _classes(k)).astype(dtype)


def _negative_mean_last(x: np.ndarray) -> np.ndarray | np.floating:
    """−x.mean(axis=-1), bit for bit: the sum divided by −N in one call (rounding to nearest
    is symmetric, so Σ/(−N) = −(Σ/N) exactly). An array for stacked runs, a numpy scalar for
    one network."""
    total = np.add.reduce(x, axis=-1)
    if x.ndim > 1:
        return np.true_divide(total, -x.shape[-1], out=total)
    return np.true_divide(total, -x.shape[-1])


def _mean_last(x: np.ndarray) -> np.ndarray | np.floating:
    """x.mean(axis=-1), bit for bit, without the ~3 µs numpy spends around its sum and
    division (see `mean_along`, which this is for 2 or more dimensions): an array, or a numpy
    scalar for one network. numpy divides a 1-D sum by the count in float64 and rounds to x's
    dtype; dividing in x's dtype gives the same bits."""
    if x.ndim > 1:
        return mean_along(x, -1)
    return np.true_divide(np.add.reduce(x), x.shape[-1])


@functools.lru_cache(maxsize=16)
def _classes(k: int) -> np.ndarray:
    """[0, 1, …, k − 1], made once."""
    classes = np.arange(k)
    classes.flags.writeable = False
    return classes


def picked(logp: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """logp[..., i, labels[..., i]] for every sample i: (…, N), read from the flat array
    (cheaper than take_along_axis for the few labels of a minibatch); labels (…, N), or (N,)
    shared by the runs of a stacked logp."""
    return logp.reshape(-1)[_row_starts(logp.shape[:-1], logp.shape[-1]) + labels]


@functools.lru_cache(maxsize=64)
def _row_starts(shape: tuple[int, ...], classes: int) -> np.ndarray:
    """Where each sample's row begins in the flat (…, N, K) array (the same every step)."""
    starts = np.arange(0, math.prod(shape) * classes, classes).reshape(shape)
    starts.flags.writeable = False
    return starts


def mean_squared_error(pred: np.ndarray, y: np.ndarray, grad: bool = True
                       ) -> tuple[float | np.ndarray, np.ndarray | None]:
    """L = ½ · mean((ŷ − y)²);  dL/dŷ = (ŷ − y) / N.

    pred: (N, 1), y: (N,). grad=False: (L, None).
    """
    diff = pred - y[..., None]
    loss = 0.5 * _mean_last(diff[..., 0] * diff[..., 0])
    return _per_run(loss), (diff / pred.shape[-2] if grad else None)


def _per_run(loss: np.ndarray) -> float | np.ndarray:
    """A float for one network, the (R,) array for stacked runs."""
    return float(loss) if loss.ndim == 0 else loss


LOSSES = {"classification": softmax_cross_entropy, "regression": mean_squared_error}
