"""Every lesson draws its live charts' places before training: empty figures of the heights
the trained ones take, in the same order, so pressing Train moves nothing below them."""
import json
from types import SimpleNamespace

import pytest

from lesson_pages import open_page, train
from ui.lesson import training_ended
from ui.plots.style import FONT_FAMILY

PAGES = [("1_L1_and_L2.py", "sparsity"), ("2_Early_stopping.py", "early_stopping"),
         ("3_Weight_decay_vs_L2.py", "weight_decay"), ("4_Dropout.py", "dropout"),
         ("5_Batch_normalization.py", "batch_norm"), ("6_Layer_normalization.py", "layer_norm")]


def chart_heights(at) -> list[int]:
    return [json.loads(chart.proto.spec)["layout"]["height"] for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("page, key", PAGES)
def test_lesson_charts_keep_their_places_when_training_starts(page, key):
    at = open_page(page)
    before = chart_heights(at)
    messages = [json.loads(c.proto.spec)["layout"].get("annotations", [{}])[0].get("text", "")
                for c in at.get("plotly_chart")]
    assert any("Train" in text for text in messages)  # the places say what fills them
    train(at, key, 1)  # one epoch, paused: the charts as they are while training
    assert chart_heights(at)[:len(before)] == before  # (a section further down may add one)


@pytest.mark.parametrize("page, key", PAGES[:1])
def test_lesson_charts_use_the_labs_style(page, key):
    at = open_page(page)
    train(at, key, 1)
    for chart in at.get("plotly_chart"):
        assert chart.proto.theme != "streamlit"
        assert json.loads(chart.proto.spec)["layout"]["font"]["family"] == FONT_FAMILY


def run(status: str) -> SimpleNamespace:
    return SimpleNamespace(status=status)


def test_training_ended_needs_runs_none_of_them_still_training():
    assert training_ended([run("completed"), run("early_stopped")])
    assert not training_ended([run("completed"), run("running")])  # running or paused
    assert not training_ended([])  # the empty places before the first epoch
