"""Tables of records as numpy columns (`regcore.table`): the same numbers and dtypes as a
DataFrame of the records, rows converted once, and tables given out never change."""
import numpy as np
import pandas as pd
import pytest

import regcore
from regcore import Config
from regcore.table import FIRST_CAPACITY, Table, TableBuilder

NAMES = ("epoch", "val_loss", "layer")


def records(first: int, last: int) -> list[dict]:
    return [{"epoch": e, "val_loss": 1 / e, "layer": f"linear{e % 3}"}
            for e in range(first, last + 1)]


def test_a_table_holds_the_records_with_the_dtypes_pandas_gives_them():
    rows = records(1, 5)
    table = TableBuilder(NAMES).table(rows)
    pd.testing.assert_frame_equal(table.frame(), pd.DataFrame(rows, columns=list(NAMES)))
    assert table["epoch"].dtype == np.int64 and table["val_loss"].dtype == np.float64
    assert len(table) == 5 and table.names == list(NAMES)


def test_tables_given_out_keep_their_rows_while_the_records_grow_past_capacity():
    builder, rows = TableBuilder(NAMES), records(1, 3)
    early = builder.table(rows)
    rows += records(4, 3 * FIRST_CAPACITY)
    later = builder.table(rows)
    np.testing.assert_array_equal(early["epoch"], [1, 2, 3])
    np.testing.assert_array_equal(later["epoch"], np.arange(1, 3 * FIRST_CAPACITY + 1))
    assert later.row(-1) == rows[-1]


def test_only_the_rows_added_since_the_last_call_are_converted():
    builder, rows = TableBuilder(NAMES), records(1, 4)
    builder.table(rows)
    rows[0]["val_loss"] = -1.0  # an already converted row: not read again
    rows.append(records(5, 5)[0])
    table = builder.table(rows)
    assert table["val_loss"][0] == 1.0 and table["epoch"][-1] == 5


def test_fewer_records_than_before_start_the_table_over():
    builder = TableBuilder(NAMES)
    builder.table(records(1, 6))
    assert builder.table(records(10, 11))["epoch"].tolist() == [10, 11]


def test_columns_are_read_only():
    table = TableBuilder(NAMES).table(records(1, 3))
    with pytest.raises(ValueError):
        table["val_loss"][0] = 0.0


def test_head_and_until_cut_the_first_rows():
    table = TableBuilder(NAMES).table(records(1, 6))
    assert table.head(2)["epoch"].tolist() == [1, 2] and table.head(9) is table
    assert table.until("epoch", 4)["epoch"].tolist() == [1, 2, 3, 4]
    assert len(table.until("epoch", 0)) == 0


def test_an_empty_table_has_its_columns_and_no_rows():
    table = TableBuilder(NAMES).table([])
    assert len(table) == 0 and list(table.frame().columns) == list(NAMES)


def test_a_run_reads_the_same_numbers_as_its_history_frame():
    run = regcore.train(Config(epochs=4, hidden=(8,), n_samples=120))
    for name in run.history.columns:
        np.testing.assert_array_equal(run.column(name), run.history[name].to_numpy())
    assert run.at_epoch("val_loss", 3) == run.history["val_loss"].iloc[2]
    assert np.isnan(run.at_epoch("val_loss", 99))
    assert run.elapsed == run.history["time"].iloc[-1]
    assert len(run.layer_stats) == 5 * len(run.model.weight_layers)  # epochs 0 to 4


def test_without_new_records_the_same_table_comes_back():
    builder, rows = TableBuilder(NAMES), records(1, 3)
    assert builder.table(rows) is builder.table(rows)
