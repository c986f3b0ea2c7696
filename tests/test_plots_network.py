"""The network diagram draws what the weights are: every drawn weight once, zeros apart,
wide layers cut to their strongest units, dropped units hollow."""
import numpy as np
import pytest

import regcore
from regcore import Config
from ui.plots.network import MAX_UNITS, NEGATIVE, POSITIVE, ZERO, network_figure, shown_units

BASE = Config(n_samples=150, hidden=(6, 5), epochs=3)


def lines(figure, color):
    return sum(trace.x.count(None) for trace in figure.data
               if trace.mode == "lines" and trace.line.color == color)


@pytest.fixture(scope="module")
def lasso():
    return regcore.train(BASE.replace(penalty="l1", penalty_strength=0.05, epochs=30))


def test_every_weight_of_a_small_network_is_one_line_coloured_by_its_sign():
    run = regcore.train(BASE)
    figure = network_figure(run, "A")
    weights = np.concatenate([w.ravel() for w in run.model.weight_layers.values()])
    assert lines(figure, POSITIVE) == np.count_nonzero(weights > 0)
    assert lines(figure, NEGATIVE) == np.count_nonzero(weights < 0)


def test_weights_that_are_exactly_zero_are_drawn_apart_and_counted(lasso):
    weights = np.concatenate([w.ravel() for w in lasso.model.weight_layers.values()])
    zeros = int(np.count_nonzero(weights == 0))
    assert zeros > 0
    figure = network_figure(lasso, "L1")
    assert lines(figure, ZERO) == zeros
    assert f"{zeros:,} of {weights.size:,} weights exactly zero" in figure.layout.title.text


def test_a_wide_layer_shows_its_strongest_units():
    w = np.zeros((3, 40))
    w[:, 7] = 5.0
    shown = shown_units([w, np.ones((40, 2))], [3, 40, 2])
    assert len(shown[1]) == MAX_UNITS and 7 in shown[1]


def test_dropout_leaves_some_hidden_units_hollow_and_never_an_input():
    run = regcore.train(BASE.replace(hidden=(12,), dropout=0.5))
    figure = network_figure(run, "B", epoch_seed=1)
    units = [trace for trace in figure.data if trace.mode == "markers"]
    hollow = [list(trace.marker.color).count("white") for trace in units]
    assert hollow[0] == 0 and hollow[-1] == 0 and 0 < hollow[1] < 12
    assert "dropout p = 0.5" in figure.layout.title.text
