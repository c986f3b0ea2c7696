"""Tables of records as numpy columns (`regcore.table`): the same numbers and dtypes as a
DataFrame of the records, rows converted once, and tables given out never change."""
import numpy as np
import pandas as pd
import pytest

from regcore import Config
from regcore.training import Trainer
from regcore.table import FIRST_CAPACITY, Table, TableBuilder

NAMES = ("epoch", "val_loss", "layer")


def table_of(frame: pd.DataFrame) -> Table:
    """The table of a DataFrame's rows (for tests that make up a history)."""
    return TableBuilder(list(frame.columns)).table(frame.to_dict("records"))


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


def test_a_run_reads_the_numbers_of_its_records():
    trainer = Trainer(Config(epochs=4, hidden=(8,), n_samples=120))
    while not trainer.done:
        trainer.step_epoch()
    run, records = trainer.run(), pd.DataFrame(trainer.records)
    for name in records.columns:
        np.testing.assert_array_equal(run.column(name), records[name].to_numpy())
    pd.testing.assert_frame_equal(run.history, records)
    pd.testing.assert_frame_equal(run.layer_stats, pd.DataFrame(trainer.layer_records))
    assert run.at_epoch("val_loss", 3) == records["val_loss"].iloc[2]
    assert np.isnan(run.at_epoch("val_loss", 99))
    assert run.elapsed == records["time"].iloc[-1]


def test_without_new_records_the_same_table_comes_back():
    builder, rows = TableBuilder(NAMES), records(1, 3)
    assert builder.table(rows) is builder.table(rows)


def test_an_integer_column_that_meets_a_float_becomes_a_float_column():
    builder, rows = TableBuilder(NAMES), records(1, 2)
    builder.table(rows)
    rows.append({"epoch": 2.5, "val_loss": 0.1, "layer": "linear1"})
    assert builder.table(rows)["epoch"].tolist() == [1.0, 2.0, 2.5]


def test_a_table_counts_the_arrays_it_keeps_alive():
    table = TableBuilder(NAMES).table(records(1, 3))
    assert table.nbytes >= 2 * 8 * FIRST_CAPACITY  # the builder's int and float columns


def test_index_of_finds_the_first_row_holding_a_value():
    table = TableBuilder(NAMES).table(records(1, 5))
    assert table.index_of("epoch", 3) == 2 and table.index_of("epoch", 9) is None
    assert TableBuilder(NAMES).table([]).index_of("epoch", 1) is None
