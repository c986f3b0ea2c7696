"""Splitting and preparing rows: stratified train/validation (and held-out test) split, standardization fitted on the
training part only, label noise. Shared by `make_dataset` and `load_csv`."""

import numpy as np

from .checks import check_range


def split_and_scale(
    X: np.ndarray, y: np.ndarray, *, task: str, val_fraction: float, rng: np.random.Generator,
    scale: bool, test_fraction: float = 0.0, test_rng: np.random.Generator | None = None,
) -> dict[str, np.ndarray | None]:
    """Split rows into training, validation and (optionally) held-out test rows, then
    standardize if `scale`. Returns {"X_train", "y_train", "X_val", "y_val", "X_test", "y_test"}
    (the test arrays None when test_fraction is 0), the keyword arguments of `Dataset`.

    X: (n, d), y: (n,). With test_fraction > 0 the test rows, about test_fraction·n of them,
    are carved out first, drawn by `test_rng` alone, so they do not depend on val_fraction;
    the validation rows, about val_fraction·n, are then drawn by `rng` from the rest. With
    test_fraction 0 the split is the one `rng` has always given. Classification splits are
    stratified. Standardization uses the training rows' statistics only; a regression target
    y is standardized the same way.
    """
    check_range("val_fraction", val_fraction, 0.05, 0.9)
    check_range("test_fraction", test_fraction, 0.0, round(0.9 - val_fraction, 9))
    stratify = task == "classification"
    rest, test = np.arange(len(y)), None
    if test_fraction > 0:
        if test_rng is None:
            raise ValueError("a test split needs its own random generator (test_rng)")
        rest, test = split_indices(y, test_fraction, test_rng, stratify=stratify)
    train, val = split_indices(y[rest], val_fraction / (1 - test_fraction), rng, stratify=stratify)
    parts = {"train": rest[train], "val": rest[val], "test": test}
    X_parts = {name: None if rows is None else X[rows] for name, rows in parts.items()}
    y_parts = {name: None if rows is None else y[rows] for name, rows in parts.items()}
    if scale:
        X_parts = standardize_parts(X_parts)
        if task == "regression":
            y_parts = standardize_parts(y_parts)
    return {f"{axis}_{name}": arrays[name] for name in parts
            for axis, arrays in (("X", X_parts), ("y", y_parts))}


def standardize_parts(parts: dict[str, np.ndarray | None]) -> dict[str, np.ndarray | None]:
    """`standardize` each part (None stays None) with the statistics of parts["train"]."""
    names = [name for name, part in parts.items() if part is not None and name != "train"]
    scaled = standardize(parts["train"], *(parts[name] for name in names))
    return {**parts, "train": scaled[0], **dict(zip(names, scaled[1:]))}


def split_indices(
    y: np.ndarray, fraction: float, rng: np.random.Generator, *, stratify: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled row indices (rest, part) with about `fraction` of the rows in `part`.

    Stratified: each class is split on its own (quotas by largest remainder so the total is
    round(fraction * n)), and every class with at least 2 rows lands in both parts.
    Otherwise `part` holds round(fraction * n) random rows, at least 1 and at most n - 1.
    """
    if not stratify:
        order = rng.permutation(len(y))
        size = min(max(round(fraction * len(y)), 1), len(y) - 1)
        return order[size:], order[:size]
    classes, counts = np.unique(y, return_counts=True)
    quotas = _class_quotas(counts, fraction)
    part = [rng.permutation(np.flatnonzero(y == c))[:q] for c, q in zip(classes, quotas)]
    part = np.concatenate(part)
    rest = np.setdiff1d(np.arange(len(y)), part)
    return rng.permutation(rest), rng.permutation(part)


def _class_quotas(counts: np.ndarray, fraction: float) -> np.ndarray:
    """Rows per class summing to round(fraction * total), each kept within [1, count - 1] when possible."""
    exact = fraction * counts
    quotas = np.floor(exact).astype(int)
    shortfall = round(fraction * counts.sum()) - quotas.sum()
    quotas[np.argsort(quotas - exact, kind="stable")[:shortfall]] += 1  # largest remainders first
    return np.clip(quotas, np.minimum(1, counts - 1), counts - 1)


def standardize(train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """(x - mean) / std per column of `train` and of each of `others`, both statistics from
    `train` alone; constant columns are only centred."""
    mean, std = train.mean(axis=0), train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return tuple((part - mean) / std for part in (train, *others))


def flip_labels(y: np.ndarray, fraction: float, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    """Copy of labels y (n,) with round(fraction * n) of them, chosen at random, set to another class."""
    y = np.array(y)
    flipped = rng.choice(len(y), size=round(fraction * len(y)), replace=False)
    y[flipped] = (y[flipped] + rng.integers(1, n_classes, size=len(flipped))) % n_classes
    return y
