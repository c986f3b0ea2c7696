"""Layer normalization lesson: the batch-norm experiments repeated with LayerNorm, and why
LayerNorm does not care about the batch.

Per sample, over its own H features (never mixing samples):
    μ = (1/H) Σ_j x_j,   σ² = (1/H) Σ_j (x_j − μ)²,   x̂_j = (x_j − μ) / √(σ² + ε),
    y_j = γ_j·x̂_j + β_j   (γ, β: one per feature).
The same computation in training and evaluation: no running statistics.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..config import Config
from ..layers import BatchNorm, LayerNorm
from ..limits import LIMITS
from ..repeat import mean_and_spread
from .batch_norm import (UNSCALED, batch_name, batch_size_configs, mode_mismatch, norm_configs,
                         norm_name, over_seeds_with)

COMPARED_BATCHES = (2, 8, 64)    # the study over seeds
LIVE_BATCHES = (2, 64)           # the live comparison: 2 sizes × 2 normalizations = 4 runs
COMPARED_EPOCHS = 12
DEMO_FEATURES = 6
DEMO_LAYERS = {"batch": BatchNorm, "layer": LayerNorm}


def unscaled_configs(base: Config = UNSCALED) -> list[Config]:
    """[without normalization, with LayerNorm] on the badly scaled inputs."""
    return norm_configs("layer", base)


def bn_vs_ln_configs(batch_sizes: Sequence[int] = LIVE_BATCHES, base: Config = UNSCALED,
                     epochs: int = COMPARED_EPOCHS) -> list[Config]:
    """BatchNorm and LayerNorm at each batch size, in the order (BN b1, LN b1, BN b2, ...)."""
    return [base.replace(norm=norm, batch_size=int(b), epochs=epochs)
            for b in batch_sizes for norm in ("batch", "layer")]


# one sample in batches of different sizes --------------------------------------------------------
def batch_dependence(batch_sizes: Sequence[int] = COMPARED_BATCHES,
                     n_features: int = DEMO_FEATURES, seed: int = 0) -> pd.DataFrame:
    """Put the same sample x₀ (first row) into batches of each size — the other rows drawn at
    random — and pass each batch through a fresh BatchNorm and LayerNorm (regcore's layers,
    train mode, γ = 1, β = 0). Rows: norm, batch_size, unit, output (x₀'s normalized value)."""
    rng = np.random.default_rng(seed)
    sample = rng.normal(2.0, 3.0, size=n_features)
    rows = []
    for size in batch_sizes:
        batch = np.vstack([sample, rng.normal(2.0, 3.0, size=(int(size) - 1, n_features))])
        for norm, layer_class in DEMO_LAYERS.items():
            out = layer_class(n_features, dtype=np.float64).forward(batch, train=True)[0]
            rows += [{"norm": norm, "batch_size": int(size), "unit": j + 1, "output": value}
                     for j, value in enumerate(out)]
    return pd.DataFrame(rows)


def output_change(frame: pd.DataFrame) -> dict[str, float]:
    """Per norm: the largest change of any output unit of x₀ across the batch sizes
    (max over units of max − min over batch sizes)."""
    spans = frame.groupby(["norm", "unit"])["output"].agg(lambda v: v.max() - v.min())
    return {norm: float(spans.loc[norm].max()) for norm in DEMO_LAYERS}


def independence_sentences(change: dict[str, float], batch_sizes: Sequence[int]) -> list[str]:
    sizes = ", ".join(str(b) for b in batch_sizes)
    sentences = []
    for norm, span in change.items():
        verdict = ("the same output whatever the batch" if span < 1e-6
                   else "its output depends on which batch it sits in")
        sentences.append(f"{norm_name(norm)}: the same sample in batches of {sizes} changes its "
                         f"normalized output by up to {span:.3g} — {verdict}.")
    return sentences


# BatchNorm vs LayerNorm across batch sizes -------------------------------------------------------
def across_batches(results: pd.DataFrame, column: str = "final_val_loss") -> pd.DataFrame:
    """From rows with columns run ("BatchNorm, batch 2" ...), norm, batch_size, `column`
    (one per seed): per norm, the mean of `column` at each batch size and its RANGE across batch
    sizes (max − min of those means) — how much the result depends on the batch size."""
    means = results.groupby(["norm", "batch_size"])[column].mean().unstack("batch_size")
    means["range"] = means.max(axis=1) - means.min(axis=1)
    return means


def norm_measure(run) -> dict:
    """What the across-batch comparison records of one run."""
    return {"norm": run.config.norm, "batch_size": run.config.batch_size,
            "final_val_loss": run.final("val_loss"), "final_val_acc": run.final("val_acc"),
            **mode_mismatch(run.model, run.data.X_train, run.config.batch_size)}


def across_study(batch_sizes: Sequence[int] = COMPARED_BATCHES, seeds: Sequence[int] = (0,),
                 base: Config = UNSCALED, epochs: int = COMPARED_EPOCHS) -> pd.DataFrame:
    """BatchNorm and LayerNorm at each batch size, once per seed: `norm_measure` rows. Each
    normalization trains as its own side-by-side group, so no more than LIMITS.max_runs runs
    train at once."""
    if not 1 <= len(batch_sizes) <= LIMITS.max_runs:
        raise ValueError(f"compare 1 to {LIMITS.max_runs} batch sizes, got {len(batch_sizes)}")
    frames = []
    for norm in ("batch", "layer"):
        configs = batch_size_configs(norm, batch_sizes, base, epochs)
        frames.append(over_seeds_with(configs, [batch_name(c) for c in configs], seeds,
                                      norm_measure))
    return pd.concat(frames, ignore_index=True)


def measure_runs(runs, names: Sequence[str]) -> pd.DataFrame:
    """`norm_measure` of each run that has trained, one row per run (with its seed)."""
    return pd.DataFrame([{"run": name, "seed": run.config.seed, **norm_measure(run)}
                         for run, name in zip(runs, names) if len(run.history)])


def across_sentences(results: pd.DataFrame) -> list[str]:
    """Which normalization's validation loss varies less across batch sizes, and the
    train/eval disagreement at the smallest batch."""
    loss = across_batches(results, "final_val_loss")
    if not {"batch", "layer"} <= set(loss.index):
        return []
    bn, ln = loss.loc["batch", "range"], loss.loc["layer", "range"]
    steadier = "LayerNorm varies less" if ln < bn else "LayerNorm does NOT vary less here"
    n_seeds = results["seed"].nunique() if "seed" in results else 1
    sizes = ", ".join(str(b) for b in loss.columns if b != "range")
    sentences = [f"Across batch sizes {sizes} ({n_seeds} seed{'s' if n_seeds > 1 else ''}), the "
                 f"validation loss spans {bn:.3f} with BatchNorm and {ln:.3f} with LayerNorm "
                 f"(max − min of the means): {steadier}."]
    smallest = results["batch_size"].min()
    small = results[results["batch_size"] == smallest].groupby("norm")["disagreement"].mean()
    bn_small, ln_small = (small.get(norm, float("nan")) for norm in ("batch", "layer"))
    sentences.append(f"At batch {smallest}, train mode and eval mode disagree on "
                     f"{bn_small:.1%} of training points with BatchNorm and "
                     f"{ln_small:.1%} with LayerNorm, which has no running "
                     f"statistics to differ from.")
    return sentences


def seed_table(results: pd.DataFrame) -> pd.DataFrame:
    """mean ± std of the final validation loss per run name, for display."""
    return mean_and_spread(results, "final_val_loss")
