"""Penalties on weights (never biases or γ/β).

One form covers all three:  R(w) = l1·Σ|w| + (l2/2)·Σw².
  L1: l1 = λ.   L2: l2 = λ.   Elastic net: l1 = λ·ρ, l2 = λ·(1 − ρ)   (ρ = l1_ratio).
The smooth part enters the gradient; the L1 part is applied after each update as the
proximal (soft-threshold) step w ← sign(w)·max(|w| − step·l1, 0), which sets weights to
exactly zero — plain subgradient descent would only make them hover around zero.
`step` is the optimizer's step size per entry (lr for SGD, lr/(√v̂ + ε) for Adam): with any
positive per-entry step the fixed points are those of the L1-penalized loss, so with SGD
full-batch this is ISTA and reaches the Lasso solution.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PENALTIES = ("none", "l1", "l2", "elasticnet")


@dataclass(frozen=True)
class Penalty:
    l1: float = 0.0
    l2: float = 0.0

    def value(self, w: np.ndarray) -> float:
        """R(w) = l1·Σ|w| + (l2/2)·Σw²."""
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(w).sum())
        if self.l2:
            total += 0.5 * self.l2 * float(np.dot(w.ravel(), w.ravel()))
        return total

    def grad(self, w: np.ndarray) -> np.ndarray:
        """∂R/∂w = l1·sign(w) + l2·w (sign(0) = 0: a subgradient at zero)."""
        return self.l1 * np.sign(w) + self.l2 * w

    def add_smooth_grad(self, w: np.ndarray, g: np.ndarray) -> None:
        """g += l2·w, in place: the part of ∂R/∂w that goes through the optimizer."""
        if self.l2:
            g += self.l2 * w

    def prox(self, w: np.ndarray, step: float | np.ndarray) -> None:
        """Soft-threshold w in place by step·l1 (the proximal step of the L1 part);
        step is a scalar or an array shaped like w."""
        if self.l1:
            shrunk = np.maximum(np.abs(w) - step * self.l1, 0)
            np.copysign(shrunk, w, out=w)


def make_penalty(kind: str, strength: float, l1_ratio: float = 0.5) -> Penalty:
    """The penalty for a config: kind in PENALTIES, strength λ ≥ 0, l1_ratio ρ in [0, 1]."""
    if kind not in PENALTIES:
        raise ValueError(f"penalty must be one of {PENALTIES}, got {kind!r}")
    if kind == "none":
        return Penalty()
    if kind == "l1":
        return Penalty(l1=strength)
    if kind == "l2":
        return Penalty(l2=strength)
    return Penalty(l1=strength * l1_ratio, l2=strength * (1 - l1_ratio))
