"""Side by side: several configs trained on one split, from the same initial weights
where their architectures match, stepped in lockstep so a comparison shows the
regularizer and nothing else. Runs of one structure train as one stacked group
(`regcore.group`): a comparison with BatchNorm in one of four runs is two groups."""
from __future__ import annotations

from .config import DATA_FIELDS, Config
from .datasets import Dataset
from .group import form_groups
from .run import Run
from .training import Trainer, dataset_for, one_blas_thread


def architecture(config: Config) -> tuple:
    """What fixes the shapes and the initial values of a model's parameters."""
    return (config.hidden, config.norm, config.init)


class Lockstep:
    """trainers[i] trains configs[i]; `step(n)` advances every unfinished run by n epochs.
    groups: the stacked groups the runs train in (formed at the first step)."""

    def __init__(self, configs: list[Config], data: Dataset | None = None):
        if not configs:
            raise ValueError("a comparison needs at least one config")
        _check_shared_data(configs, data)
        self.data = dataset_for(configs[0]) if data is None else data
        self.trainers = [Trainer(config, self.data) for config in configs]
        _share_initial_weights(self.trainers)
        self.groups = None

    @property
    def done(self) -> bool:
        return all(trainer.done for trainer in self.trainers)

    def step(self, epochs: int = 1) -> list[list[dict]]:
        """Advance each unfinished run by up to `epochs` epochs, one epoch of every group in
        turn; returns the new records per run."""
        if self.groups is None:
            self.groups = form_groups(self.trainers)
        seen = [len(trainer.records) for trainer in self.trainers]
        with one_blas_thread():
            for _ in range(epochs):
                for group in self.groups:
                    if not group.done:
                        group.step_epoch()
        return [trainer.records[count:] for trainer, count in zip(self.trainers, seen)]

    def runs(self) -> list[Run]:
        return [trainer.run() for trainer in self.trainers]


def _check_shared_data(configs: list[Config], data: Dataset | None) -> None:
    if data is not None:
        return
    first = configs[0]
    for config in configs[1:]:
        for name in DATA_FIELDS:
            if getattr(config, name) != getattr(first, name):
                raise ValueError(f"runs in a comparison share their data; {name} differs "
                                 f"({getattr(first, name)!r} vs {getattr(config, name)!r})")


def _share_initial_weights(trainers: list[Trainer]) -> None:
    first_of: dict[tuple, Trainer] = {}
    for trainer in trainers:
        key = architecture(trainer.config)
        if key in first_of:
            trainer.load_initial_state(first_of[key].model.state())
        else:
            first_of[key] = trainer


def train_side_by_side(configs: list[Config], data: Dataset | None = None) -> list[Run]:
    """Train configs in lockstep to the end; one Run per config, in order."""
    lockstep = Lockstep(configs, data)
    while not lockstep.done:
        lockstep.step()
    return lockstep.runs()
