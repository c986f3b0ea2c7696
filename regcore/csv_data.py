"""`load_csv`: a visitor's CSV file as a Dataset, or a ValueError that says what is wrong and where.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
Columns are named by their header. Every feature cell must be a finite number; the target column
may also hold text class labels, and decides the task (see `_encode_target`). Splitting and scaling are the same as for the built-in sets.
"""

import csv
import io
import math
import numbers
import os

import numpy as np

from .checks import check_range
from .datasets import Dataset
from .limits import LIMITS, how_to_raise
from .splitting import split_and_scale

MIN_ROWS = 10
MAX_CLASSES = 20  # an integral target with at most this many distinct values holds class labels
MAX_MAGNITUDE = 1e30  # unscaled, larger numbers overflow the float32 arithmetic of training
SHOWN_CHARS = 20  # offending values are quoted up to this length
SHOWN_COLUMNS = 20  # an unknown target lists at most this many column names
TEST_STREAM = 0x7E57  # mixed into the seed: the test rows' draw is not the split's


def load_csv(
    source,
    target: str | int | None = None,
    *,
    val_fraction: float = 0.3,
    test_fraction: float = 0.0,
    seed: int = 0,
    scale: bool = True,
    max_rows: int | None = None,
    max_columns: int | None = None,
    max_bytes: int | None = None,
) -> Dataset:
    """Read a CSV with a header row and numeric cells, and split it like `make_dataset` does.

    source: a path (str or os.PathLike), bytes, or a binary or text file object (read from its
        start), e.g. Streamlit's UploadedFile. The text must be UTF-8, with or without a BOM.
        A path that cannot be opened raises the usual OSError; everything wrong with the
        content raises ValueError.
    target: the target column's name or index (negative counts from the end); default the last.
        A target of integers with at most MAX_CLASSES distinct values, or of text labels
        ("setosa", ...), makes a classification task (labels 0..k-1 in sorted order of value,
        class_names the values); other numbers make a regression task.
    max_rows, max_columns, max_bytes: caps on data rows, columns and file size; default LIMITS.
    test_fraction: share of rows held out as a test split (0: none), carved out before the
        validation rows by a generator of its own, derived from `seed` (as in `make_dataset`).
    Rows whose cells are all blank are skipped, as a spreadsheet shows them empty.
    """
    check_range("seed", seed, 0, math.inf, integer=True, high_open=True)
    text = _decode(_read_bytes(source, LIMITS.max_csv_bytes if max_bytes is None else max_bytes))
    records = _records(text)
    header = _header(records, LIMITS.max_csv_columns if max_columns is None else max_columns)
    column = _target_column(target, header)
    X, labels, rows = _parse_rows(records, header, column,
                                  LIMITS.max_csv_rows if max_rows is None else max_rows)
    task, y, class_names = _encode_target(labels, header[column], rows)
    parts = split_and_scale(X, y, task=task, val_fraction=val_fraction, rng=np.random.default_rng(seed),
                            scale=scale, test_fraction=test_fraction,
                            test_rng=np.random.default_rng([seed, TEST_STREAM]))
    feature_names = header[:column] + header[column + 1:]
    return Dataset(**parts, task=task, feature_names=feature_names, class_names=class_names)


def csv_columns(source) -> list[str]:
    """The column names of a CSV's header row (the first row that is not blank), read and
    checked as `load_csv` reads them."""
    text = _decode(_read_bytes(source, LIMITS.max_csv_bytes))
    return _header(_records(text), LIMITS.max_csv_columns)


def _read_bytes(source, max_bytes: int) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            data = file.read(max_bytes + 1)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        data = source.read(max_bytes + 1)
        if isinstance(data, str):  # lone surrogates pass through here and fail decoding below
            data = data.encode("utf-8", errors="surrogatepass")
    else:
        raise TypeError(f"source must be a path, bytes or a file object, got {type(source).__name__}")
    if len(data) > max_bytes:
        raise ValueError(f"the file is larger than the cap of {max_bytes} bytes "
                         f"({how_to_raise('max_csv_bytes')})")
    return data


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ValueError(f"the file is not UTF-8 text: byte {data[error.start]:#04x} on line {line} "
                         "cannot be decoded (save it as 'CSV UTF-8')") from None


def _records(text: str):
    """Yield (row number, cells) for every row that is not entirely blank; row 1 is the first."""
    reader = csv.reader(io.StringIO(text, newline=""))
    row = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValueError(f"row {row + 1} is not valid CSV: {error}") from None
        row += 1
        if any(cell.strip() for cell in cells):
            yield row, cells


def _header(records, max_columns: int) -> list[str]:
    first = next(records, None)
    if first is None:
        raise ValueError("the file is empty")
    row, cells = first
    names = [cell.strip() for cell in cells]
    if len(names) > max_columns:
        raise ValueError(f"the header (row {row}) has {len(names)} columns, more than the cap of "
                         f"{max_columns} ({how_to_raise('max_csv_columns')})")
    if len(names) < 2:
        raise ValueError(f"the header (row {row}) has 1 column; "
                         "need at least one feature column and a target column")
    seen = {}
    for number, name in enumerate(names, start=1):
        if not name:
            raise ValueError(f"column {number} of the header (row {row}) has no name")
        if name in seen:
            raise ValueError(f"column name {name!r} appears twice in the header (row {row}): "
                             f"columns {seen[name]} and {number}")
        seen[name] = number
    return names


def _target_column(target, header: list[str]) -> int:
    """Index of the target column in `header`."""
    if target is None:
        return len(header) - 1
    if isinstance(target, str) and target in header:
        return header.index(target)
    in_range = isinstance(target, numbers.Integral) and -len(header) <= target < len(header)
    if in_range and not isinstance(target, bool):
        return int(target) % len(header)
    shown = ", ".join(header[:SHOWN_COLUMNS]) + (", ..." if len(header) > SHOWN_COLUMNS else "")
    raise ValueError(f"unknown target column {target!r}; the columns are: {shown}")


def _parse_rows(records, header: list[str], target: int,
                max_rows: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Features (n_rows, n_columns − 1) float64, the target cells as text (n_rows,), and the
    spreadsheet row numbers (n_rows,) of the data rows."""
    features, labels, rows = [], [], []
    names = header[:target] + header[target + 1:]
    for row, cells in records:
        if len(rows) == max_rows:
            raise ValueError(f"the file has more than {max_rows} data rows, the cap "
                             f"({how_to_raise('max_csv_rows')})")
        if len(cells) != len(header):
            raise ValueError(f"row {row} has {len(cells)} fields but the header has {len(header)}")
        label = cells.pop(target).strip()
        if not label:
            raise ValueError(f"empty cell at row {row}, column {header[target]!r}")
        features.append(np.array([_number(cell, row, name) for cell, name in zip(cells, names)]))
        labels.append(label)
        rows.append(row)
    if not rows:
        raise ValueError("the file has a header but no data rows")
    if len(rows) < MIN_ROWS:
        raise ValueError(f"the file has {len(rows)} data rows; at least {MIN_ROWS} are needed")
    return np.vstack(features), labels, np.array(rows)


def _number(cell: str, row: int, column: str) -> float:
    text = cell.strip()
    where = f"row {row}, column {column!r}"
    if not text:
        raise ValueError(f"empty cell at {where}")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"non-numeric value {_shorten(text)} at {where}") from None
    if not math.isfinite(value):
        raise ValueError(f"{_shorten(text)} at {where} is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError(f"{_shorten(text)} at {where} is too large (limit {MAX_MAGNITUDE:g})")
    return value


def _shorten(text: str) -> str:
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "...")


def _encode_target(labels: list[str], column: str,
                   rows: np.ndarray) -> tuple[str, np.ndarray, tuple | None]:
    """(task, y, class_names) from the target cells: text labels, or integral numbers with at most
    MAX_CLASSES values, become classes 0..k-1; other numbers a regression target."""
    numeric = _numeric_target(labels, column, rows)
    if numeric is not None:
        is_integral = (numeric == np.round(numeric)).all()
        if len(np.unique(numeric)) > MAX_CLASSES or not is_integral:
            return "regression", numeric, None
        labels = [str(int(value)) for value in numeric]
    values, first, y = np.unique(np.array(labels), return_index=True, return_inverse=True)
    if numeric is not None:  # order numeric classes by value, not as text ("10" after "9")
        order = np.argsort([float(v) for v in values])
        values, first, y = values[order], first[order], np.argsort(order)[y]
    return "classification", y, _class_names(values, first, column, rows, y)


def _numeric_target(labels: list[str], column: str, rows: np.ndarray) -> np.ndarray | None:
    """The target as numbers (checked like feature cells), or None if any cell is text."""
    try:
        for label in labels:
            float(label)
    except ValueError:
        if len(set(labels)) > MAX_CLASSES:
            raise ValueError(f"target column {column!r} holds {len(set(labels))} distinct text "
                             f"values; a class target has at most {MAX_CLASSES}") from None
        return None
    return np.array([_number(label, row, column) for label, row in zip(labels, rows)])


def _class_names(values, first, column: str, rows: np.ndarray, y: np.ndarray) -> tuple[str, ...]:
    names = tuple(str(v) for v in values)
    counts = np.bincount(y, minlength=len(values))
    if len(values) < 2:
        raise ValueError(f"target column {column!r} holds one class only ({names[0]}); need at least 2")
    if (counts < 2).any():
        rare = int(np.argmax(counts < 2))
        raise ValueError(f"class {names[rare]} of target column {column!r} has only one row "
                         f"(row {rows[first[rare]]}); each class needs 2, one to train and one to validate")
    return names
