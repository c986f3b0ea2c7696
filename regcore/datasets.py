"""The data a model learns from: the `Dataset` container and `make_dataset`, which builds the named sets.

The split, scaling and argument checks shared with `csv_data` live in `regcore.splitting`.
"""

import math
import functools
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
    "breast_cancer": "Real: tumours, 30 measurements each, malignant or benign.",
    "digits": "Real: 8x8 images of handwritten digits, 64 pixels, 10 classes.",
    "wine": "Real: wines, 13 chemical measurements each, 3 cultivars.",
    "diabetes": "Real regression: patients, 10 measurements each, disease progression after a year.",
}
TWO_D = tuple(synthetic.TWO_D_GENERATORS)  # moons, circles, spiral, xor, blobs
REGRESSION = ("diabetes",)
TASKS = ("classification", "regression")
MIN_SAMPLES = 20
DEFAULT_SAMPLES = 1000  # rows of a generated set unless told otherwise (a real set: all its rows)
DATA_STREAM = 0xDA7A  # mixed into the seed so data draws differ from training's draws from the same seed

_BUNDLED = {
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
    "wine": load_wine,
    "diabetes": lambda: load_diabetes(scaled=False),  # the measurements as taken, not pre-scaled
}
REAL = tuple(_BUNDLED)


@functools.cache
def _load(name: str):
    """scikit-learn's bundle of a real set, loaded once per process, its arrays read-only."""
    bunch = _BUNDLED[name]()
    for array in (bunch.data, bunch.target):
        array.setflags(write=False)
    return bunch


def rows_available(name: str) -> int | None:
    """How many rows the real set `name` has (counted in the bundled file); None for a
    generated set, which has as many as asked for."""
    return len(_load(name).target) if name in REAL else None


def default_samples(name: str) -> int:
    """The rows a data set uses unless told otherwise: all rows of a real set,
    DEFAULT_SAMPLES of a generated one."""
    return rows_available(name) or DEFAULT_SAMPLES


def samples_carry_over(old: str, new: str) -> bool:
    """Whether a sample count chosen for data set `old` still applies to `new`: between
    generated sets yes; to or from a real set no (each real set has its own size)."""
    return old == new or (old not in REAL and new not in REAL)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training, validation and (optionally) held-out test arrays of one problem, validated
    and stored read-only.

    X_train: (n_train, n_features) float64      y_train: (n_train,)
    X_val:   (n_val, n_features)   float64      y_val:   (n_val,)
    X_test:  (n_test, n_features)  float64      y_test:  (n_test,)   both None: no test split
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
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        if (self.X_test is None) != (self.y_test is None):
            raise ValueError("give both X_test and y_test, or neither")
        for part in self._parts:
            X_name, y_name = f"X_{part}", f"y_{part}"
            object.__setattr__(self, X_name, _feature_matrix(X_name, getattr(self, X_name)))
            object.__setattr__(self, y_name,
                               _target_vector(y_name, getattr(self, y_name), self.task))
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
    def _parts(self) -> tuple[str, ...]:
        return ("train", "val") if self.X_test is None else ("train", "val", "test")

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int | None:
        """k for classification (labels are 0..k-1), None for regression."""
        if self.task == "regression":
            return None
        return int(max(getattr(self, f"y_{part}").max() for part in self._parts)) + 1

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_val(self) -> int:
        return len(self.y_val)

    @property
    def n_test(self) -> int:
        """Rows of the held-out test split; 0 when there is none."""
        return 0 if self.y_test is None else len(self.y_test)

    @property
    def is_2d(self) -> bool:
        return self.n_features == 2

    def __repr__(self) -> str:
        classes = f", {self.n_classes} classes" if self.task == "classification" else ""
        test = f" / {self.n_test} test" if self.n_test else ""
        sizes = f"{self.n_train} train / {self.n_val} val{test}, {self.n_features} features"
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
    for part in data._parts:
        X, y = getattr(data, f"X_{part}"), getattr(data, f"y_{part}")
        if len(X) != len(y):
            raise ValueError(f"X_{part} has {len(X)} rows but y_{part} has {len(y)}")
        if X.shape[1] != data.X_train.shape[1]:
            raise ValueError(f"X_train has {data.X_train.shape[1]} features but X_{part} has "
                             f"{X.shape[1]}")
    if data.n_train < 2 or data.n_val < 1:
        raise ValueError(f"need at least 2 training rows and 1 validation row, "
                         f"got {data.n_train} and {data.n_val}")
    if data.X_test is not None and data.n_test < 1:
        raise ValueError("a test split needs at least 1 row, got 0")


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
    n_samples: int | None = None,
    noise: float = 0.2,
    seed: int = 0,
    *,
    val_fraction: float = 0.3,
    test_fraction: float = 0.0,
    scale: bool = True,
    label_noise: float = 0.0,
    n_features: int = 50,
    n_informative: int = 5,
    feature_scales: tuple[float, ...] | None = None,
) -> Dataset:
    """Build the named data set (see DATASETS), split it, optionally standardize and corrupt it.

    n_samples: rows before the split; None: `default_samples(name)` (all rows of a real set,
        DEFAULT_SAMPLES of a generated one). The real sets (breast_cancer, digits, wine,
        diabetes) have a fixed number of rows: fewer are drawn at random (stratified by class),
        more are not invented.
    noise: coordinate noise of the 2-D sets; ignored by noisy_features and the real sets.
    val_fraction: share of rows held out for validation, stratified by class for classification.
    test_fraction: share of rows held out as a test split that no choice in training looks at
        (0: none). Carved out first, from its own random stream, so the same seed gives the
        same test rows whatever val_fraction is.
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
    if n_samples is None and name in DATASETS:
        n_samples = default_samples(name)
    _check_arguments(name, n_samples, noise, seed, label_noise, n_features, n_informative)
    streams = np.random.SeedSequence([seed, DATA_STREAM]).spawn(4)  # the first 3 as ever
    data_rng, split_rng, flip_rng, test_rng = [np.random.default_rng(s) for s in streams]
    X, y, extras = _generate(name, n_samples, noise, n_features, n_informative, data_rng)
    task = "regression" if name in REGRESSION else "classification"
    parts = split_and_scale(X, y, task=task, val_fraction=val_fraction, rng=split_rng,
                            scale=scale, test_fraction=test_fraction, test_rng=test_rng)
    if feature_scales is not None:
        factors = _feature_factors(feature_scales, X.shape[1])
        parts = {key: part * factors if key.startswith("X") and part is not None else part
                 for key, part in parts.items()}
    if task == "classification":
        parts["y_train"] = flip_labels(parts["y_train"], label_noise, int(y.max()) + 1, flip_rng)
    return Dataset(**parts, task=task, **extras)


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
    bunch = _load(name)
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
