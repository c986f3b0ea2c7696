"""Tables of records kept as numpy columns: a run's history (one row per epoch) and its
weight statistics (one row per epoch and layer).

A trainer appends rows as dicts; `TableBuilder.table(records)` converts the rows added since
its last call into its columns (amortized growth, a few microseconds a row) and returns a
`Table`: read-only views of the first rows, which later appends never change. A live view
reads a column as a numpy array in well under a microsecond; pandas 3 takes ~17 µs to hand
out one column of a DataFrame and ~270 µs to append a chunk's rows to one, which on a server
drawing thirty visitors' charts several times a second was a fifth of its time. The
DataFrame (`Table.frame()`) is built only when asked for, once per table.

    builder = TableBuilder(("epoch", "val_loss"))
    table = builder.table([{"epoch": 1, "val_loss": 0.7}, {"epoch": 2, "val_loss": 0.6}])
    table["val_loss"]           # array([0.7, 0.6]), read-only
    table.head(1).frame()       # the DataFrame of the first row
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

FIRST_CAPACITY = 64  # rows a builder's columns hold before they first grow (then double)


class Table:
    """Columns (name → array of `rows` values) in a fixed order; len(table) is its rows."""

    def __init__(self, columns: dict[str, np.ndarray], rows: int):
        self._columns, self.rows = columns, rows
        self._frame: pd.DataFrame | None = None

    @classmethod
    def empty(cls, names: Sequence[str]) -> "Table":
        return cls({name: _read_only(np.empty(0)) for name in names}, 0)

    def __len__(self) -> int:
        return self.rows

    def __contains__(self, name: str) -> bool:
        return name in self._columns

    def __getitem__(self, name: str) -> np.ndarray:
        """The column `name`, (rows,), read-only."""
        return self._columns[name]

    @property
    def names(self) -> list[str]:
        return list(self._columns)

    @property
    def nbytes(self) -> int:
        """Bytes its columns keep alive: the arrays behind the views, with their room to grow."""
        return sum(column.nbytes if column.base is None else column.base.nbytes
                   for column in self._columns.values())

    def head(self, rows: int) -> "Table":
        """The first `rows` rows (views)."""
        if rows >= self.rows:
            return self
        return Table({name: column[:rows] for name, column in self._columns.items()}, rows)

    def until(self, name: str, value) -> "Table":
        """The first rows, as long as column `name` (ascending) is at most `value`."""
        if not self.rows:
            return self
        return self.head(int(np.searchsorted(self._columns[name], value, side="right")))

    def index_of(self, name: str, value) -> int | None:
        """The first row whose column `name` holds `value`, or None."""
        hits = np.flatnonzero(self._columns[name] == value) if self.rows else ()
        return int(hits[0]) if len(hits) else None

    def row(self, index: int) -> dict:
        """Row `index` (negative counts from the end) as a dict of Python values."""
        return {name: _python(column[index]) for name, column in self._columns.items()}

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame (built on the first call, then the same object: treat it
        as read-only)."""
        if self._frame is None:
            self._frame = pd.DataFrame(dict(self._columns), columns=self.names)
        return self._frame


class TableBuilder:
    """Grows numpy columns from a list of records that is only ever appended to (each record a
    dict with the same keys). Column dtypes follow the first record: int64 for integers,
    float64 for floats, object for anything else (a layer's name); an integer column that
    meets a float later becomes float64."""

    def __init__(self, names: Sequence[str] | None = None):
        self.names = list(names) if names is not None else None
        self.reset()

    def reset(self) -> None:
        """Start over (after the records were replaced); tables given out keep their rows."""
        self._columns: dict[str, np.ndarray] | None = None
        self._rows = 0
        self._table: Table | None = None  # the last one given out

    def table(self, records: list[dict]) -> Table:
        """The table of `records`: the rows added since the last call are converted (without
        any, the same Table as last time)."""
        if len(records) < self._rows:
            self.reset()
        if self._table is not None and len(records) == self._rows:
            return self._table
        if self._columns is None:
            if not records:
                return Table.empty(self.names or [])
            self._columns = self._new_columns(records[0])
        self._append(records[self._rows:])
        rows = self._rows
        self._table = Table({name: _read_only(column[:rows])
                             for name, column in self._columns.items()}, rows)
        return self._table

    def _new_columns(self, first: dict) -> dict[str, np.ndarray]:
        names = self.names if self.names is not None else list(first)
        return {name: np.empty(FIRST_CAPACITY, _dtype_of(first[name])) for name in names}

    def _append(self, added: list[dict]) -> None:
        if not added:
            return
        needed = self._rows + len(added)
        capacity = len(next(iter(self._columns.values())))
        if needed > capacity:  # new arrays: the tables given out keep the old ones
            capacity = max(needed, 2 * capacity)
            self._columns = {name: _grown(column, capacity, self._rows)
                             for name, column in self._columns.items()}
        for name, column in list(self._columns.items()):
            values = [record[name] for record in added]
            if column.dtype.kind == "i" and not all(_is_integer(value) for value in values):
                column = self._columns[name] = column.astype(np.float64)
            column[self._rows:needed] = values
        self._rows = needed


def _dtype_of(value) -> np.dtype:
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, (float, np.floating)):
        return np.dtype(np.float64)
    return np.dtype(object)


def _is_integer(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _python(value):
    """A numpy scalar as the Python number it holds; any other value as it is."""
    return value.item() if isinstance(value, np.generic) else value


def _grown(column: np.ndarray, capacity: int, rows: int) -> np.ndarray:
    grown = np.empty(capacity, column.dtype)
    grown[:rows] = column[:rows]
    return grown


def _read_only(column: np.ndarray) -> np.ndarray:
    view = column.view()
    view.flags.writeable = False
    return view
