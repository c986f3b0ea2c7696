"""What a worker does with a chunk of a sweep's runs: `run_configs`, a top-level function
that a process pool or a Dask cluster sends by name (the worker imports regcore itself), and
`ChunkTraining`, the same work an epoch at a time for the in-process backend.

A chunk's runs train in stacked groups (`regcore.group`), which leaves every run's numbers
as they would be alone: a sweep gives the same rows whichever runs share a chunk.
"""
from __future__ import annotations

import math
import pkgutil

from ..config import DATA_FIELDS, Config
from ..datasets import Dataset
from ..group import form_groups
from ..summary import SUMMARY_COLUMNS, summarize
from ..training import Trainer, dataset_for, one_blas_thread

Outcome = tuple[int, dict]  # (run index, summary)


class ChunkTraining:
    """Runs (index, Config.to_dict()) training in stacked groups, one group epoch per
    `step()`. A config the engine refuses at the start (say monitor val_acc on a regression
    set) comes back as a failed run rather than stopping the whole sweep. Runs with equal
    data fields share one Dataset, built from those fields and the seed as anywhere else.
    A summary reads no per-epoch weight statistics or histograms, so none are kept."""

    def __init__(self, runs: list[tuple[int, dict]]):
        self._outcomes: list[Outcome] = []
        self._trainers: list[tuple[int, Trainer]] = []
        datasets: dict[tuple, Dataset] = {}
        for index, config in runs:
            try:
                config = Config.from_dict(config)
                key = tuple(getattr(config, name) for name in DATA_FIELDS)
                if key not in datasets:
                    datasets[key] = dataset_for(config)
                trainer = Trainer(config, datasets[key], weight_records=False)
                self._trainers.append((index, trainer))
            except ValueError as error:
                self._outcomes.append((index, failed_summary(str(error))))
        self._groups = form_groups(trainer for _, trainer in self._trainers)

    @property
    def done(self) -> bool:
        return not self._trainers and not self._outcomes

    def step(self) -> list[Outcome]:
        """Train the first unfinished group one epoch; the outcomes of the runs that ended
        (and, at the first call, of the runs that could not start)."""
        group = next((group for group in self._groups if not group.done), None)
        if group is not None:
            group.step_epoch()
        finished, self._outcomes = self._outcomes, []
        for index, trainer in [item for item in self._trainers if item[1].done]:
            finished.append((index, {**summarize(trainer.run()), "message": trainer.message}))
        self._trainers = [item for item in self._trainers if not item[1].done]
        return finished


def run_configs(configs: list[dict]) -> list[dict]:
    """Train the Configs described by `configs` (Config.to_dict() each) and return their
    summaries in order: `summarize` columns plus each run's message.

    The whole chunk keeps BLAS on one thread: a sweep gets its parallelism from its workers,
    and one matrix product on several BLAS threads leaves them spinning for ~0.1 s after,
    taking a core from the worker next to this one."""
    with one_blas_thread():
        chunk = ChunkTraining(list(enumerate(configs)))
        outcomes = []
        while not chunk.done:
            outcomes += chunk.step()
    return [summary for _, summary in sorted(outcomes, key=lambda outcome: outcome[0])]


def warm_up() -> None:
    """Train one tiny run (40 samples, one epoch) as a worker would, so that a process
    forked afterwards has nothing left to load. Never raises: a process that cannot warm up
    still trains, only later."""
    try:
        run_configs([Config(dataset="moons", n_samples=40, hidden=(4,), epochs=1).to_dict()])
    except Exception:  # noqa: BLE001 - warming up is an optimization, never a failure
        pass


def run_config(config: dict) -> dict:
    """The summary of one config (a chunk of one)."""
    return run_configs([config])[0]


def failed_summary(message: str) -> dict:
    """A summary for a run that could not start: status "failed", NaN for every number."""
    summary = dict.fromkeys(SUMMARY_COLUMNS, math.nan)
    summary.update(status="failed", epochs_trained=0, stopped_epoch=0, message=message)
    return summary


class ByName:
    """A module-level function that pickles as its dotted name and is looked up again where it
    is unpickled. Plain pickling of a function checks that the name still leads to the same
    object; Streamlit re-imports edited modules while a page runs, which breaks that check
    for a sweep started before the edit."""

    def __init__(self, path: str):
        self.path = path  # "package.module:function"

    def __call__(self, *args, **kwargs):
        return pkgutil.resolve_name(self.path)(*args, **kwargs)

    def __reduce__(self):
        return pkgutil.resolve_name, (self.path,)


RUN_CONFIGS = ByName(f"{__name__}:run_configs")
