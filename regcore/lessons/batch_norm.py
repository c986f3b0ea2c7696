"""Batch normalization lesson: badly scaled inputs trained with and without BatchNorm at the
same learning rate, the train/eval mismatch of small batches, and the learned γ and β.

Runs at different batch sizes are compared at (about) the same number of updates: with the
same epochs, batch 2 would take 32 times more steps than batch 64 and the comparison would
measure that instead. A run without normalization at the same sizes and updates shows how
much the batch size changes through optimization alone.

Per feature, over the B samples of a batch (training):
    μ_B = (1/B) Σ x_i,   σ²_B = (1/B) Σ (x_i − μ_B)²   (biased),
    x̂_i = (x_i − μ_B) / √(σ²_B + ε),   y_i = γ·x̂_i + β.
In evaluation, running averages of μ and σ² (momentum 0.1, unbiased variance) replace the
batch statistics — so a network trained on tiny, noisy batches meets different statistics at test.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..config import Config
from ..layers import BatchNorm, LayerNorm
from ..losses import log_softmax
from ..repeat import mean_and_spread
from ..training import Trainer, dataset_for

# breast_cancer as measured: features from ~0.001 (fractal dimension) to ~4000 (area)
UNSCALED = Config(dataset="breast_cancer", n_samples=569, scale=False, hidden=(64, 64),
                  optimizer="adam", lr=1e-3, batch_size=32, epochs=40)
TARGET_VAL_LOSS = 0.3
CHECK_EPOCH = 5                   # "validation loss after this many epochs"
SMALL_BATCHES = (2, 64)           # the live comparison: 2 sizes × (BatchNorm, none) = 4 runs
UPDATES = 400                     # parameter updates of every run of a batch-size comparison
LEARNED_DRIFT = 0.05              # mean |γ − 1| or |β| from which γ, β count as learned
NORM_NAMES = {"none": "no normalization", "batch": "BatchNorm", "layer": "LayerNorm"}


def norm_configs(norm: str = "batch", base: Config = UNSCALED) -> list[Config]:
    """[without normalization, with `norm`], same data, same learning rate."""
    return [base.replace(norm="none"), base.replace(norm=norm)]


def batch_size_configs(norms: Sequence[str] = ("batch", "none"),
                       batch_sizes: Sequence[int] = SMALL_BATCHES, base: Config = UNSCALED,
                       updates: int = UPDATES) -> list[Config]:
    """Each normalization at each batch size (size-major: b1 norm1, b1 norm2, b2 norm1, …),
    every run with epochs chosen so it makes about `updates` parameter updates."""
    n_train = dataset_for(base).n_train
    configs = []
    for size in batch_sizes:
        for norm in norms:
            config = base.replace(norm=norm, batch_size=int(size))
            configs.append(config.replace(epochs=epochs_for_updates(config, n_train, updates)))
    return configs


def steps_per_epoch(n_train: int, batch_size: int, norm: str) -> int:
    """Updates in one epoch: one per batch, less a last batch of one row under BatchNorm
    (which the trainer skips: normalizing over one sample is undefined)."""
    steps = math.ceil(n_train / batch_size)
    return steps - 1 if norm == "batch" and steps > 1 and n_train % batch_size == 1 else steps


def epochs_for_updates(config: Config, n_train: int, updates: int) -> int:
    """Whole epochs that come closest to `updates` updates (at least one)."""
    return max(1, round(updates / steps_per_epoch(n_train, config.batch_size, config.norm)))


def updates_of(run) -> int:
    """Parameter updates a run has made: epochs trained × updates per epoch."""
    data = run.data
    config = run.config
    return len(run.history_table) * steps_per_epoch(data.n_train, config.batch_size, config.norm)


def feature_scale_span(data) -> tuple[float, float]:
    """(smallest, largest) mean |x| over the training columns: how unequal the input scales are."""
    magnitudes = np.abs(data.X_train).mean(axis=0)
    return float(magnitudes.min()), float(magnitudes.max())


def norm_name(norm: str) -> str:
    return NORM_NAMES[norm]


def batch_name(config: Config) -> str:
    return f"{NORM_NAMES[config.norm]}, batch {config.batch_size}"


# convergence speed ------------------------------------------------------------------------------
def epochs_to_target(history: pd.DataFrame, column: str = "val_loss",
                     target: float = TARGET_VAL_LOSS) -> int | None:
    """First epoch whose `column` reaches the target (≤ for losses, ≥ for accuracies); None if
    it never does."""
    values = history[column]
    reached = values >= target if column.endswith("acc") else values <= target
    epochs = history.loc[reached, "epoch"]
    return int(epochs.iloc[0]) if len(epochs) else None


def value_at(history: pd.DataFrame, column: str, epoch: int) -> float:
    row = history.loc[history["epoch"] == epoch, column]
    return float(row.iloc[0]) if len(row) else float("nan")


@dataclass(frozen=True)
class SpeedOutcome:
    name: str
    lr: float
    epochs: int
    epochs_to_target: int | None
    val_loss_at_check: float
    final_val_loss: float


def speed_outcomes(runs, names: Sequence[str]) -> list[SpeedOutcome]:
    return [SpeedOutcome(name, run.config.lr, len(run.history_table), epochs_to_target(run.history),
                         value_at(run.history, "val_loss", CHECK_EPOCH), run.final("val_loss"))
            for run, name in zip(runs, names) if len(run.history_table)]


def _reach_text(outcome: SpeedOutcome) -> str:
    if outcome.epochs_to_target is None:
        return f"{outcome.name} has not reached it in {outcome.epochs} epochs"
    return f"{outcome.name} reaches it at epoch {outcome.epochs_to_target}"


def speed_sentences(plain: SpeedOutcome, normalized: SpeedOutcome,
                    target: float = TARGET_VAL_LOSS) -> list[str]:
    """Compare the run without normalization with the normalized one."""
    sentences = [f"Target: validation loss ≤ {target}, same learning rate ({normalized.lr:g}). "
                 f"{_reach_text(normalized)}; {_reach_text(plain)}."]
    cap = max(plain.epochs, normalized.epochs) + 1
    plain_at, norm_at = (o.epochs_to_target or cap for o in (plain, normalized))
    if norm_at < plain_at:
        sentences.append(f"{normalized.name} got there sooner on this run.")
    elif norm_at > plain_at:
        sentences.append(f"On this run {normalized.name} got there LATER than {plain.name}.")
    elif normalized.epochs_to_target is None:
        sentences.append("Neither has reached the target yet.")
    if np.isfinite(plain.val_loss_at_check) and np.isfinite(normalized.val_loss_at_check):
        lower = normalized if normalized.val_loss_at_check < plain.val_loss_at_check else plain
        sentences.append(f"After {CHECK_EPOCH} epochs the validation loss is "
                         f"{normalized.val_loss_at_check:.3g} with {normalized.name} and "
                         f"{plain.val_loss_at_check:.3g} with {plain.name} — lower with "
                         f"{lower.name}.")
    return sentences


# train mode vs eval mode -------------------------------------------------------------------------
def batch_starts(n: int, batch_size: int) -> list[int]:
    """Start indices of batches of `batch_size` over n rows; a last batch of one row joins
    the one before (normalizing over a single sample is undefined)."""
    starts = list(range(0, n, batch_size))
    if len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()
    return starts + [n]


def is_normalization(layer) -> bool:
    return isinstance(layer, (BatchNorm, LayerNorm))


def forward_with_batch_stats(model, X: np.ndarray, batch_size: int, seed: int = 0) -> np.ndarray:
    """Network output (N, K) with the normalization layers in TRAIN mode — BatchNorm uses the
    statistics of each shuffled batch of `batch_size`, as during training — and dropout off.
    The running statistics are restored afterwards, so the model is left as it was."""
    saved = {name: value.copy() for name, value in model.buffers.items()}
    X = np.asarray(X, dtype=model.flat.dtype)
    order = np.random.default_rng(seed).permutation(len(X))
    out = None
    try:
        starts = batch_starts(len(X), batch_size)
        for start, stop in zip(starts[:-1], starts[1:]):
            x = model.forward_mixed(X[order[start:stop]], is_normalization)
            if out is None:
                out = np.empty((len(X), x.shape[1]), dtype=x.dtype)
            out[order[start:stop]] = x
    finally:
        for name, value in model.buffers.items():
            value[...] = saved[name]
    return out


def mode_mismatch(model, X: np.ndarray, batch_size: int, seed: int = 0) -> dict:
    """How much predictions change between train mode (batch statistics) and eval mode
    (running statistics). disagreement: share of points whose predicted class differs;
    mean_abs_change: mean over points of ½·Σ_k |p_train,k − p_eval,k|."""
    train_proba = np.exp(log_softmax(forward_with_batch_stats(model, X, batch_size, seed)
                                     .astype(np.float64)))
    eval_proba = model.predict_proba(X)
    return {"disagreement": float(np.mean(train_proba.argmax(1) != eval_proba.argmax(1))),
            "mean_abs_change": float(0.5 * np.abs(train_proba - eval_proba).sum(1).mean())}


@dataclass(frozen=True)
class BatchOutcome:
    """One run of the batch-size comparison (losses in eval mode)."""

    name: str
    norm: str
    batch_size: int
    updates: int
    val_loss: float
    val_acc: float
    disagreement: float
    mean_abs_change: float


def batch_outcomes(runs, names: Sequence[str]) -> list[BatchOutcome]:
    outcomes = []
    for run, name in zip(runs, names):
        if not len(run.history_table):
            continue
        mismatch = mode_mismatch(run.model, run.data.X_train, run.config.batch_size)
        outcomes.append(BatchOutcome(name, run.config.norm, run.config.batch_size,
                                     updates_of(run), run.final("val_loss"),
                                     run.final("val_acc"), **mismatch))
    return outcomes


def outcome_table(outcomes: Sequence[BatchOutcome]) -> pd.DataFrame:
    """The outcomes as rows with the columns of a study over seeds (norm, batch_size,
    final_val_loss, disagreement, …), so one figure draws both."""
    return pd.DataFrame([{**asdict(o), "final_val_loss": o.val_loss} for o in outcomes],
                        columns=[*BatchOutcome.__dataclass_fields__, "final_val_loss"])


def batch_sentences(outcomes: Sequence[BatchOutcome]) -> list[str]:
    """Smallest batch against largest, per normalization: the train/eval mismatch of
    BatchNorm, and the validation loss with and without it."""
    by_norm = {norm: _smallest_and_largest([o for o in outcomes if o.norm == norm])
               for norm in NORM_NAMES}
    sentences = []
    if by_norm["batch"]:
        small, large = by_norm["batch"]
        more = "more" if small.disagreement > large.disagreement else "NOT more"
        sentences.append(
            f"BatchNorm: predictions that change class between train mode (batch statistics) "
            f"and eval mode (running averages): {small.disagreement:.1%} of training points "
            f"with batch {small.batch_size}, {large.disagreement:.1%} with batch "
            f"{large.batch_size} — {more} with the small batch (mean probability change "
            f"{small.mean_abs_change:.3f} vs {large.mean_abs_change:.3f}).")
    sentences += [_loss_sentence(norm, *pair) for norm, pair in by_norm.items() if pair]
    if by_norm["batch"] and by_norm["none"]:
        sentences.append(_baseline_sentence(by_norm["batch"], by_norm["none"]))
    return sentences


def _smallest_and_largest(outcomes: Sequence[BatchOutcome]):
    """(smallest-batch outcome, largest-batch outcome), or None with fewer than two sizes."""
    if len({o.batch_size for o in outcomes}) < 2:
        return None
    return (min(outcomes, key=lambda o: o.batch_size), max(outcomes, key=lambda o: o.batch_size))


def _loss_sentence(norm: str, small: BatchOutcome, large: BatchOutcome) -> str:
    return (f"{NORM_NAMES[norm]}: validation loss {small.val_loss:.3f} with batch "
            f"{small.batch_size} ({small.updates} updates), {large.val_loss:.3f} with batch "
            f"{large.batch_size} ({large.updates} updates).")


def _baseline_sentence(batch_norm: tuple, baseline: tuple) -> str:
    """How much of BatchNorm's change with the batch size is its own: the change without
    normalization (same sizes, same updates) comes from optimization alone."""
    bn_change = batch_norm[0].val_loss - batch_norm[1].val_loss
    plain_change = baseline[0].val_loss - baseline[1].val_loss
    small = batch_norm[0].batch_size
    verdict = ("BatchNorm suffers more from the small batch than the network without it"
               if bn_change > plain_change else
               "here BatchNorm does NOT suffer more from the small batch than the network "
               "without it")
    return (f"Going down to batch {small} changes the validation loss by {bn_change:+.3f} with "
            f"BatchNorm and by {plain_change:+.3f} without normalization, whose change comes "
            f"from optimization alone (fewer samples per update, noisier steps): {verdict}.")


# γ and β over the epochs ------------------------------------------------------------------------
def norm_params(model, epoch: int) -> pd.DataFrame:
    """Every γ and β of the normalization layers: columns epoch, layer, unit, gamma, beta."""
    frames = []
    for name in sorted({key.rsplit(".", 1)[0] for key in model.params if key.endswith(".gamma")}):
        gamma, beta = model.params[f"{name}.gamma"], model.params[f"{name}.beta"]
        frames.append(pd.DataFrame({"epoch": epoch, "layer": name, "unit": np.arange(gamma.size),
                                    "gamma": gamma.astype(np.float64),
                                    "beta": beta.astype(np.float64)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["epoch", "layer", "unit", "gamma", "beta"])


def trace_gamma_beta(config: Config, data=None) -> pd.DataFrame:
    """Train `config` epoch by epoch with a Trainer, copying γ and β after each epoch
    (epoch 0 = the initial γ = 1, β = 0). Same config and seed as a run on screen give that
    run's values exactly."""
    if config.norm == "none":
        raise ValueError("γ and β exist only with norm 'batch' or 'layer'")
    trainer = Trainer(config, data)
    frames = [norm_params(trainer.model, 0)]
    while not trainer.done:
        trainer.step_epoch()
        frames.append(norm_params(trainer.model, trainer.epoch))
    return pd.concat(frames, ignore_index=True)


def trace_matches(trace: pd.DataFrame, model) -> bool:
    """Whether the last epoch of a trace holds exactly the γ and β of `model`."""
    last = norm_params(model, int(trace["epoch"].max()))
    mine = trace[trace["epoch"] == trace["epoch"].max()].reset_index(drop=True)
    return len(last) == len(mine) and bool(np.array_equal(last[["gamma", "beta"]].to_numpy(),
                                                          mine[["gamma", "beta"]].to_numpy()))


def gamma_beta_sentences(trace: pd.DataFrame) -> list[str]:
    """How far γ and β moved from 1 and 0, per layer, at the last epoch traced."""
    last = trace[trace["epoch"] == trace["epoch"].max()]
    sentences = []
    for layer, part in last.groupby("layer", sort=True):
        drift_gamma = float((part["gamma"] - 1).abs().mean())
        drift_beta = float(part["beta"].abs().mean())
        drift = max(drift_gamma, drift_beta)
        moved = ("they moved: the network learned its own scale and shift per unit"
                 if drift >= LEARNED_DRIFT else
                 "they moved little from 1 and 0: the network kept the normalized scale and "
                 "shift almost as they were" if drift >= 1e-3 else
                 "they barely moved from 1 and 0")
        sentences.append(
            f"{layer} after {int(part['epoch'].iloc[0])} epochs: γ from {part['gamma'].min():.3f} "
            f"to {part['gamma'].max():.3f} (mean |γ − 1| = {drift_gamma:.3f}), β from "
            f"{part['beta'].min():.3f} to {part['beta'].max():.3f} (mean |β| = {drift_beta:.3f}); "
            f"{moved}.")
    return sentences


# measurements repeated over seeds (regcore.repeat.over_seeds(..., measure=…)) ----------------
def speed_measure(run) -> dict:
    """Epochs to the target, a miss counted as epochs + 1 (so means stay comparable)."""
    reached = epochs_to_target(run.history)
    return {"reached": reached is not None,
            "epochs_to_target": reached if reached is not None else run.config.epochs + 1,
            "final_val_loss": run.final("val_loss")}


def batch_measure(run) -> dict:
    return {"norm": run.config.norm, "batch_size": run.config.batch_size,
            "updates": updates_of(run), "final_val_loss": run.final("val_loss"),
            **mode_mismatch(run.model, run.data.X_train, run.config.batch_size)}


def speed_seed_sentences(results: pd.DataFrame) -> list[str]:
    stats = mean_and_spread(results, "epochs_to_target")
    reached = results.groupby("run", sort=False)["reached"].agg(["sum", "count"])
    parts = [f"{name} reached it in {int(reached.loc[name, 'sum'])} of "
             f"{int(reached.loc[name, 'count'])} seeds (epoch {row['mean']:.1f} ± {row['std']:.1f})"
             for name, row in stats.iterrows()]
    return [f"Over {results['seed'].nunique()} seeds, validation loss ≤ {TARGET_VAL_LOSS}: "
            + "; ".join(parts) + " — a miss counts as one epoch past the end."]


def batch_seed_sentences(results: pd.DataFrame) -> list[str]:
    loss = mean_and_spread(results, "final_val_loss")
    mismatch = mean_and_spread(results, "disagreement")
    parts = [f"{name}: validation loss {loss.loc[name, 'mean']:.3f} ± {loss.loc[name, 'std']:.3f}, "
             f"train/eval disagreement {mismatch.loc[name, 'mean']:.1%} ± "
             f"{mismatch.loc[name, 'std']:.1%}" for name in loss.index]
    return [f"Over {results['seed'].nunique()} seeds — " + "; ".join(parts) + "."]
