"""Weight figures: histogram bars equal the stored counts, rows share bins and axes, the
exact-zero bar and the sparsity note agree with the weights, and per-layer statistics."""
import dataclasses

import numpy as np
import pytest

import regcore
from regcore import Config
from regcore.snapshots import histogram
from ui.plots.weights import (ROW_HEIGHT, histogram_figure, layer_stats_figure, shown_epoch,
                              snapshot_epochs)
from ui.theme import run_color

BASE = Config(epochs=12, n_samples=150, hidden=(8, 8), lr=0.05, batch_size=16, snapshot_every=4)


@pytest.fixture(scope="module")
def plain():
    return regcore.train(BASE)


@pytest.fixture(scope="module")
def lasso():
    run = regcore.train(BASE.replace(penalty="l1", penalty_strength=3e-2))
    assert run.layer_stats["sparsity"].iloc[-1] > 0.2
    return run


@pytest.fixture(scope="module")
def shallow():
    return regcore.train(BASE.replace(hidden=(8,), epochs=6))


def trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, got {len(matches)}"
    return matches[0]


def with_snapshots(run, epochs):
    return dataclasses.replace(run, histograms={e: run.histograms[0] for e in epochs})


# snapshot epochs ------------------------------------------------------------------------------
def test_snapshot_epochs_are_the_common_ones_plus_each_runs_last(plain, shallow):
    assert sorted(plain.histograms) == [0, 4, 8, 12] and sorted(shallow.histograms) == [0, 4, 6]
    assert snapshot_epochs([plain, shallow]) == [0, 4, 6, 12]
    assert snapshot_epochs([plain]) == [0, 4, 8, 12]


def test_snapshot_epochs_fall_back_to_the_union_when_runs_share_none(plain):
    a, b = with_snapshots(plain, [1, 3]), with_snapshots(plain, [2])
    assert snapshot_epochs([a, b]) == [1, 2, 3]
    assert snapshot_epochs([]) == []


def test_the_shown_snapshot_is_the_latest_at_or_before_the_epoch(plain):
    assert shown_epoch(plain, 7) == 4 and shown_epoch(plain, 8) == 8
    assert shown_epoch(plain, None) == 12 and shown_epoch(plain, 100) == 12


# histograms -----------------------------------------------------------------------------------
def test_histogram_grid_has_a_bar_chart_per_layer_and_run_in_the_run_color(plain, lasso):
    fig = histogram_figure([plain, lasso], ["A", "B"])
    for col, name in enumerate("AB"):
        for layer in ("linear1", "linear2", "linear3"):
            bars = trace(fig, f"{name} {layer}")
            assert bars.type == "bar" and bars.marker.color == run_color(col)


def test_histograms_of_runs_b_and_c_keep_their_colors_without_a(plain, lasso):
    fig = histogram_figure([plain, lasso], ["B", "C"])
    assert trace(fig, "B linear1").marker.color == run_color(1)
    assert trace(fig, "C linear1").marker.color == run_color(2)
    layers = layer_stats_figure([plain, lasso], ["B", "C"], stat="l2")
    assert trace(layers, "B linear1").line.color == run_color(1)


def test_bar_heights_equal_the_stored_counts_of_the_shown_snapshot(plain, lasso):
    fig = histogram_figure([plain, lasso], ["A", "B"], epoch=7)
    for name, run in (("A", plain), ("B", lasso)):
        for layer, counts in run.histograms[4].items():
            bars, tails = trace(fig, f"{name} {layer}"), trace(fig, f"{name} {layer} tails")
            np.testing.assert_array_equal(bars.y, counts[1:-1])
            np.testing.assert_array_equal(tails.y, [counts[0], counts[-1]])
            edges = run.bin_edges[layer]
            np.testing.assert_allclose(bars.x, ((edges[:-1] + edges[1:]) / 2)[1:-1])
    titles = [a.text for a in fig.layout.annotations]
    assert "<b>A — epoch 4</b>" in titles


def test_panels_of_a_row_share_the_x_range_and_the_y_axis(plain, lasso):
    fig = histogram_figure([plain, lasso], ["A", "B"])
    layout = fig.layout
    for row, layer in enumerate(("linear1", "linear2", "linear3")):
        first, second = 2 * row + 1, 2 * row + 2
        x_first = layout["xaxis" if first == 1 else f"xaxis{first}"]
        x_second, y_second = layout[f"xaxis{second}"], layout[f"yaxis{second}"]
        edges, width = plain.bin_edges[layer], plain.bin_edges[layer][1] - plain.bin_edges[layer][0]
        np.testing.assert_allclose(x_first.range, [edges[1] - 3 * width, edges[-2] + 3 * width])
        assert tuple(x_first.range) == tuple(x_second.range)
        assert x_second.matches == x_first.anchor.replace("y", "x")
        assert y_second.matches == ("y" if first == 1 else f"y{first}")
        assert trace(fig, f"B {layer}").xaxis == f"x{second}"


def with_weights(run, layer, weights):
    """A copy of `run` whose last snapshot of `layer` counts `weights` as the engine does."""
    last = max(run.histograms)
    counts = histogram(np.asarray(weights, dtype=float), run.bin_edges[layer])
    return dataclasses.replace(run, histograms={last: {**run.histograms[last], layer: counts}})


def test_weights_beyond_the_bins_are_labelled_tail_bars_apart_from_the_inner_bins(plain):
    edges = plain.bin_edges["linear1"]
    far = with_weights(plain, "linear1", [-50.0, edges[0] - 1, 0.01, 0.02, edges[-1] + 3])
    fig = histogram_figure([far], ["A"])
    tails, bars = trace(fig, "A linear1 tails"), trace(fig, "A linear1")
    assert list(tails.y) == [2, 1] and list(tails.text) == ["2", "1"]
    assert bars.y.sum() == 2  # the two small weights, nothing piled at the edges
    width = edges[1] - edges[0]
    assert tails.x[0] < edges[0] and tails.x[1] > edges[-1]  # a gap from the inner bins
    assert min(bars.x) - bars.width[0] / 2 >= edges[1] - 1e-12
    assert tails.marker.pattern.shape == "/"
    axis = fig.layout.xaxis
    labels = dict(zip(axis.tickvals, axis.ticktext))
    assert labels[tails.x[0]] == f"< {edges[1]:.2g}" and labels[tails.x[1]] == f"≥ {edges[-2]:.2g}"
    assert axis.range[0] < tails.x[0] - width / 2 and axis.range[1] > tails.x[1] + width / 2


def test_tails_of_runs_with_other_bins_say_below_and_above(plain):
    """Runs whose layer has other edges (another width before it) share no threshold."""
    wider = dataclasses.replace(plain, bin_edges={**plain.bin_edges,
                                                  "linear2": 2 * plain.bin_edges["linear2"]})
    axis = histogram_figure([plain, wider], ["A", "B"]).layout.xaxis3
    assert (axis.ticktext[0], axis.ticktext[-1]) == ("below", "above")


def test_empty_tails_draw_no_count(plain):
    edges = plain.bin_edges["linear1"]
    fig = histogram_figure([with_weights(plain, "linear1", [0.0, edges[1] + 1e-3])], ["A"])
    assert list(trace(fig, "A linear1 tails").text) == ["", ""]


def test_inner_ticks_are_symmetric_round_values_inside_the_bins(plain):
    axis = histogram_figure([plain], ["A"]).layout.xaxis
    edges = plain.bin_edges["linear1"]
    inner = [v for v in axis.tickvals[1:-1]]
    assert inner[0] == -inner[2] and inner[1] == 0 and 0 < inner[2] <= 0.6 * edges[-2]


def test_sparsity_note_matches_the_layer_stats(lasso):
    fig = histogram_figure([lasso], ["A"])
    stats = lasso.layer_stats[lasso.layer_stats["epoch"] == lasso.stopped_epoch]
    notes = [a.text for a in fig.layout.annotations if "zeros" in a.text]
    expected = [f"zeros {100 * s:.1f}%<br>‖W‖₂ {l2:.3g}" for s, l2 in zip(stats["sparsity"], stats["l2"])]
    assert notes == expected


def test_exact_zero_bar_counts_the_weights_that_are_exactly_zero(lasso, plain):
    fig = histogram_figure([lasso, plain], ["A", "B"])
    for layer, w in lasso.model.weight_layers.items():
        zero_bars = [t for t in fig.data if t.name == "exactly 0" and t.xaxis == trace(fig, f"A {layer}").xaxis]
        assert len(zero_bars) == 1 and list(zero_bars[0].x) == [0.0]
        assert zero_bars[0].y[0] == np.count_nonzero(w == 0) > 0
    # plain training leaves no exact zeros, so its panels draw no zero bar
    plain_axes = {trace(fig, f"B {layer}").xaxis for layer in plain.bin_edges}
    assert not [t for t in fig.data if t.name == "exactly 0" and t.xaxis in plain_axes]
    assert sum(t.showlegend for t in fig.data if t.name == "exactly 0") == 1


def test_a_run_with_fewer_layers_leaves_its_missing_panels_empty(plain, shallow):
    fig = histogram_figure([plain, shallow], ["A", "B"])
    assert {t.name for t in fig.data if t.name.startswith("B")} == {
        "B linear1", "B linear2", "B linear1 tails", "B linear2 tails"}
    assert fig.layout.xaxis6.visible is False and fig.layout.yaxis6.visible is False


def test_histogram_height_grows_with_layers_and_is_fixed_for_an_architecture(plain, shallow):
    deep, two = histogram_figure([plain], ["A"]), histogram_figure([shallow], ["A"])
    assert deep.layout.height - two.layout.height == ROW_HEIGHT
    assert histogram_figure([plain], ["A"], epoch=0).layout.height == deep.layout.height
    assert histogram_figure([plain], ["A"], height=900).layout.height == 900


def test_histogram_of_no_runs_is_a_message():
    fig = histogram_figure([], [])
    assert not fig.data and fig.layout.annotations


# layer statistics -----------------------------------------------------------------------------
def test_layer_stats_draw_one_line_per_run_and_layer_with_a_dash_per_layer(plain, lasso):
    fig = layer_stats_figure([plain, lasso], ["A", "B"])
    assert len(fig.data) == 6
    dashes = [trace(fig, f"B linear{k}").line.dash for k in (1, 2, 3)]
    assert len(set(dashes)) == 3
    assert {trace(fig, f"A linear{k}").line.color for k in (1, 2, 3)} == {run_color(0)}


def test_layer_sparsity_is_shown_in_percent_from_epoch_zero(lasso):
    line = trace(layer_stats_figure([lasso], ["A"], "sparsity"), "A linear2")
    rows = lasso.layer_stats[lasso.layer_stats["layer"] == "linear2"]
    np.testing.assert_allclose(line.x, rows["epoch"])
    np.testing.assert_allclose(line.y, 100 * rows["sparsity"])
    assert line.x[0] == 0


def test_sparsity_axis_stays_within_0_and_100_percent(plain):
    """A run without zeros has sparsity 0 everywhere: the axis must not show −1 %."""
    options = layer_stats_figure([plain], ["A"], stat="sparsity").layout.yaxis.autorangeoptions
    assert (options.minallowed, options.maxallowed) == (0, 100)
    assert layer_stats_figure([plain], ["A"], stat="l2").layout.yaxis.autorangeoptions.minallowed is None


def test_layer_norms_are_drawn_as_stored(plain):
    fig = layer_stats_figure([plain], ["A"], "l2")
    rows = plain.layer_stats[plain.layer_stats["layer"] == "linear1"]
    np.testing.assert_allclose(trace(fig, "A linear1").y, rows["l2"])
    assert "L2" in fig.layout.yaxis.title.text


def test_unknown_layer_stat_is_refused(plain):
    with pytest.raises(ValueError, match="stat"):
        layer_stats_figure([plain], ["A"], "mean")
