"""The data a model learns from: the `Dataset` container and `make_dataset`, which builds the named sets.

The split, scaling and argument checks shared with `csv_data` live in `regcore.splitting`.
"""

import math
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine

from . import synthetic
from .checks import check_range
from .limits import LIMITS, how_to_raise
from .splitting import flip_labels, split_and_scale, split_indices

DATASETS: dict[str, str] = {
    "moons": "Two interleaving half circles: the classic curved boundary.",
    "circles": "A small circle inside a large one: no straight line separates them.",
    "spiral": "Two spiral arms wound around each other: needs a flexible model.",
    "xor": "Four quadrants, opposite corners share a class: no linear model can do it.",
    "blobs": "Three Gaussian clouds: almost linearly separable, three classes.",
    "noisy_features": "Two classes told apart by a few columns among many irrelevant ones (L1's home).",
    "breast_cancer": "Real: 569 tumours, 30 measurements, malignant or benign.",
    "digits": "Real: 8x8 images of handwritten digits, 64 pixels, 10 classes.",
    "wine": "Real: 178 wines, 13 chemical measurements, 3 cultivars.",
    "diabetes": "Real regression: 442 patients, 10 measurements, disease progression after a year.",
}
TWO_D = tuple(synthetic.TWO_D_GENERATORS)  # moons, circles, spiral, xor, blobs
REGRESSION = ("diabetes",)
TASKS = ("classification", "regression")
MIN_SAMPLES = 20
DATA_STREAM = 0xDA7A  # mixed into the seed so data draws differ from training's draws from the same seed

_BUNDLED = {
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
    "wine": load_wine,
    "diabetes": lambda: load_diabetes(scaled=False),  # the measurements as taken, not pre-scaled
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and validation arrays of one problem, validated and stored read-only.

    X_train: (n_train, n_features) float64      y_train: (n_train,)
    X_val:   (n_val, n_features)   float64      y_val:   (n_val,)
    y holds int64 labels 0..k-1 for classification (k = largest label + 1) and float64 for regression.
    The arrays are taken as given: no scaling happens here.
    `informative` lists the columns that truly carry the signal when that is known, else None.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    task: str = "classification"
    feature_names: tuple[str, ...] | None = None
    class_names: tuple[str, ...] | None = None
    informative: tuple[int, ...] | None = None

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        for name in ("X_train", "X_val"):
            object.__setattr__(self, name, _feature_matrix(name, getattr(self, name)))
        for name in ("y_train", "y_val"):
            object.__setattr__(self, name, _target_vector(name, getattr(self, name), self.task))
        _check_shapes(self)
        if self.task == "classification":
            _check_classes(self)
        elif self.class_names is not None:
            raise ValueError("class_names are only meaningful for classification")
        feature_names = _names("feature_names", self.feature_names, self.n_features)
        object.__setattr__(self, "feature_names", feature_names)
        object.__setattr__(self, "class_names", _names("class_names", self.class_names, self.n_classes))
        object.__setattr__(self, "informative", _column_indices(self.informative, self.n_features))

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int | None:
        """k for classification (labels are 0..k-1), None for regression."""
        if self.task == "regression":
            return None
        return int(max(self.y_train.max(), self.y_val.max())) + 1

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_val(self) -> int:
        return len(self.y_val)

    @property
    def is_2d(self) -> bool:
        return self.n_features == 2

    def __repr__(self) -> str:
        classes = f", {self.n_classes} classes" if self.task == "classification" else ""
        sizes = f"{self.n_train} train / {self.n_val} val, {self.n_features} features"
        return f"Dataset({self.task}, {sizes}{classes})"


def _read_only_array(name: str, values, dtype) -> np.ndarray:
    try:
        array = np.array(values, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers") from None
    array.setflags(write=False)
    return array


def _feature_matrix(name: str, X) -> np.ndarray:
    X = _read_only_array(name, X, np.float64)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows, features), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def _target_vector(name: str, y, task: str) -> np.ndarray:
    y = _read_only_array(name, y, np.float64)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (rows,), got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if task == "regression":
        return y
    if (y < 0).any() or (y != np.round(y)).any():
        raise ValueError(f"{name} must hold class labels 0, 1, 2, ... for classification")
    return _read_only_array(name, y, np.int64)


def _check_shapes(data: Dataset) -> None:
    for part in ("train", "val"):
        X, y = getattr(data, f"X_{part}"), getattr(data, f"y_{part}")
        if len(X) != len(y):
            raise ValueError(f"X_{part} has {len(X)} rows but y_{part} has {len(y)}")
    if data.X_val.shape[1] != data.X_train.shape[1]:
        raise ValueError(f"X_train has {data.X_train.shape[1]} features but X_val has {data.X_val.shape[1]}")
    if data.n_train < 2 or data.n_val < 1:
        raise ValueError(f"need at least 2 training rows and 1 validation row, "
                         f"got {data.n_train} and {data.n_val}")


def _check_classes(data: Dataset) -> None:
    if len(np.unique(data.y_train)) < 2:
        raise ValueError("y_train must contain at least 2 classes")


def _names(name: str, names, expected: int | None) -> tuple[str, ...] | None:
    if names is None:
        return None
    names = tuple(str(n) for n in names)
    if len(names) != expected:
        raise ValueError(f"{name} has {len(names)} entries, expected {expected}")
    return names


def _column_indices(indices, n_features: int) -> tuple[int, ...] | None:
    if indices is None:
        return None
    indices = tuple(int(i) for i in indices)
    if len(set(indices)) != len(indices) or not all(0 <= i < n_features for i in indices):
        raise ValueError(f"informative must list distinct column indices in [0, {n_features - 1}]")
    return indices


def make_dataset(
    name: str,
    n_samples: int = 1000,
    noise: float = 0.2,
    seed: int = 0,
    *,
    val_fraction: float = 0.3,
    scale: bool = True,
    label_noise: float = 0.0,
    n_features: int = 50,
    n_informative: int = 5,
    feature_scales: tuple[float, ...] | None = None,
) -> Dataset:
    """Build the named data set (see DATASETS), split it, optionally standardize and corrupt it.

    n_samples: rows before the split. The real sets (breast_cancer, digits, wine, diabetes) have a
        fixed number of rows: fewer are drawn at random (stratified by class), more are not invented.
    noise: coordinate noise of the 2-D sets; ignored by noisy_features and the real sets.
    val_fraction: share of rows held out for validation, stratified by class for classification.
    scale: standardize each feature with the mean and std of the TRAINING rows (validation rows get the
        same transform, so no information leaks from them); for diabetes also the target y.
    label_noise: share of training labels replaced by a different, random class. Validation labels stay
        clean, so validation accuracy still measures the true task and shows how much the model memorized
        the wrong labels.
    n_features, n_informative: width of noisy_features and how many of its columns carry the signal.
    feature_scales: one factor per feature multiplying the columns after splitting and scaling, e.g.
        (1.0, 1000.0) for the badly scaled inputs that batch normalization copes with.
    Same arguments give identical arrays; each random step draws from its own stream derived from `seed`,
    so changing label_noise changes labels only, never the points or the split.
    """
    _check_arguments(name, n_samples, noise, seed, label_noise, n_features, n_informative)
    streams = np.random.SeedSequence([seed, DATA_STREAM]).spawn(3)
    data_rng, split_rng, flip_rng = [np.random.default_rng(s) for s in streams]
    X, y, extras = _generate(name, n_samples, noise, n_features, n_informative, data_rng)
    task = "regression" if name in REGRESSION else "classification"
    X_train, y_train, X_val, y_val = split_and_scale(
        X, y, task=task, val_fraction=val_fraction, rng=split_rng, scale=scale
    )
    if feature_scales is not None:
        factors = _feature_factors(feature_scales, X.shape[1])
        X_train, X_val = X_train * factors, X_val * factors
    if task == "classification":
        y_train = flip_labels(y_train, label_noise, int(y.max()) + 1, flip_rng)
    return Dataset(X_train, y_train, X_val, y_val, task=task, **extras)


def _check_arguments(name, n_samples, noise, seed, label_noise, n_features, n_informative) -> None:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    check_range("n_samples", n_samples, MIN_SAMPLES, LIMITS.max_samples, integer=True,
                hint=how_to_raise("max_samples"))
    check_range("noise", noise, 0.0, math.inf, high_open=True)
    check_range("seed", seed, 0, math.inf, integer=True, high_open=True)
    check_range("label_noise", label_noise, 0.0, 0.5, high_open=True)
    if name in REGRESSION and label_noise > 0:
        raise ValueError(f"label_noise must be 0 for the regression set {name!r}, got {label_noise}")
    check_range("n_features", n_features, 2, LIMITS.max_csv_columns, integer=True,
                hint=how_to_raise("max_csv_columns"))
    check_range("n_informative", n_informative, 1, n_features, integer=True)


def _generate(name, n_samples, noise, n_features, n_informative, rng) -> tuple[np.ndarray, np.ndarray, dict]:
    """Raw X (n, d), y (n,) and the Dataset metadata (feature names, class names, informative columns)."""
    if name in synthetic.TWO_D_GENERATORS:
        X, y = synthetic.TWO_D_GENERATORS[name](n_samples, noise, rng)
        return X, y, {"feature_names": ("x1", "x2")}
    if name == "noisy_features":
        X, y, informative = synthetic.noisy_features(n_samples, n_features, n_informative, rng)
        names = tuple(f"f{j:0{len(str(n_features - 1))}d}" for j in range(n_features))
        return X, y, {"feature_names": names, "informative": tuple(informative)}
    return _bundled(name, n_samples, rng)


def _bundled(name, n_samples, rng) -> tuple[np.ndarray, np.ndarray, dict]:
    """One of scikit-learn's bundled real sets (no download), at most n_samples rows of it."""
    bunch = _BUNDLED[name]()
    X, y = bunch.data, bunch.target
    extras = {"feature_names": tuple(bunch.feature_names)}
    if name not in REGRESSION:
        extras["class_names"] = tuple(str(c) for c in bunch.target_names)
    if n_samples < len(y):
        _, keep = split_indices(y, n_samples / len(y), rng, stratify=name not in REGRESSION)
        X, y = X[keep], y[keep]
    return X, y, extras


def _feature_factors(feature_scales, n_features: int) -> np.ndarray:
    factors = np.asarray(feature_scales, dtype=np.float64)
    if factors.shape != (n_features,) or not (np.isfinite(factors) & (factors > 0)).all():
        raise ValueError(f"feature_scales must be {n_features} positive numbers, got {feature_scales!r}")
    return factors
