"""What each layer promises, beyond its gradients."""
import numpy as np
import pytest

from regcore import build_model
from regcore.layers import BatchNorm, Dropout, LayerNorm, Linear


def test_dropout_is_the_identity_in_eval_mode():
    x = np.random.default_rng(0).normal(size=(8, 5)).astype(np.float32)
    np.testing.assert_array_equal(Dropout(0.5, rng=np.random.default_rng(0)).forward(x, train=False), x)


def test_dropout_keeps_the_expected_value_in_training():
    x = np.ones((4000, 50), dtype=np.float32)
    out = Dropout(0.3, rng=np.random.default_rng(0)).forward(x, train=True)
    assert np.mean(out == 0) == pytest.approx(0.3, abs=0.01)
    assert out.mean() == pytest.approx(1.0, abs=0.01)
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}


def test_dropout_draws_a_fresh_mask_each_pass():
    layer, x = Dropout(0.5, rng=np.random.default_rng(0)), np.ones((10, 10), np.float32)
    assert not np.array_equal(layer.forward(x, True), layer.forward(x, True))


def test_batchnorm_normalizes_each_feature_over_the_batch():
    x = np.random.default_rng(0).normal(3, 5, size=(64, 4))
    out = BatchNorm(4, dtype=np.float64).forward(x, train=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, atol=1e-3)  # biased variance, + ε


def test_batchnorm_running_stats_use_momentum_and_the_unbiased_variance():
    x = np.array([[1.0], [3.0]])  # mean 2, biased var 1, unbiased var 2
    layer = BatchNorm(1, dtype=np.float64)
    layer.forward(x, train=True)
    assert layer.running_mean[0] == pytest.approx(0.9 * 0 + 0.1 * 2)
    assert layer.running_var[0] == pytest.approx(0.9 * 1 + 0.1 * 2)


def test_batchnorm_eval_uses_running_stats_not_the_batch():
    layer = BatchNorm(2, dtype=np.float64)
    layer.running_mean[:] = [1.0, -1.0]
    layer.running_var[:] = [4.0, 0.25]
    x = np.array([[3.0, 0.0], [5.0, 1.0]])
    expected = (x - layer.running_mean) / np.sqrt(layer.running_var + 1e-5)
    np.testing.assert_allclose(layer.forward(x, train=False), expected)
    np.testing.assert_allclose(layer.forward(x[:1], train=False), expected[:1])


def test_batchnorm_refuses_a_batch_of_one_in_training():
    with pytest.raises(ValueError, match="batches of 2 or more"):
        BatchNorm(3).forward(np.ones((1, 3), np.float32), train=True)


def test_layernorm_output_does_not_depend_on_the_batch():
    x = np.random.default_rng(0).normal(size=(16, 100))
    layer = LayerNorm(100, dtype=np.float64)
    whole = layer.forward(x, train=True)
    one_by_one = np.vstack([layer.forward(x[i: i + 1], train=True) for i in range(16)])
    np.testing.assert_allclose(whole, one_by_one, atol=1e-12)
    np.testing.assert_allclose(whole.mean(axis=1), 0, atol=1e-12)  # per sample, over features


def test_linear_init_scales():
    rng = np.random.default_rng(0)
    he = Linear(400, 300, rng=rng, init="he").W
    xavier = Linear(400, 300, rng=rng, init="xavier").W
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xavier.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert he.dtype == np.float32


def test_linear_output_is_x_times_w_plus_b_and_its_input_is_left_unchanged():
    layer = Linear(5, 3, rng=np.random.default_rng(0), dtype=np.float64)
    layer.params["Wb"][-1] = [1.0, -2.0, 0.5]  # b, the last row of Wb
    x = np.random.default_rng(1).normal(size=(7, 5))
    before = x.copy()
    np.testing.assert_allclose(layer.forward(x, train=True), x @ layer.W + layer.b, rtol=1e-12)
    np.testing.assert_array_equal(x, before)
    second = np.random.default_rng(2).normal(size=(7, 5))  # same shape: the kept copy is refilled
    np.testing.assert_allclose(layer.forward(second, train=True), second @ layer.W + layer.b,
                               rtol=1e-12)


def test_linear_bias_gradient_is_the_sum_of_dout_over_the_rows():
    layer = Linear(4, 3, rng=np.random.default_rng(0), dtype=np.float64)
    x, dout = np.random.default_rng(1).normal(size=(2, 6, 4))
    dout = dout[:, :3]
    layer.forward(x, train=True)
    layer.backward(dout)
    np.testing.assert_allclose(layer.grads["Wb"][-1], dout.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.grads["Wb"][:-1], x.T @ dout, rtol=1e-12)


def test_a_copied_model_has_the_same_output_without_the_layers_kept_arrays():
    from regcore.layers import ReLU
    model = build_model(2, 3, hidden=(8,), rng=np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(100, 2)).astype(np.float32)
    model.forward(X, train=True)  # a training step keeps its [x, 1] inputs and ReLU masks
    copied = model.copy()
    kept = {Linear: "_inputs", ReLU: "_mask"}
    for original, copy in zip(model.layers, copied.layers):
        if type(original) in kept:
            assert getattr(original, kept[type(original)]) is not None
            assert getattr(copy, kept[type(copy)]) in (None, {})
    assert copied.predict_output(X).tobytes() == model.predict_output(X).tobytes()


def test_evaluation_keeps_no_input_block_of_its_own_in_the_linear_layers():
    """A model kept for display is evaluated on blocks of many shapes (a map's grid, the
    validation rows): its Linear layers keep none of them, only training batches'."""
    model = build_model(2, 3, hidden=(8,), rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    for rows in (1600, 300, 7):
        model.predict_output(rng.normal(size=(rows, 2)).astype(np.float32))
    linears = [layer for layer in model.layers if isinstance(layer, Linear)]
    assert all(not layer._inputs and layer._x is None for layer in linears)
    model.forward(rng.normal(size=(32, 2)).astype(np.float32), train=True)
    assert all(list(layer._inputs) == [((32, layer.W.shape[0]), np.float32)]
               for layer in linears)


def test_stacked_dropout_draws_each_runs_mask_from_its_own_generator():
    x = np.ones((3, 20, 10), np.float32)
    stacked = Dropout((0.5, 0.0, 0.3), rng=tuple(np.random.default_rng(s) for s in range(3)))
    out = stacked.forward(x, train=True)
    for r, p in ((0, 0.5), (2, 0.3)):
        alone = Dropout(p, rng=np.random.default_rng(r)).forward(x[r], train=True)
        np.testing.assert_array_equal(out[r], alone)
    np.testing.assert_array_equal(out[1], x[1])  # p = 0: kept exactly


def test_histograms_of_rows_count_as_np_histogram_does():
    from regcore.snapshots import bin_edges, histograms
    edges = bin_edges(64, 64)
    rows = np.random.default_rng(0).normal(0, edges[-1] / 3, (3, 400)).astype(np.float32)
    rows[0, :41] = edges  # values on the edges
    rows[1, :2] = (np.inf, -np.inf)  # beyond the edges: the outer bins
    for r in range(3):
        expected = np.histogram(np.clip(rows[r], edges[0], edges[-1]), bins=edges)[0]
        np.testing.assert_array_equal(histograms(rows, edges)[r], expected)
    assert histograms(rows, edges).dtype == np.int32  # half the bytes a run keeps per snapshot


def test_histograms_count_nan_in_no_bin():
    from regcore.snapshots import bin_edges, histograms
    edges = bin_edges(8, 8)
    rows = np.array([[np.nan, 0.0, edges[0], np.nan], [0.0, 0.0, 0.0, 0.0]], np.float32)
    counts = histograms(rows, edges)
    assert counts.sum(axis=1).tolist() == [2, 4]
    assert counts[0, 0] == 1 and counts[0, 20] == 1  # the first edge; 0 opens bin 20


def test_weight_stats_of_layers_in_one_row_equal_those_of_each_layers_own_array():
    from regcore.snapshots import layer_weight_stats, rows_weight_stats
    rows = np.random.default_rng(0).normal(size=(3, 700)).astype(np.float32)
    rows[1, 5:40] = 0.0
    spans = {"a": slice(0, 37), "b": slice(37, 677), "c": slice(677, 700)}
    together = layer_weight_stats(rows, spans)
    for name, span in spans.items():
        apart = rows_weight_stats(np.ascontiguousarray(rows[:, span]))
        assert [layers[name] for layers in together] == apart


def test_forward_mixed_puts_only_the_chosen_layers_in_train_mode():
    model = build_model(3, 2, hidden=(8,), norm="batch", dropout=0.5,
                        rng=np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(16, 3)).astype(model.flat.dtype)
    assert np.array_equal(model.forward_mixed(x, lambda layer: False), model.forward(x))
    batch_stats = model.forward_mixed(x, lambda layer: isinstance(layer, BatchNorm))
    assert not np.allclose(batch_stats, model.forward(x))  # BatchNorm on this batch's statistics
    assert np.array_equal(batch_stats,
                          model.forward_mixed(x, lambda layer: isinstance(layer, BatchNorm)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("axis", [-1, -2])
@pytest.mark.parametrize("keepdims", [False, True])
def test_mean_along_equals_numpy_mean_bit_for_bit(dtype, axis, keepdims):
    from regcore.layers import mean_along
    for seed, scale in enumerate((1e-30, 1.0, 3e5, 1e30)):
        x = (np.random.default_rng(seed).normal(3, 7, size=(3, 37, 11)) * scale).astype(dtype)
        expected = x.mean(axis=axis, keepdims=keepdims)
        got = mean_along(x, axis, keepdims)
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()


def test_stacked_dropout_gives_each_run_the_mask_of_its_own_generator_batch_after_batch():
    rates = (0.0, 0.5, 0.3)
    stacked = Dropout(rates, rng=tuple(np.random.default_rng(s) for s in range(3)))
    alone = [Dropout(p, rng=np.random.default_rng(s)) for s, p in enumerate(rates)]
    x = np.random.default_rng(9).normal(size=(3, 8, 5)).astype(np.float32)
    for rows in (8, 4, 8, 4):  # full and last batches reuse their kept arrays
        out = stacked.forward(x[:, :rows], train=True)
        for r, layer in enumerate(alone):
            assert out[r].tobytes() == layer.forward(x[r, :rows], train=True).tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_equals_numpy_maximum_with_zero_bit_for_bit(dtype):
    """NaN, infinities and the sign of zero included, in training and evaluation, for every
    shape it meets (shared zeros per shape)."""
    from regcore.layers import ReLU
    special = np.array([-0.0, 0.0, np.nan, -np.nan, -np.inf, np.inf, -1.0, 1.0, 1e-45, -1e-45])
    relu = ReLU()
    for shape in [(2, 5, 10), (1, 3, 10), (4, 10), (2, 5, 10), (6, 10), (3, 10), (2, 1, 10)]:
        x = np.resize(special, shape).astype(dtype)
        np.random.default_rng(len(shape)).shuffle(x.reshape(-1))
        for train in (True, False):
            assert relu.forward(x, train).tobytes() == np.maximum(x, 0).tobytes()


def test_relu_layers_share_one_read_only_array_of_zeros_per_shape():
    """Every model of a server (display copies of every visitor's runs) compares against the
    same zeros, which nothing can overwrite; arrays too large to keep are made per call."""
    from regcore.layers import SHARED_ZEROS_BYTES, ReLU, shared_zeros_like
    x = np.random.default_rng(0).normal(size=(50, 64)).astype(np.float32)
    first, second = ReLU(), ReLU()
    first.forward(x, train=False)
    second.forward(x.copy(), train=True)
    zeros = shared_zeros_like(x)
    assert zeros is shared_zeros_like(x.copy()) and not zeros.flags.writeable
    assert not zeros.any() and zeros.shape == x.shape and zeros.dtype == x.dtype
    assert shared_zeros_like(x.astype(np.float64)).dtype == np.float64
    big = np.ones(SHARED_ZEROS_BYTES // 4 + 1, np.float32)
    assert shared_zeros_like(big) is not shared_zeros_like(big) and not shared_zeros_like(big).any()


def test_relu_leaves_its_input_unchanged():
    from regcore.layers import ReLU
    x = np.array([[-1.0, 2.0, -0.0]], np.float32)
    ReLU().forward(x, train=True)
    np.testing.assert_array_equal(x, [[-1.0, 2.0, -0.0]])


def test_weight_stats_of_rows_equal_numpys_statistics_of_each_row():
    from regcore.snapshots import rows_weight_stats
    rows = np.array([[0.0, -3.0, 4.0, 0.0], [1.0, -0.0, 0.5, -2.0]], np.float32)
    assert rows_weight_stats(rows) == [
        {"sparsity": 0.5, "l1": 7.0, "l2": 5.0, "max_abs": 4.0},
        {"sparsity": 0.25, "l1": 3.5, "l2": float(np.sqrt(5.25)), "max_abs": 2.0}]
    big = np.random.default_rng(0).normal(size=(3, 5000)).astype(np.float32)
    for row, stats in zip(big, rows_weight_stats(big)):
        wide = row.astype(np.float64)
        assert stats == {"sparsity": 0.0, "l1": np.abs(wide).sum(),
                         "l2": np.sqrt(np.sum(wide * wide)), "max_abs": np.abs(wide).max()}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1,), (32,), (700,), (3, 32), (4, 1, 29)])
def test_the_losses_means_equal_numpys_bit_for_bit(dtype, shape):
    from regcore.losses import _mean_last, _negative_mean_last
    for seed, scale in enumerate((1e-30, 1.0, 3e5, 1e30)):
        x = (np.random.default_rng(seed).normal(3, 7, size=shape) * scale).astype(dtype)
        mean = np.asarray(x.mean(axis=-1))
        for got, expected in ((_mean_last(x), mean), (_negative_mean_last(x), -mean)):
            got = np.asarray(got)
            assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()
