"""Decision-boundary figure: the map shows the class the model predicts on the grid, panels
share bounds, titles say which weights are shown, and non-2-D data gets a clear message."""
import dataclasses
import json

import numpy as np
import pytest

import regcore
from regcore import Config
from regcore.training import build_for
from ui.plots.boundary import (MARGIN_SCALE, boundary_figure, panel_side,
                               refreshed_boundary_figure, square_bounds)
from ui.plots.spec_figure import SpecFigure
from ui.theme import CLASS_COLORS

MOONS = Config(dataset="moons", epochs=15, n_samples=160, hidden=(8, 8), lr=0.05, batch_size=16)


@pytest.fixture(scope="module")
def moons_runs():
    runs = regcore.train_side_by_side([MOONS, MOONS.replace(epochs=60, patience=3)])
    assert runs[1].status == "early_stopped" and runs[1].best_epoch < runs[1].stopped_epoch
    return runs


@pytest.fixture(scope="module")
def blobs():
    return regcore.train(Config(dataset="blobs", epochs=10, n_samples=150, hidden=(8,), lr=0.05))


def heatmaps(fig):
    return [t for t in fig.data if t.type == "heatmap"]


def cell_centres(trace):
    """(xs, ys) of a heatmap's or contour's cells, from its first point and step."""
    rows, cols = np.asarray(trace.z).shape
    return trace.x0 + trace.dx * np.arange(cols), trace.y0 + trace.dy * np.arange(rows)


def on_map_grid(trace):
    """The (rows · cols, 2) points of the trace's grid, row by row like z."""
    gx, gy = np.meshgrid(*cell_centres(trace))
    return np.column_stack([gx.ravel(), gy.ravel()])


def predicted_on_map(heatmap, model):
    """model.predict at every cell of the heatmap's grid, shaped like z."""
    return model.predict(on_map_grid(heatmap)).reshape(np.asarray(heatmap.z).shape)


def map_classes(heatmap, n_classes=2):
    """The class each cell of the heatmap shows: its code // S, S = zmax / K shades a class."""
    return np.asarray(heatmap.z).astype(int) // (heatmap.zmax // n_classes)


def test_map_shows_the_class_model_predict_gives_at_each_grid_point(moons_runs):
    fig = boundary_figure(moons_runs, ["A", "B"], resolution=30)
    for heatmap, run in zip(heatmaps(fig), moons_runs):
        assert np.asarray(heatmap.z).shape == (30, 30)
        np.testing.assert_array_equal(map_classes(heatmap), predicted_on_map(heatmap, run.model))


def fresh_model(run, state):
    """A model of the run's architecture holding `state`."""
    model = build_for(run.config, run.data, np.random.default_rng(1), np.random.default_rng(1))
    model.load_state(state)
    return model


def test_best_shows_the_weights_of_the_best_epoch(moons_runs):
    run = moons_runs[0]
    heatmap = heatmaps(boundary_figure([run], ["A"], which="best", resolution=30))[0]
    best = fresh_model(run, run.best_state)
    np.testing.assert_array_equal(map_classes(heatmap), predicted_on_map(heatmap, best))


def test_map_is_paler_where_the_model_is_less_sure(moons_runs):
    heatmap = heatmaps(boundary_figure(moons_runs[:1], ["A"], resolution=30))[0]
    confidence = moons_runs[0].model.predict_proba(on_map_grid(heatmap)).max(axis=1)
    shades = heatmap.zmax // 2
    sureness = (np.asarray(heatmap.z).ravel() % shades) / (shades - 1)
    np.testing.assert_allclose(sureness, (confidence - 0.5) / 0.5, atol=0.5 / (shades - 1))


def test_map_codes_one_byte_a_cell_and_the_boundary_two(moons_runs):
    fig = boundary_figure(moons_runs[:1], ["A"], resolution=30).to_dict()
    heatmap, contour = fig["data"][:2]
    assert heatmap["type"] == "heatmap" and heatmap["z"]["dtype"] == "u1"
    assert contour["type"] == "contour" and contour["z"]["dtype"] == "i2"


def test_boundary_line_is_where_both_classes_are_equally_likely(moons_runs):
    fig = boundary_figure(moons_runs[:1], ["A"], resolution=30)
    contour = next(t for t in fig.data if t.type == "contour")
    assert contour.contours.start == contour.contours.end == 0
    proba = moons_runs[0].model.predict_proba(on_map_grid(contour))
    margin = (proba[:, 1] - proba[:, 0]).reshape(30, 30)
    np.testing.assert_allclose(np.asarray(contour.z) / MARGIN_SCALE, margin,
                               atol=0.5 / MARGIN_SCALE)
    assert np.array_equal(np.asarray(contour.z) > 0, margin > 0)


def test_map_cells_are_the_decision_grid_points(moons_runs):
    fig = boundary_figure(moons_runs, ["A", "B"], resolution=30)
    bounds = (fig.layout.xaxis.range, fig.layout.yaxis.range)
    grid = regcore.decision_grid(moons_runs[0].model, bounds, 30)
    for trace in (t for t in fig.data if t.type in ("heatmap", "contour")):
        xs, ys = cell_centres(trace)
        np.testing.assert_allclose(xs, grid.xs)
        np.testing.assert_allclose(ys, grid.ys)


def test_panels_share_bounds_that_cover_all_points(moons_runs):
    fig = boundary_figure(moons_runs, ["A", "B"])
    data = moons_runs[0].data
    points = np.vstack([data.X_train, data.X_val])
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert tuple(fig.layout.xaxis2.range) == (x0, x1) and tuple(fig.layout.yaxis2.range) == (y0, y1)
    assert x0 < points[:, 0].min() and points[:, 0].max() < x1
    assert y0 < points[:, 1].min() and points[:, 1].max() < y1
    first, second = heatmaps(fig)
    assert (first.x0, first.dx, first.y0, first.dy) == (second.x0, second.dx, second.y0, second.dy)


def test_titles_say_which_epoch_the_weights_come_from(moons_runs):
    plain, stopped = moons_runs
    final = [a.text.split("<br>")[0] for a in boundary_figure(moons_runs, ["A", "B"]).layout.annotations]
    assert final == [f"A — final (epoch {plain.stopped_epoch})",
                     f"B — final (best epoch {stopped.best_epoch} restored)"]
    best = [a.text.split("<br>")[0] for a in boundary_figure(moons_runs, ["A", "B"], which="best").layout.annotations]
    assert best == [f"A — best epoch {plain.best_epoch}", f"B — best epoch {stopped.best_epoch}"]


def test_points_are_drawn_by_split_and_class_with_the_class_colors(moons_runs):
    data = moons_runs[0].data
    fig = boundary_figure(moons_runs[:1], ["A"])
    for split, y, symbol in (("training", data.y_train, "circle"), ("validation", data.y_val, "x")):
        for k in range(2):
            points = [t for t in fig.data if t.name == f"{split}: class {k}"]
            assert len(points) == 1
            X = data.X_train if split == "training" else data.X_val
            np.testing.assert_array_equal(points[0].x, X[y == k, 0].astype(np.float32))
            np.testing.assert_array_equal(points[0].y, X[y == k, 1].astype(np.float32))
            assert points[0].marker.symbol == symbol and points[0].marker.color == CLASS_COLORS[k]


def test_three_classes_get_three_boundary_contours(blobs):
    fig = boundary_figure([blobs], ["A"], resolution=25)
    assert blobs.data.n_classes == 3
    assert len([t for t in fig.data if t.type == "contour"]) == 3
    np.testing.assert_array_equal(map_classes(heatmaps(fig)[0], 3),
                                  predicted_on_map(heatmaps(fig)[0], blobs.model))


def test_data_that_is_not_two_dimensional_gets_a_message():
    wine = regcore.train(Config(dataset="wine", epochs=2, hidden=(4,)))
    fig = boundary_figure([wine], ["A"])
    assert not fig.data
    assert "need 2-D data" in fig.layout.annotations[0].text
    assert "13 features" in fig.layout.annotations[0].text


def diverged_copy(run):
    """A copy of `run` whose weights became NaN, as after a diverged update."""
    state = run.model.state()
    state["flat"][...] = np.nan
    return dataclasses.replace(run, model=fresh_model(run, state), status="diverged", best_epoch=None)


def test_a_diverged_model_leaves_its_map_blank_and_says_so(moons_runs):
    diverged = diverged_copy(moons_runs[0])
    for which in ("final", "best"):
        fig = boundary_figure([moons_runs[0], diverged], ["A", "B"], which=which, resolution=20)
        assert np.isnan(np.asarray(heatmaps(fig)[1].z, dtype=float)).all()
        assert not np.isnan(np.asarray(heatmaps(fig)[0].z, dtype=float)).any()
    final, best = (boundary_figure([diverged], ["B"], which=w).layout.annotations[0].text
                   for w in ("final", "best"))
    assert final.startswith(f"B — diverged at epoch {diverged.stopped_epoch}")
    assert best.startswith("B — no best epoch")


def test_which_must_be_final_or_best(moons_runs):
    with pytest.raises(ValueError, match="which"):
        boundary_figure(moons_runs, ["A", "B"], which="last")


def panel_axes(fig, number):
    suffix = "" if number == 1 else str(number)
    return fig.layout[f"xaxis{suffix}"], fig.layout[f"yaxis{suffix}"]


def test_every_panel_is_square_with_equal_axis_scales(moons_runs):
    fig = boundary_figure(moons_runs, ["A", "B"], resolution=30)
    for number in (1, 2):
        x_axis, y_axis = panel_axes(fig, number)
        (x0, x1), (y0, y1) = x_axis.range, y_axis.range
        assert x1 - x0 == pytest.approx(y1 - y0)
        assert y_axis.scaleanchor == f"x{'' if number == 1 else number}" and y_axis.scaleratio == 1
        assert x_axis.constrain == y_axis.constrain == "domain"
    for heatmap in heatmaps(fig):
        assert heatmap.dx == pytest.approx(heatmap.dy)


@pytest.mark.parametrize("cols", [1, 2])
def test_panel_side_is_the_width_a_panel_gets_in_a_row_of_the_figure(moons_runs, cols):
    fig = boundary_figure(moons_runs, ["A", "B"], resolution=10, cols=cols)
    width = 440
    plot_width = width - fig.layout.margin.l - fig.layout.margin.r
    for number in range(1, cols + 1):
        x0, x1 = panel_axes(fig, number)[0].domain
        assert panel_side(width, cols) == pytest.approx((x1 - x0) * plot_width, abs=1)


def test_square_bounds_widen_the_shorter_side_about_its_centre():
    assert square_bounds(((0.0, 4.0), (1.0, 2.0))) == ((0.0, 4.0), (-0.5, 3.5))
    assert square_bounds(((-1.0, 1.0), (0.0, 6.0))) == ((-3.0, 3.0), (0.0, 6.0))


def test_cols_puts_the_runs_in_rows_without_empty_panels(moons_runs):
    three = [moons_runs[0], moons_runs[1], moons_runs[0]]
    fig = boundary_figure(three, ["A", "B", "C"], resolution=20, cols=2)
    assert len(heatmaps(fig)) == 3
    assert not {"xaxis4", "yaxis4"} & set(fig.to_dict()["layout"])
    first_row, second_row = fig.layout.yaxis.domain, fig.layout.yaxis3.domain
    assert second_row[1] < first_row[0]
    assert tuple(fig.layout.xaxis3.domain) == tuple(fig.layout.xaxis.domain)


@pytest.mark.parametrize("count", [3, 4])
def test_one_run_a_row_stacks_the_panels_top_to_bottom_inside_the_figure(moons_runs, count):
    runs = [moons_runs[i % 2] for i in range(count)]
    fig = boundary_figure(runs, list("ABCD"[:count]), resolution=10, cols=1, height=1100)
    rows = [panel_axes(fig, number)[1].domain for number in range(1, count + 1)]
    assert rows[0][1] == 1 and 0 <= rows[-1][0] < 1e-9  # three rows once ended a hair below 0
    assert all(lower[1] < upper[0] for upper, lower in zip(rows, rows[1:]))
    assert len({round(y1 - y0, 9) for y0, y1 in rows}) == 1  # all equally tall


def test_a_refreshed_figure_equals_one_built_for_the_runs_now(moons_runs):
    plain, stopped = moons_runs
    built = boundary_figure([plain, stopped], ["A", "B"], resolution=20, cols=2, legend=False)
    refreshed = refreshed_boundary_figure(
        boundary_figure([plain, plain], ["A", "B"], resolution=20, cols=2, legend=False),
        [plain, stopped], ["A", "B"], resolution=20)
    for kind in ("heatmap", "contour"):
        for new, old in zip(refreshed.select_traces(selector=dict(type=kind)),
                            built.select_traces(selector=dict(type=kind))):
            np.testing.assert_array_equal(new.z, old.z)
    assert [a.text for a in refreshed.layout.annotations] == \
        [a.text for a in built.layout.annotations]
    assert json.loads(refreshed.to_json()) == json.loads(built.to_json())  # nothing else differs


@pytest.mark.parametrize("kept_as", [lambda figure: figure,
                                     lambda figure: SpecFigure(figure.to_dict())])
def test_refreshing_leaves_the_kept_figure_as_it_was(moons_runs, kept_as):
    plain, stopped = moons_runs
    frame = kept_as(boundary_figure([plain, plain], ["A", "B"], resolution=20, cols=2,
                                    legend=False))
    before = frame.to_json()
    refreshed_boundary_figure(frame, [plain, stopped], ["A", "B"], resolution=20)
    assert frame.to_json() == before
