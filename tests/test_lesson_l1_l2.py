"""The claims of the L1 and L2 lesson, on the page's own presets."""
import numpy as np
import pytest
from sklearn.linear_model import lasso_path

from regcore import make_dataset, summarize, train_side_by_side
from regcore.lessons import l1_l2
from regcore.lessons.l1_l2 import (CoefficientPath, InputSelection, SparsityOutcome,
                                      leaving_order, path_sentences, sentences)


@pytest.fixture(scope="module")
def runs():
    """The page's comparison at its default strength: no penalty, L1, L2."""
    return dict(zip(l1_l2.RUN_NAMES, train_side_by_side(list(l1_l2.comparison()))))


@pytest.fixture(scope="module")
def data():
    return l1_l2.path_data()


@pytest.fixture(scope="module")
def l1_path(data):
    return l1_l2.regularization_path(data, "l1", l1_l2.l1_strengths(data))


@pytest.fixture(scope="module")
def l2_path(data):
    return l1_l2.regularization_path(data, "l2", l1_l2.l2_strengths())


def test_l1_gives_more_exact_zeros_than_l2(runs):
    l1, l2 = summarize(runs["L1"])["sparsity"], summarize(runs["L2"])["sparsity"]
    assert l1 > 0.5
    assert l2 < l1


def test_l2_shrinks_the_weights(runs):
    assert summarize(runs["L2"])["weight_norm"] < summarize(runs["no penalty"])["weight_norm"]


def test_l1_keeps_mostly_informative_inputs(runs):
    l1 = l1_l2.input_selection(runs["L1"])
    l2 = l1_l2.input_selection(runs["L2"])
    assert l1.precision > 0.5
    assert l1.recall >= 0.8
    assert l1.precision > l2.precision


def test_l1_path_zeroes_features_as_lambda_grows(l1_path):
    counts = l1_path.nonzero_counts()
    assert counts[0] >= 8
    assert counts[-1] == 0
    assert np.sum(np.diff(counts) > 0) <= 1  # a feature may re-enter once, as on the Lasso path


def test_l2_path_never_has_exact_zeros(l2_path):
    assert np.count_nonzero(l2_path.coefs == 0) == 0
    assert np.abs(l2_path.coefs[-1]).max() < 0.1 * np.abs(l2_path.coefs[0]).max()


def test_l1_path_matches_coordinate_descent(data, l1_path):
    """ISTA with warm starts reaches the Lasso solution scikit-learn's coordinate descent finds
    (its objective ½·mean((y − Xw)²) + α‖w‖₁ is ours with α = λ)."""
    y = data.y_train - data.y_train.mean()
    _, reference, _ = lasso_path(data.X_train, y, alphas=l1_path.strengths[::-1])
    assert np.abs(l1_path.coefs - reference.T[::-1]).max() < 0.03


def test_path_refuses_classification_data():
    with pytest.raises(ValueError, match="regression"):
        l1_l2.regularization_path(make_dataset("moons", 50), "l1", [0.1])


def test_leaving_order_lists_each_feature_once_by_growing_lambda(l1_path):
    order = leaving_order(l1_path)
    assert sorted(name for name, _ in order) == sorted(l1_path.feature_names)
    strengths = [strength for _, strength in order]
    assert strengths == sorted(strengths)


def test_leaving_order_follows_the_coefficients():
    path = CoefficientPath("l1", np.array([0.1, 1.0, 10.0]),
                           np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]),
                           ("a", "b", "c"))
    assert leaving_order(path) == [("a", 1.0), ("b", 10.0), ("c", 10.0)]


def _outcome(l1_zeros, l2_zeros, l2_norm=1.0, kept=(0, 1, 2, 3)):
    names = l1_l2.RUN_NAMES
    return SparsityOutcome(
        strength=0.05, zeros=dict(zip(names, (0.0, l1_zeros, l2_zeros))),
        norms=dict(zip(names, (2.0, 0.5, l2_norm))), val_loss=dict(zip(names, (0.9, 0.4, 0.5))),
        l1_inputs=InputSelection(10, kept, (0, 1, 9)),
        l2_inputs=InputSelection(10, tuple(range(10)), (0, 1, 9)))


def test_notice_reports_the_measured_zeros():
    said = " ".join(sentences(_outcome(0.987, 0.0)))
    assert "98.7%" in said and "L1 set" in said


def test_notice_says_so_when_l2_has_more_zeros():
    said = " ".join(sentences(_outcome(0.10, 0.30)))
    assert "L2 left at least as many exact zeros as L1 (30.0% vs 10.0%)" in said


def test_notice_says_so_when_l2_did_not_shrink():
    said = " ".join(sentences(_outcome(0.9, 0.0, l2_norm=3.0)))
    assert "did not shrink" in said


def test_notice_computes_precision_and_recall_of_the_kept_inputs():
    said = " ".join(sentences(_outcome(0.9, 0.0, kept=(0, 1, 2, 3))))
    assert "4 of 10 inputs" in said and "precision 50%, recall 67%" in said


def test_notice_warns_when_l1_removed_every_input():
    said = " ".join(sentences(_outcome(1.0, 0.0, kept=())))
    assert "ignores all 10 inputs" in said


def test_path_notice_follows_the_paths():
    strengths = np.array([0.1, 1.0])
    stays = CoefficientPath("l1", strengths, np.array([[1.0, 2.0], [0.5, 1.0]]), ("a", "b"))
    leaves = CoefficientPath("l1", strengths, np.array([[1.0, 2.0], [0.0, 0.0]]), ("a", "b"))
    ridge_with_zero = CoefficientPath("l2", strengths, np.array([[1.0, 0.0], [0.5, 0.1]]),
                                      ("a", "b"))
    assert "no feature left" in " ".join(path_sentences(stays, stays))
    said = " ".join(path_sentences(leaves, stays))
    assert "first to go: a, b" in said
    assert "set no coefficient exactly to zero" in said
    assert "1 exact zeros" in " ".join(path_sentences(leaves, ridge_with_zero))


def test_on_a_table_without_known_informative_columns_the_notice_names_the_kept_inputs():
    columns = tuple(f"col{j}" for j in range(12))
    said = " ".join(sentences(SparsityOutcome(
        strength=0.05, zeros=dict(zip(l1_l2.RUN_NAMES, (0.0, 0.5, 0.0))),
        norms=dict(zip(l1_l2.RUN_NAMES, (2.0, 0.5, 1.0))),
        val_loss=dict(zip(l1_l2.RUN_NAMES, (0.9, 0.4, 0.5))),
        l1_inputs=InputSelection(12, (2, 5), (), columns),
        l2_inputs=InputSelection(12, tuple(range(12)), (), columns))))
    assert "L1 still uses 2 of 12 inputs: col2, col5." in said
    assert "L2 still uses 12 of 12 inputs." in said
    many = InputSelection(12, tuple(range(10)), (), columns)
    assert l1_l2._inputs_sentence(many, "L1").endswith("col7 and 2 more.")
