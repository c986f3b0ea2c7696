"""Sweep results as tables: one row per run, and the mean ± std over seeds per grid point
(with a held-out test split, each point's mean test loss beside it)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..summary import SUMMARY_COLUMNS
from .grid import SweepPlan

TEST_LOSS = "final_test_loss"  # the summary column of the held-out test loss


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
    number (a diverged or failed run may have none). When the runs held out a test split (some
    finite final_test_loss), also `test_loss`: the mean held-out test loss of the combination,
    which reports on a cell chosen by `metric` without having taken part in the choice."""
    keys = list(keys)
    if not keys:
        raise ValueError("aggregate needs at least one key to group by")
    missing = [name for name in [*keys, metric] if name not in results.columns]
    if missing:
        raise ValueError(f"results have no column(s) {', '.join(missing)}")
    values = _finite(results, metric)
    grouped = values.groupby([results[key] for key in keys], sort=False)
    table = grouped.agg(["mean", "std", "count"]).reset_index()
    test = _finite(results, TEST_LOSS) if TEST_LOSS in results.columns else None
    if test is not None and test.notna().any():
        means = test.groupby([results[key] for key in keys], sort=False).mean()
        table["test_loss"] = means.to_numpy()
    return table


def held_out_note(results: pd.DataFrame, point: int) -> str:
    """One line on grid point `point`'s held-out test loss (mean ± std over the seeds that
    produced one), or "" when the sweep had no test split."""
    if TEST_LOSS not in results.columns:
        return ""
    values = _finite(results, TEST_LOSS)[results["point"] == point].dropna()
    if values.empty:
        return ""
    spread = f" ± {values.std():.3g}" if len(values) > 1 else ""
    return (f"Held-out test loss of this configuration: {values.mean():.4g}{spread} "
            f"({len(values)} seed{'s' if len(values) > 1 else ''}); the test rows took part "
            f"in no choice.")


def _finite(results: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(results[column], errors="coerce").replace([np.inf, -np.inf], np.nan)
