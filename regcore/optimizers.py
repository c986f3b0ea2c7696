"""Optimizers with PyTorch's update formulas.

`step(params, grads)` updates the arrays of `params` in place; state (momentum buffers,
Adam moments) is keyed by the dicts' keys, so an optimizer never sees layers. Weight decay
applies to the keys in `decay_keys` (all keys when it is None): `train()` passes the weights
under one key and biases, γ and β under another, so only weights are decayed.

Stacked runs: lr, momentum and weight_decay may be (R, 1) float64 arrays, one value per run,
for params of shape (R, n). Every formula then acts row by row, in each run's own numbers:
values combine in float64 as Python floats would and meet the parameters in their dtype, and
a run with weight decay 0 is left exactly as it would be without the decay term.
"""
from __future__ import annotations

from collections.abc import Collection

import numpy as np

Arrays = dict[str, np.ndarray]
Value = float | np.ndarray  # a number, or (R, 1) numbers for stacked runs


class Optimizer:
    def __init__(self, lr: Value, weight_decay: Value, decay_keys: Collection[str] | None):
        self.lr, self.weight_decay, self.decay_keys = lr, weight_decay, decay_keys
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.t = 0

    def decays(self, key: str) -> bool:
        return any_nonzero(self.weight_decay) and (self.decay_keys is None
                                                    or key in self.decay_keys)

    def step(self, params: Arrays, grads: Arrays) -> None:
        self.t += 1
        self.init_state(params)
        for key, p in params.items():
            self._update(key, p, grads[key])

    def init_state(self, params: Arrays) -> None:
        """Create the state of keys that have none yet, as before a first step."""
        for key, p in params.items():
            if key not in self.state:
                self.state[key] = self._new_state(p)

    def _new_state(self, p: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def step_size(self, key: str, rows: np.ndarray | None = None) -> Value | np.ndarray:
        """The step an update takes per unit of a steady gradient, for each entry of `key`.
        A proximal step (the L1 soft-threshold) uses it so that it works in the optimizer's
        own scale, and its fixed points are those of the L1-penalized loss.
        rows: for stacked runs, the steps of these rows (runs) only."""
        return _rows_of(self.lr, rows)


def _rows_of(value: Value, rows: np.ndarray | None) -> Value:
    """The given rows of a per-run (R, …) value; a plain number, or all rows, as it is."""
    return value if rows is None or not isinstance(value, np.ndarray) else value[rows]


def any_nonzero(value: Value) -> bool:
    """Whether a number, or any of the per-run numbers, is not 0."""
    return bool(value.any()) if isinstance(value, np.ndarray) else bool(value)


def as_dtype_of(p: np.ndarray, value: Value) -> Value:
    """A per-run (R, 1) value in p's dtype; a plain number as it is (numpy then takes it in
    p's dtype too), so one run gives the same numbers alone and stacked."""
    return value.astype(p.dtype) if isinstance(value, np.ndarray) else value


def plus_decay(g: np.ndarray, p: np.ndarray, weight_decay: Value) -> np.ndarray:
    """g + wd·p as a new array; rows of runs with wd = 0 are copies of g, bit for bit."""
    if not isinstance(weight_decay, np.ndarray):
        return g + weight_decay * p
    out = g.copy()
    np.add(g, as_dtype_of(p, weight_decay) * p, out=out, where=weight_decay != 0)
    return out


class SGD(Optimizer):
    """g ← g + wd·p;  with momentum μ: b ← μ·b + g (b = g at the first step),
    g ← g + μ·b (Nesterov) or g ← b;  p ← p − lr·g."""

    def __init__(self, lr: Value, momentum: Value = 0.0, nesterov: bool = False,
                 weight_decay: Value = 0.0, decay_keys: Collection[str] | None = None):
        super().__init__(lr, weight_decay, decay_keys)
        if nesterov and not np.all(np.asarray(momentum) > 0):
            raise ValueError("nesterov needs momentum > 0")
        self.momentum, self.nesterov = momentum, nesterov

    def _new_state(self, p):
        return {"momentum": np.zeros_like(p)} if any_nonzero(self.momentum) else {}

    def _update(self, key, p, g):
        if self.decays(key):
            g = plus_decay(g, p, self.weight_decay)
        if any_nonzero(self.momentum):
            momentum, buf = as_dtype_of(p, self.momentum), self.state[key]["momentum"]
            if self.t == 1:
                buf[...] = g
            else:
                buf *= momentum
                buf += g
            g = g + momentum * buf if self.nesterov else buf
        p -= as_dtype_of(p, self.lr) * g

    def step_size(self, key, rows=None):
        """lr/(1 − μ): with momentum μ a steady gradient g moves p by lr·g/(1 − μ) per step
        (the buffer tends to g/(1 − μ), with or without Nesterov)."""
        return _rows_of(self.lr / (1 - self.momentum), rows)


class Adam(Optimizer):
    """Adam with coupled weight decay (added to the gradient, as PyTorch's Adam):
    g ← g + wd·p;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).

    Computed in the equivalent form of Kingma & Ba (section 2), on moments kept scaled as
    m̃ = m/(1−β₁) and ṽ = v/(1−β₂), so that each update is one multiply-add fewer:
    m̃ ← β₁m̃ + g;  ṽ ← β₂ṽ + g²;  with c = √((1−β₂ᵗ)/(1−β₂)),
    p ← p − (lr·(1−β₁)·c/(1−β₁ᵗ)) · m̃ / (√ṽ + ε·c).
    Ten passes over p, one of them a division; the same numbers up to rounding."""

    decoupled = False

    def __init__(self, lr: Value = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: Value = 0.0,
                 decay_keys: Collection[str] | None = None):
        super().__init__(lr, weight_decay, decay_keys)
        self.betas, self.eps = betas, eps
        self._lr_scaled = lr * (1 - betas[0])  # lr·(1−β₁), per run when lr is

    def _new_state(self, p):
        return {"m": np.zeros_like(p), "v": np.zeros_like(p), "denom": np.ones_like(p)}

    def _update(self, key, p, g):
        if self.decays(key):
            if self.decoupled:
                p *= as_dtype_of(p, 1 - self.lr * self.weight_decay)  # exactly 1 where wd = 0
            else:
                g = plus_decay(g, p, self.weight_decay)
        beta1, beta2 = self.betas
        state = self.state[key]
        m, v, denom = state["m"], state["v"], state["denom"]
        work = self._scratch(key, p)  # every term below, in place: no array is allocated
        m *= beta1
        m += g
        v *= beta2
        v += np.multiply(g, g, out=work)
        c = self._correction()
        np.sqrt(v, out=denom)
        denom += self.eps * c
        np.divide(m, denom, out=work)
        work *= as_dtype_of(p, self._lr_scaled * (c / (1 - beta1 ** self.t)))
        p -= work

    def _correction(self) -> float:
        """c = √((1−β₂ᵗ)/(1−β₂)), which turns √ṽ into √v̂ · c."""
        beta2 = self.betas[1]
        return ((1 - beta2 ** self.t) / (1 - beta2)) ** 0.5

    def _scratch(self, key: str, p: np.ndarray) -> np.ndarray:
        """A working array shaped like p, kept between steps (not part of the state)."""
        scratch = getattr(self, "_work", None)
        if scratch is None:
            scratch = self._work = {}
        work = scratch.get(key)
        if work is None or work.shape != p.shape or work.dtype != p.dtype:
            work = scratch[key] = np.empty_like(p)
        return work

    def step_size(self, key, rows=None):
        """lr/(√v̂ + ε) = lr·c/(√ṽ + ε·c), per entry, from the last update."""
        denom = _rows_of(self.state[key]["denom"], rows)
        return as_dtype_of(denom, _rows_of(self.lr, rows) * self._correction()) / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p ← p·(1 − lr·wd) first,
    then the Adam step on the gradient alone, so the decay is not rescaled by √v."""

    decoupled = True

    def __init__(self, lr: Value = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: Value = 0.01,
                 decay_keys: Collection[str] | None = None):
        super().__init__(lr, betas, eps, weight_decay, decay_keys)


OPTIMIZERS = ("sgd", "momentum", "adam", "adamw")


def make_optimizer(name: str, lr: Value, *, momentum: Value = 0.9, weight_decay: Value = 0.0,
                   decay_keys: Collection[str] | None = None) -> Optimizer:
    """The optimizer a config names: "momentum" is SGD with the given momentum."""
    if name == "sgd":
        return SGD(lr, weight_decay=weight_decay, decay_keys=decay_keys)
    if name == "momentum":
        return SGD(lr, momentum=momentum, weight_decay=weight_decay, decay_keys=decay_keys)
    if name == "adam":
        return Adam(lr, weight_decay=weight_decay, decay_keys=decay_keys)
    if name == "adamw":
        return AdamW(lr, weight_decay=weight_decay, decay_keys=decay_keys)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")
