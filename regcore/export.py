"""Keep a comparison: its history as CSV, its configs as JSON, and a Python script that trains
the same runs again with regcore alone."""
from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from .config import Config
from .run import HISTORY_COLUMNS, Run


def history_csv(runs: Sequence[Run], names: Sequence[str]) -> str:
    """All runs' histories in one table: a `run` column, then HISTORY_COLUMNS, one row per
    (run, epoch)."""
    _check_names(runs, names)
    frames = [run.history.assign(run=name) for run, name in zip(runs, names)]
    columns = ["run", *HISTORY_COLUMNS]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return table[columns].to_csv(index=False)


def configs_json(configs: Sequence[Config], names: Sequence[str]) -> str:
    """{"runs": {name: every field of the config}} as indented JSON."""
    _check_names(configs, names)
    return json.dumps({"runs": {name: config.to_dict() for name, config in zip(names, configs)}},
                      indent=2)


def configs_from_json(text: str) -> dict[str, Config]:
    """The configs written by `configs_json`, by run name (ValueError if it is not that)."""
    try:
        runs = json.loads(text)["runs"]
    except (json.JSONDecodeError, TypeError, KeyError):
        raise ValueError('expected JSON of the form {"runs": {"A": {...}, ...}}') from None
    if not isinstance(runs, dict):
        raise ValueError('"runs" must map run names to configs')
    return {str(name): Config.from_dict(settings) for name, settings in runs.items()}


def reproduction_script(configs: Sequence[Config], names: Sequence[str], *,
                        csv_path: str = "data.csv", csv_target: str | None = None) -> str:
    """A Python script that trains `configs` side by side (same split, same initial weights)
    and prints each run's outcome (with a held-out test split, also the test loss of the
    model each run ends with). With dataset "custom" the script reads the CSV at `csv_path`
    (target column `csv_target`, default the last) with the runs' split settings."""
    _check_names(configs, names)
    lines = [
        '"""Trains the runs of a Regularization Lab comparison again (needs regcore)."""',
        "import regcore",
        "",
        "configs = {",
        *(f"    {name!r}: {config_call(config)}," for name, config in zip(names, configs)),
        "}",
    ]
    data_argument = ""
    if configs and configs[0].dataset == "custom":
        first = configs[0]
        lines += ["", "# The uploaded CSV, split and scaled as in the app.",
                  f"data = regcore.load_csv({csv_path!r}, target={csv_target!r}, "
                  f"val_fraction={first.val_fraction!r}, "
                  f"test_fraction={first.test_fraction!r}, seed={first.seed!r}, "
                  f"scale={first.scale!r})"]
        data_argument = ", data"
    with_test = bool(configs) and configs[0].test_fraction > 0
    test_head, test_cell = ("  test loss (held out)", "  {summary['final_test_loss']!r}") \
        if with_test else ("", "")
    lines += [
        f"runs = regcore.train_side_by_side(list(configs.values()){data_argument})",
        "",
        f'print("run  status         epochs  best epoch  final val_loss{test_head}")',
        "for name, run in zip(configs, runs):",
        *(["    summary = regcore.summarize(run)  # of the model the run ends with"]
          if with_test else []),
        '    print(f"{name:<4} {run.status:<14} {run.stopped_epoch:>6}  {run.best_epoch!s:>10}  '
        f'{{run.final(\'val_loss\')!r}}{test_cell}")',
        "",
    ]
    return "\n".join(lines)


def config_call(config: Config) -> str:
    """`regcore.Config(...)` source naming only the fields that differ from the defaults."""
    changed = [f"{name}={value!r}" for name, value in config.changes().items()]
    return f"regcore.Config({', '.join(changed)})"


def _check_names(items: Sequence, names: Sequence[str]) -> None:
    if len(items) != len(names):
        raise ValueError(f"got {len(items)} runs or configs but {len(names)} names")
