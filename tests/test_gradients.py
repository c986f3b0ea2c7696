"""Central-difference gradient checks in float64: every layer, every loss, each penalty and
a whole model. Relative error below 1e-6."""
import numpy as np
import pytest

from regcore.layers import BatchNorm, Dropout, LayerNorm, Linear, ReLU, Sigmoid, Tanh
from regcore.losses import mean_squared_error, softmax_cross_entropy
from regcore.model import build_model
from regcore.penalties import make_penalty

F64 = np.float64
TOLERANCE = 1e-6


def numeric_gradient(f, x, h=1e-6):
    """∂f/∂x by central differences, f a scalar function of the array x (changed in place)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        plus = f()
        x[i] = saved - h
        minus = f()
        x[i] = saved
        grad[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(a, b):
    """‖a − b‖ / (‖a‖ + ‖b‖): robust where single entries are ~0 (e.g. a bias before BatchNorm)."""
    return np.linalg.norm(a - b) / max(1e-12, np.linalg.norm(a) + np.linalg.norm(b))


def check_layer(layer, x, train=True, reset=lambda: None):
    """Check dx and every parameter gradient of `layer` for the loss Σ out·R (R random)."""
    rng = np.random.default_rng(1)
    reset()
    weights = rng.normal(size=layer.forward(x, train).shape)

    def loss():
        reset()
        return float(np.sum(layer.forward(x, train) * weights))

    reset()
    layer.forward(x, train)
    dx = layer.backward(weights)
    assert relative_error(dx, numeric_gradient(loss, x)) < TOLERANCE
    for key, value in layer.params.items():
        reset()
        layer.forward(x, train)
        layer.backward(weights)
        analytic = layer.grads[key].copy()
        assert relative_error(analytic, numeric_gradient(loss, value)) < TOLERANCE, key


def batch(shape=(5, 4), seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def test_linear_gradients():
    check_layer(Linear(4, 3, rng=np.random.default_rng(0), dtype=F64), batch())


@pytest.mark.parametrize("layer", [Tanh(), Sigmoid()], ids=["tanh", "sigmoid"])
def test_activation_gradients(layer):
    check_layer(layer, batch())


def test_relu_gradients_away_from_the_kink():
    x = batch()
    x[np.abs(x) < 0.05] = 0.3  # central differences are wrong within h of 0
    check_layer(ReLU(), x)


def test_dropout_gradients_with_a_fixed_mask():
    layer = Dropout(0.4, rng=np.random.default_rng(0))

    def reset():
        layer.rng = np.random.default_rng(7)  # the same mask at every forward pass

    check_layer(layer, batch(), reset=reset)


def test_batchnorm_gradients_in_training_mode():
    layer = BatchNorm(4, dtype=F64)
    layer.params["gamma"][:] = [0.5, 1.5, -1.0, 2.0]
    layer.params["beta"][:] = [0.1, -0.2, 0.3, 0.0]
    check_layer(layer, batch((6, 4)))


def test_batchnorm_gradients_in_eval_mode():
    layer = BatchNorm(4, dtype=F64)
    layer.running_mean[:] = [0.1, 0.2, -0.3, 0.5]
    layer.running_var[:] = [0.5, 2.0, 1.0, 3.0]
    layer.params["gamma"][:] = [0.5, 1.5, -1.0, 2.0]
    # in eval mode the output is affine in x: dx = dout·γ/√(running_var + ε)
    x, dout = batch((6, 4)), batch((6, 4), seed=3)
    layer.forward(x, train=False)
    expected = dout * layer.params["gamma"] / np.sqrt(layer.running_var + layer.eps)
    np.testing.assert_allclose(layer.backward(dout), expected, rtol=1e-12)


def test_layernorm_gradients():
    layer = LayerNorm(4, dtype=F64)
    layer.params["gamma"][:] = [0.5, 1.5, -1.0, 2.0]
    layer.params["beta"][:] = [0.1, -0.2, 0.3, 0.0]
    check_layer(layer, batch((3, 4)))


def test_softmax_cross_entropy_gradient():
    logits, y = batch((6, 3)), np.array([0, 2, 1, 1, 0, 2])
    _, analytic = softmax_cross_entropy(logits, y)
    numeric = numeric_gradient(lambda: softmax_cross_entropy(logits, y)[0], logits)
    assert relative_error(analytic, numeric) < TOLERANCE


def test_mean_squared_error_gradient():
    pred, y = batch((6, 1)), batch((6,), seed=2)
    _, analytic = mean_squared_error(pred, y)
    numeric = numeric_gradient(lambda: mean_squared_error(pred, y)[0], pred)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("kind", ["l1", "l2", "elasticnet"])
def test_penalty_gradient(kind):
    penalty = make_penalty(kind, 0.3, l1_ratio=0.25)
    w = batch((4, 3))
    w[np.abs(w) < 0.05] = 0.2  # |w| has no derivative at 0
    assert relative_error(penalty.grad(w), numeric_gradient(lambda: penalty.value(w), w)) < TOLERANCE


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_whole_model_gradient(norm):
    rng = np.random.default_rng(0)
    model = build_model(3, 4, hidden=(5, 4), activation="tanh", norm=norm, dropout=0.3,
                        rng=rng, dropout_rng=rng, dtype=F64)
    dropouts = [layer for layer in model.layers if isinstance(layer, Dropout)]
    x, y = batch((7, 3)), np.array([0, 1, 2, 3, 0, 1, 2])

    def forward_loss():
        for i, layer in enumerate(dropouts):
            layer.rng = np.random.default_rng(10 + i)  # the same masks at every pass
        return softmax_cross_entropy(model.forward(x, train=True), y)

    model.backward(forward_loss()[1])
    analytic = model.flat_grad.copy()
    numeric = numeric_gradient(lambda: forward_loss()[0], model.flat)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_a_stacked_model_gives_each_run_the_output_and_gradients_of_its_own_model(norm):
    """The stacked path (runs=R) against the single models checked above, run by run."""
    singles = [build_model(3, 2, hidden=(5, 4), norm=norm, rng=np.random.default_rng(seed),
                           dtype=F64) for seed in range(3)]
    stacked = build_model(3, 2, hidden=(5, 4), norm=norm, rng=None, dtype=F64, runs=3)
    for r, model in enumerate(singles):
        stacked.flat[r] = model.flat
    x, dout = batch((3, 6, 3)), batch((3, 6, 2), seed=1)
    out = stacked.forward(x, train=True)
    stacked.backward(dout)
    for r, model in enumerate(singles):
        np.testing.assert_allclose(out[r], model.forward(x[r], train=True), rtol=1e-12)
        model.backward(dout[r])
        np.testing.assert_allclose(stacked.flat_grad[r], model.flat_grad, rtol=1e-12, atol=1e-15)


def test_stacked_losses_give_each_run_its_own_loss_and_gradient():
    logits, y = batch((3, 5, 4)), np.random.default_rng(2).integers(0, 4, (3, 5))
    losses, grads = softmax_cross_entropy(logits, y)
    pred, target = batch((3, 5, 1)), batch((3, 5))
    mse, mse_grads = mean_squared_error(pred, target)
    for r in range(3):
        assert losses[r] == pytest.approx(softmax_cross_entropy(logits[r], y[r])[0], rel=1e-12)
        np.testing.assert_allclose(grads[r], softmax_cross_entropy(logits[r], y[r])[1])
        assert mse[r] == pytest.approx(mean_squared_error(pred[r], target[r])[0], rel=1e-12)
        np.testing.assert_allclose(mse_grads[r], mean_squared_error(pred[r], target[r])[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stacked_cross_entropy_is_the_negated_mean_of_the_picked_log_probabilities(dtype):
    """Bit for bit: each run's loss is −mean(log p of its labels), as numpy computes it."""
    from regcore.losses import log_softmax
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(3, 7, 4)).astype(dtype)
    y = rng.integers(0, 4, size=(3, 7))
    losses, _ = softmax_cross_entropy(logits, y)
    logp = log_softmax(logits)
    for r in range(3):
        expected = -np.mean(logp[r][np.arange(7), y[r]])
        assert losses[r].tobytes() == np.asarray(expected, dtype).tobytes()
