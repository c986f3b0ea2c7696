"""Penalties on weights (never biases or γ/β).

One form covers all three:  R(w) = l1·Σ|w| + (l2/2)·Σw².
  L1: l1 = λ.   L2: l2 = λ.   Elastic net: l1 = λ·ρ, l2 = λ·(1 − ρ)   (ρ = l1_ratio).
The smooth part enters the gradient; the L1 part is applied after each update as the
proximal (soft-threshold) step w ← sign(w)·max(|w| − step·l1, 0), which sets weights to
exactly zero — plain subgradient descent would only make them hover around zero.
`step` is the optimizer's step size per entry (lr for SGD, lr/(√v̂ + ε) for Adam): with any
positive per-entry step the fixed points are those of the L1-penalized loss, so with SGD
full-batch this is ISTA and reaches the Lasso solution.

Stacked runs: l1 and l2 may be (R, 1) float64 arrays for weights of shape (R, n); a run
whose coefficient is 0 is left exactly as it would be without that term.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .optimizers import Value, any_nonzero, as_dtype_of

PENALTIES = ("none", "l1", "l2", "elasticnet")


@dataclass(frozen=True, eq=False)
class Penalty:
    l1: Value = 0.0
    l2: Value = 0.0

    def value(self, w: np.ndarray) -> float | np.ndarray:
        """R(w) = l1·Σ|w| + (l2/2)·Σw²; stacked: (R,) values, one per run."""
        stacked = isinstance(self.l1, np.ndarray)
        rows = w if stacked else w.reshape(1, -1)
        l1, l2 = np.ravel(self.l1), np.ravel(self.l2)
        total = np.zeros(l1.shape)
        if np.any(l1):
            total = total + np.where(l1 != 0, l1 * np.abs(rows).sum(axis=-1), 0.0)
        if np.any(l2):
            total = total + np.where(l2 != 0, 0.5 * l2 * (rows * rows).sum(axis=-1), 0.0)
        return total if stacked else float(total[0])

    def grad(self, w: np.ndarray) -> np.ndarray:
        """∂R/∂w = l1·sign(w) + l2·w (sign(0) = 0: a subgradient at zero)."""
        return self.l1 * np.sign(w) + self.l2 * w

    def add_smooth_grad(self, w: np.ndarray, g: np.ndarray) -> None:
        """g += l2·w, in place: the part of ∂R/∂w that goes through the optimizer."""
        if any_nonzero(self.l2):
            _add_where_nonzero(g, as_dtype_of(w, self.l2) * w, self.l2)

    def prox(self, w: np.ndarray, step: Value | np.ndarray) -> None:
        """Soft-threshold w in place by step·l1 (the proximal step of the L1 part);
        step is a scalar or an array shaped like w."""
        if any_nonzero(self.l1):
            shrunk = np.maximum(np.abs(w) - as_dtype_of(w, step) * as_dtype_of(w, self.l1), 0)
            if np.all(self.l1):
                np.copysign(shrunk, w, out=w)
            else:
                np.copysign(shrunk, w, out=w, where=self.l1 != 0)


def _add_where_nonzero(g: np.ndarray, term: np.ndarray, coefficient: Value) -> None:
    """g += term, only in the rows whose coefficient is not 0 (all rows: a plain sum)."""
    if np.all(coefficient):
        g += term
    else:
        np.add(g, term, out=g, where=coefficient != 0)


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
