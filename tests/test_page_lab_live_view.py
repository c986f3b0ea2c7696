"""The lab's live view beside the charts (AppTest): for the 2-D sets the data and every run's
decision map are on the page before training and follow training; other sets get no map; the
live numbers are the last row of each run's history; presenter mode puts the Train bar and
the charts above the run settings and draws chart text larger; the status bar says why a run
stopped."""
import json
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

from regcore import Config, summarize, train_side_by_side
from regcore.summary import at_end, end_epoch
from ui import keys
from ui.lab_maps import (MAP_RESOLUTION, PRESENTER_SIDE_WIDTH, SIDE_WIDTH, TAB_WIDTH,
                         map_height, side_maps_height)
from ui.live import stop_note
from ui.plots.boundary import BOTTOM, LEGEND_SPACE, TOP, boundary_figure
from ui.plots.numbers import COLUMNS, latest_numbers, live_numbers_html, shown_columns
from ui.plots.style import FONT_SIZE
from ui.theme import PRESENTER_FONT_SIZE

from test_app_lab import lab, live, set_epochs, train_to_end
from test_plots_curves import decoded
from test_table import table_of


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def map_titles(at) -> list[str]:
    """The panel titles of the charts that draw decision maps (heatmaps), first line only."""
    return [annotation["text"].split("<br>")[0]
            for spec in chart_specs(at) if any(t["type"] == "heatmap" for t in spec["data"])
            for annotation in spec["layout"].get("annotations", [])]


def live_table(at) -> str:
    tables = [e.proto.body for e in at.get("html") if "reglab-live" in e.proto.body]
    assert len(tables) == 1
    return tables[0]


def table_rows(html: str) -> dict[str, list[str]]:
    """{run name: its cells} of the live numbers table."""
    body = html.split("<tbody>")[1]
    return {name: re.findall(r"<td>([^<]*)</td>", cells)
            for name, cells in re.findall(r"<th style='[^']*'>([^<]*)</th>(.*?)</tr>", body)}


def test_a_2d_set_shows_the_data_and_the_untrained_maps_before_training():
    at = lab(runs="2", dataset="circles")
    assert not at.exception
    assert live(at).runs is None  # nothing trained yet
    assert map_titles(at) == ["A — initial weights", "B — initial weights"]
    points = {t["name"] for spec in chart_specs(at) for t in spec["data"] if t["type"] == "scatter"}
    assert {"training: class 0", "training: class 1", "validation: class 0",
            "validation: class 1"} <= points


def test_a_set_with_more_features_shows_no_map_before_or_after_training():
    at = lab(runs="2", dataset="breast_cancer", **{"A.epochs": "2", "B.epochs": "2"})
    assert not at.exception
    assert map_titles(at) == []
    train_to_end(at)
    assert map_titles(at) == []
    assert "reglab-live" in live_table(at)


def test_the_maps_follow_training_to_the_last_epoch():
    at = train_to_end(set_epochs(lab(runs="2", dataset="moons"), 3))
    assert map_titles(at)[:2] == ["A — final (epoch 3)", "B — final (epoch 3)"]


def test_the_side_maps_figure_is_built_once_per_comparison_and_refilled_on_every_tick(
        monkeypatch):
    built = []

    def counting(*args, **kwargs):
        built.append(args[0][0].stopped_epoch)
        return boundary_figure(*args, **kwargs)

    monkeypatch.setattr("ui.lab_maps.boundary_figure", counting)
    at = set_epochs(lab(runs="2", dataset="moons"), 20)
    built.clear()
    at = train_to_end(at)
    assert len(built) == 1   # built for this comparison once, then refilled at every tick
    assert map_titles(at)[:2] == ["A — final (epoch 20)", "B — final (epoch 20)"]


def test_the_maps_sent_after_training_are_the_runs_maps_one_byte_a_cell():
    at = train_to_end(set_epochs(lab(runs="2", dataset="moons"), 3))
    sent = [t for spec in chart_specs(at) for t in spec["data"] if t["type"] == "heatmap"]
    drawn = [t for t in boundary_figure(live(at).runs, ["A", "B"], resolution=MAP_RESOLUTION).data
             if t.type == "heatmap"]
    assert [t["z"]["dtype"] for t in sent] == ["u1", "u1"]
    for heatmap, expected in zip(sent, drawn):
        np.testing.assert_array_equal(decoded(heatmap["z"]), expected.z)


def test_live_numbers_are_the_last_row_of_each_runs_history():
    at = lab(runs="2", dataset="moons")
    at.button(key=keys.live_key(keys.LIVE_KEY, "step")).click().run()
    at.button(key=keys.live_key(keys.LIVE_KEY, "step")).click().run()
    runs = live(at).runs
    rows = table_rows(live_table(at))
    assert list(rows) == ["A", "B"]
    for run, (name, cells) in zip(runs, rows.items()):
        last = run.history.iloc[-1]
        assert cells[0] == "2" == str(int(last["epoch"]))
        assert cells[1:] == [f"{last['train_loss']:.4g}", f"{last['val_loss']:.4g}",
                             f"{100 * last['train_acc']:.1f}%", f"{100 * last['val_acc']:.1f}%"]


def page_order(node):
    """The page's elements top to bottom (depth first)."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from page_order(child)


def position(at, kind: str, label: str) -> int:
    return next(index for index, node in enumerate(page_order(at.main))
                if node.type == kind and getattr(node, "label", None) == label)


@pytest.mark.parametrize("presenter, bar_first", [("1", True), ("0", False)])
def test_presenter_mode_puts_the_train_bar_above_the_run_settings(presenter, bar_first):
    at = lab(presenter=presenter)
    assert not at.exception
    train, settings = position(at, "button", "Train"), position(at, "expander", "Run settings")
    assert (train < settings) is bar_first


# --- the numbers table, by hand ------------------------------------------------------------------
class FakeRun:
    def __init__(self, rows, task="classification"):
        import pandas as pd
        self.history_table = table_of(pd.DataFrame(rows))
        self.config = Config(dataset="moons" if task == "classification" else "diabetes")
        self.data, self.status = None, "running"


def test_test_columns_are_shown_only_when_finite():
    with_test = FakeRun([{"epoch": 1, "train_loss": 0.5, "val_loss": 0.6, "train_acc": 0.7,
                          "val_acc": 0.65, "test_loss": 0.62, "test_acc": 0.64}])
    without = FakeRun([{"epoch": 1, "train_loss": 0.5, "val_loss": 0.6, "train_acc": 0.7,
                        "val_acc": 0.65, "test_loss": math.nan, "test_acc": math.nan}])
    assert "test loss" in live_numbers_html([with_test], ["A"])
    assert "test" not in live_numbers_html([without], ["A"])
    numbers = latest_numbers([with_test], ["A"])
    assert shown_columns([with_test], numbers) == list(COLUMNS)
    assert table_rows(live_numbers_html([with_test], ["A"]))["A"] == [
        "1", "0.5", "0.6", "0.62", "70.0%", "65.0%", "64.0%"]


def test_regression_shows_losses_only_and_an_untrained_run_dashes():
    trained = FakeRun([{"epoch": 3, "train_loss": 1234.5, "val_loss": 1500.25,
                        "train_acc": math.nan, "val_acc": math.nan}], task="regression")
    untrained = FakeRun([], task="regression")
    untrained.history_table = trained.history_table.head(0)
    rows = table_rows(live_numbers_html([trained, untrained], ["A", "B"]))
    assert rows == {"A": ["3", "1234", "1500"], "B": ["0", "—", "—"]}


@pytest.mark.parametrize("presenter", ["1", "0"])
def test_presenter_mode_draws_the_charts_in_larger_text(presenter):
    at = train_to_end(set_epochs(lab(presenter=presenter, runs="2", dataset="moons"), 2))
    loss = next(spec for spec in chart_specs(at)
                if any(t.get("name") == "A validation" for t in spec["data"]))
    size = PRESENTER_FONT_SIZE if presenter == "1" else FONT_SIZE
    assert loss["layout"]["font"]["size"] == size
    maps = [spec for spec in chart_specs(at) if any(t["type"] == "heatmap" for t in spec["data"])]
    assert {a["font"]["size"] for spec in maps for a in spec["layout"]["annotations"]} == {size}


@pytest.mark.parametrize("presenter", ["1", "0"])
def test_presenter_mode_shows_the_charts_without_the_toolbar_beside_their_legend(presenter):
    at = train_to_end(set_epochs(lab(presenter=presenter, runs="2", dataset="moons"), 2))
    shown = {json.loads(chart.proto.config).get("displayModeBar", True)
             for chart in at.get("plotly_chart")}
    assert shown == ({False} if presenter == "1" else {True})


@pytest.mark.parametrize("count, cols", [(1, 1), (2, 1), (4, 2)])
def test_map_height_gives_panels_as_tall_as_asked(count, cols):
    config = Config(dataset="moons", n_samples=60, hidden=(4,), epochs=1)
    runs = train_side_by_side([config] * count)
    height = map_height(count, cols, 200, legend=False)
    fig = boundary_figure(runs, list("ABCD"[:count]), resolution=5, cols=cols, legend=False,
                          height=height)
    plot_px = height - (TOP - LEGEND_SPACE) - BOTTOM
    for axis in (fig.layout.yaxis, fig.layout[f"yaxis{count}" if count > 1 else "yaxis"]):
        y0, y1 = axis.domain
        assert (y1 - y0) * plot_px == pytest.approx(200, rel=0.03)


def panel_pixels(layout: dict, width: int) -> list[tuple[float, float]]:
    """(width, height) in px of each panel's box in a figure `width` px wide."""
    margin = layout["margin"]
    plot_w, plot_h = width - margin["l"] - margin["r"], layout["height"] - margin["t"] - margin["b"]
    return [((x1 - x0) * plot_w, (y1 - y0) * plot_h)
            for key, axis in layout.items() if re.fullmatch(r"yaxis\d*", key)
            for (y0, y1), (x0, x1) in [(axis["domain"],
                                        layout[axis["anchor"].replace("x", "xaxis")]["domain"])]]


@pytest.mark.parametrize("count, tab_cols", [(2, 1), (4, 2)])
def test_the_boundary_tab_gives_square_maps_the_tabs_width(count, tab_cols):
    at = train_to_end(set_epochs(lab(runs=str(count), dataset="moons"), 2))
    at.session_state[keys.VIEW_TAB] = "Decision boundary"
    maps = [spec["layout"] for spec in chart_specs(at.run())
            if any(t["type"] == "heatmap" for t in spec["data"])]
    tab, = (layout for layout in maps if layout["showlegend"])
    side, = (layout for layout in maps if not layout["showlegend"])
    panels = panel_pixels(tab, TAB_WIDTH)
    assert len(panels) == count and len({round(w) for w, _ in panels}) == 1
    assert panels[0][0] * tab_cols > 0.9 * (TAB_WIDTH - tab["margin"]["l"] - tab["margin"]["r"])
    for width, height in panels:  # as tall as wide: no band of empty height under a map
        assert height == pytest.approx(width, rel=0.03)
    assert side["height"] == side_maps_height(count, presenter=False)


@pytest.mark.parametrize("presenter, column", [("0", SIDE_WIDTH), ("1", PRESENTER_SIDE_WIDTH)])
@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_the_side_maps_stand_one_a_row_square_and_as_wide_as_their_column(count, presenter,
                                                                          column):
    at = lab(runs=str(count), dataset="moons", presenter=presenter)  # untrained maps
    side, = [spec["layout"] for spec in chart_specs(at)
             if any(t["type"] == "heatmap" for t in spec["data"])]
    assert side["height"] == side_maps_height(count, presenter == "1")
    panels = panel_pixels(side, column)
    assert len(panels) == count
    plot_width = column - side["margin"]["l"] - side["margin"]["r"]
    for width, height in panels:  # one a row, the column's width, as tall as wide
        assert width == pytest.approx(plot_width)
        assert height == pytest.approx(width, rel=0.03)
    tops = sorted(annotation["y"] for annotation in side["annotations"])
    assert len(set(tops)) == count  # a title a row: none beside another


def test_the_status_bar_says_why_a_run_stopped_or_that_it_trained_full_batch_not_a_plain_end():
    base = Config(n_samples=100, hidden=(8,), epochs=3)
    plain, full_batch, stopped = train_side_by_side(
        [base, base.replace(batch_size=5000),
         base.replace(epochs=60, patience=1, min_delta=10.0)])
    shown = [stop_note(SimpleNamespace(status=run.status, message=run.message,
                                       epoch=int(run.history["epoch"].iloc[-1])))
             for run in (plain, full_batch, stopped)]
    assert shown[0] == ""
    assert "larger than the 70 training rows" in shown[1] and "full batch" in shown[1]
    assert shown[2].startswith("stopped early")
    assert stop_note(SimpleNamespace(status="running", message="", epoch=1)) == ""


def test_after_a_restore_best_stop_the_numbers_describe_the_restored_weights_as_the_summary():
    config = Config(n_samples=200, hidden=(32, 32), epochs=300, lr=0.05, label_noise=0.2,
                    patience=5)
    run, = train_side_by_side([config])
    assert run.status == "early_stopped" and end_epoch(run) < run.stopped_epoch
    numbers = latest_numbers([run], ["A"])["A"]
    assert numbers["epoch"] == end_epoch(run) and numbers["restored"]
    assert numbers["val_loss"] == at_end(run, "val_loss") == summarize(run)["final_val_loss"]
    assert f"{end_epoch(run)} (best, restored)" in live_numbers_html([run], ["A"])


def test_train_makes_the_session_await_its_first_chart_until_it_is_drawn(monkeypatch):
    """Pressing Train puts the session among those whose first chart comes before other
    sessions' next ticks (a room pressing Train together); the tick that draws its first
    chart takes it out again."""
    import ui.live
    from ui.pace import Pace

    calls = []

    class NotingPace(Pace):
        def expect_first(self, session):
            calls.append(("expect", session))
            super().expect_first(session)

        def first_drawn(self, session):
            calls.append(("drawn", session))
            super().first_drawn(session)

    pace = NotingPace()
    monkeypatch.setattr(ui.live, "server_pace", lambda: pace)
    at = lab()
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    ident = live(at).ident
    assert live(at).runs and ("expect", ident) in calls
    assert ("drawn", ident) in calls[calls.index(("expect", ident)):]
    assert pace.awaiting_first() == 0
