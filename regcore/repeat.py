"""Repeat a comparison over several seeds, so a conclusion drawn from noisy small-data runs
can be shown as mean ± spread."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from .compare import Lockstep
from .config import Config
from .datasets import Dataset
from .group import train_all
from .run import Run
from .summary import summarize


def over_seeds(configs: Sequence[Config], seeds: Sequence[int],
               names: Sequence[str] | None = None,
               data: Callable[[int], Dataset] | None = None,
               measure: Callable[[Run], dict] = summarize) -> pd.DataFrame:
    """Train the configs side by side once per seed (the seed changes data, split, initial
    weights, shuffling and dropout masks). One row per (run, seed) with the columns of
    `measure(run)` (by default `summarize`).
    data: the Dataset for a seed (say an uploaded table split by that seed); None: the data
    the configs' fields describe.

    Every seed's comparison is set up as `train_side_by_side` would (shared split, shared
    initial weights), then all runs of all seeds train at once, stacked in groups of one
    structure; the numbers are those of training each seed's comparison by itself."""
    if not seeds:
        raise ValueError("over_seeds needs at least one seed")
    names = list(names) if names is not None else [str(i) for i in range(len(configs))]
    comparisons = [Lockstep([config.replace(seed=seed) for config in configs],
                            None if data is None else data(seed)) for seed in seeds]
    train_all(trainer for comparison in comparisons for trainer in comparison.trainers)
    rows = []
    for seed, comparison in zip(seeds, comparisons):
        rows += [{"run": name, "seed": seed, **measure(run)}
                 for name, run in zip(names, comparison.runs())]
    return pd.DataFrame(rows)


def mean_and_spread(results: pd.DataFrame, column: str, by: str = "run") -> pd.DataFrame:
    """Per group: mean, std (0 for a single seed), min and max of `column`."""
    grouped = results.groupby(by, sort=False)[column]
    frame = grouped.agg(["mean", "std", "min", "max"])
    frame["std"] = frame["std"].fillna(0.0)
    return frame
