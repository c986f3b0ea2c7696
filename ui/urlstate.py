"""The lab's settings as URL query parameters, so a link reproduces an experiment.

Compact form: "runs" (how many), the data fields once ("dataset" always, the others when they
differ from Config()), then per run only the fields that differ from Config(), prefixed by the
run's name:  ?runs=2&dataset=moons&noise=0.3&B.dropout=0.5&B.hidden=128-128
Values: numbers as Python writes them (1e-05), booleans true/false, hidden widths joined by "-"
("linear" for no hidden layer), patience "off" when early stopping is off.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from regcore import LIMITS, Config
from regcore.config import DATA_FIELDS

from .theme import RUN_NAMES

RUNS_PARAM = "runs"
PRESENTER_PARAM = "presenter"            # written by the page next to the configs
VIEW_PARAM_NAMES = frozenset({"chart", "log", "smooth", "train", "whatif", "boundary"})  # ui.state
IGNORED_PARAMS = frozenset({PRESENTER_PARAM, "embed", "embed_options"}) | VIEW_PARAM_NAMES
DEFAULT_RUNS = 2
MAX_RUNS = min(LIMITS.max_runs, len(RUN_NAMES))  # the lab names its runs A to D
DEFAULT = Config()
FIELD_ORDER = tuple(field.name for field in dataclasses.fields(Config))
RUN_FIELDS = tuple(name for name in FIELD_ORDER if name not in DATA_FIELDS)
OPTIONAL_INTS = {"patience": "off", "snapshot_every": "auto"}  # field -> word for None
LINEAR = "linear"


# --- one value ---------------------------------------------------------------------------------
def format_value(field: str, value) -> str:
    """The text of a config value in a link (parse_value reads it back exactly)."""
    if value is None:
        return OPTIONAL_INTS[field]
    if field == "hidden":
        return "-".join(map(str, value)) if value else LINEAR
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_value(field: str, text: str):
    """The config value a link's text stands for; ValueError says what was expected."""
    text = text.strip()
    default = getattr(DEFAULT, field)
    if field in OPTIONAL_INTS:
        return None if text.lower() in (OPTIONAL_INTS[field], "none", "") else _integer(text)
    if field == "hidden":
        return parse_hidden(text)
    if isinstance(default, bool):
        return _boolean(text)
    if isinstance(default, int):
        return _integer(text)
    if isinstance(default, float):
        return _number(text)
    return text


def parse_hidden(text: str) -> tuple[int, ...]:
    """Layer widths from "64-64", "64, 64" or "64 64"; "linear" or "" for none."""
    cleaned = text.strip().lower()
    if cleaned in ("", LINEAR, "none", "0"):
        return ()
    parts = cleaned.replace(",", " ").replace("-", " ").replace("x", " ").split()
    if not all(part.isdigit() for part in parts):
        raise ValueError(f"expected layer widths such as 64-64 or 'linear', got {text!r}")
    return tuple(int(part) for part in parts)


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"expected a whole number, got {text!r}") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None


def _boolean(text: str) -> bool:
    words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    if text.lower() not in words:
        raise ValueError(f"expected true or false, got {text!r}")
    return words[text.lower()]


# --- a comparison ------------------------------------------------------------------------------
def lab_query(configs: Sequence[Config]) -> dict[str, str]:
    """Query parameters for the lab with these configs (runs named A, B, ...)."""
    _check_comparison(configs)
    first = configs[0]
    query = {RUNS_PARAM: str(len(configs)), "dataset": first.dataset}
    for field in DATA_FIELDS:
        value = getattr(first, field)
        if field != "dataset" and value != getattr(DEFAULT, field):
            query[field] = format_value(field, value)
    for name, config in zip(RUN_NAMES, configs):
        for field in RUN_FIELDS:
            value = getattr(config, field)
            if value != getattr(DEFAULT, field):
                query[f"{name}.{field}"] = format_value(field, value)
    return query


def lab_link(configs: Sequence[Config]) -> str:
    """Relative URL that opens the lab with these configs."""
    return "/?" + urlencode(lab_query(configs))


def configs_from_query(query: Mapping[str, str | list[str]]) -> list[Config]:
    """The configs a link describes; ValueError naming every bad parameter."""
    configs, problems = read_lab_query(query)
    if problems:
        raise ValueError("; ".join(problems))
    return configs


def read_lab_query(query: Mapping[str, str | list[str]]) -> tuple[list[Config], list[str]]:
    """Forgiving reading of a link: the configs with every bad parameter left at its default,
    and one message per ignored parameter (naming it)."""
    params = {key: _last(value) for key, value in query.items() if key not in IGNORED_PARAMS}
    problems: list[str] = []
    n_runs = _run_count(params, problems)
    data_changes: dict[str, object] = {}
    run_changes: dict[str, dict[str, object]] = {name: {} for name in RUN_NAMES[:n_runs]}
    for param, text in params.items():
        if param == RUNS_PARAM:
            continue
        target, field = _where(param, n_runs, data_changes, run_changes, problems)
        if target is None:
            continue
        try:
            target[field] = parse_value(field, text)
        except ValueError as error:
            problems.append(f"parameter {param!r} ignored: {error}")
    base = _apply(DEFAULT, data_changes, "", problems)
    configs = [_apply(base, run_changes[name], f"{name}.", problems) for name in run_changes]
    return configs, problems


def _last(value) -> str:
    return value[-1] if isinstance(value, (list, tuple)) else value


def _run_count(params: dict[str, str], problems: list[str]) -> int:
    named = [key.split(".", 1)[0] for key in params if "." in key]
    inferred = max([DEFAULT_RUNS] + [RUN_NAMES.index(n) + 1 for n in named if n in RUN_NAMES])
    inferred = min(inferred, MAX_RUNS)
    if RUNS_PARAM not in params:
        return inferred
    try:
        count = _integer(params[RUNS_PARAM])
    except ValueError as error:
        problems.append(f"parameter {RUNS_PARAM!r} ignored: {error}")
        return inferred
    if not 1 <= count <= MAX_RUNS:
        problems.append(f"parameter {RUNS_PARAM!r} ignored: must be in [1, {MAX_RUNS}], "
                        f"got {count}")
        return inferred
    return count


def _where(param, n_runs, data_changes, run_changes, problems):
    """(the dict that collects `param`'s value, its config field), or (None, None)."""
    if "." not in param:
        if param in DATA_FIELDS:
            return data_changes, param
        problems.append(f"unknown parameter {param!r} ignored")
        return None, None
    name, field = param.split(".", 1)
    if name not in RUN_NAMES[:MAX_RUNS] or field not in RUN_FIELDS:
        problems.append(f"unknown parameter {param!r} ignored")
        return None, None
    if name not in run_changes:
        problems.append(f"parameter {param!r} ignored: the link has {n_runs} run(s)")
        return None, None
    return run_changes[name], field


def _apply(config: Config, changes: dict[str, object], prefix: str,
           problems: list[str]) -> Config:
    """config with `changes`; a change the config refuses is left out and reported. All at
    once first, as some fields are only valid together (n_features and n_informative)."""
    try:
        return config.replace(**changes)
    except ValueError:
        pass
    pending = sorted(changes, key=FIELD_ORDER.index)
    while pending:
        errors = {}
        for field in pending:
            try:
                config = config.replace(**{field: changes[field]})
            except ValueError as error:
                errors[field] = error
        if len(errors) == len(pending):  # no progress: these changes are refused for good
            problems += [f"parameter {prefix + f!r} ignored: {e}" for f, e in errors.items()]
            break
        pending = list(errors)
    return config


def _check_comparison(configs: Sequence[Config]) -> None:
    if not 1 <= len(configs) <= MAX_RUNS:
        raise ValueError(f"the lab holds 1 to {MAX_RUNS} runs, got {len(configs)}")
    for field in DATA_FIELDS:
        values = {getattr(config, field) for config in configs}
        if len(values) > 1:
            raise ValueError(f"runs in the lab share their data; {field} differs: {sorted(values)}")
