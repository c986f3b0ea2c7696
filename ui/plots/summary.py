"""The comparison table: one row per run with the numbers of `regcore.summary_table`, under
readable column names, and a Styler that makes the differences between runs stand out
without ranking what has no "better".

The frame stays numeric (accuracies and sparsity as percent numbers); formatting and
highlighting happen only when it is drawn (`summary_html`), so the frame can also be sorted,
tested or exported.
"""
from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from regcore import summary_table

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
    columns only when some run has a test split."""
    table = summary_table(runs, names)
    shown = [column for column in COLUMNS if column not in TEST_COLUMNS
             or table[column].notna().any()]
    frame = table[shown].copy()
    frame["status"] = frame["status"].str.replace("_", " ").where(~table["collapsed"], COLLAPSED)
    for column in ("stopped_epoch", "end_epoch"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    for column in PERCENT_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(float) * 100.0
    return frame.rename(columns=COLUMNS)


def cell_styles(frame: pd.DataFrame) -> dict[tuple[int, int], str]:
    """CSS per (row, column) of a summary_frame: the status of runs that diverged, failed or
    collapsed in red; in the columns that have a better direction (validation loss and
    accuracy) the best of the other runs in bold; columns where all runs agree greyed out.
    A single run is only flagged: there is nothing to compare."""
    unranked = frame.get("status", pd.Series("", frame.index)).isin(UNRANKED).to_numpy()
    styles = {}
    for col, name in enumerate(frame.columns):
        for row, css in enumerate(_column_styles(frame[name], ~unranked)):
            if css:
                styles[row, col] = css
    return styles


def summary_html(frame: pd.DataFrame) -> str:
    """The summary_frame as an HTML table: numbers formatted (NaN as "—"), cells styled by
    `cell_styles`. Built by hand: a pandas Styler costs ~20 ms per redraw, this well under 1."""
    styles = cell_styles(frame)
    head = "".join(f"<th>{escape(str(name))}</th>" for name in [frame.index.name or "", *frame])
    rows = []
    for row, (name, values) in enumerate(frame.iterrows()):
        cells = "".join(f"<td style='{styles.get((row, col), '')}'>"
                        f"{escape(_formatted(column, value))}</td>"
                        for col, (column, value) in enumerate(values.items()))
        rows.append(f"<tr><th>{escape(str(name))}</th>{cells}</tr>")
    return (f"<style>{TABLE_CSS}</style><table class='reglab-summary'><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _formatted(column: str, value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return FORMATS[column].format(value) if column in FORMATS else str(value)


def _column_styles(column: pd.Series, ranked: np.ndarray) -> list[str]:
    """CSS for each cell of one column: the status of unranked runs in red; a column where
    all runs agree in grey; else the best of the `ranked` rows in bold."""
    if column.name == "status" and not ranked.all():
        return [FLAG_STYLE if not rank else "" for rank in ranked]
    if len(column) < 2:
        return [""] * len(column)
    if _all_same(column):
        return [SAME_STYLE] * len(column)
    best = _best_cells(column, ranked)
    return [BEST_STYLE if is_best else "" for is_best in best]


def _all_same(column: pd.Series) -> bool:
    values = column.dropna()
    if len(values) < len(column) and len(values):
        return False  # some runs have a value and others none: that is a difference
    if not pd.api.types.is_numeric_dtype(values):
        return values.nunique() <= 1
    numbers = values.to_numpy(dtype=float)
    return len(numbers) == 0 or bool(np.allclose(numbers, numbers[0], rtol=1e-9, atol=0.0,
                                                 equal_nan=True))


def _best_cells(column: pd.Series, ranked: np.ndarray) -> np.ndarray:
    """True where a cell holds the best finite value among the `ranked` rows of a column that
    has a direction."""
    if column.name not in LOWER_IS_BETTER + HIGHER_IS_BETTER:
        return np.zeros(len(column), dtype=bool)
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    if column.name in HIGHER_IS_BETTER:
        values = -values
    finite = np.isfinite(values) & ranked
    if not finite.any():
        return np.zeros(len(column), dtype=bool)
    return finite & np.isclose(values, values[finite].min(), rtol=1e-9, atol=0.0)
