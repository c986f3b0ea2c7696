"""Layers: each a `forward(x, train) -> out` / `backward(dout) -> dx` pair.

Shapes: `x` and `out` are (N, features). `params` and `grads` are dicts with the same
keys; `backward` writes into `grads` in place, so the arrays may be views into one flat
buffer (see `regcore.model`). Running statistics are buffers, never params.
Definitions follow PyTorch's, so what is learned here carries over.
"""
from __future__ import annotations

import numpy as np

INITS = ("he", "xavier")


class Layer:
    """A layer without parameters; subclasses override forward/backward."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def _with_grads(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: np.zeros_like(value) for name, value in params.items()}


class Linear(Layer):
    """out = x @ W + b, with W (n_in, n_out) and b (n_out,).

    Init: "he" draws W ~ N(0, 2/n_in) (for ReLU); "xavier" draws W ~ N(0, 2/(n_in + n_out)).
    Gradients: dW = xᵀ·dout, db = Σ_rows dout, dx = dout·Wᵀ.
    """

    def __init__(self, n_in: int, n_out: int, *, rng: np.random.Generator, init: str = "he",
                 dtype=np.float32):
        super().__init__()
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.init_std = init_std(n_in, n_out, init)
        W = rng.normal(0.0, self.init_std, size=(n_in, n_out)).astype(dtype)
        self.params = {"W": W, "b": np.zeros(n_out, dtype=dtype)}
        self.grads = _with_grads(self.params)
        self._x = None

    def forward(self, x, train):
        self._x = x
        out = x @ self.params["W"]
        out += self.params["b"]
        return out

    def backward(self, dout):
        np.matmul(self._x.T, dout, out=self.grads["W"])
        np.sum(dout, axis=0, out=self.grads["b"])
        return dout @ self.params["W"].T


def init_std(n_in: int, n_out: int, init: str) -> float:
    """Standard deviation of the initial weights of a Linear layer."""
    return float(np.sqrt(2.0 / n_in if init == "he" else 2.0 / (n_in + n_out)))


class ReLU(Layer):
    """out = max(x, 0); dx = dout · [x > 0]."""

    def forward(self, x, train):
        self._mask = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self._mask


class Tanh(Layer):
    """out = tanh(x); dx = dout · (1 − out²)."""

    def forward(self, x, train):
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout):
        return dout * (1 - self._out * self._out)


class Sigmoid(Layer):
    """out = 1 / (1 + e^−x); dx = dout · out · (1 − out)."""

    def forward(self, x, train):
        # tanh form is stable for large |x| (no overflow in exp)
        self._out = 0.5 * (np.tanh(0.5 * x) + 1)
        return self._out

    def backward(self, dout):
        return dout * self._out * (1 - self._out)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


class Dropout(Layer):
    """Inverted dropout: each unit's output is zeroed with probability p during training,
    survivors are scaled by 1/(1 − p), so E[out] = x; in evaluation it is the identity.
    A fresh mask is drawn from `rng` at every training forward pass.
    """

    def __init__(self, p: float, *, rng: np.random.Generator):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"dropout p must be in [0, 1), got {p}")
        self.p, self.rng = p, rng
        self._scaled_mask = None

    def forward(self, x, train):
        if not train or self.p == 0:
            self._scaled_mask = None
            return x
        keep = self.rng.random(x.shape, dtype=x.dtype) >= self.p
        self._scaled_mask = keep * x.dtype.type(1 / (1 - self.p))
        return x * self._scaled_mask

    def backward(self, dout):
        return dout if self._scaled_mask is None else dout * self._scaled_mask


class _Normalization(Layer):
    """Shared part of BatchNorm and LayerNorm: y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε),
    μ and σ² (biased) taken along `axis`. γ, β have shape (n,): one per feature.

    Backward, with dx̂ = dout·γ and σ̂ = √(σ² + ε), means along the normalized axis:
    dx = (1/σ̂)·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) when μ, σ² come from x itself;
    dx = dx̂/σ̂ when they are fixed (BatchNorm's running statistics in eval mode).
    """

    axis: int

    def __init__(self, n: int, *, eps: float, dtype):
        super().__init__()
        self.n, self.eps = n, eps
        self.params = {"gamma": np.ones(n, dtype=dtype), "beta": np.zeros(n, dtype=dtype)}
        self.grads = _with_grads(self.params)

    def _normalize(self, x, mean, var, stats_from_x=True):
        """stats_from_x: mean and var were computed from x (so the gradient flows through them)."""
        self._stats_from_x = stats_from_x
        self._inv_std = 1 / np.sqrt(var + self.eps)
        self._xhat = (x - mean) * self._inv_std
        return self._xhat * self.params["gamma"] + self.params["beta"]

    def _batch_stats(self, x):
        mean = x.mean(axis=self.axis, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=self.axis, keepdims=True)
        return mean, var

    def backward(self, dout):
        xhat = self._xhat
        np.sum(dout * xhat, axis=0, out=self.grads["gamma"])
        np.sum(dout, axis=0, out=self.grads["beta"])
        dxhat = dout * self.params["gamma"]
        if not self._stats_from_x:
            return self._inv_std * dxhat
        mean_dxhat = dxhat.mean(axis=self.axis, keepdims=True)
        mean_dxhat_xhat = (dxhat * xhat).mean(axis=self.axis, keepdims=True)
        return self._inv_std * (dxhat - mean_dxhat - xhat * mean_dxhat_xhat)


class BatchNorm(_Normalization):
    """Batch normalization over the samples of a batch, per feature (axis 0).

    Training: batch mean and biased batch variance; running stats updated as
    running = (1 − momentum)·running + momentum·batch_stat, with the unbiased variance.
    Evaluation: running_mean and running_var replace the batch statistics.
    """

    axis = 0

    def __init__(self, n: int, *, momentum: float = 0.1, eps: float = 1e-5, dtype=np.float32):
        super().__init__(n, eps=eps, dtype=dtype)
        self.momentum = momentum
        self.running_mean = np.zeros(n, dtype=dtype)
        self.running_var = np.ones(n, dtype=dtype)

    def forward(self, x, train):
        if not train:
            return self._normalize(x, self.running_mean, self.running_var, stats_from_x=False)
        batch = x.shape[0]
        if batch < 2:
            raise ValueError("BatchNorm needs batches of 2 or more")
        mean, var = self._batch_stats(x)
        m = self.momentum
        self.running_mean *= 1 - m
        self.running_mean += m * mean[0]
        self.running_var *= 1 - m
        self.running_var += (m * batch / (batch - 1)) * var[0]
        return self._normalize(x, mean, var)

    @property
    def buffers(self) -> dict[str, np.ndarray]:
        return {"running_mean": self.running_mean, "running_var": self.running_var}


class LayerNorm(_Normalization):
    """Layer normalization: each sample normalized over its own features (axis 1), so the
    result never mixes samples and does not depend on the batch; same in train and eval."""

    axis = 1

    def __init__(self, n: int, *, eps: float = 1e-5, dtype=np.float32):
        super().__init__(n, eps=eps, dtype=dtype)

    def forward(self, x, train):
        return self._normalize(x, *self._batch_stats(x))
