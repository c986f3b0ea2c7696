"""The stacked model's evaluation: blocks of samples change nothing but the speed."""
import copy

import numpy as np
import pytest

from regcore import build_model
from regcore.layers import Dropout, Linear
from regcore.model import EVALUATION_BYTES, EVALUATION_ROWS


def stacked_model(runs, norm="batch", dtype=np.float32):
    model = build_model(3, 4, hidden=(40, 24), norm=norm, dropout=(0.0,) * runs, rng=None,
                        dropout_rng=(None,) * runs, dtype=dtype, runs=runs)
    model.flat[...] = np.random.default_rng(1).normal(0, 0.3, model.flat.shape)
    for value in model.buffers.values():
        value[...] = np.random.default_rng(2).uniform(0.5, 1.5, value.shape)
    return model


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_evaluation_in_blocks_gives_the_output_of_all_samples_at_once(norm, dtype):
    model = stacked_model(5, norm, dtype)
    X = np.random.default_rng(0).normal(size=(1000, 3))
    whole = model.predict_output(X, batch=1000)
    for rows in (64, 320, model.evaluation_rows()):
        assert model.predict_output(X, batch=rows).tobytes() == whole.tobytes()


def test_evaluation_blocks_keep_the_widest_activations_of_all_runs_within_the_byte_budget():
    for runs in (1, 4, 36):
        model = stacked_model(runs)
        rows = model.evaluation_rows()
        assert 64 <= rows <= EVALUATION_ROWS and rows % 64 == 0
        assert rows == 64 or runs * rows * 40 * 4 <= EVALUATION_BYTES
    assert stacked_model(36).evaluation_rows() < stacked_model(1).evaluation_rows()


def test_models_of_one_architecture_share_the_index_of_their_weights():
    """A server keeps several models per run of every visitor: the index of where the
    weights lie in `flat` is one array per architecture, not one per model."""
    model = build_model(2, 2, hidden=(64, 64), rng=np.random.default_rng(0))
    copied = model.copy()
    other = build_model(2, 2, hidden=(64, 64), rng=np.random.default_rng(1))
    assert copied._weight_index is model._weight_index is other._weight_index
    assert not model._weight_index.flags.writeable
    np.testing.assert_array_equal(copied.weights, model.weights)


@pytest.mark.parametrize("dropout", [0.0, 0.5])
@pytest.mark.parametrize("train", [True, False])
def test_the_layer_before_a_linear_layer_writes_straight_into_its_input(dropout, train):
    """The last layer that changes x before each Linear layer but the first writes its output
    into that layer's [x, 1] input (no copy), and the numbers are those of the layers called
    one by one, each output a new array."""
    model = build_model(3, 2, hidden=(8, 8), dropout=dropout, rng=np.random.default_rng(0),
                        dropout_rng=np.random.default_rng(1), dtype=np.float32)
    alone = copy.deepcopy(model)  # the same weights and dropout generator
    x = np.random.default_rng(2).normal(size=(16, 3)).astype(np.float32)
    outputs = {}
    for layer in model.layers:
        def recorded(inputs, mode, out=None, layer=layer, forward=layer.forward):
            outputs[id(layer)] = forward(inputs, mode) if out is None else forward(
                inputs, mode, out=out)
            return outputs[id(layer)]
        layer.forward = recorded
    result = model.forward(x, train=train)
    expected = x
    for layer in alone.layers:
        expected = layer.forward(expected, train)
    np.testing.assert_array_equal(result, expected)
    changing = [layer for layer in model.layers
                if not (isinstance(layer, Dropout) and not (train and dropout))]
    for before, linear in zip(changing, changing[1:]):
        if isinstance(linear, Linear) and not isinstance(before, Linear):
            place = outputs[id(before)].base
            assert place is not None and place.shape == (16, 9) and np.all(place[:, -1] == 1)
            assert not train or linear._x is place  # what the layer multiplied, not a copy


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_split_weights_parts_every_entry_into_the_weights_and_the_rest_in_order(norm):
    model = build_model(3, 2, hidden=(8, 8), norm=norm, rng=np.random.default_rng(0),
                        dtype=np.float32)
    flat = np.arange(model.flat.shape[-1], dtype=np.float64)
    parts = model.split_weights({"m": flat})
    weights, other = parts["weights"]["m"], parts["other"]["m"]
    assert len(weights) == sum(layer.W.size for layer in model.layers
                               if isinstance(layer, Linear))
    np.testing.assert_array_equal(np.sort(np.concatenate([weights, other])), flat)  # each once
    assert np.all(np.diff(other) > 0)  # in order: the biases, then γ and β
