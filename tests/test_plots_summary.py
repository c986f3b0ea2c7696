"""The comparison table: numbers straight from regcore.summary_table under readable names,
and a Styler that bolds the best validation numbers only, flags runs that diverged or
collapsed instead of ranking them, and greys columns where all runs agree."""

import numpy as np
import pandas as pd
import pytest

import regcore
from regcore import Config, summary_table
from ui.plots.summary import (BEST_STYLE, COLLAPSED, COLUMNS, FLAG_STYLE, SAME_STYLE,
                              TEST_COLUMNS, cell_styles, summary_frame, summary_html)

BASE = Config(epochs=12, n_samples=150, hidden=(8, 8), lr=0.05, batch_size=16)


@pytest.fixture(scope="module")
def runs():
    return regcore.train_side_by_side([BASE, BASE.replace(penalty="l1", penalty_strength=3e-2),
                                       BASE.replace(epochs=40, patience=3)])


@pytest.fixture(scope="module")
def diverged():
    run = regcore.train(Config(dataset="diabetes", epochs=3, hidden=(8,), optimizer="sgd",
                               lr=1.0, scale=False))
    assert run.status == "diverged" and run.best_epoch is None
    return run


def test_summary_frame_holds_the_numbers_of_summary_table(runs):
    frame, table = summary_frame(runs, "ABC"), summary_table(runs, "ABC")
    assert list(frame.index) == ["A", "B", "C"] and frame.index.name == "run"
    assert list(frame.columns) == [shown for source, shown in COLUMNS.items()
                                   if source not in TEST_COLUMNS]
    for source, shown in COLUMNS.items():
        if source == "status" or source in TEST_COLUMNS:
            continue
        factor = 100.0 if source in ("final_val_acc", "sparsity") else 1.0
        np.testing.assert_allclose(frame[shown].astype(float), table[source].astype(float) * factor)
    assert list(frame["status"]) == ["completed", "completed", "early stopped"]


def test_summary_frame_stays_numeric(runs):
    frame = summary_frame(runs, "ABC")
    numeric = frame.drop(columns="status")
    assert all(pd.api.types.is_numeric_dtype(numeric[c]) for c in numeric)


def test_a_diverged_run_is_flagged_and_never_bold(runs, diverged):
    frame = summary_frame([runs[0], diverged], "AB")
    styles = cell_styles(frame)
    assert styles[1, 0] == FLAG_STYLE and (0, 0) not in styles
    assert not any(row == 1 and css == BEST_STYLE for (row, _), css in styles.items())


def test_only_validation_loss_and_accuracy_are_ranked(runs):
    frame = summary_frame(runs, "ABC")
    styles = cell_styles(frame)
    ranked = {"val loss": min, "lowest val loss": min, "val acc (%)": max}
    for column in frame.columns:
        col = frame.columns.get_loc(column)
        bold = {row for (row, c), css in styles.items() if c == col and css == BEST_STYLE}
        if column in ranked:
            values = frame[column].to_numpy(float)
            assert bold == set(np.flatnonzero(values == ranked[column](values))), column
        else:
            assert not bold, column  # training loss, gap, sparsity …: no "better"


def test_a_collapsed_run_is_flagged_and_not_ranked_even_with_the_lowest_loss():
    frame = pd.DataFrame({"status": ["completed", COLLAPSED], "val loss": [0.5, 0.1]},
                         index=pd.Index(list("AB"), name="run"))
    styles = cell_styles(frame)
    assert styles[1, 0] == FLAG_STYLE
    assert styles[0, 1] == BEST_STYLE and (1, 1) not in styles


def test_columns_where_all_runs_agree_are_greyed(runs):
    frame = summary_frame([runs[0], runs[0]], "AB")
    styles = cell_styles(frame)
    n_columns = frame.shape[1]
    assert all(styles.get((row, col)) == SAME_STYLE
               for row in range(2) for col in range(n_columns))


def test_numbers_are_formatted_and_missing_values_shown_as_a_dash(runs, diverged):
    frame = summary_frame([runs[0], diverged], "AB")
    html = summary_html(frame)
    assert "—" in html and "nan" not in html.lower()
    assert f"<td style='{BEST_STYLE}'>{frame.loc['A', 'val loss']:.4g}</td>" in html
    assert f"<td style='{FLAG_STYLE}'>diverged</td>" in html


def test_run_names_are_escaped_in_the_table(runs):
    assert "&lt;b&gt;" in summary_html(summary_frame(runs[:1], ["<b>"]))


def test_highlighting_a_single_run_only_formats_it(runs):
    assert not cell_styles(summary_frame(runs[:1], "A"))


def test_a_single_diverged_run_is_still_flagged(diverged):
    styles = cell_styles(summary_frame([diverged], "A"))
    assert styles == {(0, 0): FLAG_STYLE}


def test_highlighting_survives_nan_columns(diverged):
    frame = summary_frame([diverged, diverged], "AB")
    assert frame["val acc (%)"].isna().all()
    assert summary_html(frame)


def test_with_a_test_split_the_table_reports_the_held_out_numbers_unranked():
    config = BASE.replace(test_fraction=0.2)
    runs = regcore.train_side_by_side([config, config.replace(dropout=0.3)])
    frame, table = summary_frame(runs, "AB"), summary_table(runs, "AB")
    np.testing.assert_allclose(frame["test loss (held out)"], table["final_test_loss"])
    np.testing.assert_allclose(frame["test acc (%) (held out)"], table["final_test_acc"] * 100)
    styles = cell_styles(frame)
    for name in ("test loss (held out)", "test acc (%) (held out)"):
        column = list(frame.columns).index(name)
        assert all(styles.get((row, column)) != BEST_STYLE for row in range(2))
    assert "test loss (held out)" in summary_html(frame)
