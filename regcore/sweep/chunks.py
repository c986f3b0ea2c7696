"""Chunks: a sweep's runs cut into pieces that a worker trains as stacked groups.

Runs can share a group when their structure matches (`regcore.group.structure`); here that
is judged from the configs alone, before any data exist, by `compatibility`. A chunk is
only a unit of work: the worker forms the exact groups itself, and numbers do not depend on
which runs share a chunk. Each set of compatible runs is dealt round-robin into `pieces`
chunks (one per worker), so long and short runs spread evenly; a chunk is capped so that its
stacked inputs and activations stay within MEMORY_BUDGET numbers.
"""
from __future__ import annotations

import math

from ..group import MEMORY_BUDGET
from ..model import EVALUATION_ROWS

MOST_RUNS = 48

Run = tuple[int, dict]  # (run index, Config.to_dict())


def compatibility(config: dict) -> tuple:
    """What must match for two runs to train in one group (data shapes and structure)."""
    optimizer = config["optimizer"]
    if optimizer == "momentum" and config["momentum"] == 0:
        optimizer = "sgd"
    return (config["dataset"], config["n_samples"], config["val_fraction"],
            config["n_features"], tuple(config["hidden"]), config["activation"], config["norm"],
            config["batch_size"], optimizer)


def most_runs(config: dict) -> int:
    """The largest chunk of runs like `config` within MEMORY_BUDGET (at least 1): per run,
    its inputs twice (stacked, and shuffled each epoch; n_features bounds every data set's
    width but the largest) and the activations of the samples evaluated at once."""
    widest = max([64, *config["hidden"]])
    per_run = (2 * config["n_samples"] * max(64, config["n_features"])
               + min(config["n_samples"], EVALUATION_ROWS) * widest)
    return max(1, min(MOST_RUNS, MEMORY_BUDGET // per_run))


def work(run: Run) -> int:
    """An estimate of a run's length: epochs × samples."""
    return run[1]["epochs"] * run[1]["n_samples"]


def make_chunks(runs: list[Run], pieces: int) -> list[list[Run]]:
    """Chunks of compatible runs, at least `pieces` of each set of compatible runs where it
    has that many, the chunks with the most work first."""
    compatible: dict[tuple, list[Run]] = {}
    for run in runs:
        compatible.setdefault(compatibility(run[1]), []).append(run)
    chunks = []
    for similar in compatible.values():
        count = max(pieces, math.ceil(len(similar) / most_runs(similar[0][1])))
        chunks += [similar[i::count] for i in range(min(count, len(similar)))]
    return sorted(chunks, key=lambda chunk: -sum(work(run) for run in chunk))
