"""What the app knows about each setting of a run, in one table: its label, the kind of widget
that sets it, its range, scale and step, its help text and how its value reads as text.

    SETTINGS["dropout"].label       "dropout"
    SETTINGS["dropout"].high        0.9            (the widgets' and the sweeps' upper end)
    SETTINGS["hidden"].text((64, 64))  "64, 64"

The lab's controls, its table of what differs between runs, its URL, the sweep ranges and the
Sweep page all read this table. It describes what the app offers; whether a value is valid is
still decided by Config's checks (regcore.config), which accept a wider range where the app
offers a narrower one (dropout below 1, the widgets up to 0.9).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import MAX_SEED, MAX_TEST_FRACTION, MONITORS, NORMS
from .datasets import DATASETS, MIN_SAMPLES
from .layers import ACTIVATIONS
from .limits import LIMITS
from .optimizers import OPTIMIZERS
from .penalties import PENALTIES

LINEAR = "linear"        # the text of a model with no hidden layer
KINDS = ("choice", "slider", "log", "number", "widths", "switch", "checkbox", "none")


@dataclass(frozen=True)
class Setting:
    """One setting. kind: "choice" (one of `choices`, value → label), "slider" (low..high by
    `step`), "log" (a log scale low..high: 1, 2, 5 × 10^k or the `marks` given, plus 0 if
    `with_zero`), "number" (a whole or decimal number low..high), "widths" (hidden layer
    widths as text), "switch" or "checkbox" (on/off), "none" (no widget)."""

    label: str                           # lower case, as inside a sentence: "strength λ"
    kind: str
    low: float = 0
    high: float = 0
    step: float | None = None
    choices: Mapping[str, str] = field(default_factory=dict)
    marks: tuple[int, ...] = (1, 2, 5)   # log kind: mantissas offered in each decade
    with_zero: bool = False              # log kind: 0 (off) is offered too
    none_word: str = ""                  # the text of None (patience "off")
    number_format: str | None = None     # printf format of a number widget, e.g. "%.4f"
    advanced: bool = False               # hidden in presenter mode
    help: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    @property
    def title(self) -> str:
        """The label at the start of a line, as a widget shows it: "Strength λ"."""
        return self.label[:1].upper() + self.label[1:]

    def text(self, value) -> str:
        """The value as people read it: 0.001, "64, 64", "linear", "off", "true", "adam"."""
        if value is None:
            return self.none_word
        if self.kind == "widths":
            return widths_text(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def log_values(self) -> list[float]:
        """The values a log-kind widget offers: `marks` × 10^k from low to high (and 0)."""
        return ([0.0] if self.with_zero else []) + log_marks(self.low, self.high, self.marks)


def widths_text(widths, sep: str = ", ", empty: str = LINEAR) -> str:
    """Hidden layer widths as text: (64, 64) → "64, 64" (sep "-": "64-64"); () → `empty`."""
    return sep.join(map(str, widths)) if widths else empty


def parse_widths(text: str) -> tuple[int, ...]:
    """Layer widths from "64-64", "64, 64" or "64 64"; "linear" or "" for none."""
    cleaned = text.strip().lower()
    if cleaned in ("", LINEAR, "none", "0"):
        return ()
    parts = cleaned.replace(",", " ").replace("-", " ").replace("x", " ").split()
    if not all(part.isdigit() for part in parts):
        raise ValueError(f"expected layer widths such as 64-64 or 'linear', got {text!r}")
    return tuple(int(part) for part in parts)


def log_marks(low: float, high: float, mantissas: tuple[int, ...] = (1, 2, 5)) -> list[float]:
    """The round numbers m × 10^k (m in `mantissas`) from low to high, both > 0:
    log_marks(0.01, 0.1) == [0.01, 0.02, 0.05, 0.1]."""
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    values = [float(f"{m * 10.0**e:.3g}") for e in exponents for m in mantissas]
    return [v for v in values if low <= v <= high]


DATASET_LABELS = {"moons": "Moons (2-D)", "circles": "Circles (2-D)", "spiral": "Spiral (2-D)",
                  "xor": "XOR (2-D)", "blobs": "Blobs (2-D, 3 classes)",
                  "noisy_features": "Noisy features (wide)",
                  "breast_cancer": "Breast cancer (real)", "digits": "Digits (real)",
                  "wine": "Wine (real)", "diabetes": "Diabetes (real, regression)"}
_DATASET_HELP = "\n".join(f"- **{DATASET_LABELS[name]}**: {text}"
                          for name, text in DATASETS.items())
_STRENGTH = dict(kind="log", low=1e-6, high=10.0, with_zero=True)

DATA_SETTINGS: dict[str, Setting] = {
    "dataset": Setting("dataset", "choice", choices=DATASET_LABELS, help=_DATASET_HELP),
    "n_samples": Setting(
        "samples", "number", MIN_SAMPLES, LIMITS.max_samples, step=100,
        help=f"Rows before the split, {MIN_SAMPLES} to {LIMITS.max_samples}. A real set starts "
             "with all its rows; asking for fewer draws a random subset."),
    "noise": Setting("noise", "slider", 0.0, 1.0, 0.05,
                     help="How far the 2-D points scatter from their shapes."),
    "label_noise": Setting("label noise", "slider", 0.0, 0.45, 0.05,
                           help="Share of training labels flipped to a wrong class (validation "
                                "labels stay clean)."),
    "val_fraction": Setting("validation fraction", "slider", 0.05, 0.9, 0.05,
                            help="Share of rows held out to measure generalization.", advanced=True),
    "test_fraction": Setting(
        "held-out test fraction", "slider", 0.0, MAX_TEST_FRACTION, 0.05,
        help="Share of rows set aside before the training/validation split (0: none). "
             "Validation chooses (early stopping, restore best, a sweep's best cell); the test "
             "rows choose nothing, so their loss is an honest estimate of the model kept.",
        advanced=True),
    "scale": Setting("standardize features", "switch",
                     help="Subtract the mean and divide by the std of the training rows."),
    "n_features": Setting("features", "number", 2, LIMITS.max_csv_columns),
    "n_informative": Setting("informative features", "number", 1, LIMITS.max_csv_columns),
    "seed": Setting("seed", "number", 0, MAX_SEED,
                    help="Fixes the data, the split, the initial weights, the shuffling and the "
                         "dropout masks.", advanced=True),
}

RUN_SETTINGS: dict[str, Setting] = {
    "hidden": Setting("hidden layers", "widths",
                      help=f"Widths separated by commas, e.g. 64, 64 (empty: a linear model); "
                           f"at most {LIMITS.max_layers} layers of {LIMITS.max_width} units.", advanced=True),
    "activation": Setting("activation", "choice", choices={a: a for a in ACTIVATIONS}, advanced=True),
    "init": Setting("initialization", "choice", choices={"he": "He", "xavier": "Xavier"}, advanced=True),
    "norm": Setting("normalization", "choice",
                    choices=dict(zip(NORMS, ("none", "BatchNorm", "LayerNorm")))),
    "dropout": Setting("dropout", "slider", 0.0, 0.9, 0.05,
                       help="Share of hidden units zeroed at random in each training batch."),
    "penalty": Setting("penalty", "choice", choices=dict(zip(PENALTIES, (
        "none", "L1 (lasso)", "L2 (ridge)", "elastic net (L1 + L2)")))),
    "penalty_strength": Setting("strength λ", **_STRENGTH,
                                help="Weight of the penalty in the objective (log scale)."),
    "l1_ratio": Setting("L1 ratio ρ", "slider", 0.0, 1.0, 0.05,
                        help="Share of L1 in the elastic net."),
    "weight_decay": Setting("weight decay", **_STRENGTH,
                            help="Shrinks the weights in the optimizer step; AdamW decouples it "
                                 "from the adaptive step size."),
    "optimizer": Setting("optimizer", "choice", choices=dict(zip(OPTIMIZERS, (
        "SGD", "SGD + momentum", "Adam", "AdamW (decoupled decay)")))),
    "lr": Setting("learning rate", "log", 1e-5, 1.0, marks=(1, 2, 3, 5),
                  help="Step size (log scale).", advanced=True),
    "momentum": Setting("momentum", "slider", 0.0, 0.99, 0.01,
                        help="For the optimizer SGD + momentum.", advanced=True),
    "batch_size": Setting("batch size", "number", 1, LIMITS.max_samples,
                          help=f"Samples per gradient step, 1 to {LIMITS.max_samples}.", advanced=True),
    "epochs": Setting("epochs", "number", 1, LIMITS.max_epochs,
                      help=f"At most {LIMITS.max_epochs}."),
    # the switch of early stopping: on while `patience` is not None (not a Config field)
    "early_stopping": Setting("stop early", "switch",
                              help="Stop when the monitored metric has not improved for "
                                   "`patience` epochs."),
    "patience": Setting("patience (epochs)", "number", 0, LIMITS.max_epochs, none_word="off",
                        help="Epochs without improvement before stopping."),
    "min_delta": Setting("min delta", "number", 0.0, 10.0, step=1e-4, number_format="%.4f",
                         help="Smallest change that counts as improvement.", advanced=True),
    "monitor": Setting("monitor", "choice", choices=dict(zip(MONITORS, (
        "validation loss", "validation accuracy"))), advanced=True),
    "start_from_epoch": Setting("start from epoch", "number", 0, LIMITS.max_epochs,
                                help="Epochs before which early stopping does not count.", advanced=True),
    "restore_best": Setting("restore best", "checkbox",
                            help="End with the weights of the best epoch.", advanced=True),
    "snapshot_every": Setting("snapshot every", "none", none_word="auto"),
}

SETTINGS: dict[str, Setting] = {**DATA_SETTINGS, **RUN_SETTINGS}
# the run's widgets in the order its grid shows them: model, regularizers, optimization,
# early stopping (snapshot_every has no widget)
RUN_WIDGETS = tuple(name for name, setting in RUN_SETTINGS.items() if setting.kind != "none")
