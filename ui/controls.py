"""The settings widgets, each drawn from its row in the table of settings (regcore.settings):
the lab's shared data, the controls of one run, and the table of the settings that differ
between runs.

Widgets never get a `value=`: their values live in st.session_state under the keys of ui.keys,
seeded from the lab's last valid configs whenever Streamlit has forgotten them. Every
combination goes through regcore.Config; its ValueError comes back as text to show.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from regcore import DATASETS, LIMITS, Config, Dataset
from regcore.config import DATA_FIELDS, RUN_FIELDS
from regcore.datasets import REGRESSION, TWO_D, rows_available
from regcore.settings import RUN_WIDGETS, SETTINGS, parse_widths, widths_text
from regcore.training import full_batch_note, split_sizes

from . import keys, upload

GRID_COLUMNS = 5  # the run's widgets flow row by row in the table's order (RUN_WIDGETS)
NEEDS_EARLY_STOPPING = ("patience", "min_delta", "monitor", "start_from_epoch", "restore_best")
DEFAULT_PATIENCE = 20  # what the patience widget offers when early stopping is switched on


# --- one widget --------------------------------------------------------------------------------
def seed(key: str, value) -> None:
    """Give a widget its value from the configs unless it already has one."""
    if key not in st.session_state:
        st.session_state[key] = value


DEFAULT_PENALTY_STRENGTH = 1e-3   # λ a newly picked penalty starts with


def setting_widget(field: str, key: str, disabled: bool = False, *, high=None,
                   on_change: Callable | None = None, args: tuple = ()):
    """Draw the widget of `field` under `key` as the table describes it; returns its value.
    A slider or number's range also covers the current value (a link may hold any valid one);
    `high` narrows the table's upper end (a real set's rows); `on_change` runs when the user
    changes the value."""
    setting, value = SETTINGS[field], st.session_state[key]
    common = dict(key=key, help=setting.help or None, disabled=disabled, on_change=on_change,
                  args=args)
    if setting.kind == "choice":
        return st.selectbox(setting.title, list(setting.choices), format_func=setting.choices.get,
                            **common)
    if setting.kind == "log":
        options = sorted(set(setting.log_values()) | {float(value)})
        return st.select_slider(setting.title, options, format_func=lambda v: f"{v:g}", **common)
    if setting.kind == "slider":
        return st.slider(setting.title, min(setting.low, value), max(setting.high, value),
                         step=setting.step, **common)
    if setting.kind == "number":
        return st.number_input(setting.title, setting.low, max(high or setting.high, value),
                               step=setting.step, format=setting.number_format, **common)
    if setting.kind == "widths":
        return st.text_input(setting.title, **common)
    if setting.kind == "switch":
        return st.toggle(setting.title, **common)
    return st.checkbox(setting.title, **common)


def widget_value(field: str, config: Config):
    """What the widget of `field` holds for `config` (hidden as text, patience as a number)."""
    if field == "hidden":
        return widths_text(config.hidden, empty="")
    if field == "early_stopping":
        return config.patience is not None
    if field == "patience":
        return config.patience if config.patience is not None else DEFAULT_PATIENCE
    return getattr(config, field)


# --- data --------------------------------------------------------------------------------------
def data_controls(base: Config, presenter: bool) -> dict[str, object]:
    """The data widgets for the built-in sets; returns the Config data fields they set."""
    seed_data(base)
    dataset_key = keys.data_key("dataset")
    dataset = setting_widget("dataset", dataset_key, on_change=samples_for_new_set,
                             args=(dataset_key, keys.data_key("n_samples"),
                                   st.session_state[dataset_key]))
    st.caption(DATASETS[dataset])
    values = {"dataset": dataset,
              "n_samples": setting_widget("n_samples", keys.data_key("n_samples"),
                                          high=rows_available(dataset)),
              "noise": _data_widget("noise", disabled=dataset not in TWO_D)}
    if dataset in REGRESSION:  # a regression target has no labels to flip
        st.session_state[keys.data_key("label_noise")] = 0.0
    values["label_noise"] = _data_widget("label_noise", disabled=dataset in REGRESSION)
    if dataset == "noisy_features":
        values["n_features"] = _data_widget("n_features")
        values["n_informative"] = _data_widget("n_informative")
    values.update(split_controls(presenter, test_split=True))
    rows_caption(base, values)
    return values


def samples_for_new_set(dataset_key: str, samples_key: str, previous: str) -> None:
    """Callback of a data set widget (`previous`: the set it showed): a newly picked set
    gets the sample count Config gives it (all rows of a real set) unless the count carries
    over (between generated sets, see Config.replace)."""
    state = st.session_state
    try:
        before = Config(dataset=previous, n_samples=state[samples_key])
    except (ValueError, TypeError):
        before = Config(dataset=previous)
    state[samples_key] = before.replace(dataset=state[dataset_key]).n_samples


def rows_caption(base: Config, values: dict[str, object]) -> None:
    """The rows the data settings give, counted on their split: training, validation and
    test (when on), and for a real set how many of its rows that is."""
    try:
        st.caption(rows_text(base.replace(**values)))
    except (ValueError, TypeError):
        pass  # the run tabs say what is wrong with the data settings


def rows_text(config: Config) -> str:
    """"Rows used: 398 training, 171 validation (all 569 rows of the set)"."""
    n_train, n_val, n_test = split_sizes(config)
    parts = [f"{n_train} training", f"{n_val} validation"] + \
        ([f"{n_test} held-out test"] if n_test else [])
    text = "Rows used: " + ", ".join(parts)
    available = rows_available(config.dataset)
    if available is not None:
        used = n_train + n_val + n_test
        text += f" (all {available} rows of the set)" if used == available else \
            f" ({used} of the set's {available} rows)"
    return text


def _data_widget(field: str, disabled: bool = False):
    return setting_widget(field, keys.data_key(field), disabled)


def seed_data(base: Config) -> None:
    """Seed the data widgets from `base` (an uploaded CSV's "custom" seeds the default set)."""
    for field in DATA_FIELDS:
        value = getattr(base, field)
        seed(keys.data_key(field), Config().dataset if value == "custom" else value)


def split_controls(presenter: bool, test_split: bool = False) -> dict[str, object]:
    """Validation fraction, held-out test fraction (if `test_split`, else none), scaling and
    seed: shared by built-in sets and an uploaded CSV (presenter mode hides the advanced
    ones)."""
    fields = ("val_fraction", "test_fraction", "scale", "seed") if test_split else \
        ("val_fraction", "scale", "seed")
    values = {field: _data_widget(field) for field in fields
              if not (presenter and SETTINGS[field].advanced)}
    if not test_split:
        values["test_fraction"] = 0.0
    if not presenter:
        st.button("New sample", key=keys.NEW_SAMPLE, on_click=_new_seed, width="stretch",
                  icon=":material/casino:", help="Draw a new random seed: new data, new split, "
                                                 "new initial weights.")
    return values


def _new_seed() -> None:
    st.session_state[keys.data_key("seed")] = int(np.random.default_rng().integers(1, 100_000))


def csv_uploader(key: str, label: str = "CSV file", on_change: Callable | None = None,
                 args: tuple = ()) -> None:
    """A file uploader whose callback (by default ui.upload.take_upload) makes a parsed CSV
    this session's own data, and the message of the last upload that was refused."""
    if on_change is None:
        on_change, args = upload.take_upload, (key,)
    st.file_uploader(label, type=["csv"], key=key, on_change=on_change, args=args,
                     max_upload_size=upload.uploader_limit_mb(),
                     help=f"A header row, numeric cells, the target in the last column (you "
                          f"can pick another). Up to {LIMITS.max_csv_rows} rows, "
                          f"{LIMITS.max_csv_columns} columns, "
                          f"{upload.size_cap() / 1e6:g} MB. It stays in your session "
                          f"only, for the lab and the lessons that can use it.")
    problem = upload.upload_error(key)
    if problem:
        st.error(problem)


# --- one run -----------------------------------------------------------------------------------
def run_controls(name: str, base: Config, presenter: bool) -> Config | str:
    """The widgets of run `name` in a grid; its Config, or the reason it is invalid."""
    key = partial(keys.run_key, name)
    for field in RUN_WIDGETS:
        seed(key(field), widget_value(field, base))
    shown = [field for field in RUN_WIDGETS if _shown(field, key, presenter)]
    values = {}
    for start in range(0, len(shown), GRID_COLUMNS):
        row = shown[start:start + GRID_COLUMNS]
        for column, field in zip(st.columns(GRID_COLUMNS, gap="medium"), row):
            with column:
                if field == "penalty_strength":
                    _strength_for_a_new_penalty(key)
                values[field] = setting_widget(field, key(field),
                                               disabled=not _enabled(field, key))
                if field == "penalty_strength" and _enabled(field, key) and not values[field]:
                    st.caption("λ = 0: no penalty is applied.")
                if field == "batch_size":
                    _full_batch_caption(base, values[field])
    return config_from_widgets(base, values)


def _full_batch_caption(base: Config, batch_size) -> None:
    """Under the batch size: that a batch larger than the training rows trains full batch
    (the engine's own words, regcore.training.full_batch_note)."""
    n_train = training_rows(base)
    if n_train is not None and isinstance(batch_size, int):
        note = full_batch_note(batch_size, n_train)
        if note:
            st.caption(note[:1].upper() + note[1:] + ".")


def training_rows(config: Config) -> int | None:
    """The training rows of the lab's data: the uploaded CSV's split, or the split the data
    settings give; None when they cannot be built."""
    if config.dataset == "custom":
        parsed = st.session_state.get(keys.CSV_DATASET)
        return parsed[1].n_train if parsed else None
    try:
        return split_sizes(config)[0]
    except ValueError:
        return None


def _strength_for_a_new_penalty(key) -> None:
    """A penalty just picked while λ is 0 gets DEFAULT_PENALTY_STRENGTH (λ = 0 would apply
    none); a run that comes with a penalty and λ = 0 (a link, a preset) keeps them."""
    state = st.session_state
    picked = state[key("penalty")]
    before = state.get(key(keys.PENALTY_SEEN), picked)
    if picked != before and picked != "none" and state[key("penalty_strength")] == 0:
        state[key("penalty_strength")] = DEFAULT_PENALTY_STRENGTH
    state[key(keys.PENALTY_SEEN)] = picked


def _shown(field: str, key, presenter: bool) -> bool:
    """Presenter mode keeps the regularizers and hides the rest (and an idle L1 ratio)."""
    if not presenter:
        return True
    return not SETTINGS[field].advanced and (field != "l1_ratio" or _enabled(field, key))


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


def config_from_widgets(base: Config, values: dict[str, object]) -> Config | str:
    """`base` with the widget values applied; the message of the first problem otherwise."""
    changes = dict(values)
    on = changes.pop("early_stopping", base.patience is not None)
    patience = changes.pop("patience", base.patience)
    changes["patience"] = int(patience) if on and patience is not None else None
    if "hidden" in changes:
        try:
            changes["hidden"] = parse_widths(str(changes["hidden"]))
        except ValueError:  # its message speaks of links' 64-64; the field shows "64, 64"
            return (f"Hidden layers: expected widths separated by commas, such as "
                    f"{widths_text((64, 64))} (empty for a linear model), got "
                    f"{changes['hidden']!r}")
    try:
        return base.replace(**changes)
    except (ValueError, TypeError) as error:
        return str(error)


# --- what differs between runs -----------------------------------------------------------------
def settings_diff(configs, names) -> pd.DataFrame:
    """The settings that differ between runs: one row per field (its label), one column per
    run; empty when all runs agree."""
    rows = {}
    for field in RUN_FIELDS:
        values = [getattr(config, field) for config in configs]
        if any(value != values[0] for value in values[1:]):
            rows[SETTINGS[field].label] = [SETTINGS[field].text(value) for value in values]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(names))


# --- data in words ---------------------------------------------------------------------------
def describe(data: Dataset) -> str:
    """"210 training and 90 validation rows, 4 features, 2 classes" (and the held-out test
    rows when the data has them)."""
    kind = f"{data.n_classes} classes" if data.task == "classification" else "regression"
    rows = f"{data.n_train} training and {data.n_val} validation" if not data.n_test else \
        f"{data.n_train} training, {data.n_val} validation and {data.n_test} held-out test"
    return (f"{rows} rows, "
            f"{data.n_features} features, {kind}")
