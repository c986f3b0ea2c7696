"""SpecFigure: a Figure held as its plain dict serializes exactly as Plotly would serialize
the same dict, Streamlit sends it without building Plotly's objects, and used as a Figure it
is one."""
import copy
import json
import pickle

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import streamlit as st

from ui.plots.spec_figure import SpecFigure, typed_array

from test_plots_curves import decoded


def spec() -> dict:
    """A dict with arrays of every kind a chart sends, in traces and in the layout, whose
    layout, like that of every figure Plotly made, names its template."""
    layout = go.Figure(layout={"template": "none"}).to_dict()["layout"]
    return {
        "data": [
            {"type": "scatter", "x": np.arange(5, dtype=np.int32),
             "y": np.linspace(0, 1, 5, dtype=np.float32), "name": "A", "line": {"width": 2}},
            {"type": "heatmap", "z": np.arange(12, dtype=np.uint8).reshape(3, 4)},
            {"type": "contour", "z": np.arange(-6, 6, dtype=np.int16).reshape(4, 3)},
            {"type": "scatter", "x": np.array([1, 2, 40_000], dtype=np.int64),
             "y": np.array([0.5, np.nan, 2.5]), "customdata": np.array([], dtype=float)},
            {"type": "scatter", "x": [None], "y": [None], "mode": "markers"},
            {"type": "scatter", "x": np.array(["2026-11-30", "2026-12-01"], "datetime64[ns]"),
             "y": np.array([1.0, 2.0], ">f8"), "customdata": [np.arange(2), np.ones(2)]},
            {"type": "heatmap", "z": [np.arange(3, dtype=np.float32), (1, 2, 3)]},
        ],
        "layout": {**layout, "height": 300, "xaxis": {"range": np.array([0.0, 4.0]),
                                             "tickvals": np.array([1, 2, 3])},
                   "annotations": [{"text": "a", "x": np.float64(1.5), "y": 1}]},
    }


def plotly_json(figure) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


def same_numbers(sent, expected) -> bool:
    """Whether two parsed figures hold the same values, whatever travels in binary (a figure
    Plotly validates may send an array in binary that another sends as a list; NaN equal to
    NaN)."""
    def text(figure):
        return json.dumps(decoded(figure), sort_keys=True, default=np.ndarray.tolist)
    return text(sent) == text(expected)


def test_its_dict_is_sent_as_plotly_sends_a_figure_of_the_same_dict():
    assert plotly_json(SpecFigure(spec())) == plotly_json(go.Figure(spec(), _validate=False))


def test_a_typed_array_holds_the_bytes_of_the_narrowest_dtype_and_the_shape_of_a_grid():
    assert typed_array(np.array([[1, 2], [3, 4]], np.uint8)) == {
        "dtype": "u1", "bdata": "AQIDBA==", "shape": "2, 2"}
    assert typed_array(np.array([1, 300], np.int64))["dtype"] == "i2"


def test_arrays_that_cannot_travel_in_binary_stay_arrays_for_the_json_encoder():
    for values in (np.array([], float), np.array([1.0], ">f8"), np.array([True, False]),
                   np.array(["2026-11-30"], "datetime64[D]")):
        sent = typed_array(values)
        assert isinstance(sent, np.ndarray) and sent is not values
        np.testing.assert_array_equal(sent, values)


def test_streamlit_sends_it_without_building_plotly_objects():
    figure = SpecFigure(spec())
    st.plotly_chart(figure)
    pio.to_json(figure)
    assert not figure.built


def test_used_as_a_figure_it_is_built_once_with_its_dict():
    figure = SpecFigure(spec())
    assert list(figure.data[0].x) == [0, 1, 2, 3, 4]
    assert figure.layout.annotations[0].text == "a"
    assert figure.built and isinstance(figure, go.Figure)
    assert plotly_json(figure) == plotly_json(go.Figure(spec(), _validate=False))


def test_changes_made_through_plotly_are_in_what_it_sends():
    figure = SpecFigure(spec())
    figure.update_layout(title_text="changed")
    figure.data[0].name = "B"
    sent = figure.to_dict()
    assert sent["layout"]["title"]["text"] == "changed" and sent["data"][0]["name"] == "B"


def test_what_to_dict_returns_is_a_copy_the_caller_may_change():
    figure = SpecFigure(spec())
    first = figure.to_dict()
    first["layout"]["xaxis"]["title"] = "mine"
    first["data"][0]["line"]["width"] = 9
    second = figure.to_dict()
    assert "title" not in second["layout"]["xaxis"] and second["data"][0]["line"]["width"] == 2


@pytest.mark.parametrize("duplicate", [copy.deepcopy, copy.copy,
                                       lambda figure: pickle.loads(pickle.dumps(figure))])
def test_copies_and_pickles_are_figures_of_the_same_dict(duplicate):
    figure = SpecFigure(spec())
    duplicated = duplicate(figure)
    assert isinstance(duplicated, go.Figure)
    assert same_numbers(plotly_json(duplicated), plotly_json(figure))
    assert not figure.built


def test_a_missing_attribute_is_still_an_attribute_error():
    figure = SpecFigure(spec())
    with pytest.raises(AttributeError):
        figure.no_such_property
    assert not hasattr(figure, "__no_such_dunder__")
