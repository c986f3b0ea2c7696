"""`Config`: every setting of one training run, validated on construction.

A frozen dataclass, so a config can be hashed, compared, put in a URL and sent to another
process. Each invalid field raises a ValueError naming the field and its allowed range;
caps (epochs, samples, widths) come from `regcore.limits`.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
from dataclasses import dataclass

from .checks import check_range, is_integer
from .datasets import (DATASETS, DEFAULT_SAMPLES, MIN_SAMPLES, REGRESSION, default_samples,
                       rows_available, samples_carry_over)
from .layers import ACTIVATIONS, INITS
from .limits import LIMITS
from .optimizers import OPTIMIZERS
from .penalties import PENALTIES

NORMS = ("none", "batch", "layer")
MONITORS = ("val_loss", "val_acc")
MAX_SEED = 2**32 - 1
MAX_TEST_FRACTION = 0.4
MIN_TRAIN_FRACTION = 0.1  # val_fraction + test_fraction leave at least this share for training


@dataclass(frozen=True)
class Config:
    # data (shared by the runs of a comparison)
    dataset: str = "moons"
    n_samples: int | None = None  # None: the set's default (all rows of a real set, else 1000)
    noise: float = 0.2
    label_noise: float = 0.0
    val_fraction: float = 0.3
    test_fraction: float = 0.0    # held-out test rows (0: none); no choice in training sees them
    scale: bool = True
    n_features: int = 50          # the noisy_features set only
    n_informative: int = 5        # the noisy_features set only
    seed: int = 0
    # model
    hidden: tuple[int, ...] = (64, 64)
    activation: str = "relu"
    init: str = "he"
    norm: str = "none"
    dropout: float = 0.0
    # regularization and optimization
    penalty: str = "none"
    penalty_strength: float = 0.0
    l1_ratio: float = 0.5
    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.9         # used by optimizer "momentum"
    weight_decay: float = 0.0
    batch_size: int = 32
    epochs: int = 200
    # early stopping (patience None = off)
    patience: int | None = None
    min_delta: float = 0.0
    monitor: str = "val_loss"
    start_from_epoch: int = 0
    restore_best: bool = True
    # weight histograms every `snapshot_every` epochs (None: about 100 frames per run)
    snapshot_every: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "hidden", _as_widths(self.hidden))
        object.__setattr__(self, "n_samples", _samples(self.dataset, self.n_samples))
        for check in _CHECKS:
            check(self)

    # conversions -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Every field by name, `hidden` as a list (as JSON has it). Read field by field:
        `dataclasses.asdict` deep-copies each value and costs thirty times as much, and pages
        compare configs this way on every run."""
        data = {name: getattr(self, name) for name in FIELDS}
        data["hidden"] = list(self.hidden)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Config":
        if not isinstance(data, dict):
            raise ValueError(f"a config must be a dict of settings, got {type(data).__name__}")
        unknown = sorted(set(map(str, data)) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown config field(s): {', '.join(unknown)}")
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Config":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as error:
            raise ValueError(f"config is not valid JSON: {error}") from None
        return cls.from_dict(data)

    def replace(self, **changes) -> "Config":
        """A copy with some fields changed (validated again). Another data set without a
        sample count keeps this one's count only between generated sets; to or from a real
        set it takes the new set's default (`regcore.datasets.samples_carry_over`)."""
        new_dataset = changes.get("dataset", self.dataset)
        if "n_samples" not in changes and not samples_carry_over(self.dataset, new_dataset):
            changes["n_samples"] = None
        return dataclasses.replace(self, **changes)

    def changes(self) -> dict:
        """The fields that differ from the defaults, in field order:
        Config(dropout=0.5).changes() == {"dropout": 0.5}; Config().replace(**c.changes()) == c.
        The sample count is compared with the default of this config's data set (all rows of
        a real set): Config(dataset="wine").changes() == {"dataset": "wine"}."""
        default = _default_for(self.dataset)
        return {name: getattr(self, name) for name in FIELDS
                if getattr(self, name) != getattr(default if name != "dataset" else _default(),
                                                  name)}

    @property
    def task(self) -> str:
        return "regression" if self.dataset in REGRESSION else "classification"


FIELDS = tuple(field.name for field in dataclasses.fields(Config))
# the data fields are shared by the runs of a comparison; the run fields are each run's own
DATA_FIELDS = ("dataset", "n_samples", "noise", "label_noise", "val_fraction", "test_fraction",
               "scale", "n_features", "n_informative", "seed")
RUN_FIELDS = tuple(name for name in FIELDS if name not in DATA_FIELDS)


@functools.cache
def _default() -> Config:
    return Config()


@functools.cache
def _default_for(dataset: str) -> Config:
    return Config(dataset=dataset)


def _as_widths(hidden) -> tuple[int, ...]:
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise ValueError(f"hidden must be a list of layer widths, got {hidden!r}")
    widths = tuple(hidden)
    if len(widths) > LIMITS.max_layers:
        raise ValueError(f"hidden has {len(widths)} layers; at most {LIMITS.max_layers} allowed")
    for width in widths:
        if not is_integer(width) or not 1 <= width <= LIMITS.max_width:
            raise ValueError(f"hidden widths must be integers in [1, {LIMITS.max_width}], "
                             f"got {width!r}")
    return tuple(int(w) for w in widths)


def _samples(dataset, n_samples):
    """The sample count a config keeps: the set's default for None; for a real set at most
    its rows (a count above them, say from an old link, meant all of them)."""
    known = isinstance(dataset, str) and dataset in DATASETS
    if n_samples is None:
        return default_samples(dataset) if known else DEFAULT_SAMPLES
    available = rows_available(dataset) if known else None
    if available is not None and is_integer(n_samples) and n_samples > available:
        return available
    return n_samples


def _integer(name, low, high=None):
    def check(config):
        upper = math.inf if high is None else high(config) if callable(high) else high
        check_range(name, getattr(config, name), low, upper, integer=True)
    return check


def _real(name, low, high, *, low_open=False, high_open=False):
    def check(config):
        check_range(name, getattr(config, name), low, high, low_open=low_open,
                    high_open=high_open)
    return check


def _choice(name, choices):
    def check(config):
        value = getattr(config, name)
        if value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return check


def _flag(name):
    def check(config):
        if not isinstance(getattr(config, name), bool):
            raise ValueError(f"{name} must be true or false, got {getattr(config, name)!r}")
    return check


def _optional_integer(name, low):
    inner = _integer(name, low)

    def check(config):
        if getattr(config, name) is not None:
            inner(config)
    return check


def _room_to_train(config):
    held_out = config.val_fraction + config.test_fraction
    if held_out > 1 - MIN_TRAIN_FRACTION + 1e-9:
        raise ValueError(f"val_fraction + test_fraction must be at most {1 - MIN_TRAIN_FRACTION:g} "
                         f"(training keeps at least {MIN_TRAIN_FRACTION:.0%} of the rows), got "
                         f"{config.val_fraction:g} + {config.test_fraction:g}")


def _informative_within_features(config):
    if config.n_informative > config.n_features:
        raise ValueError(f"n_informative must be at most n_features ({config.n_features}), "
                         f"got {config.n_informative}")


_CHECKS = (
    _choice("dataset", tuple(DATASETS) + ("custom",)),
    _integer("n_samples", MIN_SAMPLES, lambda c: LIMITS.max_samples),
    _real("noise", 0, 5),
    _real("label_noise", 0, 0.5, high_open=True),
    _real("val_fraction", 0.05, 0.9),
    _real("test_fraction", 0, MAX_TEST_FRACTION),
    _room_to_train,
    _flag("scale"),
    _integer("n_features", 2, LIMITS.max_csv_columns),
    _integer("n_informative", 1, LIMITS.max_csv_columns),
    _informative_within_features,
    _integer("seed", 0, MAX_SEED),
    _choice("activation", tuple(ACTIVATIONS)),
    _choice("init", INITS),
    _choice("norm", NORMS),
    _real("dropout", 0, 1, high_open=True),
    _choice("penalty", PENALTIES),
    _real("penalty_strength", 0, 1000),
    _real("l1_ratio", 0, 1),
    _choice("optimizer", OPTIMIZERS),
    _real("lr", 0, 100, low_open=True),
    _real("momentum", 0, 1, high_open=True),
    _real("weight_decay", 0, 1000),
    _integer("batch_size", 1, lambda c: LIMITS.max_samples),
    _integer("epochs", 1, lambda c: LIMITS.max_epochs),
    _optional_integer("patience", 0),
    _real("min_delta", 0, math.inf, high_open=True),
    _choice("monitor", MONITORS),
    _integer("start_from_epoch", 0, lambda c: LIMITS.max_epochs),
    _flag("restore_best"),
    _optional_integer("snapshot_every", 1),
)
