"""Data losses. Each returns (loss, dout): the mean loss over the batch and its gradient
with respect to the network output, shape (N, outputs)."""
from __future__ import annotations

import numpy as np


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax(z)_k = z_k − log Σ_j e^{z_j}, computed with the max subtracted (log-sum-exp)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(logits))


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """L = −(1/N) Σ_i log softmax(z_i)_{y_i};  dL/dz = (softmax(z) − onehot(y)) / N.

    logits: (N, K), y: (N,) integer labels in [0, K).
    """
    n = logits.shape[0]
    logp = log_softmax(logits)
    rows = np.arange(n)
    loss = -float(logp[rows, y].mean())
    dlogits = np.exp(logp)
    dlogits[rows, y] -= 1
    dlogits /= n
    return loss, dlogits


def mean_squared_error(pred: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """L = ½ · mean((ŷ − y)²);  dL/dŷ = (ŷ − y) / N.

    pred: (N, 1), y: (N,).
    """
    diff = pred - y.reshape(pred.shape)
    loss = 0.5 * float(np.mean(diff * diff))
    return loss, diff / diff.size


LOSSES = {"classification": softmax_cross_entropy, "regression": mean_squared_error}
