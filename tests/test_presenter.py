"""Presenter mode's chart text and legend are set in the figure's dict, without Plotly
validating the figure again; the result is what Plotly's own update calls give."""
import json

import plotly.graph_objects as go
import pytest

from regcore import Config, train_side_by_side
from ui import presenter
from ui.plots.boundary import boundary_figure
from ui.plots.curves import loss_figure
from ui.theme import PRESENTER_FONT_SIZE

SIZE = PRESENTER_FONT_SIZE


@pytest.fixture(scope="module")
def runs():
    base = Config(n_samples=100, hidden=(8,), epochs=3)
    return train_side_by_side([base, base.replace(dropout=0.5)])


def with_plotly_updates(figure: go.Figure, beside: bool) -> go.Figure:
    """The same sizes and legend through Plotly's validated update calls."""
    figure = go.Figure(figure)
    if beside:
        figure.update_layout(legend=dict(presenter.LEGEND_BESIDE, font_size=SIZE - 3), margin_t=20)
    figure.update_layout(font_size=SIZE, hoverlabel_font_size=SIZE - 1)
    for update_axes in (figure.update_xaxes, figure.update_yaxes):
        update_axes(tickfont_size=SIZE - 2, title_font_size=SIZE)
    if figure.layout.legend.orientation != "v":
        figure.update_layout(legend_font_size=SIZE - 1)
    figure.update_annotations(font_size=SIZE)
    return figure


def sent(figure: go.Figure) -> dict:
    return json.loads(figure.to_json())


@pytest.mark.parametrize("beside", [False, True])
def test_presenter_text_and_legend_equal_plotlys_own_updates(runs, beside, monkeypatch):
    monkeypatch.setattr(presenter.lab_settings, "presenter", lambda: True)
    for figure in (loss_figure(runs, ["A", "B"]), boundary_figure(runs, ["A", "B"], resolution=8)):
        shown = presenter.presenter_fonts(presenter.legend_beside(figure) if beside else figure)
        expected = sent(with_plotly_updates(figure, beside))
        assert sent(shown)["layout"] == expected["layout"]
        assert sent(shown)["data"] == expected["data"]


def test_outside_presenter_mode_the_legend_stays_where_it_was(runs, monkeypatch):
    monkeypatch.setattr(presenter.lab_settings, "presenter", lambda: False)
    figure = loss_figure(runs, ["A", "B"])
    assert presenter.legend_beside(figure) is figure
