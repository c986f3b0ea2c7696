"""Which cells of a sweep its seeds can tell apart from the best one, and what it measured,
in sentences.

A cell holds the mean m of a metric over its n seeds, with standard deviation s (the seed
spread) and standard error s/√n. A cell is *tied with the best* when its mean lies within
one standard error of the difference of the two means,

    |m − m_best| ≤ √(s²/n + s_best²/n_best),

so a difference that small could be the seeds' noise. With fewer than 2 seeds in either cell
no spread is known, and neither is whether the cell differs from the best.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..settings import SETTINGS

BETTER = {"best_val_loss": "lower", "final_val_loss": "lower", "final_val_acc": "higher"}
SUPERLATIVE = {"lower": "lowest", "higher": "highest"}
BEST, TIED, APART, UNKNOWN = "best", "tied", "apart", "unknown"
# settings whose larger values mean more regularization: a grid of these has a weakest cell
REGULARIZERS = ("penalty_strength", "dropout", "weight_decay")


def standings(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """`table` from `aggregate` (mean, std, count per cell) with two columns added: `sem`,
    std/√count (NaN below 2 seeds), and `standing`: BEST (the best mean), TIED (within one
    standard error of the difference from the best), APART, UNKNOWN (this cell or the best
    has no spread), or "" (a metric with no better direction, or a cell with no number)."""
    table = table.copy()
    table["sem"] = table["std"] / np.sqrt(table["count"])
    table["standing"] = ""
    finite = table["mean"].notna()
    if metric not in BETTER or not finite.any():
        return table
    means = table.loc[finite, "mean"]
    best = means.idxmin() if BETTER[metric] == "lower" else means.idxmax()
    error = np.sqrt(table["sem"] ** 2 + table.at[best, "sem"] ** 2)
    distance = (table["mean"] - table.at[best, "mean"]).abs()
    table.loc[finite, "standing"] = np.where(error[finite].isna(), UNKNOWN,
                                             np.where(distance[finite] <= error[finite], TIED,
                                                      APART))
    table.at[best, "standing"] = BEST
    return table


def spread_text(std: float, count: int) -> str:
    """The seed spread of a cell: "± 0.072 over 3 seeds", "(1 seed: no spread known)"."""
    if count == 0:
        return "no finite value (every run diverged or failed)"
    if count < 2 or math.isnan(std):
        return f"({count} seed: no spread known)"
    return f"± {std:.2g} over {count} seeds"


def value_text(cell: pd.Series) -> str:
    """A cell's mean and spread: "0.284 ± 0.072 over 3 seeds"."""
    spread = spread_text(cell["std"], cell["count"])
    return spread if cell["count"] == 0 else f"{cell['mean']:.3g} {spread}"


def cell_text(point: Mapping) -> str:
    """A grid cell as people read it: "strength λ = 0.01, dropout = 0.2"."""
    return ", ".join(f"{SETTINGS[key].label if key in SETTINGS else key} = "
                     f"{SETTINGS[key].text(value) if key in SETTINGS else value}"
                     for key, value in point.items())


def measured_sentences(table: pd.DataFrame, keys: Sequence[str], metric: str,
                       label: str) -> list[str]:
    """What the sweep measured, from `standings(table, metric)` over the grid `keys`: the
    seeds behind each cell, the best cell, the cells tied with it, and the least
    regularized cell (for a grid of regularizer strengths)."""
    if table.empty:
        return ["No run finished, so nothing was measured."]
    sentences = [_seed_sentence(table["count"])]
    if "standing" not in table or not (table["standing"] == BEST).any():
        return sentences
    best = table[table["standing"] == BEST].iloc[0]
    sentences.append(f"{SUPERLATIVE[BETTER[metric]].capitalize()} mean {label}: "
                     f"{cell_text(best[list(keys)])}, {value_text(best)}.")
    sentences += _tie_sentences(table["standing"])
    if all(key in REGULARIZERS for key in keys):
        sentences.append(_weakest_sentence(table, list(keys), best))
    return sentences


def _seed_sentence(counts: pd.Series) -> str:
    low, high = int(counts.min()), int(counts.max())
    if low == high:
        return f"Each cell is the mean over {high} seed{'s' * (high != 1)}."
    return (f"Each cell is the mean over {low} to {high} seeds: runs that diverged or failed, "
            f"or were cancelled, give no number.")


def _tie_sentences(standing: pd.Series) -> list[str]:
    tied, unknown = int((standing == TIED).sum()), int((standing == UNKNOWN).sum())
    sentences = []
    if tied:
        sentences.append(f"{tied} other cell{'s are' if tied > 1 else ' is'} within one "
                         f"standard error of the difference from it (marked ≈): tied with the "
                         f"best, the seeds cannot tell {'them' if tied > 1 else 'it'} apart.")
    elif not unknown:
        sentences.append("Every other cell is further from it than one standard error of the "
                         "difference.")
    if unknown:
        sentences.append(f"{unknown} cell{'s have' if unknown > 1 else ' has'} no known spread "
                         f"(fewer than 2 seeds here or in the best cell), so whether "
                         f"{'they differ' if unknown > 1 else 'it differs'} from the best is "
                         f"not known: run 3 or more seeds.")
    return sentences


def _weakest_sentence(table: pd.DataFrame, keys: list[str], best: pd.Series) -> str:
    lowest = table[keys].min()
    found = table.loc[(table[keys] == lowest).all(axis=1)]
    if found.empty:  # a cancelled sweep: that cell's runs never finished
        return f"The least regularized cell ({cell_text(lowest)}) has no result: its runs " \
               f"did not finish."
    weakest = found.iloc[0]
    where = f"The least regularized cell ({cell_text(weakest[keys])}): {value_text(weakest)}"
    standing = weakest["standing"]
    if standing == BEST:
        return where + ": it is the best — more regularization did not help here."
    if standing == TIED:
        return where + ": tied with the best — regularization made no difference these " \
                       "seeds can show."
    if standing == APART:
        error = math.hypot(weakest["sem"], best["sem"])
        return where + (f": {abs(weakest['mean'] - best['mean']):.3g} from the best, more than "
                        f"one standard error of the difference ({error:.2g}).")
    return where + "."
