"""The L1 and L2 page trains its preset and explains the measured numbers; its figures (the
regularization path, the first-layer weight per input) checked on small inputs."""
import numpy as np

from lesson_pages import TINY, bullets, open_page, shown_sentences, train
from regcore.lessons import l1_l2
from regcore.lessons.l1_l2 import CoefficientPath
from ui.keys import page_key
from ui.plots.inputs import input_norms_figure
from ui.plots.paths import path_figure

def test_l1_page_trains_its_preset_and_explains_the_measured_numbers():
    at = open_page("1_L1_and_L2.py")
    assert at.select_slider(key=page_key("sparsity", "strength")).value == \
        l1_l2.DEFAULT_STRENGTH
    assert at.slider(key=page_key("sparsity", "seeds")) is not None
    assert len(at.latex) >= 3
    l1_path, l2_path = _cached_paths()
    assert bullets(l1_l2.path_sentences(l1_path, l2_path)) in shown_sentences(at)

    runs = train(at, "sparsity", l1_l2.comparison()[0].epochs)
    assert all(run.status == "completed" for run in runs)
    expected = l1_l2.sentences(l1_l2.outcome(runs, l1_l2.RUN_NAMES))
    assert bullets(expected) in shown_sentences(at)
    assert len(at.get("plotly_chart")) == 4  # histograms, inputs, loss, path

def _cached_paths():
    data = l1_l2.path_data(0)
    return (l1_l2.regularization_path(data, "l1", l1_l2.l1_strengths(data)),
            l1_l2.regularization_path(data, "l2", l1_l2.l2_strengths()))

def test_path_figure_draws_each_feature_in_both_panels_and_marks_departures():
    strengths = np.array([0.1, 1.0, 10.0])
    l1 = CoefficientPath("l1", strengths, np.array([[1.0, 2.0], [0.0, 1.0], [0.0, 1.0]]),
                         ("a", "b"))
    l2 = CoefficientPath("l2", strengths, np.array([[1.0, 2.0], [0.5, 1.0], [0.1, 0.2]]),
                         ("a", "b"))
    figure = path_figure(l1, l2)
    lines = [t for t in figure.data if t.mode == "lines"]
    marks = [t for t in figure.data if t.mode == "markers"]
    assert [t.name for t in lines] == ["a", "b", "a", "b"]
    assert [(t.name, t.x[0]) for t in marks] == [("a leaves", 1.0)]
    assert figure.layout.xaxis.type == figure.layout.xaxis2.type == "log"

def test_path_figure_titles_count_the_features_that_reach_zero():
    strengths = np.array([0.1, 1.0])
    path = CoefficientPath("l1", strengths, np.array([[1.0, 2.0], [0.0, 1.0]]), ("a", "b"))
    titles = [a.text for a in path_figure(path, path).layout.annotations]
    assert titles == ["<b>L1: 1 of 2 features reach exactly 0</b>"] * 2

def test_input_norms_figure_highlights_informative_inputs_and_counts_kept_ones(tiny_runs):
    figure = input_norms_figure(tiny_runs, ["plain", "strong L1"])
    bars = [t for t in figure.data if t.type == "bar"]
    assert len(bars) == 2 and len(bars[0].y) == TINY.n_features
    informative = tiny_runs[0].data.informative
    assert len({bars[0].marker.color[j] for j in informative}) == 1
    assert bars[0].marker.color[informative[0]] != bars[0].marker.color[
        next(j for j in range(TINY.n_features) if j not in informative)]
    notes = " ".join(a.text for a in figure.layout.annotations)
    assert "uses 6 of 6 inputs" in notes and "uses 0 of 6 inputs" in notes
    assert "Train the runs" in input_norms_figure([], []).layout.annotations[0].text
