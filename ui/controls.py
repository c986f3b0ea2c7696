"""The lab's settings widgets: the shared data, the controls of one run, and the table of
the settings that differ between runs.

Widgets never get a `value=`: their values live in st.session_state under the keys of
ui.state, seeded from the lab's last valid configs whenever Streamlit has forgotten them.
Every combination goes through regcore.Config; its ValueError comes back as text to show.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from regcore import DATASETS, LIMITS, Config, Dataset
from regcore.config import DATA_FIELDS
from regcore.datasets import MIN_SAMPLES, TWO_D

from . import state as keys
from .urlstate import format_value, parse_hidden

MAX_SEED = 2**32 - 1
STRENGTHS = [0.0] + [m * 10.0**e for e in range(-6, 1) for m in (1, 2, 5)] + [10.0]
RATES = [m * 10.0**e for e in range(-5, 0) for m in (1, 2, 3, 5)] + [1.0]
DATASET_LABELS = {"moons": "Moons (2-D)", "circles": "Circles (2-D)", "spiral": "Spiral (2-D)",
                  "xor": "XOR (2-D)", "blobs": "Blobs (2-D, 3 classes)",
                  "noisy_features": "Noisy features (wide)",
                  "breast_cancer": "Breast cancer (real)", "digits": "Digits (real)",
                  "wine": "Wine (real)", "diabetes": "Diabetes (real, regression)"}
NORM_LABELS = {"none": "none", "batch": "BatchNorm", "layer": "LayerNorm"}
PENALTY_LABELS = {"none": "none", "l1": "L1 (lasso)", "l2": "L2 (ridge)",
                  "elasticnet": "elastic net (L1 + L2)"}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam",
                    "adamw": "AdamW (decoupled decay)"}
FIELD_LABELS = {"hidden": "hidden layers", "penalty_strength": "strength λ",
                "l1_ratio": "L1 ratio ρ", "lr": "learning rate", "weight_decay": "weight decay",
                "batch_size": "batch size", "min_delta": "min delta",
                "start_from_epoch": "start from epoch", "restore_best": "restore best",
                "snapshot_every": "snapshot every"}


# --- session-state plumbing --------------------------------------------------------------------
def seed(key: str, value) -> None:
    """Give a widget its value from the configs unless it already has one."""
    if key not in st.session_state:
        st.session_state[key] = value


def widget_value(field: str, config: Config):
    """What the widget of `field` holds for `config` (hidden as text, patience as a number)."""
    if field == "hidden":
        return ", ".join(map(str, config.hidden))
    if field == "early_stopping":
        return config.patience is not None
    if field == "patience":
        return config.patience if config.patience is not None else 20
    return getattr(config, field)


def _options_with(grid: list[float], value: float) -> list[float]:
    return sorted(set(grid) | {float(value)})


def _slider(label: str, low: float, high: float, step: float, key: str, **options):
    """A slider whose range also covers the current value (a link may hold any valid one)."""
    value = st.session_state[key]
    return st.slider(label, min(low, value), max(high, value), step=step, key=key, **options)


def _number(label: str, low, high, key: str, **options):
    """A number input whose upper bound also covers the current value."""
    return st.number_input(label, low, max(high, st.session_state[key]), key=key, **options)


def _log_slider(label: str, key: str, grid: list[float], help_: str, disabled: bool = False):
    """A slider over a log-spaced grid of values (plus the current one), shown as 0.001."""
    options = _options_with(grid, st.session_state[key])
    return st.select_slider(label, options, key=key, help=help_, disabled=disabled,
                            format_func=lambda v: f"{v:g}")


# --- data --------------------------------------------------------------------------------------
def data_controls(base: Config, presenter: bool) -> dict[str, object]:
    """The data widgets for the built-in sets; returns the Config data fields they set."""
    seed_data(base)
    dataset = st.selectbox("Dataset", list(DATASETS), key=keys.data_key("dataset"),
                           format_func=DATASET_LABELS.get, help=_dataset_help())
    st.caption(DATASETS[dataset])
    values = {"dataset": dataset}
    values["n_samples"] = st.number_input(
        "Samples", MIN_SAMPLES, LIMITS.max_samples, step=100, key=keys.data_key("n_samples"),
        help=f"Rows before the split, {MIN_SAMPLES} to {LIMITS.max_samples}. The real sets have "
             "a fixed size: asking for fewer draws a random subset.")
    values["noise"] = _slider("Noise", 0.0, 1.0, 0.05, keys.data_key("noise"),
                              disabled=dataset not in TWO_D,
                              help="How far the 2-D points scatter from their shapes.")
    if dataset == "diabetes":  # a regression target has no labels to flip
        st.session_state[keys.data_key("label_noise")] = 0.0
    values["label_noise"] = _slider(
        "Label noise", 0.0, 0.45, 0.05, keys.data_key("label_noise"),
        disabled=dataset == "diabetes",
        help="Share of training labels flipped to a wrong class (validation labels stay clean).")
    if dataset == "noisy_features":
        values["n_features"] = st.number_input("Features", 2, LIMITS.max_csv_columns,
                                               key=keys.data_key("n_features"))
        values["n_informative"] = st.number_input("Informative features", 1,
                                                  LIMITS.max_csv_columns,
                                                  key=keys.data_key("n_informative"))
    values.update(split_controls(presenter))
    return values


def seed_data(base: Config) -> None:
    """Seed the data widgets from `base` (an uploaded CSV's "custom" seeds the default set)."""
    for field in DATA_FIELDS:
        value = getattr(base, field)
        seed(keys.data_key(field), Config().dataset if value == "custom" else value)


def split_controls(presenter: bool) -> dict[str, object]:
    """Validation fraction, scaling and seed: shared by built-in sets and an uploaded CSV."""
    values = {}
    if not presenter:
        values["val_fraction"] = st.slider("Validation fraction", 0.05, 0.9, step=0.05,
                                           key=keys.data_key("val_fraction"),
                                           help="Share of rows held out to measure generalization.")
    values["scale"] = st.toggle("Standardize features", key=keys.data_key("scale"),
                                help="Subtract the mean and divide by the std of the training "
                                     "rows.")
    if not presenter:
        values["seed"] = st.number_input("Seed", 0, MAX_SEED, key=keys.data_key("seed"),
                                         help="Fixes the data, the split, the initial weights, "
                                              "the shuffling and the dropout masks.")
        st.button("New sample", key=keys.NEW_SAMPLE, on_click=_new_seed, width="stretch",
                  icon=":material/casino:", help="Draw a new random seed: new data, new split, "
                                                 "new initial weights.")
    return values


def _dataset_help() -> str:
    return "\n".join(f"- **{DATASET_LABELS[name]}**: {text}" for name, text in DATASETS.items())


def _new_seed() -> None:
    st.session_state[keys.data_key("seed")] = int(np.random.default_rng().integers(1, 100_000))


def csv_uploader(key: str, label: str = "CSV file", on_change: Callable | None = None,
                 args: tuple = ()) -> None:
    """A file uploader whose callback (by default ui.state.take_upload) makes a parsed CSV
    this session's own data, and the message of the last upload that was refused."""
    if on_change is None:
        on_change, args = keys.take_upload, (key,)
    st.file_uploader(label, type=["csv"], key=key, on_change=on_change, args=args,
                     help=f"A header row, numeric cells, the target in the last column (you "
                          f"can pick another). Up to {LIMITS.max_csv_rows} rows, "
                          f"{LIMITS.max_csv_columns} columns, "
                          f"{LIMITS.max_csv_bytes // 1_000_000} MB. It stays in your session "
                          f"only, for the lab and the lessons that can use it.")
    problem = keys.upload_error(key)
    if problem:
        st.error(problem)


# --- one run -----------------------------------------------------------------------------------
GRID_COLUMNS = 5  # the run's widgets flow row by row in this order: keys.RUN_FIELDS
SELECTS = {"activation": ("Activation", {a: a for a in ("relu", "tanh", "sigmoid")}),
           "init": ("Initialization", {"he": "He", "xavier": "Xavier"}),
           "norm": ("Normalization", NORM_LABELS), "penalty": ("Penalty", PENALTY_LABELS),
           "optimizer": ("Optimizer", OPTIMIZER_LABELS),
           "monitor": ("Monitor", {"val_loss": "validation loss",
                                   "val_acc": "validation accuracy"})}
LOG_SLIDERS = {"penalty_strength": ("Strength λ", STRENGTHS, "Weight of the penalty in the "
                                    "objective (log scale)."),
               "weight_decay": ("Weight decay", STRENGTHS, "Shrinks the weights in the optimizer "
                                "step; AdamW decouples it from the adaptive step size."),
               "lr": ("Learning rate", RATES, "Step size (log scale).")}
SLIDERS = {"dropout": ("Dropout", 0.0, 0.9, 0.05, "Share of hidden units zeroed at random in "
                       "each training batch."),
           "l1_ratio": ("L1 ratio ρ", 0.0, 1.0, 0.05, "Share of L1 in the elastic net."),
           "momentum": ("Momentum", 0.0, 0.99, 0.01, "For the optimizer SGD + momentum.")}
NUMBERS = {"batch_size": ("Batch size", 1, LIMITS.max_samples, {},
                          f"Samples per gradient step, 1 to {LIMITS.max_samples}."),
           "epochs": ("Epochs", 1, LIMITS.max_epochs, {}, f"At most {LIMITS.max_epochs}."),
           "patience": ("Patience (epochs)", 0, LIMITS.max_epochs, {},
                        "Epochs without improvement before stopping."),
           "min_delta": ("Min delta", 0.0, 10.0, {"step": 1e-4, "format": "%.4f"},
                         "Smallest change that counts as improvement."),
           "start_from_epoch": ("Start from epoch", 0, LIMITS.max_epochs, {},
                                "Epochs before which early stopping does not count.")}
NEEDS_EARLY_STOPPING = ("patience", "min_delta", "monitor", "start_from_epoch", "restore_best")


def run_controls(name: str, base: Config, presenter: bool) -> Config | str:
    """The widgets of run `name` in a grid; its Config, or the reason it is invalid."""
    key = partial(keys.run_key, name)
    for field in keys.RUN_FIELDS:
        seed(key(field), widget_value(field, base))
    shown = [field for field in keys.RUN_FIELDS if _shown(field, key, presenter)]
    values = {}
    for start in range(0, len(shown), GRID_COLUMNS):
        row = shown[start:start + GRID_COLUMNS]
        for column, field in zip(st.columns(GRID_COLUMNS, gap="medium"), row):
            with column:
                values[field] = _widget(field, key(field), disabled=not _enabled(field, key))
    return config_from_widgets(base, values)


def _shown(field: str, key, presenter: bool) -> bool:
    """Presenter mode keeps the regularizers and hides the rest (and an idle L1 ratio)."""
    if not presenter:
        return True
    return field not in keys.ADVANCED_RUN_FIELDS and (field != "l1_ratio" or _enabled(field, key))


def _enabled(field: str, key) -> bool:
    """Whether `field` matters with the run's other settings (drawn earlier in the grid)."""
    state = st.session_state
    if field == "penalty_strength":
        return state[key("penalty")] != "none"
    if field == "l1_ratio":
        return state[key("penalty")] == "elasticnet"
    if field == "momentum":
        return state[key("optimizer")] == "momentum"
    if field in NEEDS_EARLY_STOPPING:
        return state[key("early_stopping")]
    return True


def _widget(field: str, key: str, disabled: bool):
    """Draw the widget of `field` under `key`; returns its value."""
    if field in SELECTS:
        label, labels = SELECTS[field]
        return st.selectbox(label, list(labels), key=key, format_func=labels.get,
                            disabled=disabled)
    if field in LOG_SLIDERS:
        label, grid, help_ = LOG_SLIDERS[field]
        return _log_slider(label, key, grid, help_, disabled)
    if field in SLIDERS:
        label, low, high, step, help_ = SLIDERS[field]
        return _slider(label, low, high, step, key, help=help_, disabled=disabled)
    if field in NUMBERS:
        label, low, high, options, help_ = NUMBERS[field]
        return _number(label, low, high, key, help=help_, disabled=disabled, **options)
    if field == "hidden":
        return st.text_input("Hidden layers", key=key,
                             help=f"Widths separated by commas, e.g. 64, 64 (empty: a linear "
                                  f"model); at most {LIMITS.max_layers} layers of "
                                  f"{LIMITS.max_width} units.")
    if field == "early_stopping":
        return st.toggle("Stop early", key=key, help="Stop when the monitored metric has not "
                                                     "improved for `patience` epochs.")
    return st.checkbox("Restore best", key=key, disabled=disabled,
                       help="End with the weights of the best epoch.")


def config_from_widgets(base: Config, values: dict[str, object]) -> Config | str:
    """`base` with the widget values applied; the message of the first problem otherwise."""
    changes = dict(values)
    on = changes.pop("early_stopping", base.patience is not None)
    patience = changes.pop("patience", base.patience)
    changes["patience"] = int(patience) if on and patience is not None else None
    if "hidden" in changes:
        try:
            changes["hidden"] = parse_hidden(str(changes["hidden"]))
        except ValueError as error:
            return f"Hidden layers: {error}"
    try:
        return base.replace(**changes)
    except (ValueError, TypeError) as error:
        return str(error)


# --- what differs between runs -----------------------------------------------------------------
def display_value(field: str, value) -> str:
    if field == "hidden":
        return ", ".join(map(str, value)) if value else "linear"
    if isinstance(value, float):
        return f"{value:g}"
    return format_value(field, value)


def settings_diff(configs, names) -> pd.DataFrame:
    """The settings that differ between runs: one row per field (readable name), one column
    per run; empty when all runs agree."""
    rows = {}
    for field in (f for f in Config.__dataclass_fields__ if f not in DATA_FIELDS):
        values = [getattr(config, field) for config in configs]
        if any(value != values[0] for value in values[1:]):
            rows[FIELD_LABELS.get(field, field.replace("_", " "))] = [
                display_value(field, value) for value in values]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(names))


# --- data in words ---------------------------------------------------------------------------
def describe(data: Dataset) -> str:
    """"210 training and 90 validation rows, 4 features, 2 classes"."""
    kind = f"{data.n_classes} classes" if data.task == "classification" else "regression"
    return (f"{data.n_train} training and {data.n_val} validation rows, "
            f"{data.n_features} features, {kind}")
