"""The comparison table: one row per run with the numbers of `regcore.summary_table`, under
readable column names, and cell styles that make the differences between runs stand out
without ranking what has no "better".

The frame stays numeric (accuracies and sparsity as percent numbers); formatting and
highlighting happen only when it is drawn (`summary_html`), so the frame can also be sorted,
tested or exported.
"""
from __future__ import annotations

import math
from html import escape
from numbers import Number

import numpy as np
import pandas as pd

from regcore import summarize

COLUMNS = {  # summary_table column → display name
    "status": "status",
    "stopped_epoch": "trained to epoch",
    "end_epoch": "weights of epoch",
    "final_val_loss": "val loss",
    "final_val_acc": "val acc (%)",
    "final_train_loss": "train loss",
    "gap": "gap (val − train)",
    "best_val_loss": "lowest val loss",
    "final_test_loss": "test loss (held out)",
    "final_test_acc": "test acc (%) (held out)",
    "sparsity": "sparsity (%)",
    "weight_norm": "weight norm",
    "time": "time (s)",
}
PERCENT_COLUMNS = ("final_val_acc", "final_test_acc", "sparsity")
EPOCH_COLUMNS = ("stopped_epoch", "end_epoch")
TEST_COLUMNS = ("final_test_loss", "final_test_acc")  # shown only when a run has a test split
LOWER_IS_BETTER = ("val loss", "lowest val loss")
HIGHER_IS_BETTER = ("val acc (%)",)
COLLAPSED = "collapsed: constant output"
UNRANKED = ("diverged", "failed", COLLAPSED)  # statuses whose numbers are not ranked
FORMATS = {
    "trained to epoch": "{:.0f}", "weights of epoch": "{:.0f}", "val loss": "{:.4g}",
    "val acc (%)": "{:.1f}", "train loss": "{:.4g}", "gap (val − train)": "{:+.3g}",
    "lowest val loss": "{:.4g}", "test loss (held out)": "{:.4g}",
    "test acc (%) (held out)": "{:.1f}", "sparsity (%)": "{:.1f}", "weight norm": "{:.3g}",
    "time (s)": "{:.1f}",
}
BEST_STYLE = "font-weight: bold; background-color: #e3f1e3"
SAME_STYLE = "color: #9a9a9a"
FLAG_STYLE = "color: #b91c1c; font-weight: bold"
TABLE_CSS = (".reglab-summary {border-collapse: collapse; font-size: 0.95rem; width: 100%;} "
             ".reglab-summary th, .reglab-summary td {padding: 0.35rem 0.6rem; text-align: right; "
             "border-bottom: 1px solid #e5e7eb;} .reglab-summary th:first-child, "
             ".reglab-summary td:first-child {text-align: left;} "
             ".reglab-summary thead th {color: #4b5563; font-weight: 600;}")
LEGEND = ("**Summary** of the model each run ends with (after restore-best) — lowest "
          "validation loss and highest validation accuracy in bold, runs that diverged or "
          "collapsed to a constant output flagged in red and not ranked, equal columns greyed; "
          "with a held-out test split, its loss and accuracy are reported, not ranked: they "
          "chose nothing")


def summary_frame(runs, names) -> pd.DataFrame:
    """One row per run (index "run" = the run names), the COLUMNS of regcore.summary_table
    renamed for display; status in words (a collapsed run says so), accuracies and sparsity
    in %, epochs integer columns that hold <NA> where a run has none. The held-out test
    columns only when some run has a test split. Built from `summarize`'s rows in one go
    (during training the table is redrawn every second or so)."""
    rows = [summarize(run) for run in runs]
    shown = [column for column in COLUMNS if column not in TEST_COLUMNS
             or any(not math.isnan(row[column]) for row in rows)]
    return pd.DataFrame({COLUMNS[column]: _shown_values(column, rows) for column in shown},
                        index=pd.Index(list(names), name="run"))


def _shown_values(column: str, rows: list[dict]):
    """One column of summary_frame from summarize's rows."""
    if column == "status":
        return [COLLAPSED if row["collapsed"] else row["status"].replace("_", " ")
                for row in rows]
    values = [row[column] for row in rows]
    if column in EPOCH_COLUMNS:
        return pd.array([None if _missing(v) else int(v) for v in values], dtype="Int64")
    scale = 100.0 if column in PERCENT_COLUMNS else 1.0
    return np.array(values, dtype=float) * scale


def cell_styles(frame: pd.DataFrame) -> dict[tuple[int, int], str]:
    """CSS per (row, column) of a summary_frame: the status of runs that diverged, failed or
    collapsed in red; in the columns that have a better direction (validation loss and
    accuracy) the best of the other runs in bold; columns where all runs agree greyed out.
    A single run is only flagged: there is nothing to compare."""
    statuses = frame["status"].tolist() if "status" in frame else [""] * len(frame)
    ranked = np.array([status not in UNRANKED for status in statuses], dtype=bool)
    styles = {}
    for col, name in enumerate(frame.columns):
        for row, css in enumerate(_column_styles(name, frame[name].tolist(), ranked)):
            if css:
                styles[row, col] = css
    return styles


def summary_html(frame: pd.DataFrame) -> str:
    """The summary_frame as an HTML table: numbers formatted (NaN as "—"), cells styled by
    `cell_styles`. Built by hand: a pandas Styler costs ~20 ms per redraw, this well under 1."""
    styles = cell_styles(frame)
    columns = list(frame.columns)
    head = "".join(f"<th>{escape(str(name))}</th>" for name in [frame.index.name or "", *columns])
    values = [frame[column].tolist() for column in columns]
    rows = []
    for row, name in enumerate(frame.index):
        cells = "".join(f"<td style='{styles.get((row, col), '')}'>"
                        f"{escape(_formatted(column, values[col][row]))}</td>"
                        for col, column in enumerate(columns))
        rows.append(f"<tr><th>{escape(str(name))}</th>{cells}</tr>")
    return (f"<style>{TABLE_CSS}</style><table class='reglab-summary'><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _formatted(column: str, value) -> str:
    if _missing(value):
        return "—"
    return FORMATS[column].format(value) if column in FORMATS else str(value)


def _column_styles(name: str, values: list, ranked: np.ndarray) -> list[str]:
    """CSS for each cell of one column (`values`, one a run): the status of unranked runs in
    red; a column where all runs agree in grey; else the best of the `ranked` rows in bold."""
    if name == "status" and not ranked.all():
        return [FLAG_STYLE if not rank else "" for rank in ranked]
    if len(values) < 2:
        return [""] * len(values)
    if _all_same(values):
        return [SAME_STYLE] * len(values)
    best = _best_cells(name, values, ranked)
    return [BEST_STYLE if is_best else "" for is_best in best]


def _all_same(values: list) -> bool:
    present = [value for value in values if not _missing(value)]
    if len(present) < len(values) and present:
        return False  # some runs have a value and others none: that is a difference
    if not all(isinstance(value, Number) for value in present):
        return len(set(present)) <= 1
    numbers = np.array(present, dtype=float)
    return len(numbers) == 0 or bool(np.allclose(numbers, numbers[0], rtol=1e-9, atol=0.0,
                                                  equal_nan=True))


def _best_cells(name: str, values: list, ranked: np.ndarray) -> np.ndarray:
    """True where a cell holds the best finite value among the `ranked` rows of a column that
    has a direction."""
    if name not in LOWER_IS_BETTER + HIGHER_IS_BETTER:
        return np.zeros(len(values), dtype=bool)
    numbers = np.array([np.nan if _missing(value) else value for value in values], dtype=float)
    if name in HIGHER_IS_BETTER:
        numbers = -numbers
    finite = np.isfinite(numbers) & ranked
    if not finite.any():
        return np.zeros(len(values), dtype=bool)
    return finite & np.isclose(numbers, numbers[finite].min(), rtol=1e-9, atol=0.0)
