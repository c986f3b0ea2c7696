"""Hand-worked single steps of each optimizer (PyTorch's formulas), lr = 0.1, g = 0.5."""
import numpy as np
import pytest

from regcore.optimizers import SGD, Adam, AdamW, make_optimizer


def one_param(value=1.0):
    return {"w": np.array([value])}


def grad(value=0.5):
    return {"w": np.array([value])}


def test_sgd_step():
    p = one_param()
    SGD(0.1).step(p, grad())
    assert p["w"][0] == pytest.approx(1 - 0.1 * 0.5)  # 0.95


def test_sgd_weight_decay_adds_wd_times_p_to_the_gradient():
    p = one_param()
    SGD(0.1, weight_decay=0.1).step(p, grad())
    assert p["w"][0] == pytest.approx(1 - 0.1 * (0.5 + 0.1 * 1))  # 0.94


def test_momentum_two_steps():
    p, opt = one_param(), SGD(0.1, momentum=0.9)
    opt.step(p, grad())  # buffer = g = 0.5 → p = 0.95
    opt.step(p, grad())  # buffer = 0.9·0.5 + 0.5 = 0.95 → p = 0.95 − 0.095
    assert p["w"][0] == pytest.approx(0.855)


def test_nesterov_first_step_looks_ahead():
    p = one_param()
    SGD(0.1, momentum=0.9, nesterov=True).step(p, grad())  # g + 0.9·b = 0.95
    assert p["w"][0] == pytest.approx(1 - 0.095)


def test_adam_two_steps():
    p, opt = one_param(), Adam(0.1)
    opt.step(p, grad(0.5))  # m̂ = 0.5, v̂ = 0.25 → step lr·1 = 0.1
    assert p["w"][0] == pytest.approx(0.9)
    opt.step(p, grad(-0.5))
    # m = 0.9·0.05 − 0.05 = −0.005, m̂ = −0.005/0.19; v = 0.00049975, v̂ = 0.25 → √ = 0.5
    assert p["w"][0] == pytest.approx(0.9 + 0.1 * (0.005 / 0.19) / 0.5, rel=1e-7)


def test_adam_weight_decay_goes_through_the_adaptive_step():
    p = one_param()
    Adam(0.1, weight_decay=0.1).step(p, grad())  # g = 0.6, normalized away: step 0.1
    assert p["w"][0] == pytest.approx(0.9)


def test_adamw_decays_before_the_adaptive_step():
    p = one_param()
    AdamW(0.1, weight_decay=0.1).step(p, grad())  # 1·(1 − 0.01) − 0.1
    assert p["w"][0] == pytest.approx(0.89)


def test_weight_decay_only_touches_decay_keys():
    params = {"weights": np.array([1.0]), "other": np.array([1.0])}
    zero = {"weights": np.array([0.0]), "other": np.array([0.0])}
    SGD(0.1, weight_decay=0.5, decay_keys={"weights"}).step(params, zero)
    assert params["weights"][0] == pytest.approx(0.95)
    assert params["other"][0] == 1.0


def test_optimizer_does_not_change_the_gradients():
    g = grad()
    Adam(0.1, weight_decay=0.1).step(one_param(), g)
    assert g["w"][0] == 0.5


def test_state_is_kept_per_key():
    params = {"a": np.array([1.0]), "b": np.array([1.0])}
    opt = SGD(0.1, momentum=0.9)
    opt.step(params, {"a": np.array([0.5]), "b": np.array([0.0])})
    opt.step(params, {"a": np.array([0.0]), "b": np.array([0.0])})
    assert params["b"][0] == 1.0  # a's momentum does not leak into b
    assert params["a"][0] == pytest.approx(1 - 0.05 - 0.045)


def test_make_optimizer_refuses_unknown_names():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        make_optimizer("rmsprop", 0.1)


def test_step_size_is_lr_for_sgd_over_one_minus_momentum_and_lr_over_root_v_for_adam():
    sgd = SGD(0.1)
    sgd.step(one_param(), grad())
    assert sgd.step_size("w") == 0.1
    assert SGD(0.1, momentum=0.9).step_size("w") == pytest.approx(1.0)
    adam = Adam(0.1)
    adam.step(one_param(), grad(0.5))  # v̂ = 0.25
    assert adam.step_size("w")[0] == pytest.approx(0.1 / (0.5 + 1e-8))


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam", "adamw"])
def test_per_run_hyperparameters_step_each_row_as_its_own_optimizer(name):
    """Stacked rows with (R, 1) lr, momentum and weight decay, one of them 0, against one
    optimizer per row: the same numbers, bit for bit."""
    lrs, momenta, decays = [0.1, 0.01, 0.05], [0.9, 0.5, 0.8], [0.0, 0.1, 0.01]
    column = lambda values: np.array(values).reshape(-1, 1)
    rng = np.random.default_rng(0)
    p0, grads = rng.normal(size=(3, 4)), [rng.normal(size=(3, 4)) for _ in range(3)]
    stacked = make_optimizer(name, column(lrs), momentum=column(momenta),
                             weight_decay=column(decays))
    p = {"w": p0.copy()}
    for g in grads:
        stacked.step(p, {"w": g})
    for r in range(3):
        alone = make_optimizer(name, lrs[r], momentum=momenta[r], weight_decay=decays[r])
        row = {"w": p0[r].copy()}
        for g in grads:
            alone.step(row, {"w": g[r]})
        np.testing.assert_array_equal(p["w"][r], row["w"])


def test_adam_steps_keys_of_different_shapes_as_separate_optimizers_would():
    rng = np.random.default_rng(0)
    params = {"a": rng.normal(size=(2, 5)).astype(np.float32), "b": rng.normal(size=7)}
    grads = [{k: rng.normal(size=v.shape).astype(v.dtype) for k, v in params.items()}
             for _ in range(3)]
    together, apart = {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in params.items()}
    both, separate = Adam(0.01), {k: Adam(0.01) for k in params}
    for g in grads:
        both.step(together, g)
        for k in params:
            separate[k].step({k: apart[k]}, {k: g[k]})
    for k in params:
        assert together[k].tobytes() == apart[k].tobytes()


@pytest.mark.parametrize("optimizer", [SGD(np.array([[0.1], [0.2], [0.3]]), momentum=0.5),
                                       Adam(np.array([[0.1], [0.2], [0.3]]))])
def test_step_size_of_some_runs_equals_those_rows_of_every_runs_step_size(optimizer):
    rng = np.random.default_rng(0)
    p = {"w": rng.normal(size=(3, 4)).astype(np.float32)}
    optimizer.step(p, {"w": rng.normal(size=(3, 4)).astype(np.float32)})
    rows = np.array([0, 2])
    every = np.broadcast_to(optimizer.step_size("w"), (3, 4))
    some = np.broadcast_to(optimizer.step_size("w", rows), (2, 4))
    assert some.tobytes() == every[rows].tobytes()
