"""Weight decay versus an L2 penalty: the same update with SGD, different ones with Adam.

SGD:      w ← w − η(∇L + λw) = (1 − ηλ)w − η∇L        (L2 penalty ≡ weight decay λ)
Adam+L2:  g = ∇L + λw goes through m̂/(√v̂ + ε), so the pull λw is divided by √v̂ + ε:
          weights with a large gradient history are pulled less than the others
AdamW:    w ← w − η(m̂/(√v̂ + ε) + λw)                  (every weight shrinks by ηλ per step)

Four runs on one split from the same initial weights: two SGD runs and two Adam runs, each
pair once with the penalty and once with (decoupled) weight decay of the same λ.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..compare import Lockstep
from ..config import Config
from ..settings import widths_text
from ..summary import summarize

STRENGTHS = (0.001, 0.003, 0.01, 0.03, 0.1)
DEFAULT_STRENGTH = 0.01
RUN_NAMES = ("SGD + L2", "SGD + weight decay", "Adam + L2", "AdamW")
PAIRS = (("SGD + L2", "SGD + weight decay"), ("Adam + L2", "AdamW"))
PAIR_LABELS = tuple(f"{first} vs {second}" for first, second in PAIRS)
SGD_LR, ADAM_LR = 0.1, 3e-3


def comparison(strength: float = DEFAULT_STRENGTH, seed: int = 0) -> tuple[Config, ...]:
    """The four runs of RUN_NAMES with λ = `strength` on 500 two-moons points."""
    base = Config(dataset="moons", n_samples=500, noise=0.25, hidden=(64, 64), epochs=150,
                  seed=seed)
    sgd = base.replace(optimizer="sgd", lr=SGD_LR)
    adam = base.replace(optimizer="adam", lr=ADAM_LR)
    return (sgd.replace(penalty="l2", penalty_strength=strength),
            sgd.replace(weight_decay=strength),
            adam.replace(penalty="l2", penalty_strength=strength),
            adam.replace(optimizer="adamw", weight_decay=strength))


def caption(configs) -> str:
    """The comparison's setup in words, from its configs (SGD pair first, then Adam pair)."""
    sgd, adam = configs[0], configs[2]
    return (f"{sgd.n_samples} two-moons points, a {widths_text(sgd.hidden, sep='-')} network, "
            f"{sgd.epochs} epochs, all four runs from the same initial weights. Learning rate "
            f"{sgd.lr:g} for SGD, {adam.lr:g} for Adam.")


def max_weight_difference(model_a, model_b) -> float:
    """max_i |w_a,i − w_b,i| over all weights of two models of one architecture."""
    return float(np.abs(model_a.weights.astype(np.float64) - model_b.weights).max())


@dataclass(frozen=True)
class DecayTrace:
    """gaps: one row per (epoch, pair) with max_abs_diff, the largest weight difference
    between the pair's two runs after that epoch (epoch 0 = the shared initial weights).
    l2_pull: (n_weights,) how hard the L2 term pulls each weight of Adam + L2 toward 0 at the
    end, relative to the median weight: Adam divides λw by √v̂ + ε, so the pull on weight i is
    proportional to 1/(√v̂_i + ε); AdamW's pull, η·λ·w per step, treats every weight alike
    (1 on this scale). decoupled_decay: AdamW's per-step shrink factor η·λ."""

    gaps: pd.DataFrame
    l2_pull: np.ndarray
    decoupled_decay: float


def trace_decay(configs, data=None) -> DecayTrace:
    """Train the four `comparison` runs in lockstep (as the live page does), recording after
    every epoch how far apart each pair's weights are."""
    lockstep = Lockstep(list(configs), data)
    trainers = dict(zip(RUN_NAMES, lockstep.trainers))
    rows = []

    def record_gaps():
        for (first, second), label in zip(PAIRS, PAIR_LABELS):
            rows.append({"epoch": trainers[first].epoch, "pair": label,
                         "max_abs_diff": max_weight_difference(trainers[first].model,
                                                               trainers[second].model)})

    record_gaps()
    while not lockstep.done:
        lockstep.step()
        record_gaps()
    adam_l2, adamw = trainers["Adam + L2"], trainers["AdamW"]
    steps = np.asarray(adam_l2.optimizer.step_size("weights"), dtype=np.float64).ravel()
    return DecayTrace(pd.DataFrame(rows), steps / np.median(steps),
                      adamw.config.lr * adamw.config.weight_decay)


@dataclass(frozen=True)
class DecayOutcome:
    """The numbers the notice box speaks about."""

    strength: float
    sgd_difference: float      # max |w| difference, SGD + L2 vs SGD + weight decay
    adam_difference: float     # the same for Adam + L2 vs AdamW
    norms: dict[str, float]    # ‖w‖₂ at the end, per run name
    val_loss: dict[str, float]


def outcome(runs, names=RUN_NAMES) -> DecayOutcome:
    """Measure the runs of `comparison` (in its order)."""
    by_name = dict(zip(names, runs))
    numbers = {name: summarize(run) for name, run in by_name.items()}
    return DecayOutcome(
        strength=by_name["AdamW"].config.weight_decay,
        sgd_difference=max_weight_difference(by_name[PAIRS[0][0]].model,
                                             by_name[PAIRS[0][1]].model),
        adam_difference=max_weight_difference(by_name[PAIRS[1][0]].model,
                                              by_name[PAIRS[1][1]].model),
        norms={name: row["weight_norm"] for name, row in numbers.items()},
        val_loss={name: row["final_val_loss"] for name, row in numbers.items()})


SAME_TOLERANCE = 1e-6  # float32 rounding; anything above is a real difference


def sentences(result: DecayOutcome) -> list[str]:
    """What the runs show, in words computed from their numbers."""
    return [_sgd_sentence(result), _adam_sentence(result)]


def _sgd_sentence(r: DecayOutcome) -> str:
    if r.sgd_difference <= SAME_TOLERANCE:
        return (f"With SGD, L2 and weight decay at λ = {r.strength:g} end with the same weights: "
                f"the largest difference is {r.sgd_difference:.1e} — the same update.")
    return (f"Here the two SGD runs differ by up to {r.sgd_difference:.3g} in a weight, more "
            f"than rounding: they did not make the same updates.")


def _adam_sentence(r: DecayOutcome) -> str:
    l2, decoupled = r.norms["Adam + L2"], r.norms["AdamW"]
    if r.adam_difference <= SAME_TOLERANCE:
        return (f"Here Adam + L2 and AdamW ended with the same weights (difference "
                f"{r.adam_difference:.1e}) — unexpected for an adaptive optimizer.")
    smaller = "Adam + L2" if l2 < decoupled else "AdamW"
    return (f"With Adam they part: weights differ by up to {r.adam_difference:.3g}; ‖w‖₂ is "
            f"{l2:.2f} with Adam + L2 and {decoupled:.2f} with AdamW, so the same λ shrank "
            f"{smaller} more (validation loss {r.val_loss['Adam + L2']:.3f} vs "
            f"{r.val_loss['AdamW']:.3f}).")


def decay_sentence(trace: DecayTrace) -> str:
    """How unevenly Adam applies the L2 term, from each weight's pull at the end."""
    low, high = np.percentile(trace.l2_pull, [5, 95])
    return (f"At the end of training the L2 term pulled Adam's weights unevenly: at the 95th "
            f"percentile (weights with small gradients) {high:.3g} times as hard as the median "
            f"weight, at the 5th (large gradients) {low:.2g} times — a {high / low:.0f}-fold "
            f"spread. AdamW pulls every weight alike, shrinking it by the factor 1 − ηλ = "
            f"1 − {trace.decoupled_decay:.1e} per step.")


def seeds_sentence(spread: pd.DataFrame) -> str:
    """One sentence from `mean_and_spread(results, "weight_norm")` over seeds."""
    parts = [f"{name} {row['mean']:.2f} ± {row['std']:.2f}" for name, row in spread.iterrows()]
    return "‖w‖₂ at the end (mean ± std over seeds): " + ", ".join(parts) + "."
