"""Loading a visitor's CSV: good files round-trip, bad ones are refused saying what and where."""
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regcore.csv_data import csv_columns, load_csv
from regcore.datasets import Dataset


def csv_text(header="a,b,y", n_rows=30, label=lambda i: i % 3) -> str:
    """A valid CSV: two features and an integer label per row; data row i is spreadsheet row i + 2."""
    rows = [f"{i * 0.5},{(i * 7) % 11 - 5},{label(i)}" for i in range(n_rows)]
    return "\n".join([header, *rows]) + "\n"


def with_cell(text: str, row: int, column: int, value: str) -> str:
    """`text` with the cell at spreadsheet `row` (1 = header) and 0-based `column` replaced by `value`."""
    lines = text.splitlines()
    cells = lines[row - 1].split(",")
    cells[column] = value
    lines[row - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def test_good_csv_round_trips_with_the_last_column_as_default_target():
    data = load_csv(csv_text().encode())
    assert data.task == "classification" and data.n_classes == 3
    assert data.feature_names == ("a", "b") and data.class_names == ("0", "1", "2")
    assert data.n_train + data.n_val == 30 and data.n_val == 9


@pytest.mark.parametrize("target", ["a", 0, -3])
def test_target_is_chosen_by_name_or_index(target):
    data = load_csv(csv_text().encode(), target=target)
    assert data.feature_names == ("b", "y")
    assert data.task == "regression"  # column a holds 30 distinct halves


def test_labels_are_encoded_in_ascending_order_of_their_values():
    data = load_csv(csv_text(label=lambda i: (10, 5, 7)[i % 3]).encode(), scale=False)
    assert data.class_names == ("5", "7", "10")
    rows_with_label_10 = data.X_train[:, 0] % 1.5 == 0  # rows 0, 3, 6, ... have a = 0, 1.5, 3, ...
    assert set(data.y_train[rows_with_label_10]) == {2}


def test_integral_target_with_many_values_is_regression():
    data = load_csv(csv_text(label=lambda i: i).encode())
    assert data.task == "regression" and data.class_names is None


def test_scaled_features_use_training_statistics_and_unscaled_keep_the_values():
    scaled, raw = load_csv(csv_text().encode()), load_csv(csv_text().encode(), scale=False)
    np.testing.assert_allclose(scaled.X_train.mean(axis=0), 0, atol=1e-12)
    assert set(raw.X_train[:, 0]) | set(raw.X_val[:, 0]) == {i * 0.5 for i in range(30)}


def test_seed_decides_the_split():
    first, again, other = (load_csv(csv_text().encode(), seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(first.X_val, again.X_val)
    assert not np.array_equal(first.X_val, other.X_val)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda text, path: str(path),
        lambda text, path: path,
        lambda text, path: text.encode(),
        lambda text, path: io.BytesIO(text.encode()),
        lambda text, path: io.StringIO(text),
        lambda text, path: ("\ufeff" + text).encode(),  # UTF-8 with a byte order mark, as Excel saves it
        lambda text, path: io.BytesIO(text.replace("\n", "\r\n").encode()),
    ],
    ids=["str path", "Path", "bytes", "binary file", "text file", "BOM", "CRLF"],
)
def test_every_kind_of_source_gives_the_same_dataset(wrap, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(csv_text())
    data = load_csv(wrap(csv_text(), path))
    assert data.feature_names == ("a", "b") and data.n_train == 21


def test_an_already_read_file_object_is_read_from_its_start():
    file = io.BytesIO(csv_text().encode())
    file.read()
    assert load_csv(file).n_train == 21


def test_quoted_cells_and_blank_rows_are_understood():
    text = csv_text(header='"a","b","y"').replace("\n", "\n\n", 1).replace(",0\n", ',"0"\n')
    data = load_csv(text.encode())
    assert data.n_train + data.n_val == 30


def test_blank_rows_still_count_in_the_row_numbers_of_errors():
    text = "\n\n" + with_cell(csv_text(), 5, 1, "oops")  # two blank rows on top shift row 5 to row 7
    with pytest.raises(ValueError, match="row 7, column 'b'"):
        load_csv(text.encode())


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        (" \n\n ,, \n", "the file is empty"),
        ("a,b,y\n", "header but no data rows"),
        (csv_text().replace("\n2.5,", "\n2.5,1,", 1), "row 7 has 4 fields but the header has 3"),
        (with_cell(csv_text(), 5, 1, ""), "empty cell at row 5, column 'b'"),
        (with_cell(csv_text(), 3, 0, "abc"), "non-numeric value 'abc' at row 3, column 'a'"),
        (with_cell(csv_text(), 3, 0, "x" * 100), "non-numeric value 'xxxxxxxxxxxxxxxxxxxx...' at row 3"),
        (with_cell(csv_text(), 4, 2, "1,5"), "row 4 has 4 fields"),
        (with_cell(csv_text(), 9, 1, "nan"), "'nan' at row 9, column 'b' is not a finite number"),
        (with_cell(csv_text(), 9, 1, "-inf"), "'-inf' at row 9, column 'b' is not a finite number"),
        (with_cell(csv_text(), 9, 1, "1e999"), "'1e999' at row 9, column 'b' is not a finite number"),
        (with_cell(csv_text(), 9, 1, "1e40"), "'1e40' at row 9, column 'b' is too large"),
        (csv_text(header="a,b,a"), "name 'a' appears twice in the header \\(row 1\\): columns 1 and 3"),
        (csv_text(header="a, ,y"), "column 2 of the header \\(row 1\\) has no name"),
        ("y\n" + "1\n" * 20, "the header \\(row 1\\) has 1 column"),
        (csv_text(n_rows=9), "the file has 9 data rows; at least 10 are needed"),
        (csv_text(label=lambda i: 4), "target column 'y' holds one class only \\(4\\)"),
        (csv_text(label=lambda i: 2 if i == 6 else i % 2),
         "class 2 of target column 'y' has only one row \\(row 8\\)"),
        ('a,b\n"' + "x" * 200_000 + '"\n', "row 2 is not valid CSV"),
    ],
)
def test_bad_file_is_refused_saying_where(text, message):
    with pytest.raises(ValueError, match=message):
        load_csv(text.encode())


def test_undecodable_bytes_are_refused_with_their_line():
    data = csv_text().encode().replace(b"\n1.0,", b"\n1.0\xff,", 1)
    with pytest.raises(ValueError, match="not UTF-8 text: byte 0xff on line 4"):
        load_csv(data)


@pytest.mark.parametrize("target, message", [
    ("z", "unknown target column 'z'; the columns are: a, b, y"),
    (3, "unknown target column 3"),
    (-4, "unknown target column -4"),
])
def test_unknown_target_is_refused_listing_the_columns(target, message):
    with pytest.raises(ValueError, match=message):
        load_csv(csv_text().encode(), target=target)


@pytest.mark.parametrize("caps, message", [
    (dict(max_rows=20), "more than 20 data rows.*REGLAB_MAX_CSV_ROWS"),
    (dict(max_columns=2), "3 columns, more than the cap of 2.*REGLAB_MAX_CSV_COLUMNS"),
    (dict(max_bytes=100), "larger than the cap of 100 bytes.*REGLAB_MAX_CSV_BYTES"),
])
def test_caps_are_enforced_and_say_how_to_raise_them(caps, message):
    with pytest.raises(ValueError, match=message):
        load_csv(csv_text().encode(), **caps)


def test_bad_split_arguments_are_refused():
    with pytest.raises(ValueError, match="val_fraction"):
        load_csv(csv_text().encode(), val_fraction=1.0)
    with pytest.raises(ValueError, match="seed"):
        load_csv(csv_text().encode(), seed=-1)


def loads_or_refuses(source) -> None:
    """The property: a Dataset comes back, or a ValueError; never any other exception."""
    try:
        result = load_csv(source)
    except ValueError:
        return
    assert isinstance(result, Dataset)


CELLS = st.one_of(
    st.integers(-2, 3).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e999", "1e40", "abc", '"1"', '"', "1_0", " 7 "]),
    st.text(max_size=4),
)


@st.composite
def csv_grids(draw) -> str:
    """CSV-ish text: a header and rows of mixed cells, mostly rectangular."""
    width = draw(st.integers(1, 4))
    names = st.lists(st.sampled_from(["a", "b", "y", "", "a "]), min_size=width, max_size=width)
    header = draw(st.one_of(st.just([f"c{j}" for j in range(width)]), names))
    row = st.one_of(st.lists(CELLS, min_size=width, max_size=width), st.lists(CELLS, max_size=5))
    rows = draw(st.lists(row, max_size=30))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(",".join(cells) for cells in [header, *rows])


@st.composite
def numeric_grids(draw) -> str:
    """Rectangular CSVs of numbers with an integer label column, sometimes with one bad cell."""
    width, n_rows = draw(st.integers(2, 4)), draw(st.integers(8, 30))
    number = st.one_of(st.integers(-5, 5), st.floats(-1e3, 1e3)).map(str)
    rows = [[*draw(st.lists(number, min_size=width - 1, max_size=width - 1)), str(draw(st.integers(0, 2)))]
            for _ in range(n_rows)]
    if draw(st.booleans()):
        rows[draw(st.integers(0, n_rows - 1))][draw(st.integers(0, width - 1))] = draw(CELLS)
    header = ",".join(f"c{j}" for j in range(width))
    return "\n".join([header, *(",".join(r) for r in rows)])


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_load_or_raise_value_error(data):
    loads_or_refuses(data)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_loads_or_raises_value_error(text):
    loads_or_refuses(io.StringIO(text))


@settings(max_examples=200, deadline=None)
@given(csv_grids())
def test_csv_like_grids_load_or_raise_value_error(text):
    loads_or_refuses(text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(numeric_grids())
def test_numeric_grids_load_or_raise_value_error(text):
    loads_or_refuses(io.StringIO(text))


def test_text_class_labels_become_classes_in_sorted_order():
    rows = [f"{i},{i % 3 * 2.5},{['setosa', 'versicolor', 'virginica'][i % 3]}" for i in range(30)]
    data = load_csv(("a,b,species\n" + "\n".join(rows)).encode())
    assert data.task == "classification"
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.n_classes == 3


def test_numeric_classes_are_ordered_by_value_not_as_text():
    rows = [f"{i},{[9, 10, 2][i % 3]}" for i in range(30)]
    data = load_csv(("x,label\n" + "\n".join(rows)).encode())
    assert data.class_names == ("2", "9", "10")


def test_too_many_distinct_text_labels_are_refused():
    rows = [f"{i},name{i}" for i in range(30)]
    with pytest.raises(ValueError, match="30 distinct text values"):
        load_csv(("x,who\n" + "\n".join(rows)).encode())


def test_csv_columns_reads_the_header_as_load_csv_does():
    assert csv_columns(b"\n\n a , b,label\n1,2,0\n") == ["a", "b", "label"]
    with pytest.raises(ValueError, match="appears twice"):
        csv_columns(b"a,a\n1,2\n")


def test_a_csv_can_hold_out_a_test_split_fixed_by_the_seed():
    rows = "\n".join(f"{i},{i % 3},{i % 2}" for i in range(40))
    text = f"a,b,label\n{rows}\n".encode()
    data = load_csv(text, test_fraction=0.25, seed=4, scale=False)
    assert (data.n_train, data.n_val, data.n_test) == (18, 12, 10)
    again = load_csv(text, test_fraction=0.25, val_fraction=0.5, seed=4, scale=False)
    assert np.array_equal(np.sort(data.X_test[:, 0]), np.sort(again.X_test[:, 0]))
    assert load_csv(text, seed=4).X_test is None
