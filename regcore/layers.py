"""Layers: each a `forward(x, train) -> out` / `backward(dout) -> dx` pair.

Shapes: `x` and `out` are (N, features) for one network. `params` and `grads` are dicts
with the same keys; `backward` writes into `grads` in place, so the arrays may be views into
one flat buffer (see `regcore.model`). Running statistics are `buffers`, never params.
Definitions follow PyTorch's, so what is learned here carries over.

Stacked runs: built with `runs=R`, a layer holds R networks' parameters with a leading run
axis (W (R, n_in, n_out), b (R, n_out), γ (R, n)) and takes x (R, N, features), or a shared
x (N, features) for the first layer in evaluation. Samples are always axis −2 and features
axis −1, so one definition serves both; nothing is summed across runs.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

INITS = ("he", "xavier")


class Layer:
    """A layer without parameters; subclasses override forward/backward. Elementwise layers
    (activations, dropout) also take `out`: an array shaped like their output to write it
    into (the next Linear layer's input, see `Linear.input_place`)."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    buffers: dict[str, np.ndarray]

    def __init__(self):
        self.params, self.grads, self.buffers = {}, {}, {}

    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward_params(self, dout: np.ndarray) -> None:
        """The parameters' gradients only, for a first layer whose dx nobody uses."""
        self.backward(dout)


def _with_grads(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: np.zeros_like(value) for name, value in params.items()}


def _lead(runs: int | None) -> tuple[int, ...]:
    """The leading run axis of stacked parameters: (R,) or () for one network."""
    return () if runs is None else (runs,)


def mean_along(x: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """x.mean(axis, keepdims) for a float32 or float64 array of 2 or more dimensions, bit for
    bit, without the ~3 µs numpy spends per call in Python around its sum and division.
    numpy divides the sum by the count in float64 and rounds to x's dtype; dividing in x's
    dtype gives the same bits (the count is exact, and a quotient rounded to 53 bits, then to
    24, equals the quotient rounded to 24 bits at once)."""
    total = np.add.reduce(x, axis=axis, keepdims=keepdims)
    return np.true_divide(total, x.shape[axis], out=total)


def _per_feature(v: np.ndarray) -> np.ndarray:
    """A (…, n) parameter as (…, 1, n), to broadcast over the samples of (…, N, n)."""
    return v[..., None, :]


class Linear(Layer):
    """out = x @ W + b, with W (n_in, n_out) and b (n_out,), kept as one parameter
    Wb = [W; b] (n_in + 1, n_out), b its last row: out = [x, 1] @ Wb, one BLAS product for
    both (x is copied into an array whose last column is 1, kept for training batches),
    which costs less than a product and a broadcast sum, as dWb does than a product and a sum
    over the rows.

    Init: "he" draws W ~ N(0, 2/n_in) (for ReLU); "xavier" draws W ~ N(0, 2/(n_in + n_out)).
    Stacked (runs=R): W starts at zero, to be filled with each run's own initial weights.
    Gradients: dWb = [x, 1]ᵀ·dout (dW = xᵀ·dout, db = Σ_rows dout), dx = dout·Wᵀ.
    """

    def __init__(self, n_in: int, n_out: int, *, rng: np.random.Generator | None = None,
                 init: str = "he", dtype=np.float32, runs: int | None = None):
        super().__init__()
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.init_std = init_std(n_in, n_out, init)
        Wb = np.zeros(_lead(runs) + (n_in + 1, n_out), dtype)
        if runs is None:
            Wb[:-1] = rng.normal(0.0, self.init_std, size=(n_in, n_out)).astype(dtype)
        self.params = {"Wb": Wb}
        self.grads = _with_grads(self.params)
        self._x = self._WT = self._offered = None
        self._inputs: dict[tuple, np.ndarray] = {}

    def __getstate__(self) -> dict:
        """The layer without its kept [x, 1] arrays and Wᵀ (the last block it evaluated can be
        a few hundred kB), so copies and pickles of a model stay as small as its parameters."""
        return {**self.__dict__, "_x": None, "_WT": None, "_offered": None, "_inputs": {}}

    @property
    def W(self) -> np.ndarray:
        """The weights (…, n_in, n_out), a view of Wb."""
        return self.params["Wb"][..., :-1, :]

    @property
    def b(self) -> np.ndarray:
        """The bias (…, n_out), a view of Wb."""
        return self.params["Wb"][..., -1, :]

    def forward(self, x, train):
        if x.base is not None and x.base is self._offered:
            augmented = self._offered  # the layer before wrote x into it
        else:
            augmented = self.input_place(x.shape, x.dtype, keep=train)
            np.copyto(augmented[..., :-1], x)
        self._offered = None
        self._x = augmented if train else None  # backward needs it; evaluation lets it go
        return augmented @ self.params["Wb"]

    def input_place(self, shape: tuple[int, ...], dtype, keep: bool) -> np.ndarray:
        """[x, 1] for an input x of `shape`: an array one column wider whose last column holds
        ones, for x to be written into its other columns — by `forward`, or by the layer
        before, which then hands `forward` the view [..., :-1] of it and saves a copy (see
        `Model.forward`). In training it is kept, one per shape (a full batch, the last one);
        evaluation blocks get a new one, since a model kept for display (a server holds one
        per run of every visitor) would otherwise keep a block of each shape it was ever
        evaluated on."""
        augmented_shape, key = shape[:-1] + (shape[-1] + 1,), (shape, dtype)
        if not keep:
            augmented = np.ones(augmented_shape, dtype)
        elif (augmented := self._inputs.get(key)) is None:
            if len(self._inputs) > 1:
                self._inputs.clear()
            augmented = self._inputs[key] = np.ones(augmented_shape, dtype)
        self._offered = augmented
        return augmented

    def backward(self, dout):
        self.backward_params(dout)
        return dout @ self._transposed_weights()

    def _transposed_weights(self) -> np.ndarray:
        """Wᵀ copied into a kept contiguous array: BLAS multiplies by a transposed view with a
        slower kernel (for 32×64 by 64×64, 6.2 µs against 5.7 with the copy; for 36 stacked
        runs 185 µs against 138)."""
        W = self.W
        shape = W.shape[:-2] + W.shape[:-3:-1]
        if self._WT is None or self._WT.shape != shape or self._WT.dtype != W.dtype:
            self._WT = np.empty(shape, W.dtype)
        np.copyto(self._WT, W.swapaxes(-1, -2))
        return self._WT

    def backward_params(self, dout):
        np.matmul(self._x.swapaxes(-1, -2), dout, out=self.grads["Wb"])


def init_std(n_in: int, n_out: int, init: str) -> float:
    """Standard deviation of the initial weights of a Linear layer."""
    return float(np.sqrt(2.0 / n_in if init == "he" else 2.0 / (n_in + n_out)))


class ReLU(Layer):
    """out = max(x, 0); dx = dout · [x > 0].

    The maximum is taken against an array of zeros shaped like x (`shared_zeros_like`): numpy's
    maximum with a scalar 0 runs an unvectorized loop (3× slower on a batch of activations);
    with an array it gives the same bits, NaN and the sign of zero included. The layer keeps
    the last of them it used: a training step's batch has the shape of the one before."""

    _zeros: np.ndarray | None = None

    def forward(self, x, train, out=None):
        self._mask = x > 0 if train else None
        zeros = self._zeros
        if zeros is None or zeros.shape != x.shape or zeros.dtype != x.dtype:
            zeros = self._zeros = shared_zeros_like(x)
        return np.maximum(x, zeros, out=out)

    def __getstate__(self) -> dict:
        """The layer without its mask and zeros, so copies and pickles stay small."""
        return {**self.__dict__, "_mask": None, "_zeros": None}

    def backward(self, dout):
        return dout * self._mask


SHARED_ZEROS_BYTES = 2**20  # larger arrays of zeros are made per call (their work dwarfs it)


def shared_zeros_like(x: np.ndarray) -> np.ndarray:
    """Zeros of x's shape and dtype, read-only: one array per shape and dtype for the whole
    process (a server keeps display models of every visitor's runs; zeros kept per model and
    per evaluation block once held 22 MB of a room of thirty), made anew above
    SHARED_ZEROS_BYTES."""
    if x.nbytes > SHARED_ZEROS_BYTES:
        return np.zeros(x.shape, x.dtype)
    return _kept_zeros(x.shape, x.dtype)


@functools.lru_cache(maxsize=32)
def _kept_zeros(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    zeros = np.zeros(shape, dtype)
    zeros.flags.writeable = False
    return zeros


class Tanh(Layer):
    """out = tanh(x); dx = dout · (1 − out²)."""

    def forward(self, x, train, out=None):
        self._out = np.tanh(x, out=out)
        return self._out

    def backward(self, dout):
        return dout * (1 - self._out * self._out)


class Sigmoid(Layer):
    """out = 1 / (1 + e^−x); dx = dout · out · (1 − out)."""

    def forward(self, x, train, out=None):
        # tanh form is stable for large |x| (no overflow in exp)
        self._out = np.multiply(0.5, np.tanh(0.5 * x) + 1, out=out)
        return self._out

    def backward(self, dout):
        return dout * self._out * (1 - self._out)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


class Dropout(Layer):
    """Inverted dropout: each unit's output is zeroed with probability p during training,
    survivors are scaled by 1/(1 − p), so E[out] = x; in evaluation it is the identity.
    A fresh mask is drawn from `rng` at every training forward pass.

    Stacked: `p` is a sequence of R rates and `rng` of R generators; run r's mask comes from
    rngs[r] alone, and a run with p = 0 draws nothing and keeps a mask of ones (x·1 = x exactly).
    """

    def __init__(self, p: float | Sequence[float], *,
                 rng: np.random.Generator | Sequence[np.random.Generator]):
        super().__init__()
        for rate in np.atleast_1d(p):
            if not 0 <= rate < 1:
                raise ValueError(f"dropout p must be in [0, 1), got {rate}")
        self.p, self.rng = p, rng
        self.stacked = isinstance(p, Sequence)
        self.active = any(p) if self.stacked else p > 0
        self._drawing = [r for r, rate in enumerate(p) if rate] if self.stacked else []
        self._scaled_mask = self._columns = None
        self._arrays: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def forward(self, x, train, out=None):
        if not self.changes(train):
            self._scaled_mask = None
            if out is None:  # Model.forward offers `out` only to a dropout that changes x
                return x
            np.copyto(out, x)
            return out
        self._scaled_mask = (self._stacked_mask(x) if self.stacked
                             else _scaled_mask(self.rng, self.p, x.shape, x.dtype))
        return np.multiply(x, self._scaled_mask, out=out)

    def changes(self, train: bool) -> bool:
        """Whether forward changes x: only in training, and only with some rate above 0."""
        return train and self.active

    def _stacked_mask(self, x):
        """Each run with p > 0 draws its uniforms u from its own generator; the rows of runs
        with p = 0 hold u = 0 ≥ p (kept) and draw nothing. Then one comparison and one
        product for all runs, into arrays kept between steps."""
        uniforms, keep, mask = self._arrays_for(x.shape, x.dtype)
        for r in self._drawing:
            self.rng[r].random(dtype=x.dtype, out=uniforms[r])
        rates, scales = self._per_run(x.dtype)
        np.greater_equal(uniforms, rates, out=keep)
        return np.multiply(keep, scales, out=mask)

    def _arrays_for(self, shape, dtype):
        """(uniforms, keep, mask) arrays of `shape`, made once per shape (a full batch and
        the last one of an epoch); the uniforms start at 0."""
        key = (shape, dtype)
        if key not in self._arrays:
            if len(self._arrays) > 3:
                self._arrays.clear()
            self._arrays[key] = (np.zeros(shape, dtype), np.empty(shape, bool),
                                 np.empty(shape, dtype))
        return self._arrays[key]

    def _per_run(self, dtype):
        """(R, 1, 1) rates p and scales 1/(1 − p) in `dtype`, made once."""
        if self._columns is None or self._columns[0] != dtype:
            self._columns = (dtype, np.array(self.p, dtype).reshape(-1, 1, 1),
                             np.array([1 / (1 - rate) for rate in self.p], dtype).reshape(-1, 1, 1))
        return self._columns[1:]

    def backward(self, dout):
        return dout if self._scaled_mask is None else dout * self._scaled_mask


def _scaled_mask(rng: np.random.Generator, p: float, shape, dtype) -> np.ndarray:
    """keep / (1 − p): each entry kept (u ≥ p, u uniform from `rng`) with probability 1 − p."""
    keep = rng.random(shape, dtype=dtype) >= p
    return keep * dtype.type(1 / (1 - p))


class _Normalization(Layer):
    """Shared part of BatchNorm and LayerNorm: y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε),
    μ and σ² (biased) taken along `axis`. γ, β have shape (n,): one per feature
    ((R, n) stacked).

    Backward, with dx̂ = dout·γ and σ̂ = √(σ² + ε), means along the normalized axis:
    dx = (1/σ̂)·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) when μ, σ² come from x itself;
    dx = dx̂/σ̂ when they are fixed (BatchNorm's running statistics in eval mode).
    """

    axis: int

    def __init__(self, n: int, *, eps: float, dtype, runs: int | None):
        super().__init__()
        self.n, self.eps = n, eps
        shape = _lead(runs) + (n,)
        self.params = {"gamma": np.ones(shape, dtype=dtype), "beta": np.zeros(shape, dtype=dtype)}
        self.grads = _with_grads(self.params)

    def _normalize(self, centered, var, stats_from_x=True):
        """x̂ and the output from centered = x − μ; stats_from_x: μ and σ² were computed from
        x (so the gradient flows through them)."""
        self._stats_from_x = stats_from_x
        inv_std = np.add(var, self.eps)
        np.sqrt(inv_std, out=inv_std)
        self._inv_std = np.true_divide(1, inv_std, out=inv_std)
        xhat = self._xhat = centered * inv_std
        out = xhat * _per_feature(self.params["gamma"])
        out += _per_feature(self.params["beta"])
        return out

    def _batch_stats(self, x):
        """(x − μ, σ²) with μ and the biased σ² along `axis`."""
        centered = x - mean_along(x, self.axis, keepdims=True)
        return centered, mean_along(np.square(centered), self.axis, keepdims=True)

    def backward(self, dout):
        xhat = self._xhat
        dxhat_xhat = dout * xhat
        np.add.reduce(dxhat_xhat, axis=-2, out=self.grads["gamma"])
        np.add.reduce(dout, axis=-2, out=self.grads["beta"])
        dxhat = dout * _per_feature(self.params["gamma"])
        if not self._stats_from_x:
            dxhat *= self._inv_std
            return dxhat
        mean_dxhat = mean_along(dxhat, self.axis, keepdims=True)
        np.multiply(dxhat, xhat, out=dxhat_xhat)
        mean_dxhat_xhat = mean_along(dxhat_xhat, self.axis, keepdims=True)
        dxhat -= mean_dxhat
        dxhat -= np.multiply(xhat, mean_dxhat_xhat, out=dxhat_xhat)
        dxhat *= self._inv_std
        return dxhat


class BatchNorm(_Normalization):
    """Batch normalization over the samples of a batch, per feature (axis −2).

    Training: batch mean and biased batch variance; running stats updated as
    running = (1 − momentum)·running + momentum·batch_stat, with the unbiased variance.
    Evaluation: running_mean and running_var replace the batch statistics.

    In training, with c = x − μ, σ̂ = √(σ² + ε) and a = γ/σ̂ per feature, out = c·a + β
    (x̂ = c/σ̂ is not formed), and since the means of backward run over the samples, as the
    parameters' sums do, they come from those sums (N samples):
    dβ = Σ dout, dγ = Σ dout·x̂ = (Σ dout·c)/σ̂,
    dx = a·(dout − dβ/N) − c·(a/σ̂²)·(Σ dout·c)/N.
    """

    axis = -2

    def __init__(self, n: int, *, momentum: float = 0.1, eps: float = 1e-5, dtype=np.float32,
                 runs: int | None = None):
        super().__init__(n, eps=eps, dtype=dtype, runs=runs)
        self.momentum = momentum
        shape = _lead(runs) + (n,)
        self.buffers = {"running_mean": np.zeros(shape, dtype=dtype),
                        "running_var": np.ones(shape, dtype=dtype)}

    @property
    def running_mean(self) -> np.ndarray:
        return self.buffers["running_mean"]

    @property
    def running_var(self) -> np.ndarray:
        return self.buffers["running_var"]

    def forward(self, x, train):
        if not train:
            return self._normalize(x - _per_feature(self.running_mean),
                                   _per_feature(self.running_var), stats_from_x=False)
        batch = x.shape[-2]
        if batch < 2:
            raise ValueError("BatchNorm needs batches of 2 or more")
        mean = mean_along(x, -2)
        centered = x - mean[..., None, :]
        var = mean_along(np.square(centered), -2)
        m, running_mean, running_var = self.momentum, self.running_mean, self.running_var
        running_mean *= 1 - m
        running_mean += np.multiply(mean, m, out=mean)
        running_var *= 1 - m
        running_var += (m * batch / (batch - 1)) * var
        inv_std = np.add(var, self.eps, out=var)
        np.sqrt(inv_std, out=inv_std)
        np.true_divide(1, inv_std, out=inv_std)
        scale = inv_std * self.params["gamma"]
        self._stats_from_x, self._batch = True, (centered, inv_std, scale)
        out = centered * _per_feature(scale)
        out += _per_feature(self.params["beta"])
        return out

    def backward(self, dout):
        if not self._stats_from_x:
            return super().backward(dout)
        centered, inv_std, scale = self._batch
        n = dout.shape[-2]
        dbeta = np.add.reduce(dout, axis=-2, out=self.grads["beta"])
        dout_centered = dout * centered
        sum_dout_centered = np.add.reduce(dout_centered, axis=-2)
        np.multiply(sum_dout_centered, inv_std, out=self.grads["gamma"])
        dx = dout - _per_feature(dbeta / n)
        dx *= _per_feature(scale)
        k = scale * inv_std
        k *= inv_std
        k *= sum_dout_centered
        k /= n
        dx -= np.multiply(centered, _per_feature(k), out=dout_centered)
        return dx


class LayerNorm(_Normalization):
    """Layer normalization: each sample normalized over its own features (axis −1), so the
    result never mixes samples and does not depend on the batch; same in train and eval."""

    axis = -1

    def __init__(self, n: int, *, eps: float = 1e-5, dtype=np.float32, runs: int | None = None):
        super().__init__(n, eps=eps, dtype=dtype, runs=runs)

    def forward(self, x, train):
        return self._normalize(*self._batch_stats(x))
