"""Sweep results as tables: one row per run, and the mean ± std over seeds per grid point."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..summary import SUMMARY_COLUMNS
from .grid import SweepPlan


def columns(plan: SweepPlan) -> list[str]:
    """point (the grid point's number), the grid keys, seed, the summary, the run's message."""
    return ["point", *plan.keys, "seed", *SUMMARY_COLUMNS, "message"]


def make_row(plan: SweepPlan, index: int, summary: dict) -> dict:
    """The result row of run `index` (see SweepPlan.runs for the numbering)."""
    point, seed = divmod(index, len(plan.seeds))
    return {"point": point, **plan.points[point], "seed": plan.seeds[seed], **summary}


def results_frame(plan: SweepPlan, rows: Iterable[dict]) -> pd.DataFrame:
    """Rows ordered by grid point, then by the position of their seed in plan.seeds."""
    seed_position = {seed: i for i, seed in enumerate(plan.seeds)}
    ordered = sorted(rows, key=lambda row: (row["point"], seed_position[row["seed"]]))
    return pd.DataFrame(ordered, columns=columns(plan))


def aggregate(results: pd.DataFrame, keys: Sequence[str], metric: str) -> pd.DataFrame:
    """Per combination of `keys` (in order of first appearance): mean, std (NaN below 2 runs:
    one seed shows no spread) and count of `metric` over the runs that produced a finite
    number (a diverged or failed run may have none)."""
    keys = list(keys)
    if not keys:
        raise ValueError("aggregate needs at least one key to group by")
    missing = [name for name in [*keys, metric] if name not in results.columns]
    if missing:
        raise ValueError(f"results have no column(s) {', '.join(missing)}")
    values = pd.to_numeric(results[metric], errors="coerce").replace([np.inf, -np.inf], np.nan)
    grouped = values.groupby([results[key] for key in keys], sort=False)
    return grouped.agg(["mean", "std", "count"]).reset_index()
