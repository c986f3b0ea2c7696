"""The lab in a URL, so a link reproduces an experiment: its settings and its chart options as
query parameters, and back. Pure functions of configs and plain dicts (no Streamlit).

Settings, compact: "runs" (how many), the data fields once ("dataset" always, the others when
they differ from Config()), then per run only the fields that differ from Config(), prefixed by
the run's name:  ?runs=2&dataset=moons&noise=0.3&B.dropout=0.5&B.hidden=128-128
Runs named other than A, B, C… in order (run A was removed) add their names, in order:
?runs=2&names=B-C&dataset=moons&C.dropout=0.5
Values: numbers as Python writes them (1e-05), booleans true/false, hidden widths joined by "-"
("linear" for no hidden layer), None as its word in regcore.settings (patience "off").
Chart options, when not at their defaults: ?chart=Weights&log=1&smooth=0.3&train=0&whatif=20
&boundary=best
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from regcore import LIMITS, Config
from regcore.config import DATA_FIELDS, FIELDS, RUN_FIELDS
from regcore.settings import SETTINGS, parse_widths, widths_text

from . import keys
from .theme import RUN_NAMES

RUNS_PARAM = "runs"
NAMES_PARAM = "names"                    # only when the runs are not named A, B, C… in order
PRESENTER_PARAM = "presenter"            # written by the page next to the configs
DEFAULT_RUNS = 2
MAX_RUNS = min(LIMITS.max_runs, len(RUN_NAMES))  # the lab names its runs A to D
DEFAULT = Config()


# --- one value ---------------------------------------------------------------------------------
def format_value(field: str, value) -> str:
    """The text of a config value in a link (parse_value reads it back exactly)."""
    if value is None:
        return SETTINGS[field].none_word
    if field == "hidden":
        return widths_text(value, sep="-")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_value(field: str, text: str):
    """The config value a link's text stands for; ValueError says what was expected."""
    text = text.strip()
    default = getattr(DEFAULT, field)
    if SETTINGS[field].none_word:
        return None if text.lower() in (SETTINGS[field].none_word, "none", "") else _integer(text)
    if field == "hidden":
        return parse_widths(text)
    if isinstance(default, bool):
        return _boolean(text)
    if isinstance(default, int):
        return _integer(text)
    if isinstance(default, float):
        return _number(text)
    return text


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
def lab_query(configs: Sequence[Config],
              names: Sequence[str] | None = None) -> dict[str, str]:
    """Query parameters for the lab with these configs, run i named names[i] (default A, B…)."""
    names = default_names(len(configs)) if names is None else tuple(names)
    _check_comparison(configs, names)
    first = configs[0]
    query = {RUNS_PARAM: str(len(configs)), "dataset": first.dataset}
    if names != default_names(len(configs)):
        query[NAMES_PARAM] = "-".join(names)
    for field, value in first.changes().items():
        if field in DATA_FIELDS and field != "dataset":
            query[field] = format_value(field, value)
    for name, config in zip(names, configs):
        for field, value in config.changes().items():
            if field in RUN_FIELDS:
                query[f"{name}.{field}"] = format_value(field, value)
    return query


def lab_link(configs: Sequence[Config], names: Sequence[str] | None = None) -> str:
    """Relative URL that opens the lab with these configs (runs `names`, default A, B…)."""
    return "/?" + urlencode(lab_query(configs, names))


def default_names(count: int) -> tuple[str, ...]:
    """The names of `count` runs nobody has removed from: A, B, C…"""
    return RUN_NAMES[:count]


def parse_names(text: str) -> tuple[str, ...]:
    """The run names of a link's "names" ("B-C" → ("B", "C")); ValueError says what was
    expected."""
    names = tuple(text.strip().upper().split("-"))
    allowed = RUN_NAMES[:MAX_RUNS]
    if not set(names) <= set(allowed) or len(set(names)) != len(names):
        raise ValueError(f"expected different run names from {allowed[0]} to {allowed[-1]} "
                         f"joined by '-', such as B-C, got {text!r}")
    return names


def query_names(query: Mapping[str, str | list[str]]) -> tuple[str, ...]:
    """The names of the runs a link describes, in order (A, B… unless it names them)."""
    params = {key: _last(value) for key, value in query.items() if key not in IGNORED_PARAMS}
    return _run_names(params, [])


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
    names = _run_names(params, problems)
    n_runs = len(names)
    data_changes: dict[str, object] = {}
    run_changes: dict[str, dict[str, object]] = {name: {} for name in names}
    for param, text in params.items():
        if param in (RUNS_PARAM, NAMES_PARAM):
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


def _run_names(params: dict[str, str], problems: list[str]) -> tuple[str, ...]:
    """The link's run names: its "names" when they are valid (and agree with its "runs"),
    else A, B… for its run count; a note in `problems` for each parameter left out."""
    if NAMES_PARAM in params:
        try:
            names = parse_names(params[NAMES_PARAM])
        except ValueError as error:
            problems.append(f"parameter {NAMES_PARAM!r} ignored: {error}")
        else:
            if params.get(RUNS_PARAM, str(len(names))) == str(len(names)):
                return names
            problems.append(f"parameter {NAMES_PARAM!r} ignored: it names {len(names)} run(s), "
                            f"the link has {params[RUNS_PARAM]}")
    return default_names(_run_count(params, problems))


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
        problems.append(f"parameter {param!r} ignored: the link has {n_runs} run(s) "
                        f"({', '.join(run_changes)})")
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
    pending = sorted(changes, key=FIELDS.index)
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


def _check_comparison(configs: Sequence[Config], names: tuple[str, ...]) -> None:
    if not 1 <= len(configs) <= MAX_RUNS:
        raise ValueError(f"the lab holds 1 to {MAX_RUNS} runs, got {len(configs)}")
    if len(set(names) & set(RUN_NAMES[:MAX_RUNS])) != len(names) or len(names) != len(configs):
        raise ValueError(f"{len(configs)} runs need as many different names, got {names}")
    for field in DATA_FIELDS:
        values = {getattr(config, field) for config in configs}
        if len(values) > 1:
            raise ValueError(f"runs in the lab share their data; {field} differs: {sorted(values)}")


# --- the chart options ------------------------------------------------------------------------
CHART_TABS = ("Loss", "Accuracy", "Penalty", "Weights", "Network", "Decision boundary")
BOUNDARY_AT = ("final", "best")
SMOOTHING_STEP, MAX_SMOOTHING, MAX_WHAT_IF = 0.05, 0.95, 500


@dataclass(frozen=True)
class ViewParam:
    """One chart option in the URL: its widget's key, its default and its text conversions."""

    key: str
    default: object
    parse: Callable[[str], object]   # raises ValueError on a bad value
    format: Callable[[object], str] = str


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("use 0 or 1")
    return text == "1"


def _smoothing(text: str) -> float:
    try:
        value = round(round(float(text) / SMOOTHING_STEP) * SMOOTHING_STEP, 2)
    except (ValueError, OverflowError):
        value = -1.0  # not a number: refused below
    if not 0 <= value <= MAX_SMOOTHING:
        raise ValueError(f"use a number from 0 to {MAX_SMOOTHING}")
    return value


def _what_if(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WHAT_IF:
        raise ValueError(f"use a whole number from 1 to {MAX_WHAT_IF}")
    return int(text)


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError(f"use one of: {', '.join(choices)}")
        return text
    return parse


def _bit(on: bool) -> str:
    return "1" if on else "0"


VIEW_PARAMS = {
    "chart": ViewParam(keys.VIEW_TAB, CHART_TABS[0], _one_of(CHART_TABS)),
    "log": ViewParam(keys.VIEW_LOG_Y, False, _flag, _bit),
    "smooth": ViewParam(keys.VIEW_SMOOTHING, 0.0, _smoothing, lambda value: f"{value:g}"),
    "train": ViewParam(keys.VIEW_SHOW_TRAIN, True, _flag, _bit),
    "whatif": ViewParam(keys.VIEW_WHAT_IF, None, _what_if),
    "boundary": ViewParam(keys.VIEW_BOUNDARY_AT, BOUNDARY_AT[0], _one_of(BOUNDARY_AT)),
}


def view_query(state: Mapping) -> dict[str, str]:
    """The chart options of `state` that differ from their defaults, as query parameters."""
    return {name: param.format(state[param.key]) for name, param in VIEW_PARAMS.items()
            if state.get(param.key, param.default) != param.default}


def apply_view_query(query: Mapping[str, str], state: MutableMapping) -> list[str]:
    """Set the chart options a link carries (before their widgets are drawn); returns a note
    for each bad value, which is left as it was."""
    problems = []
    for name, param in VIEW_PARAMS.items():
        if name in query:
            try:
                state[param.key] = param.parse(query[name])
            except ValueError as error:
                problems.append(f"{name}={query[name]!r} ignored ({error})")
    return problems


# parameters that do not describe the configs: the page's own, Streamlit's, the chart options
IGNORED_PARAMS = frozenset({PRESENTER_PARAM, "embed", "embed_options"}) | frozenset(VIEW_PARAMS)
