"""Every bar chart of the lab and the lessons starts its bars at 0, so their lengths compare
the values themselves; and axes of percentages stay within 0–100 %."""
import numpy as np
import pandas as pd

from regcore.lessons import batch_norm as bn_lesson
from regcore.lessons import dropout as dropout_lesson
from regcore.lessons import weight_decay
from ui.plots.dropout import expectation_figure
from ui.plots.early_stopping import ending_losses_figure, patience_figure
from ui.plots.inputs import input_norms_figure
from ui.plots.normalization import across_batches_figure
from ui.plots.weight_decay import decay_rates_figure
from ui.plots.weights import histogram_figure

PATIENCES = pd.DataFrame({"patience": [5, 20, 40], "best_epoch": [30, 30, 30],
                          "stopped_epoch": [35, 50, np.nan], "epochs_saved": [15, 0, 0],
                          "val_loss_restored": [0.37, 0.36, 0.36],
                          "val_loss_last": [0.38, 0.41, 0.45]})
OUTCOMES = [bn_lesson.BatchOutcome("BN 2", "batch", 2, 400, 0.5, 0.8, 0.25, 0.2),
            bn_lesson.BatchOutcome("BN 64", "batch", 64, 399, 0.2, 0.9, 0.05, 0.04)]


def starts_at_zero(axis) -> bool:
    """An axis whose bars grow from 0: its range (if fixed) begins there, or its autorange
    includes 0."""
    if axis.range is not None:
        return axis.range[0] == 0
    return axis.rangemode == "tozero"


def test_patience_bars_start_at_zero_however_close_the_losses_are():
    """The losses differ in the second decimal: an axis from 0.36 made them look tenfold."""
    axis = patience_figure(PATIENCES, chosen=20).layout.yaxis
    assert axis.range[0] == 0 and axis.range[1] > PATIENCES["val_loss_last"].max()


def test_ending_loss_bars_start_at_zero():
    assert ending_losses_figure(["A", "B"], [0.41, 0.36]).layout.xaxis.range[0] == 0


def test_normalization_bars_start_at_zero_and_the_percent_panel_stops_at_100():
    layout = across_batches_figure(bn_lesson.outcome_table(OUTCOMES)).layout
    assert starts_at_zero(layout.yaxis) and starts_at_zero(layout.yaxis2)
    options = layout.yaxis2.autorangeoptions
    assert (options.minallowed, options.maxallowed) == (0, 100)


def test_dropout_expectation_bars_start_at_zero():
    table = dropout_lesson.expected_activation(p=0.5)
    assert starts_at_zero(expectation_figure(table, 0.5).layout.yaxis)


def test_decay_rate_histogram_counts_start_at_zero_on_a_readable_log_axis():
    trace = weight_decay.DecayTrace(pd.DataFrame(), np.array([1e-3, 1e-2, 1e-2, 0.1]), 1e-4)
    layout = decay_rates_figure(trace).layout
    assert starts_at_zero(layout.yaxis)
    assert layout.xaxis.type == "log" and layout.xaxis.tickformat == "~g"


def test_input_norm_bars_start_at_zero(tiny_runs):
    layout = input_norms_figure(tiny_runs, ["A", "B"]).layout
    assert starts_at_zero(layout.yaxis) and starts_at_zero(layout.yaxis2)


def test_weight_histogram_bars_start_at_zero(tiny_runs):
    layout = histogram_figure(tiny_runs, ["A", "B"]).layout
    y_axes = [layout[key] for key in layout if key.startswith("yaxis")]
    assert y_axes and all(axis.range[0] == 0 for axis in y_axes)
