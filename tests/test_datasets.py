"""The built-in data sets and the Dataset container: shapes, splits, scaling, corruption, checks."""
import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_wine

from regcore import datasets
from regcore.datasets import DATASETS, REGRESSION, TWO_D, Dataset, make_dataset
from regcore.limits import Limits

REAL_ROWS = {"breast_cancer": 569, "digits": 1797, "wine": 178, "diabetes": 442}


def all_rows(data: Dataset) -> np.ndarray:
    return np.vstack([data.X_train, data.X_val])


def sorted_rows(X: np.ndarray) -> np.ndarray:
    return X[np.lexsort(X.T[::-1])]


@pytest.mark.parametrize("name", DATASETS)
def test_every_named_dataset_builds_with_its_shapes_task_and_feature_names(name):
    data = make_dataset(name, n_samples=200)
    assert data.n_train + data.n_val == min(200, REAL_ROWS.get(name, 200))
    assert data.X_train.shape == (data.n_train, data.n_features)
    assert data.X_val.shape == (data.n_val, data.n_features)
    assert len(data.feature_names) == data.n_features
    assert data.is_2d == (name in TWO_D)
    if name in REGRESSION:
        assert data.task == "regression" and data.n_classes is None and data.y_train.dtype == np.float64
    else:
        assert data.task == "classification" and data.y_train.dtype == np.int64
        assert set(data.y_train) == set(data.y_val) == set(range(data.n_classes))


def test_two_d_sets_name_their_coordinates_and_blobs_has_three_classes():
    assert make_dataset("spiral").feature_names == ("x1", "x2")
    assert make_dataset("blobs").n_classes == 3


def test_real_sets_keep_their_feature_and_class_names():
    wine = make_dataset("wine")
    assert wine.feature_names == tuple(load_wine().feature_names)
    assert wine.class_names == ("class_0", "class_1", "class_2")
    assert make_dataset("digits", n_samples=100).class_names == tuple(str(d) for d in range(10))


@pytest.mark.parametrize("name", ["blobs", "wine", "breast_cancer"])
def test_split_is_stratified(name):
    data = make_dataset(name, n_samples=600)
    train_shares = np.bincount(data.y_train) / data.n_train
    val_shares = np.bincount(data.y_val, minlength=data.n_classes) / data.n_val
    np.testing.assert_allclose(train_shares, val_shares, atol=0.02)


@pytest.mark.parametrize("val_fraction", [0.05, 0.3, 0.9])
def test_val_fraction_is_the_share_of_validation_rows(val_fraction):
    data = make_dataset("moons", n_samples=400, val_fraction=val_fraction)
    assert data.n_val == round(val_fraction * 400)


def test_every_class_reaches_both_parts_even_for_tiny_sets():
    digits = make_dataset("digits", n_samples=20, val_fraction=0.05)
    assert set(digits.y_train) == set(digits.y_val) == set(range(10))
    moons = make_dataset("moons", n_samples=20, val_fraction=0.05)
    assert set(moons.y_val) == {0, 1}


def test_standardization_uses_training_statistics_only():
    data = make_dataset("wine")
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1)
    assert np.all(np.abs(data.X_val.mean(axis=0)) > 1e-6)


def test_scaled_data_is_the_unscaled_data_standardized_with_training_statistics():
    raw, scaled = make_dataset("moons", scale=False), make_dataset("moons")
    mean, std = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    np.testing.assert_allclose(scaled.X_val, (raw.X_val - mean) / std)


def test_constant_columns_are_centred_not_divided_by_zero():
    data = make_dataset("digits")  # some border pixels are 0 in every image
    assert np.isfinite(data.X_train).all()


def test_unscaled_noiseless_moons_lie_on_their_half_circles():
    data = make_dataset("moons", noise=0.0, scale=False)
    X, y = all_rows(data), np.concatenate([data.y_train, data.y_val])
    centres = np.array([[0.0, 0.0], [1.0, 0.5]])[y]  # make_moons: arcs round (0, 0) and (1, 0.5)
    np.testing.assert_allclose(np.linalg.norm(X - centres, axis=1), 1.0)


def test_unscaled_real_set_keeps_the_original_rows():
    data = make_dataset("diabetes", scale=False)
    original = load_diabetes(scaled=False)
    np.testing.assert_array_equal(sorted_rows(all_rows(data)), sorted_rows(original.data))
    assert sorted(np.concatenate([data.y_train, data.y_val])) == sorted(original.target)


def test_regression_target_is_standardized_only_when_scaling():
    assert make_dataset("diabetes").y_train.std() == pytest.approx(1)
    assert make_dataset("diabetes", scale=False).y_train.mean() > 100  # disease progression score


@pytest.mark.parametrize("scale", [True, False])
def test_feature_scales_make_columns_badly_scaled(scale):
    plain = make_dataset("moons", scale=scale)
    skewed = make_dataset("moons", scale=scale, feature_scales=(1.0, 1000.0))
    np.testing.assert_allclose(skewed.X_train, plain.X_train * [1.0, 1000.0])
    np.testing.assert_allclose(skewed.X_val, plain.X_val * [1.0, 1000.0])


def test_label_noise_flips_the_requested_share_of_training_labels_and_no_validation_label():
    clean = make_dataset("blobs", n_samples=1000)
    noisy = make_dataset("blobs", n_samples=1000, label_noise=0.2)
    np.testing.assert_array_equal(noisy.X_train, clean.X_train)
    np.testing.assert_array_equal(noisy.y_val, clean.y_val)
    assert np.sum(noisy.y_train != clean.y_train) == round(0.2 * clean.n_train)
    assert set(noisy.y_train) == {0, 1, 2}


def test_same_arguments_give_identical_arrays():
    first = make_dataset("spiral", seed=3, label_noise=0.1)
    second = make_dataset("spiral", seed=3, label_noise=0.1)
    for field in ("X_train", "y_train", "X_val", "y_val"):
        np.testing.assert_array_equal(getattr(first, field), getattr(second, field))


@pytest.mark.parametrize("name", ["moons", "xor", "noisy_features", "digits"])
def test_another_seed_gives_other_data(name):
    assert not np.array_equal(make_dataset(name, seed=0).X_train, make_dataset(name, seed=1).X_train)


def test_noisy_features_informative_columns_separate_the_classes_and_the_others_do_not():
    data = make_dataset("noisy_features", n_features=40, n_informative=4, seed=5)
    gap = np.abs(data.X_train[data.y_train == 1].mean(axis=0) - data.X_train[data.y_train == 0].mean(axis=0))
    informative = np.isin(np.arange(40), data.informative)
    assert informative.sum() == 4
    assert gap[informative].min() > 3 * gap[~informative].max()


def test_noisy_features_names_are_zero_padded_column_numbers():
    data = make_dataset("noisy_features", n_features=12, n_informative=3)
    assert data.feature_names[:3] == ("f00", "f01", "f02") and data.feature_names[-1] == "f11"


def test_only_noisy_features_records_informative_columns():
    assert make_dataset("moons").informative is None


def test_dataset_arrays_are_read_only_float_and_integer_copies():
    X = np.zeros((4, 2), dtype=np.float32)
    data = Dataset(X, [0, 1, 0, 1], X[:2], [1, 0])
    assert data.X_train.dtype == np.float64 and data.y_train.dtype == np.int64
    with pytest.raises(ValueError):
        data.X_train[0, 0] = 1.0
    X[0, 0] = 5.0
    assert data.X_train[0, 0] == 0.0


def test_dataset_takes_arrays_unscaled_and_counts_classes_over_both_parts():
    X = np.arange(10.0).reshape(5, 2)
    data = Dataset(X[:3], [0, 1, 0], X[3:], [2, 1])
    np.testing.assert_array_equal(data.X_train, X[:3])
    assert data.n_classes == 3 and (data.n_train, data.n_val, data.n_features) == (3, 2, 2)


def valid_parts(**changes) -> dict:
    X = np.arange(12.0).reshape(6, 2)
    parts = dict(X_train=X[:4], y_train=[0, 1, 0, 1], X_val=X[4:], y_val=[1, 0])
    return parts | changes


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(X_train=np.zeros(4)), "X_train must be 2-D"),
        (dict(y_train=np.zeros((4, 1))), "y_train must be 1-D"),
        (dict(y_train=[0, 1, 0]), "X_train has 4 rows but y_train has 3"),
        (dict(X_val=np.zeros((2, 3))), "X_train has 2 features but X_val has 3"),
        (dict(X_train=np.zeros((1, 2)), y_train=[0]), "at least 2 training rows"),
        (dict(X_val=np.zeros((0, 2)), y_val=[]), "1 validation row"),
        (dict(X_train=[[0, 1], [2, np.nan], [1, 1], [0, 0]]), "X_train contains NaN"),
        (dict(X_val=[["a", "b"], ["c", "d"]]), "X_val must hold numbers"),
        (dict(y_train=[0, 1, 0.5, 1]), "class labels"),
        (dict(y_val=[-1, 0]), "class labels"),
        (dict(y_train=[1, 1, 1, 1]), "at least 2 classes"),
        (dict(task="clustering"), "task must be one of"),
        (dict(feature_names=("a",)), "feature_names has 1 entries, expected 2"),
        (dict(class_names=("a", "b", "c")), "class_names has 3 entries, expected 2"),
        (dict(task="regression", class_names=("a", "b")), "class_names are only meaningful"),
        (dict(informative=(0, 2)), "informative"),
    ],
)
def test_dataset_refuses_inconsistent_arrays(changes, message):
    with pytest.raises(ValueError, match=message):
        Dataset(**valid_parts(**changes))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name="mnist"), "unknown dataset 'mnist'; choose one of: moons, circles"),
        (dict(n_samples=19), r"n_samples must be an integer in \[20, 20000\], got 19"),
        (dict(n_samples=100.0), "n_samples must be an integer"),
        (dict(noise=-0.1), "noise must be a number in"),
        (dict(noise=float("nan")), "noise"),
        (dict(seed=-1), "seed"),
        (dict(val_fraction=0.95), r"val_fraction must be a number in \[0.05, 0.9\]"),
        (dict(label_noise=0.5), r"label_noise must be a number in \[0.0, 0.5\)"),
        (dict(name="diabetes", label_noise=0.1), "label_noise must be 0 for the regression set"),
        (dict(n_features=1), "n_features"),
        (dict(n_features=10, n_informative=11), r"n_informative must be an integer in \[1, 10\]"),
        (dict(feature_scales=(1.0,)), "feature_scales must be 2 positive numbers"),
        (dict(feature_scales=(1.0, 0.0)), "feature_scales"),
    ],
)
def test_make_dataset_refuses_bad_arguments_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**({"name": "moons"} | kwargs))


def test_sample_cap_comes_from_limits_and_says_how_to_raise_it(monkeypatch):
    monkeypatch.setattr(datasets, "LIMITS", Limits(max_samples=100))
    with pytest.raises(ValueError, match="REGLAB_MAX_SAMPLES"):
        make_dataset("moons", n_samples=101)


def test_name_lists_agree_with_the_descriptions():
    assert set(TWO_D + REGRESSION) <= set(DATASETS)
    assert all(isinstance(text, str) and text for text in DATASETS.values())


# --- real sets use their rows; a held-out test split ------------------------------------------
@pytest.mark.parametrize("name", datasets.REAL)
def test_a_real_set_without_a_sample_count_uses_all_its_rows(name):
    assert datasets.rows_available(name) == REAL_ROWS[name]
    data = make_dataset(name)
    assert data.n_train + data.n_val == REAL_ROWS[name]


def test_a_generated_set_without_a_sample_count_has_the_default_count():
    data = make_dataset("moons")
    assert data.n_train + data.n_val == datasets.DEFAULT_SAMPLES


def test_test_split_holds_out_its_share_of_rows_and_every_row_lands_in_one_part():
    data = make_dataset("moons", n_samples=200, test_fraction=0.2, scale=False)
    assert (data.n_train, data.n_val, data.n_test) == (100, 60, 40)
    every = np.vstack([data.X_train, data.X_val, data.X_test])
    assert len(np.unique(every, axis=0)) == 200
    plain = make_dataset("moons", n_samples=200, scale=False)
    assert np.array_equal(sorted_rows(every), sorted_rows(all_rows(plain)))


def test_test_rows_are_fixed_by_the_seed_whatever_the_validation_fraction():
    first = make_dataset("moons", n_samples=200, test_fraction=0.2, val_fraction=0.3, scale=False)
    second = make_dataset("moons", n_samples=200, test_fraction=0.2, val_fraction=0.5, scale=False)
    assert np.array_equal(first.X_test, second.X_test)
    other_seed = make_dataset("moons", n_samples=200, test_fraction=0.2, seed=1, scale=False)
    assert not np.array_equal(np.sort(first.X_test, axis=0), np.sort(other_seed.X_test, axis=0))


def test_without_a_test_split_the_train_and_validation_rows_are_as_before():
    """test_fraction 0 leaves the split of a seed unchanged (same rows, same order)."""
    data = make_dataset("moons", n_samples=100, seed=3)
    assert data.X_test is None and data.y_test is None and data.n_test == 0
    X, y = datasets._generate("moons", 100, 0.2, 50, 5, np.random.default_rng(
        np.random.SeedSequence([3, datasets.DATA_STREAM]).spawn(3)[0]))[:2]
    split_rng = np.random.default_rng(np.random.SeedSequence([3, datasets.DATA_STREAM]).spawn(3)[1])
    train, val = datasets.split_indices(y, 0.3, split_rng, stratify=True)
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    assert np.allclose(data.X_train, (X[train] - mean) / std)
    assert np.allclose(data.X_val, (X[val] - mean) / std)


def test_test_rows_are_standardized_with_training_statistics_and_keep_clean_labels():
    raw = make_dataset("moons", n_samples=200, test_fraction=0.25, scale=False, label_noise=0.3)
    scaled = make_dataset("moons", n_samples=200, test_fraction=0.25, label_noise=0.3)
    mean, std = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    assert np.allclose(scaled.X_test, (raw.X_test - mean) / std)
    clean = make_dataset("moons", n_samples=200, test_fraction=0.25, scale=False)
    assert np.array_equal(raw.y_test, clean.y_test)
    assert not np.array_equal(raw.y_train, clean.y_train)


def test_dataset_needs_both_test_arrays_or_neither():
    with pytest.raises(ValueError, match="X_test and y_test"):
        Dataset(np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((2, 2)), [0, 1], X_test=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="X_train has 2 features but X_test has 3"):
        Dataset(np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((2, 2)), [0, 1],
                X_test=np.zeros((2, 3)), y_test=[0, 1])
