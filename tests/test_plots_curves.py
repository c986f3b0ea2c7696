"""Curve figures: the right lines per run, smoothing, log scale, early-stopping marks,
what-if patience, diverged runs and thinning of long histories; assembled figures send the
JSON a fully validated figure would."""
import base64
import dataclasses
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import regcore
from regcore import Config
import plotly.io as pio

import ui.plots.curves as curves
from ui.plots.curves import (NO_RUNS, accuracy_figure, gap_figure, loss_figure, mode_loss_figure,
                             penalty_split_figure, smooth)
from ui.plots.style import LOG_TICKS, MAX_LINE_POINTS, build
from ui.theme import FIGURE_HEIGHT, run_color

from test_table import table_of

BASE = Config(epochs=20, n_samples=150, hidden=(8, 8), lr=0.05, batch_size=16)


@pytest.fixture(scope="module")
def plain():
    return regcore.train(BASE)


@pytest.fixture(scope="module")
def stopped():
    run = regcore.train(BASE.replace(epochs=60, patience=3))
    assert run.status == "early_stopped" and run.stopped_epoch > run.best_epoch
    return run


@pytest.fixture(scope="module")
def penalized():
    return regcore.train(BASE.replace(penalty="l2", penalty_strength=1e-2))


@pytest.fixture(scope="module")
def nan_diverged():
    """A real run whose loss is NaN from the first epoch."""
    run = regcore.train(Config(dataset="diabetes", epochs=5, hidden=(8, 8), optimizer="sgd",
                               lr=1.0, scale=False))
    assert run.status == "diverged" and run.history["val_loss"].isna().all()
    return run


def with_history(run, history: pd.DataFrame, **changes):
    """A copy of `run` with `history` as its history and the other `changes`."""
    return dataclasses.replace(run, history_table=table_of(history), **changes)


def diverged_at(run, epoch):
    """A copy of `run` that diverged at `epoch`: its losses there are inf and NaN."""
    history = run.history[run.history["epoch"] <= epoch].copy()
    history.loc[history["epoch"] == epoch, ["train_loss", "val_loss", "objective"]] = [np.inf, np.nan, np.inf]
    return with_history(run, history, status="diverged", stopped_epoch=epoch)


def long_run(run, epochs):
    """A copy of `run` with a smooth synthetic history of `epochs` rows."""
    e = np.arange(1, epochs + 1)
    history = pd.DataFrame({"epoch": e, "train_loss": 1 / e, "val_loss": 1 / e + 0.1,
                            "penalty": 0.0, "objective": 1 / e, "train_acc": 0.9,
                            "val_acc": 0.8, "minibatch_loss": 1 / e, "time": e * 1e-3})
    return with_history(run, history, best_epoch=epochs, stopped_epoch=epochs)


def trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, got {len(matches)}"
    return matches[0]


def assert_no_inf(fig):
    for t in fig.data:
        for axis in ("x", "y"):
            values = getattr(t, axis)
            if values is not None:
                assert not np.isinf(np.asarray(values, dtype=float)).any(), t.name
    for note in fig.layout.annotations:
        if isinstance(note.y, (int, float)):
            assert np.isfinite(note.y)


# smooth ---------------------------------------------------------------------------------------
def test_smooth_is_an_exponential_moving_average():
    # s0 = 1; s1 = 0.5·1 + 0.5·2 = 1.5; s2 = 0.5·1.5 + 0.5·3 = 2.25
    np.testing.assert_allclose(smooth([1.0, 2.0, 3.0], 0.5), [1.0, 1.5, 2.25])
    # amount 0.9: s1 = 0.9·10 + 0.1·0 = 9
    np.testing.assert_allclose(smooth([10.0, 0.0], 0.9), [10.0, 9.0])


def test_smooth_zero_returns_the_values_unchanged():
    np.testing.assert_array_equal(smooth([3.0, 1.0, 2.0], 0.0), [3.0, 1.0, 2.0])


def test_smooth_skips_non_finite_values_and_leaves_them_missing():
    out = smooth([1.0, np.nan, 3.0, np.inf, 5.0], 0.5)
    np.testing.assert_allclose(out, [1.0, np.nan, 2.0, np.nan, 3.5])


@pytest.mark.parametrize("amount", [-0.1, 1.0, 1.5])
def test_smooth_refuses_amounts_outside_zero_to_one(amount):
    with pytest.raises(ValueError, match="smoothing"):
        smooth([1.0, 2.0], amount)


# loss -----------------------------------------------------------------------------------------
def test_loss_figure_has_a_solid_validation_and_a_dashed_training_line_per_run_in_its_color(plain, stopped):
    fig = loss_figure([plain, stopped], ["A", "B"])
    for i, name in enumerate("AB"):
        val, train = trace(fig, f"{name} validation"), trace(fig, f"{name} training")
        assert val.line.color == train.line.color == run_color(i)
        assert (val.line.dash, train.line.dash) == ("solid", "dash")
    np.testing.assert_allclose(trace(fig, "A validation").y, plain.history["val_loss"])
    np.testing.assert_allclose(trace(fig, "B training").x, stopped.history["epoch"])


def test_hiding_training_loss_leaves_only_validation_lines(plain):
    fig = loss_figure([plain], ["A"], show_train=False)
    assert not [t for t in fig.data if t.name.endswith("training")]
    trace(fig, "A validation")


def test_log_y_sets_the_axis_type(plain):
    assert loss_figure([plain], ["A"], log_y=True).layout.yaxis.type == "log"
    assert loss_figure([plain], ["A"]).layout.yaxis.type == "linear"


def test_log_loss_axis_labels_ticks_with_full_values_not_bare_digits(plain):
    axis = loss_figure([plain], ["A"], log_y=True).layout.yaxis
    assert axis.tickformat == LOG_TICKS["tickformat"] and axis.exponentformat != "power"


def test_smoothing_draws_the_moving_average_of_the_loss(plain):
    raw = trace(loss_figure([plain], ["A"]), "A validation").y
    smoothed = trace(loss_figure([plain], ["A"], smoothing=0.6), "A validation").y
    np.testing.assert_allclose(smoothed, smooth(plain.history["val_loss"], 0.6))
    assert not np.allclose(raw, smoothed)


def test_best_epoch_star_sits_on_the_validation_curve_at_the_best_epoch(plain, stopped):
    fig = loss_figure([plain, stopped], ["A", "B"])
    for name, run in (("A", plain), ("B", stopped)):
        star = trace(fig, f"{name} best epoch")
        assert star.marker.symbol == "star" and list(star.x) == [run.best_epoch]
        assert star.y[0] == pytest.approx(run.at_best("val_loss"))


def test_best_epoch_star_names_its_epoch_in_a_style_that_stays_the_same_as_training_goes_on(
        stopped):
    stars = [trace(loss_figure([with_history(stopped, stopped.history.iloc[:epoch],
                                             best_epoch=epoch, stopped_epoch=epoch)], ["A"]),
                   "A best epoch") for epoch in (3, 7)]
    assert [list(star.x) for star in stars] == [[3], [7]]
    assert stars[0].hovertemplate == stars[1].hovertemplate == "A: best epoch %{x}<extra></extra>"


def test_early_stop_is_marked_at_the_stopped_epoch_with_the_patience_window_shaded(plain, stopped):
    fig = loss_figure([plain, stopped], ["A", "B"])
    stop = trace(fig, "B early stop")
    assert stop.marker.symbol == "x" and list(stop.x) == [stopped.stopped_epoch]
    windows = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(w.x0, w.x1) for w in windows] == [(stopped.best_epoch, stopped.stopped_epoch)]
    assert not [t for t in fig.data if t.name == "A early stop"]


def test_what_if_patience_marks_where_run_would_stop(plain, stopped):
    patience = 2
    best, stop = plain.would_stop(patience)
    assert stop is not None and stop < plain.stopped_epoch
    fig = loss_figure([plain, stopped], ["A", "B"], what_if_patience=patience)
    mark = trace(fig, "A what-if stop")
    assert list(mark.x) == [stop] and mark.marker.color == "white"
    assert [s.x0 for s in fig.layout.shapes if s.type == "line"] == [stop]
    assert any(f"patience {patience} would stop here" in a.text for a in fig.layout.annotations)
    # a run that has early stopping on shows its real stop, not a what-if
    assert not [t for t in fig.data if t.name == "B what-if stop"]


def test_what_if_patience_that_never_triggers_draws_no_mark(plain):
    fig = loss_figure([plain], ["A"], what_if_patience=100)
    assert not [t for t in fig.data if t.name == "A what-if stop"]


def test_diverged_runs_draw_without_inf_and_say_where(plain, nan_diverged):
    late = diverged_at(plain, 12)
    for log_y in (False, True):
        fig = loss_figure([late, nan_diverged], ["A", "B"], log_y=log_y, smoothing=0.5)
        assert_no_inf(fig)
        texts = [a.text for a in fig.layout.annotations]
        assert "A diverged at epoch 12" in texts and "B diverged at epoch 1" in texts
        assert trace(fig, "A validation").x[-1] == 11  # the NaN epoch is left out
        assert len(trace(fig, "B validation").x) == 0


def test_long_histories_are_thinned_but_keep_first_and_last_epoch(plain):
    run = long_run(plain, 2500)
    line = trace(loss_figure([run], ["A"]), "A validation")
    assert len(line.x) <= MAX_LINE_POINTS
    assert (line.x[0], line.x[-1]) == (1, 2500)


def test_decimated_curves_keep_their_lowest_and_highest_points_and_the_last_one(plain):
    e = np.arange(1, 2001)
    val = 1 / e + 0.05 * np.sin(e / 7.0)   # wiggles that even spacing would cut through
    val[1234] = -0.5                        # one deep dip between any two evenly spread points
    history = pd.DataFrame({"epoch": e, "train_loss": 1 / e, "val_loss": val, "penalty": 0.0,
                            "objective": 1 / e, "train_acc": 0.9, "val_acc": 0.8,
                            "minibatch_loss": 1 / e, "time": e * 1e-3})
    run = with_history(plain, history, best_epoch=1235, stopped_epoch=2000)
    line = trace(loss_figure([run], ["A"]), "A validation")
    assert len(line.x) <= MAX_LINE_POINTS
    assert line.y.min() == pytest.approx(-0.5) and line.y.max() == pytest.approx(val.max())
    assert (line.x[-1], line.y[-1]) == (2000, pytest.approx(val[-1]))
    crests = [i for i in range(1, 1999) if val[i - 1] < val[i] > val[i + 1] and abs(i - 1234) > 20]
    assert set(e[crests]) <= set(line.x)  # every crest of the wiggles is drawn


def test_figures_have_a_fixed_height_and_keep_zoom_across_updates(plain):
    for make in (loss_figure, accuracy_figure, gap_figure, penalty_split_figure):
        fig = make([plain], ["A"])
        assert fig.layout.height == FIGURE_HEIGHT and fig.layout.uirevision
        assert make([plain], ["A"], height=500).layout.height == 500


@pytest.mark.parametrize("build, line", [(loss_figure, "validation"), (accuracy_figure, "validation"),
                                         (gap_figure, "gap"), (penalty_split_figure, "data loss")])
def test_a_run_with_no_epochs_yet_draws_an_empty_line_beside_the_others(plain, build, line):
    fresh = regcore.Trainer(BASE).run()
    assert fresh.history.empty and fresh.status == "running"
    fig = build([fresh, plain], ["A", "B"])
    assert len(trace(fig, f"A {line}").x) == 0
    assert len(trace(fig, f"B {line}").x) == len(plain.history)


def test_no_runs_give_a_message_instead_of_axes():
    for make in (loss_figure, accuracy_figure, gap_figure, penalty_split_figure):
        fig = make([], [])
        assert not fig.data and "Train a run" in fig.layout.annotations[0].text


# accuracy, gap, penalty -----------------------------------------------------------------------
def test_accuracy_figure_draws_both_splits_in_percent(plain, stopped):
    fig = accuracy_figure([plain, stopped], ["A", "B"])
    np.testing.assert_allclose(trace(fig, "B validation").y, 100 * stopped.history["val_acc"])
    assert trace(fig, "A training").line.dash == "dash"
    assert trace(fig, "A training").line.color == run_color(0)


def test_accuracy_axis_never_shows_below_0_or_above_100_percent(plain):
    options = accuracy_figure([plain], ["A"]).layout.yaxis.autorangeoptions
    assert (options.minallowed, options.maxallowed) == (0, 100)


def test_accuracy_figure_for_regression_says_accuracy_does_not_apply(nan_diverged):
    fig = accuracy_figure([nan_diverged], ["A"])
    assert not fig.data
    assert "does not apply to regression" in fig.layout.annotations[0].text


def test_gap_is_validation_minus_training_loss_around_a_zero_line(plain, stopped):
    fig = gap_figure([plain, stopped], ["A", "B"])
    expected = stopped.history["val_loss"] - stopped.history["train_loss"]
    np.testing.assert_allclose(trace(fig, "B gap").y, expected)
    assert trace(fig, "B gap").line.color == run_color(1)
    assert [(s.y0, s.y1) for s in fig.layout.shapes] == [(0, 0)]


def test_gap_of_a_diverged_run_has_no_inf(plain):
    assert_no_inf(gap_figure([diverged_at(plain, 12)], ["A"], smoothing=0.3))


def test_penalty_split_stacks_data_loss_and_penalty_per_run(plain, penalized):
    fig = penalty_split_figure([plain, penalized], ["A", "B"])
    data_loss, penalty = trace(fig, "B data loss"), trace(fig, "B penalty")
    np.testing.assert_allclose(data_loss.y, penalized.history["train_loss"])
    np.testing.assert_allclose(penalty.y, penalized.history["penalty"])
    assert penalty.y.min() > 0 and data_loss.stackgroup == penalty.stackgroup
    assert data_loss.xaxis == penalty.xaxis == "x2"
    np.testing.assert_array_equal(trace(fig, "A penalty").y, 0.0)
    titles = [a.text for a in fig.layout.annotations]
    assert "A: no penalty" in titles and "B: L2 λ=0.01" in titles


def test_penalty_split_gives_each_panel_its_own_y_range(plain):
    """λ = 1 makes one run's objective far larger than the other's: on a shared axis the
    other run would be a flat line at the bottom."""
    heavy = with_history(plain, plain.history.assign(penalty=100.0))
    fig = penalty_split_figure([plain, heavy], ["A", "B"])
    assert fig.layout.yaxis2.matches is None and fig.layout.yaxis2.showticklabels is not False
    assert fig.layout.yaxis.rangemode == fig.layout.yaxis2.rangemode == "tozero"
    assert fig.layout.yaxis.title.text and fig.layout.yaxis2.title.text is None


def test_penalty_split_log_option_puts_every_panel_on_readable_log_axes(plain, penalized):
    fig = penalty_split_figure([plain, penalized], ["A", "B"], log_y=True)
    for axis in (fig.layout.yaxis, fig.layout.yaxis2):
        assert axis.type == "log" and axis.tickformat == LOG_TICKS["tickformat"]
    assert "log" in fig.layout.yaxis.title.text
    assert penalty_split_figure([plain], ["A"]).layout.yaxis.type != "log"


def test_penalty_split_notes_that_weight_decay_is_not_a_loss_term(plain):
    decayed = regcore.train(BASE.replace(epochs=3, optimizer="adamw", weight_decay=0.1))
    fig = penalty_split_figure([decayed], ["A"])
    assert any("weight decay 0.1" in a.text for a in fig.layout.annotations)
    np.testing.assert_array_equal(trace(fig, "A penalty").y, 0.0)


def small_run(offset: float):
    history = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [0.9, 0.6, 0.5],
                            "minibatch_loss": [1.0 + offset, 0.8, 0.7]})
    return SimpleNamespace(column=table_of(history).__getitem__)


def test_mode_loss_figure_draws_eval_and_train_mode_per_run():
    figure = mode_loss_figure([small_run(0), small_run(0.1)], ["A", "B"])
    assert [t.name for t in figure.data] == ["A — eval mode", "A — train mode",
                                             "B — eval mode", "B — train mode"]
    assert list(figure.data[1].y) == [1.0, 0.8, 0.7] and figure.data[1].line.dash == "dot"
    assert figure.data[0].line.color != figure.data[2].line.color
    assert mode_loss_figure([], []).layout.annotations[0].text == NO_RUNS


# assembled figures ----------------------------------------------------------------------------
def sent_json(figure) -> dict:
    """What st.plotly_chart sends for `figure` (Figure.to_dict, then to_json), parsed."""
    return json.loads(pio.to_json(figure.to_dict(), validate=False))


def validated_json(monkeypatch, figure_of, *args, **kwargs) -> dict:
    """The JSON of the same figure built by style.build, validated as a whole by Plotly."""
    with monkeypatch.context() as patch:
        patch.setattr(curves, "assembled", lambda parts, **options: build(parts, **options))
        return sent_json(figure_of(*args, **kwargs))


def decoded(value):
    """`value` with every typed array ({"dtype", "bdata"[, "shape"]}) replaced by its numbers."""
    if isinstance(value, dict) and set(value) in ({"dtype", "bdata"}, {"dtype", "bdata", "shape"}):
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return array.reshape([int(n) for n in value.get("shape", "-1").split(",")])
    if isinstance(value, dict):
        return {key: decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decoded(item) for item in value]
    return value


def assert_same_drawing(sent, validated, path="figure"):
    """The same JSON, but numbers in arrays may travel as float32 (7 significant digits)."""
    if isinstance(validated, np.ndarray) or isinstance(sent, np.ndarray):
        np.testing.assert_allclose(np.asarray(sent, float), np.asarray(validated, float),
                                   rtol=1e-6, err_msg=path)
    elif isinstance(validated, dict):
        assert isinstance(sent, dict) and set(sent) == set(validated), path
        for key in validated:
            assert_same_drawing(sent[key], validated[key], f"{path}.{key}")
    elif isinstance(validated, list):
        assert isinstance(sent, list) and len(sent) == len(validated), path
        for index, (mine, theirs) in enumerate(zip(sent, validated)):
            assert_same_drawing(mine, theirs, f"{path}[{index}]")
    else:
        assert sent == validated, path


@pytest.mark.parametrize("figure_of, options", [
    (loss_figure, {}), (loss_figure, {"log_y": True, "smoothing": 0.5, "show_train": False}),
    (loss_figure, {"what_if_patience": 2}), (accuracy_figure, {"smoothing": 0.3}),
    (gap_figure, {}), (mode_loss_figure, {}), (penalty_split_figure, {})])
def test_assembled_figures_send_the_same_json_as_figures_validated_whole(
        monkeypatch, plain, stopped, penalized, figure_of, options):
    runs, names = [plain, stopped, penalized, diverged_at(plain, 12)], ["A", "B", "C", "D"]
    assert_same_drawing(decoded(sent_json(figure_of(runs, names, **options))),
                        decoded(validated_json(monkeypatch, figure_of, runs, names, **options)))


def test_assembled_figures_of_every_epoch_of_a_training_match_validated_ones(monkeypatch, stopped):
    for epoch in (1, 2, 10, stopped.stopped_epoch):
        partial = with_history(stopped, stopped.history.iloc[:epoch])
        assert_same_drawing(decoded(sent_json(loss_figure([partial], ["A"]))),
                            decoded(validated_json(monkeypatch, loss_figure, [partial], ["A"])))


def test_lines_travel_as_int32_epochs_and_float32_values_in_fewer_bytes(monkeypatch, plain):
    line = sent_json(loss_figure([plain], ["A"]))["data"][0]
    assert (line["x"]["dtype"], line["y"]["dtype"]) == ("i4", "f4")
    sent = len(pio.to_json(loss_figure([plain], ["A"]).to_dict(), validate=False))
    with monkeypatch.context() as patch:
        patch.setattr(curves, "assembled", lambda parts, **options: build(parts, **options))
        validated = len(pio.to_json(loss_figure([plain], ["A"]).to_dict(), validate=False))
    assert sent < validated


def test_a_tick_that_only_adds_epochs_validates_nothing_new(plain):
    gap_figure([diverged_at(plain, 5)], ["A"])
    traces, layouts = curves._valid_trace.cache_info(), curves._valid_layout.cache_info()
    figure = gap_figure([diverged_at(plain, 9)], ["A"])
    assert curves._valid_trace.cache_info().misses == traces.misses
    assert curves._valid_layout.cache_info().misses == layouts.misses
    assert list(trace(figure, "A gap").x) == list(range(1, 9))  # the new epochs are drawn


def test_assembled_accepts_numpy_values_anywhere_in_the_layout():
    parts = curves.Parts(annotations=[dict(text="a", x=np.int64(3), y=np.float64(0.5))])
    figure = curves.assembled(parts, height=300, uirevision="t",
                              axes={"xaxis": {"tickvals": np.array([1.0, 2.0])}, "yaxis": {}})
    assert list(figure.layout.xaxis.tickvals) == [1.0, 2.0]
    assert (figure.layout.annotations[0].x, figure.layout.annotations[0].y) == (3, 0.5)
