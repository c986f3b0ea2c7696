"""Dropout lesson: an overfitting network trained with several dropout rates, and three
measurements on the result — the training loss with dropout on and off, the expected
activation under inverted and original dropout, and the network read as an ensemble of masks.

Dropout zeroes each unit's OUTPUT with probability p, with a fresh mask for every batch.
Inverted dropout (regcore, PyTorch): survivors × 1/(1−p) in training, identity at test.
Original (Srivastava et al., 2014): no scaling in training, outputs × (1−p) at test (the same
as multiplying the outgoing weights by the keep probability 1−p).
Both make the expected training activation equal to the test-time activation.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import Config
from ..layers import Dropout
from ..losses import LOSSES, log_softmax
from ..repeat import mean_and_spread
from ..settings import widths_text

OVERFITTING = Config(dataset="moons", n_samples=150, noise=0.3, label_noise=0.1,
                     hidden=(128, 128), optimizer="adam", lr=3e-3, batch_size=32, epochs=200)
RATES = (0.0, 0.2, 0.5)
N_MASKS = 50                                 # masks in the ensemble
N_LOSS_MASKS = 10                            # masks averaged for the train-mode loss
DEMO_ACTIVATIONS = (0.5, 1.0, 2.0, 3.0)      # unit outputs fed to the expectation demo
N_DEMO_MASKS = 20_000
BOUNDARY_BAND = (0.3, 0.7)                   # mean probability counted as "near the boundary"
CURVE_WINDOW = 20                            # last epochs averaged when reading the curves


def rate_configs(rates: Sequence[float] = RATES, base: Config = OVERFITTING) -> list[Config]:
    """One config per dropout rate, everything else equal."""
    return [base.replace(dropout=float(p)) for p in rates]


def caption(config: Config, data_text: str | None = None) -> str:
    """The experiment's setup in words, from its config; `data_text` names other data than
    the preset's (an uploaded table)."""
    data_text = data_text or (f"{config.n_samples} two-moons points with noise "
                              f"{config.noise:g} ({config.label_noise:.0%} of the training "
                              f"labels flipped)")
    return (f"{data_text}; a {widths_text(config.hidden, sep='-')} network, {config.optimizer} "
            f"at lr {config.lr:g}.")


def rate_name(p: float) -> str:
    return "no dropout" if p == 0 else f"dropout p={p:g}"


# forward passes with dropout active ---------------------------------------------------------
def forward_with_dropout(model, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Network output (N, K) for X (N, d) with dropout ACTIVE — a fresh mask per sample and
    unit, drawn from `rng` — and every other layer in eval mode (BatchNorm uses its running
    statistics and updates nothing). The model's own dropout generator is left untouched."""
    dropouts = [layer for layer in model.layers if is_dropout(layer)]
    own = [layer.rng for layer in dropouts]
    try:
        for layer in dropouts:
            layer.rng = rng
        return model.forward_mixed(np.asarray(X, dtype=model.flat.dtype), is_dropout)
    finally:
        for layer, generator in zip(dropouts, own):
            layer.rng = generator


def is_dropout(layer) -> bool:
    return isinstance(layer, Dropout)


def mask_probabilities(model, X: np.ndarray, n_masks: int, rng: np.random.Generator) -> np.ndarray:
    """Class probabilities (n_masks, N, K): one thinned network per mask."""
    return np.stack([np.exp(log_softmax(forward_with_dropout(model, X, rng).astype(np.float64)))
                     for _ in range(n_masks)])


def loss_with_and_without_dropout(model, X, y, n_masks: int = N_LOSS_MASKS,
                                  rng: np.random.Generator | None = None,
                                  task: str = "classification") -> tuple[float, float]:
    """(training loss with dropout on — train mode, mean over n_masks masks —, the same
    weights' loss in eval mode), with the loss the task trains on (softmax cross-entropy or
    mean squared error). Both on the same final weights, so only dropout differs."""
    rng = rng or np.random.default_rng(0)
    loss = LOSSES[task]
    on = np.mean([loss(forward_with_dropout(model, X, rng).astype(np.float64), y)[0]
                  for _ in range(n_masks)])
    return float(on), float(loss(model.predict_output(X).astype(np.float64), y)[0])


# the ensemble of masks ----------------------------------------------------------------------
@dataclass(frozen=True)
class MaskEnsemble:
    """proba (n_masks, N, K): each mask's class probabilities; eval_proba (N, K): the
    network in eval mode (all units, no scaling)."""

    proba: np.ndarray
    eval_proba: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """(N, K): the ensemble's prediction, the average over masks."""
        return self.proba.mean(axis=0)

    @property
    def spread(self) -> np.ndarray:
        """(N,): std across masks of the class probabilities (largest over classes)."""
        return self.proba.std(axis=0).max(axis=-1)


def mask_ensemble(model, X, n_masks: int = N_MASKS, seed: int = 0) -> MaskEnsemble:
    rng = np.random.default_rng(seed)
    return MaskEnsemble(mask_probabilities(model, X, n_masks, rng), model.predict_proba(X))


def ensemble_report(model, X, y, n_masks: int = N_MASKS, seed: int = 0) -> dict:
    """Accuracy of the mask average, of the eval-mode network and of a single mask (mean),
    and how far the mask average is from the eval-mode network:
    mean_abs_diff = mean over points of ½·Σ_k |p̄_k − p_eval,k| (0 = identical)."""
    ensemble = mask_ensemble(model, X, n_masks, seed)
    single = (ensemble.proba.argmax(axis=-1) == y).mean(axis=1)
    return {"n_masks": n_masks,
            "ensemble_acc": float(np.mean(ensemble.mean.argmax(axis=1) == y)),
            "eval_acc": float(np.mean(ensemble.eval_proba.argmax(axis=1) == y)),
            "single_mask_acc": float(single.mean()),
            "mean_abs_diff": float(0.5 * np.abs(ensemble.mean - ensemble.eval_proba).sum(1).mean()),
            "mean_spread": float(ensemble.spread.mean())}


@dataclass(frozen=True)
class EnsembleGrid:
    """xs (nx,), ys (ny,): grid coordinates; mean_proba (ny, nx, K): the mask average;
    spread (ny, nx): std across masks (see MaskEnsemble.spread)."""

    xs: np.ndarray
    ys: np.ndarray
    mean_proba: np.ndarray
    spread: np.ndarray


def ensemble_grid(model, bounds, n_masks: int = N_MASKS, resolution: int = 60,
                  seed: int = 0) -> EnsembleGrid:
    """The mask ensemble evaluated on a resolution × resolution grid within `bounds`."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    ensemble = mask_ensemble(model, np.column_stack([gx.ravel(), gy.ravel()]), n_masks, seed)
    shape = (resolution, resolution)
    return EnsembleGrid(xs, ys, ensemble.mean.reshape(*shape, -1), ensemble.spread.reshape(shape))


def spread_near_boundary(grid: EnsembleGrid, band=BOUNDARY_BAND) -> tuple[float, float]:
    """(mean spread near the boundary, mean spread elsewhere); "near" = the largest mean class
    probability is at most band[1] (for two classes: p between band[0] and band[1]).
    NaN for an empty part."""
    near = grid.mean_proba.max(axis=-1) <= band[1]
    parts = (grid.spread[near], grid.spread[~near])
    return tuple(float(part.mean()) if part.size else float("nan") for part in parts)


# inverted vs original dropout ----------------------------------------------------------------
def expected_activation(x: Sequence[float] = DEMO_ACTIVATIONS, p: float = 0.5,
                        n_masks: int = N_DEMO_MASKS, seed: int = 0) -> pd.DataFrame:
    """Mean training activation over n_masks masks vs the test-time activation, under both
    formulations, with the SAME masks (drawn by regcore's Dropout layer).

    inverted: train x·m/(1−p), test x.   original: train x·m, test x·(1−p).   m ~ Bernoulli(1−p).
    `tolerance` = 4 standard errors of the inverted mean (the original's is (1−p) times that).
    """
    x = np.asarray(x, dtype=np.float64)
    layer = Dropout(p, rng=np.random.default_rng(seed))
    scaled_mask = layer.forward(np.ones((n_masks, x.size)), train=True)  # 1/(1−p) or 0
    kept = scaled_mask > 0
    standard_error = x * np.sqrt(p * (1 - p)) / (1 - p) / np.sqrt(n_masks)
    return pd.DataFrame({"unit": np.arange(1, x.size + 1), "activation": x,
                         "inverted_train_mean": (x * scaled_mask).mean(axis=0),
                         "inverted_test": layer.forward(x, train=False),
                         "original_train_mean": (x * kept).mean(axis=0),
                         "original_test": x * (1 - p),
                         "tolerance": 4 * standard_error})


def expectation_sentences(table: pd.DataFrame, p: float, n_masks: int) -> list[str]:
    inverted = (table["inverted_train_mean"] - table["inverted_test"]).abs()
    original = (table["original_train_mean"] - table["original_test"]).abs()
    within = bool((inverted <= table["tolerance"]).all()
                  and (original <= (1 - p) * table["tolerance"]).all())
    verdict = ("both match their test-time activation within sampling error (4 standard errors)"
               if within else "at least one differs from its test-time activation by more than "
               "4 standard errors — more than sampling error explains")
    return [f"Over {n_masks:,} masks with p = {p:g}: inverted dropout's mean training activation "
            f"is at most {inverted.max():.3f} away from its test-time activation x, the original "
            f"formulation's at most {original.max():.3f} away from x·(1−p); {verdict}."]


# the comparison on screen ----------------------------------------------------------------------
@dataclass(frozen=True)
class RateOutcome:
    """What one run of the comparison measured after `epochs` epochs. train_loss, val_loss:
    eval mode; train_mode_loss: training loss with dropout on (same weights);
    curve_difference: minibatch_loss − train_loss in the history (train mode during the
    epoch minus eval mode after it), averaged over the last CURVE_WINDOW epochs."""

    name: str
    rate: float
    epochs: int
    train_loss: float
    val_loss: float
    train_mode_loss: float
    curve_difference: float

    @property
    def gap(self) -> float:
        return self.val_loss - self.train_loss


def rate_outcomes(runs, names: Sequence[str], n_masks: int = N_LOSS_MASKS) -> list[RateOutcome]:
    outcomes = []
    for run, name in zip(runs, names):
        if not len(run.history_table):
            continue
        data = run.data
        on, _ = loss_with_and_without_dropout(run.model, data.X_train, data.y_train, n_masks,
                                              task=data.task)
        outcomes.append(RateOutcome(name, run.config.dropout, len(run.history_table),
                                    run.final("train_loss"), run.final("val_loss"), on,
                                    curve_difference(run.history)))
    return outcomes


def curve_difference(history: pd.DataFrame, window: int = CURVE_WINDOW) -> float:
    """Mean of minibatch_loss − train_loss over the last `window` epochs."""
    last = history.tail(window)
    return float((last["minibatch_loss"] - last["train_loss"]).mean())


def rate_sentences(outcomes: Sequence[RateOutcome]) -> list[str]:
    """Sentences comparing the run without dropout (lowest rate) with the strongest rate."""
    if len(outcomes) < 2:
        return []
    low, high = min(outcomes, key=lambda o: o.rate), max(outcomes, key=lambda o: o.rate)
    return [_gap_sentence(low, high), _val_loss_sentence(outcomes),
            _train_mode_sentence(high), _minibatch_sentence(low, high)]


def _gap_sentence(low: RateOutcome, high: RateOutcome) -> str:
    head = (f"After {high.epochs} epochs the gap between validation and training loss is "
            f"{low.gap:.3f} with {low.name} and {high.gap:.3f} with {high.name}")
    if high.gap < low.gap:
        return f"{head}: {high.name} narrowed it by {low.gap - high.gap:.3f}."
    return (f"{head}: not narrower — on this run {high.name} did not reduce overfitting "
            f"compared with {low.name}.")


def _val_loss_sentence(outcomes: Sequence[RateOutcome]) -> str:
    best = min(outcomes, key=lambda o: o.val_loss)
    listed = ", ".join(f"{o.name} {o.val_loss:.3f}" for o in outcomes)
    return f"Validation loss: {listed} — lowest with {best.name}."


def _train_mode_sentence(high: RateOutcome) -> str:
    if high.rate == 0:
        return "No run uses dropout, so train mode and eval mode are the same network."
    head = (f"With {high.name}, the training loss with dropout ON (train mode, mean over "
            f"{N_LOSS_MASKS} masks) is {high.train_mode_loss:.3f}")
    if high.train_mode_loss > high.train_loss:
        return (f"{head}, above the {high.train_loss:.3f} the same weights score with dropout OFF "
                f"(eval mode): each mask scores a thinned network, evaluation uses every unit.")
    return (f"{head}, not above the {high.train_loss:.3f} the same weights score with dropout "
            f"OFF (eval mode): here the thinned networks fit the training set as well as the "
            f"full one.")


def _minibatch_sentence(low: RateOutcome, high: RateOutcome) -> str:
    window = min(CURVE_WINDOW, high.epochs)
    larger = "larger" if high.curve_difference > low.curve_difference else "NOT larger"
    sentence = (f"In the curves (mean of the last {window} epochs), the train-mode loss lies "
                f"{high.curve_difference:+.3f} from the eval-mode loss with {high.name} and "
                f"{low.curve_difference:+.3f} with {low.name} — {larger} with more dropout")
    if low.rate == 0:
        sentence += ("; without dropout the difference only reflects the weights changing during "
                     "the epoch")
    return sentence + "."


def ensemble_sentences(report: dict, near_far: tuple[float, float]) -> list[str]:
    sentences = [
        f"Averaging {report['n_masks']} dropout masks gives validation accuracy "
        f"{report['ensemble_acc']:.1%}; the eval-mode network scores {report['eval_acc']:.1%} "
        f"and a single mask {report['single_mask_acc']:.1%} on average.",
        f"The mask average differs from the eval-mode network's probabilities by "
        f"{report['mean_abs_diff']:.3f} on average (0 = identical): "
        + ("close — the eval-mode network is a cheap stand-in for the ensemble."
           if report["mean_abs_diff"] < 0.05 else
           "a sizable difference — with ReLUs the eval-mode network only approximates the "
           "average.")]
    near, far = near_far
    if np.isfinite(near) and np.isfinite(far):
        where = ("most near the boundary" if near > far
                 else "no more near the boundary than away from it")
        sentences.append(f"Masks disagree {where}: the std across masks is {near:.3f} where the "
                         f"mean probability is between {BOUNDARY_BAND[0]} and {BOUNDARY_BAND[1]}, "
                         f"{far:.3f} elsewhere.")
    return sentences


def seed_sentences(results: pd.DataFrame) -> list[str]:
    """From `regcore.repeat.over_seeds` rows: the gap as mean ± std per run."""
    gaps = mean_and_spread(results, "gap")
    n_seeds = results["seed"].nunique()
    listed = ", ".join(f"{name} {row['mean']:.3f} ± {row['std']:.3f}"
                       for name, row in gaps.iterrows())
    first, last = gaps.index[0], gaps.index[-1]
    verdict = ("narrower with" if gaps.loc[last, "mean"] < gaps.loc[first, "mean"]
               else "not narrower with")
    return [f"Over {n_seeds} seeds the validation − training loss gap is {listed}: on average "
            f"{verdict} {last} than with {first}."]
