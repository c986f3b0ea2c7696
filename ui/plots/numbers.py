"""Live loss numbers: each run's training, validation (and, when the data has a test split,
test) loss and accuracy at the epoch it has reached — the last row of its history; once it has
ended, the row of the weights it ends with (its restored best epoch) — as a
small HTML table redrawn on every tick (plain strings: well under a millisecond)."""
from __future__ import annotations

import math
from html import escape

from regcore.summary import end_epoch
from ui.plots.style import task_of
from ui.theme import run_color

COLUMNS = {  # history column → heading
    "train_loss": "train loss", "val_loss": "val loss", "test_loss": "test loss",
    "train_acc": "train acc", "val_acc": "val acc", "test_acc": "test acc",
}
ACCURACY_COLUMNS = ("train_acc", "val_acc", "test_acc")
TEST_COLUMNS = ("test_loss", "test_acc")
# Numbers never wrap; headings may ("train / loss"), and a column too narrow for the table
# scrolls it sideways rather than letting it spill over the charts beside it.
TABLE_CSS = (".reglab-live-box {overflow-x: auto;} "
             ".reglab-live {border-collapse: collapse; width: 100%; font-size: 0.95rem; "
             "font-variant-numeric: tabular-nums;} .reglab-live th, .reglab-live td "
             "{padding: 0.2rem 0.35rem; text-align: right; border-bottom: 1px solid #e5e7eb; "
             "white-space: nowrap;} .reglab-live th:first-child {text-align: left;} "
             ".reglab-live thead th {color: #4b5563; font-weight: 600; font-size: 0.8rem; "
             "white-space: normal; vertical-align: bottom;}")


def latest_numbers(runs, names) -> dict[str, dict[str, float]]:
    """{run name: {"epoch": e, "restored": bool, column: value}} for the COLUMNS its history
    has: the last row of each run's history while it trains; once it has ended, the row of the
    weights it ends with (regcore.summary.end_epoch: the best epoch when early stopping
    restored it, "restored" True), as the summary and the maps describe it. An untrained run:
    epoch 0 and no values."""
    numbers = {}
    for run, name in zip(runs, names):
        table = run.history_table
        if not len(table):
            numbers[name] = {"epoch": 0, "restored": False}
            continue
        last = int(table["epoch"][-1])
        ends_at = end_epoch(run) if run.status != "running" else last
        index = table.index_of("epoch", ends_at)
        row = table.row(-1 if index is None else index)
        values = {column: float(row[column]) for column in COLUMNS if column in table}
        numbers[name] = {"epoch": row["epoch"], "restored": row["epoch"] != last, **values}
    return numbers


def shown_columns(runs, numbers: dict[str, dict[str, float]]) -> list[str]:
    """The losses; the accuracies for classification data; the test columns only where some
    run has a finite value (the data has a test split)."""
    classification = any(task_of(run) == "classification" for run in runs)
    return [column for column in COLUMNS
            if (classification or column not in ACCURACY_COLUMNS)
            and (column not in TEST_COLUMNS or any(
                math.isfinite(values.get(column, math.nan)) for values in numbers.values()))]


def live_numbers_html(runs, names) -> str:
    """One row per run (its name in its color): epoch, then losses to 4 significant digits
    and accuracies in percent; "—" where a run has no finite value (yet)."""
    numbers = latest_numbers(runs, names)
    columns = shown_columns(runs, numbers)
    head = "".join(f"<th>{heading}</th>" for heading in
                   ["run", "epoch", *(COLUMNS[column] for column in columns)])
    rows = []
    for index, (name, values) in enumerate(numbers.items()):
        cells = "".join(f"<td>{_formatted(column, values.get(column, math.nan))}</td>"
                        for column in columns)
        epoch = f"{values['epoch']} (best, restored)" if values["restored"] else values["epoch"]
        rows.append(f"<tr><th style='color:{run_color(index, name)}'>{escape(name)}</th>"
                    f"<td>{epoch}</td>{cells}</tr>")
    return (f"<style>{TABLE_CSS}</style><div class='reglab-live-box'><table class='reglab-live'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _formatted(column: str, value: float) -> str:
    if not math.isfinite(value):
        return "—"
    return f"{100 * value:.1f}%" if column in ACCURACY_COLUMNS else f"{value:.4g}"
