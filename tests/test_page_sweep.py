"""The sweep page and its figures: the page loads, a tiny sweep ends in a chart, a clicked
point links to the lab, Cancel stops; the figures show the mean over seeds of each point."""
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from regcore import limits
from regcore.limits import Limits
from regcore.sweep import backends
from ui.plots.sweep import BEST_COLOR, heatmap_figure, line_figure, selected_point

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


def test_heatmap_marks_no_best_cell_for_the_gap_which_has_no_better_direction(results):
    gaps = results.assign(gap=results["best_val_loss"])
    assert heatmap_figure(gaps, "penalty_strength", "dropout", "gap").layout.shapes == ()


def test_line_band_spans_mean_plus_and_minus_the_std_over_seeds(results):
    one_field = results[results["dropout"] == 0.0]
    upper, lower, mean = line_figure(one_field, "penalty_strength", "best_val_loss").data
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


def test_a_sweep_that_changes_nothing_is_flagged():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.selectbox(key="sweep_penalty").set_value("none").run()
    assert any("penalty is none" in warning.value for warning in at.warning)


def test_a_tiny_sweep_ends_in_a_chart_and_a_csv():
    at = run_until_done(page())
    assert not at.exception and not at.error
    plan, results, state = at.session_state["sweep_results"]
    assert state == "finished" and list(results["dropout"]) == [0.0, 0.8]
    assert len(at.get("plotly_chart")) == 1
    assert at.get("download_button")


def test_a_clicked_point_links_to_the_lab_with_its_config():
    at = run_until_done(page())
    at.session_state["sweep_chart1"] = {"selection": {"points": [{"customdata": [1, 0.0, 1]}],
                                                     "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    (link,) = at.get("link_button")
    assert link.proto.url.startswith("/?") and "A.dropout=0.8" in link.proto.url
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
