"""The comparison table: one row per run with the numbers of `regcore.summary_table`, under
readable column names, and a Styler that makes the differences between runs stand out.

The frame stays numeric (accuracies and sparsity as percent numbers); formatting and
highlighting live in the Styler only, so the frame can also be sorted, tested or exported.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from regcore import summary_table

COLUMNS = {  # summary_table column → display name
    "status": "status",
    "best_epoch": "best epoch",
    "stopped_epoch": "stop epoch",
    "best_val_loss": "best val loss",
    "final_val_loss": "final val loss",
    "final_train_loss": "final train loss",
    "gap": "gap",
    "best_val_acc": "best val acc (%)",
    "final_val_acc": "final val acc (%)",
    "sparsity": "sparsity (%)",
    "weight_norm": "weight norm",
    "time": "time (s)",
}
PERCENT_COLUMNS = ("best_val_acc", "final_val_acc", "sparsity")
LOWER_IS_BETTER = ("best val loss", "final val loss", "final train loss")
HIGHER_IS_BETTER = ("best val acc (%)", "final val acc (%)")
CLOSEST_TO_ZERO_IS_BETTER = ("gap",)
FORMATS = {
    "best epoch": "{:.0f}", "stop epoch": "{:.0f}", "best val loss": "{:.4g}",
    "final val loss": "{:.4g}", "final train loss": "{:.4g}", "gap": "{:+.3g}",
    "best val acc (%)": "{:.1f}", "final val acc (%)": "{:.1f}", "sparsity (%)": "{:.1f}",
    "weight norm": "{:.3g}", "time (s)": "{:.1f}",
}
BEST_STYLE = "font-weight: bold; background-color: #e3f1e3"
SAME_STYLE = "color: #9a9a9a"


def summary_frame(runs, names) -> pd.DataFrame:
    """One row per run (index "run" = the run names), the COLUMNS of regcore.summary_table
    renamed for display; status in words, accuracies and sparsity in %, best epoch an
    integer column that holds <NA> for a run without one."""
    table = summary_table(runs, names)
    frame = table[list(COLUMNS)].copy()
    frame["status"] = frame["status"].str.replace("_", " ")
    for column in ("best_epoch", "stopped_epoch"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    for column in PERCENT_COLUMNS:
        frame[column] = frame[column].astype(float) * 100.0
    return frame.rename(columns=COLUMNS)


def highlight_differences(frame: pd.DataFrame):
    """A Styler of a summary_frame: numbers formatted, NaN shown as "—"; per column the best
    run in bold (lowest losses, gap closest to 0, highest accuracies) and columns where all
    runs agree greyed out. A single run is only formatted: there is nothing to compare."""
    formats = {column: fmt for column, fmt in FORMATS.items() if column in frame.columns}
    styler = frame.style.format(formats, na_rep="—")
    if len(frame) < 2:
        return styler
    return styler.apply(_column_styles, axis=0)


def _column_styles(column: pd.Series) -> list[str]:
    """CSS for each cell of one column."""
    if _all_same(column):
        return [SAME_STYLE] * len(column)
    best = _best_cells(column)
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


def _best_cells(column: pd.Series) -> np.ndarray:
    """True where a cell holds the best finite value of a column that has a direction."""
    if column.name not in LOWER_IS_BETTER + HIGHER_IS_BETTER + CLOSEST_TO_ZERO_IS_BETTER:
        return np.zeros(len(column), dtype=bool)
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    if column.name in HIGHER_IS_BETTER:
        values = -values
    elif column.name in CLOSEST_TO_ZERO_IS_BETTER:
        values = np.abs(values)
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros(len(column), dtype=bool)
    return finite & np.isclose(values, values[finite].min(), rtol=1e-9, atol=0.0)
