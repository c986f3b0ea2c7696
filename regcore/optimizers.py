"""Optimizers with PyTorch's update formulas.

`step(params, grads)` updates the arrays of `params` in place; state (momentum buffers,
Adam moments) is keyed by the dicts' keys, so an optimizer never sees layers. Weight decay
applies to the keys in `decay_keys` (all keys when it is None): `train()` passes the weights
under one key and biases, γ and β under another, so only weights are decayed.
"""
from __future__ import annotations

from collections.abc import Collection

import numpy as np

Arrays = dict[str, np.ndarray]


class Optimizer:
    def __init__(self, lr: float, weight_decay: float, decay_keys: Collection[str] | None):
        self.lr, self.weight_decay, self.decay_keys = lr, weight_decay, decay_keys
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.t = 0

    def decays(self, key: str) -> bool:
        return bool(self.weight_decay) and (self.decay_keys is None or key in self.decay_keys)

    def step(self, params: Arrays, grads: Arrays) -> None:
        self.t += 1
        for key, p in params.items():
            self._update(key, p, grads[key])

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def step_size(self, key: str) -> float | np.ndarray:
        """The step an update takes per unit of a steady gradient, for each entry of `key`.
        A proximal step (the L1 soft-threshold) uses it so that it works in the optimizer's
        own scale, and its fixed points are those of the L1-penalized loss."""
        return self.lr


class SGD(Optimizer):
    """g ← g + wd·p;  with momentum μ: b ← μ·b + g (b = g at the first step),
    g ← g + μ·b (Nesterov) or g ← b;  p ← p − lr·g."""

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0, decay_keys: Collection[str] | None = None):
        super().__init__(lr, weight_decay, decay_keys)
        if nesterov and momentum <= 0:
            raise ValueError("nesterov needs momentum > 0")
        self.momentum, self.nesterov = momentum, nesterov

    def _update(self, key, p, g):
        if self.decays(key):
            g = g + self.weight_decay * p
        if self.momentum:
            buf = self.state.get(key)
            if buf is None:
                buf = self.state[key] = {"momentum": g.copy()}
            else:
                buf["momentum"] *= self.momentum
                buf["momentum"] += g
            g = g + self.momentum * buf["momentum"] if self.nesterov else buf["momentum"]
        p -= self.lr * g

    def step_size(self, key):
        """lr/(1 − μ): with momentum μ a steady gradient g moves p by lr·g/(1 − μ) per step
        (the buffer tends to g/(1 − μ), with or without Nesterov)."""
        return self.lr / (1 - self.momentum)


class Adam(Optimizer):
    """Adam with coupled weight decay (added to the gradient, as PyTorch's Adam):
    g ← g + wd·p;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)."""

    decoupled = False

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0,
                 decay_keys: Collection[str] | None = None):
        super().__init__(lr, weight_decay, decay_keys)
        self.betas, self.eps = betas, eps

    def _update(self, key, p, g):
        if self.decays(key):
            if self.decoupled:
                p *= 1 - self.lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        beta1, beta2 = self.betas
        state = self.state.get(key)
        if state is None:
            state = self.state[key] = {"m": np.zeros_like(p), "v": np.zeros_like(p)}
        m, v = state["m"], state["v"]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * (g * g)
        denom = state["denom"] = np.sqrt(v / (1 - beta2 ** self.t))
        denom += self.eps
        p -= (self.lr / (1 - beta1 ** self.t)) * (m / denom)

    def step_size(self, key):
        """lr/(√v̂ + ε), per entry, from the last update."""
        return self.lr / self.state[key]["denom"]


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p ← p·(1 − lr·wd) first,
    then the Adam step on the gradient alone, so the decay is not rescaled by √v."""

    decoupled = True

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01,
                 decay_keys: Collection[str] | None = None):
        super().__init__(lr, betas, eps, weight_decay, decay_keys)


OPTIMIZERS = ("sgd", "momentum", "adam", "adamw")


def make_optimizer(name: str, lr: float, *, momentum: float = 0.9, weight_decay: float = 0.0,
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
