"""A sweep plan: the grid checked and expanded into one Config per (grid point, seed).

Every check happens here, before any run starts, so a bad grid costs nothing:
unknown keys, values that are not lists, empty lists, repeated values, too many runs
(LIMITS.max_sweep_runs) and values a Config refuses (each grid point is built once).
"""
from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

from .. import limits
from ..config import FIELDS, Config

LIST_TYPES = (list, tuple, range)


@dataclass(frozen=True)
class SweepPlan:
    """base: the settings every run shares; grid: field → values, in the caller's order;
    seeds: each grid point runs once per seed; points: the grid values of each grid point
    (itertools.product order: the last key varies fastest).
    Run i trains point i // len(seeds) with seed seeds[i % len(seeds)]."""

    base: Config
    grid: dict[str, tuple]
    seeds: tuple[int, ...]
    points: tuple[dict, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.grid)

    @property
    def total(self) -> int:
        return len(self.points) * len(self.seeds)

    @property
    def work(self) -> int:
        """An estimate of the whole sweep's length: Σ epochs × n_samples over its runs."""
        return len(self.seeds) * sum(self.config(point).epochs * self.config(point).n_samples
                                     for point in range(len(self.points)))

    def config(self, point: int, seed: int | None = None) -> Config:
        """The Config of grid point `point` (with the first seed unless `seed` is given)."""
        seed = self.seeds[0] if seed is None else seed
        return self.base.replace(**self.points[point], seed=seed)

    def runs(self) -> list[tuple[int, int, int, Config]]:
        """(run index, point, seed, config) of every run, ordered by point then seed."""
        pairs = itertools.product(range(len(self.points)), self.seeds)
        return [(index, point, seed, self.config(point, seed))
                for index, (point, seed) in enumerate(pairs)]


def plan_sweep(base: Config, grid: Mapping[str, list], seeds: int | list[int] = 3) -> SweepPlan:
    """Check a sweep and expand it. `seeds` = n means seeds base.seed, base.seed+1, …,
    base.seed+n−1; a list gives the seeds themselves. Raises ValueError naming the problem."""
    if not isinstance(base, Config):
        raise ValueError(f"base must be a Config, got {type(base).__name__}")
    grid = _checked_grid(grid)
    seed_list = _checked_seeds(seeds, base)
    _check_run_count(grid, seed_list)
    points = tuple(dict(zip(grid, values)) for values in itertools.product(*grid.values()))
    for point in points:
        _check_point(base, point)
    return SweepPlan(base, grid, seed_list, points)


def _checked_grid(grid) -> dict[str, tuple]:
    if not isinstance(grid, Mapping):
        raise ValueError(f"the grid must be a dict of field → list of values, "
                         f"got {type(grid).__name__}")
    unknown = [key for key in grid if key not in FIELDS]
    if unknown:
        raise ValueError(f"unknown grid key(s): {', '.join(map(repr, unknown))}; "
                         f"valid keys are the Config fields: {', '.join(FIELDS)}")
    if "seed" in grid:
        raise ValueError("'seed' cannot be a grid key: pass the seeds as seeds=[...]")
    checked = {}
    for key, values in grid.items():
        if not isinstance(values, LIST_TYPES):
            raise ValueError(f"grid values must be lists: {key} is {values!r}; "
                             f"write {key}: [{values!r}]")
        if not values:
            raise ValueError(f"grid key {key} has an empty list of values")
        for i, value in enumerate(values):
            if value in values[:i]:
                raise ValueError(f"grid key {key} lists the value {value!r} twice")
        checked[key] = tuple(values)
    return checked


def _checked_seeds(seeds, base: Config) -> tuple[int, ...]:
    if _is_int(seeds):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, got {seeds}")
        seeds = range(base.seed, base.seed + seeds)
    elif not isinstance(seeds, LIST_TYPES) or not seeds:
        raise ValueError(f"seeds must be a count (int ≥ 1) or a non-empty list of ints, "
                         f"got {seeds!r}")
    elif not all(_is_int(seed) for seed in seeds):
        raise ValueError(f"seeds must be integers, got {list(seeds)!r}")
    elif len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds repeat a value: {list(seeds)!r}")
    for seed in (min(seeds), max(seeds)):
        base.replace(seed=seed)  # Config names the valid range
    return tuple(int(seed) for seed in seeds)


def _check_run_count(grid: dict[str, tuple], seeds: tuple[int, ...]) -> None:
    points = math.prod(len(values) for values in grid.values())
    total, cap = points * len(seeds), limits.LIMITS.max_sweep_runs
    if total > cap:
        raise ValueError(f"this sweep has {total} runs ({points} grid points × {len(seeds)} "
                         f"seeds); at most {cap} are allowed — "
                         f"{limits.how_to_raise('max_sweep_runs')}")


def _check_point(base: Config, point: dict) -> None:
    """Build the point's Config, so Config's own checks name the field and its range;
    the message adds which grid point failed."""
    try:
        config = base.replace(**point)
    except (ValueError, TypeError) as error:
        raise ValueError(f"grid point {describe(point)}: {error}") from None
    if config.dataset == "custom":
        raise ValueError("a sweep builds its data from the config in every worker: "
                         "choose a named dataset, not 'custom'")


# a swept field: (the field it depends on, whether a value of that field lets it act, why not)
IDLE_UNLESS = {
    "penalty_strength": ("penalty", lambda penalty: penalty != "none", "the penalty is none"),
    "penalty": ("penalty_strength", lambda strength: strength > 0, "the penalty strength is 0"),
    "l1_ratio": ("penalty", lambda penalty: penalty == "elasticnet",
                 "the penalty is not elasticnet"),
    "momentum": ("optimizer", lambda name: name == "momentum", "the optimizer is not momentum"),
}


def idle_keys(plan: SweepPlan) -> list[str]:
    """One sentence per swept field that acts in no grid point (a strength without a penalty,
    penalties at strength 0, …): such a sweep repeats one configuration."""
    problems = []
    for key in plan.keys:
        if key in IDLE_UNLESS:
            other, acts, reason = IDLE_UNLESS[key]
            configs = (plan.config(point) for point in range(len(plan.points)))
            if not any(acts(getattr(config, other)) for config in configs):
                problems.append(f"Sweeping {key} changes nothing: {reason} in every grid point.")
    return problems


def describe(point: Mapping) -> str:
    """A grid point as text: "dropout=0.1, lr=0.001"."""
    return ", ".join(f"{key}={value!r}" for key, value in point.items()) or "(the base config)"


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
