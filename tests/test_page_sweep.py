"""The sweep page and its figures: the page loads, a tiny sweep ends in a chart, a clicked
point links to the lab, Cancel stops; the figures show the mean over seeds of each point."""
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from regcore import limits
from regcore.limits import Limits
from regcore.sweep import backends
from regcore.sweep import aggregate
from regcore.sweep.defaults import DEFAULT_BASE, DEFAULT_GRID, DEFAULT_SEEDS
from regcore.sweep.ties import standings
from ui.plots.sweep import (BEST_COLOR, SELECTED_COLOR, SELECTED_GLYPH, heatmap_figure,
                            line_figure, selected_point, selected_text)

PAGE = "../app_pages/7_Sweep.py"
TINY = {"sweep_epochs": 3, "sweep_n_samples": 100, "sweep_workers": 1}


# --- figures -----------------------------------------------------------------------------------
@pytest.fixture
def results():
    """Two strengths × two dropout rates × two seeds; best_val_loss = λ·10 + p + seed/10."""
    rows = []
    for point, (strength, rate) in enumerate([(1e-3, 0.0), (1e-3, 0.5), (1e-2, 0.0), (1e-2, 0.5)]):
        for seed in (0, 1):
            rows.append({"point": point, "penalty_strength": strength, "dropout": rate,
                         "seed": seed, "best_val_loss": strength * 10 + rate + seed / 10})
    return pd.DataFrame(rows)


def test_heatmap_cells_hold_the_mean_over_seeds_of_each_grid_point(results):
    heat = heatmap_figure(results, "penalty_strength", "dropout", "best_val_loss").data[0]
    assert list(heat.x) == ["0.001", "0.01"] and list(heat.y) == ["0", "0.5"]
    np.testing.assert_allclose(heat.z, [[0.06, 0.15], [0.56, 0.65]])


def test_heatmap_cells_carry_their_grid_point_for_a_click(results):
    marks = heatmap_figure(results, "penalty_strength", "dropout", "best_val_loss").data[1]
    by_cell = {(x, y): data[0] for x, y, data in zip(marks.x, marks.y, marks.customdata)}
    assert by_cell == {("0.001", "0"): 0, ("0.001", "0.5"): 1,
                       ("0.01", "0"): 2, ("0.01", "0.5"): 3}


def test_heatmap_outlines_the_cell_with_the_lowest_mean_loss(results):
    figure = heatmap_figure(results, "penalty_strength", "dropout", "best_val_loss")
    (outline,) = [shape for shape in figure.layout.shapes if shape.line.color == BEST_COLOR]
    assert (outline.x0, outline.y0) == (-0.5, -0.5)  # λ = 0.001, p = 0


@pytest.fixture
def close_results():
    """λ 1e-3 / 1e-2 × p 0 / 0.5; means 1.1 (best), 1.2 (tied: 0.1 ≤ √(0.1² + 0.1²)),
    2.1 (apart) over two seeds, and 1.5 from a single seed (no spread known)."""
    values = {(1e-3, 0.0): [1.0, 1.2], (1e-3, 0.5): [1.1, 1.3], (1e-2, 0.0): [2.0, 2.2],
              (1e-2, 0.5): [1.5]}
    return pd.DataFrame([{"point": point, "penalty_strength": strength, "dropout": rate,
                          "seed": seed, "final_val_loss": value}
                         for point, ((strength, rate), seeds) in enumerate(values.items())
                         for seed, value in enumerate(seeds)])


def test_heatmap_writes_best_and_tied_in_the_cells_next_to_the_mean(close_results):
    heat = heatmap_figure(close_results, "penalty_strength", "dropout", "final_val_loss").data[0]
    assert heat.texttemplate == "%{text}"
    assert [list(row) for row in heat.text] == [["1.1<br>best", "2.1"], ["1.2<br>≈", "1.5"]]


def test_a_cell_whose_runs_all_diverged_writes_no_number(close_results):
    diverged = close_results.assign(final_val_loss=close_results["final_val_loss"].where(
        close_results["point"] != 2))
    heat = heatmap_figure(diverged, "penalty_strength", "dropout", "final_val_loss").data[0]
    assert heat.text[0][1] == ""


def test_heatmap_outlines_the_best_cell_solid_and_the_tied_cells_dashed(close_results):
    figure = heatmap_figure(close_results, "penalty_strength", "dropout", "final_val_loss")
    outlines = {(shape.x0, shape.y0): (shape.line.dash, shape.line.width)
                for shape in figure.layout.shapes}
    assert outlines == {(-0.5, -0.5): ("solid", 4), (-0.5, 0.5): ("dash", 2)}
    keys = [trace.name for trace in figure.data if trace.name]
    assert keys == ["lowest mean", "tied with the best (within one standard error)"]


def test_heatmap_hover_gives_the_spread_over_n_seeds_and_never_a_spread_for_one_seed(
        close_results):
    marks = heatmap_figure(close_results, "penalty_strength", "dropout", "final_val_loss").data[1]
    spreads = {data[0]: data[1] for data in marks.customdata}
    assert spreads[0] == "± 0.14 over 2 seeds<br>the best mean"
    assert spreads[1].endswith("tied with the best (within one standard error)")
    assert spreads[3].startswith("(1 seed: no spread known)") and "± 0" not in spreads[3]
    assert "%{customdata[1]}" in marks.hovertemplate


def test_a_clicked_cell_and_only_it_shows_an_outline_glyph(close_results):
    marks = heatmap_figure(close_results, "penalty_strength", "dropout", "final_val_loss").data[1]
    assert set(marks.text) == {SELECTED_GLYPH} and "text" in marks.mode
    assert marks.textfont.color == marks.unselected.textfont.color == "rgba(0,0,0,0)"
    assert marks.selected.textfont.color == SELECTED_COLOR != BEST_COLOR


def test_line_rings_the_best_point_and_the_points_tied_with_it(close_results):
    one_field = close_results[close_results["penalty_strength"] == 1e-3]
    *_, best, tied = line_figure(one_field, "dropout", "final_val_loss").data
    assert (list(best.x), list(best.text)) == ([0.0], ["best"])
    assert (list(tied.x), list(tied.text)) == ([0.5], ["≈"])


def test_selected_text_gives_the_cell_its_mean_spread_and_standing(close_results):
    cells = standings(aggregate(close_results, ["point", "penalty_strength", "dropout"],
                                "final_val_loss"), "final_val_loss")
    text = selected_text(cells, 1, {"penalty_strength": 1e-3, "dropout": 0.5})
    assert text == ("**Selected: strength λ = 0.001, dropout = 0.5** · 1.2 ± 0.14 over 2 seeds"
                    " · tied with the best (within one standard error)")


def test_heatmap_marks_no_best_cell_for_the_gap_which_has_no_better_direction(results):
    gaps = results.assign(gap=results["best_val_loss"])
    assert heatmap_figure(gaps, "penalty_strength", "dropout", "gap").layout.shapes == ()


def test_line_band_spans_mean_plus_and_minus_the_std_over_seeds(results):
    one_field = results[results["dropout"] == 0.0]
    upper, lower, mean, *rings = line_figure(one_field, "penalty_strength", "best_val_loss").data
    std = np.std([0.0, 0.1], ddof=1)
    np.testing.assert_allclose(mean.y, [0.06, 0.15])
    np.testing.assert_allclose(upper.y, np.array(mean.y) + std)
    np.testing.assert_allclose(lower.y, np.array(mean.y) - std)
    assert lower.fill == "tonexty"


def test_line_uses_a_log_axis_for_strengths_and_categories_for_choices(results):
    one_field = results[results["dropout"] == 0.0]
    assert line_figure(one_field, "penalty_strength", "best_val_loss").layout.xaxis.type == "log"
    norms = pd.DataFrame({"point": [0, 1], "norm": ["none", "layer"], "seed": [0, 0],
                          "sparsity": [0.0, 0.1]})
    assert line_figure(norms, "norm", "sparsity").layout.xaxis.type == "category"


def test_selected_point_reads_customdata_sent_as_a_list_or_as_a_typed_array():
    assert selected_point({"points": [{"customdata": [3, 0.1, 2]}]}) == 3
    assert selected_point({"points": [{"customdata": {"0": 5, "1": 0.1, "2": 2}}]}) == 5
    assert selected_point({"points": []}) is None


def test_empty_results_give_a_figure_that_says_so():
    figure = line_figure(pd.DataFrame(), "dropout", "gap")
    assert "Run a sweep" in figure.layout.annotations[0].text


# --- the page ----------------------------------------------------------------------------------
def page(**values) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.multiselect(key="sweep_fields").set_value(["dropout"]).run()
    for key, value in {**TINY, "sweep_dropout_count": 2, "sweep_seeds": 1, **values}.items():
        slider = key.endswith(("count", "seeds"))
        (at.slider(key=key) if slider else at.number_input(key=key)).set_value(value)
    at.text_input(key="sweep_hidden").set_value("8")
    return at.run()


def run_until_done(at: AppTest, max_runs: int = 10) -> AppTest:
    """Each script run polls the sweep once; with one worker a poll trains one config."""
    at.button(key="sweep_run").click().run()
    for _ in range(max_runs):
        if "sweep_job" not in at.session_state:
            break
        at.run()
    return at


def test_the_page_loads_without_an_exception():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert any("runs" in caption.value for caption in at.caption)


def test_the_worker_processes_offered_stop_at_the_servers_cap(monkeypatch):
    monkeypatch.setattr(backends, "available_cores", lambda: 8)
    monkeypatch.setattr(limits, "LIMITS", Limits(max_sweep_workers=3))
    workers = AppTest.from_file(PAGE, default_timeout=60).run().number_input(key="sweep_workers")
    assert (workers.max, workers.value) == (3, 3)


def test_the_page_opens_with_the_measured_default_sweep_over_three_seeds():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert at.slider(key="sweep_seeds").value == DEFAULT_SEEDS >= 3
    assert at.multiselect(key="sweep_fields").value == list(DEFAULT_GRID)
    assert at.number_input(key="sweep_n_samples").value == DEFAULT_BASE.n_samples
    assert at.text_input(key="sweep_hidden").value == "128, 128"
    assert any("25 grid points × 3 seed(s) = **75 runs**" in c.value for c in at.caption)
    assert any("noise 0.35, learning rate 0.01" in c.value for c in at.caption)


def test_results_say_how_many_seeds_stand_behind_each_cell_and_which_is_best():
    at = run_until_done(page(sweep_seeds=2))
    text = " ".join(block.value for block in at.markdown)
    assert "Each cell is the mean over 2 seeds." in text
    assert "Lowest mean final validation loss: dropout = " in text
    assert at.radio(key="sweep_metric").value == "final_val_loss"


def test_results_of_one_seed_say_that_no_spread_is_known():
    at = run_until_done(page(sweep_seeds=1))
    text = " ".join(block.value for block in at.markdown)
    assert "Each cell is the mean over 1 seed." in text and "no known spread" in text


def test_a_sweep_that_changes_nothing_is_flagged():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.selectbox(key="sweep_penalty").set_value("none").run()
    assert any("penalty is none" in warning.value for warning in at.warning)


def test_a_tiny_sweep_ends_in_a_chart_in_the_labs_style_and_a_csv():
    at = run_until_done(page())
    assert not at.exception and not at.error
    plan, results, state = at.session_state["sweep_results"]
    assert state == "finished" and list(results["dropout"]) == [0.0, 0.8]
    assert len(at.get("plotly_chart")) == 1
    assert at.get("download_button")
    chart = at.get("plotly_chart")[0]
    assert chart.proto.theme != "streamlit"  # the lab's style and toolbar
    assert "lasso2d" in json.loads(chart.proto.config)["modeBarButtonsToRemove"]


def test_a_clicked_point_links_to_the_lab_with_its_config():
    at = run_until_done(page())
    at.session_state["sweep_chart1"] = {"selection": {"points": [{"customdata": [1, 0.0, 1]}],
                                                     "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    (link,) = at.get("link_button")
    assert link.proto.url.startswith("/?") and "A.dropout=0.8" in link.proto.url
    assert any(block.value.startswith("**Selected: dropout = 0.8**") for block in at.markdown)
    run_until_done(at)  # a new sweep forgets the point clicked in the last one
    assert not at.get("link_button")


def test_too_many_runs_are_refused_with_an_error_and_run_is_disabled():
    at = page(sweep_dropout_count=12, sweep_seeds=5)
    at.multiselect(key="sweep_fields").set_value(["dropout", "lr"]).run()
    at.slider(key="sweep_lr_count").set_value(12).run()
    assert any("at most 400" in error.value for error in at.error)
    assert at.button(key="sweep_run").disabled


def test_cancel_stops_the_sweep_and_keeps_the_finished_runs():
    at = page(sweep_dropout_count=4)
    at.button(key="sweep_run").click().run()  # starts, and the first poll trains one config
    at.button(key="sweep_cancel").click().run()
    plan, results, state = at.session_state["sweep_results"]
    assert state == "cancelled" and len(results) < plan.total
    assert not at.exception


def test_picking_a_real_set_on_the_sweep_page_uses_all_its_rows_and_says_how_many():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.selectbox(key="sweep_dataset").set_value("breast_cancer").run()
    assert not at.exception
    assert at.number_input(key="sweep_n_samples").value == 569
    assert any("(all 569 rows of the set)" in caption.value for caption in at.caption)
