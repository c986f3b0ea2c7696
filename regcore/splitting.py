"""Splitting and preparing rows: stratified train/validation split, standardization fitted on the
training part only, label noise. Shared by `make_dataset` and `load_csv`."""

import numpy as np

from .checks import check_range


def split_and_scale(
    X: np.ndarray, y: np.ndarray, *, task: str, val_fraction: float, rng: np.random.Generator, scale: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split rows into (X_train, y_train, X_val, y_val), then standardize if `scale`.

    X: (n, d), y: (n,). Classification splits are stratified. Standardization uses the training rows'
    statistics only; a regression target y is standardized the same way.
    """
    check_range("val_fraction", val_fraction, 0.05, 0.9)
    train, val = split_indices(y, val_fraction, rng, stratify=task == "classification")
    X_train, X_val, y_train, y_val = X[train], X[val], y[train], y[val]
    if scale:
        X_train, X_val = standardize(X_train, X_val)
        if task == "regression":
            y_train, y_val = standardize(y_train, y_val)
    return X_train, y_train, X_val, y_val


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


def standardize(train: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x - mean) / std per column, both statistics from `train`; constant columns are only centred."""
    mean, std = train.mean(axis=0), train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (train - mean) / std, (val - mean) / std


def flip_labels(y: np.ndarray, fraction: float, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    """Copy of labels y (n,) with round(fraction * n) of them, chosen at random, set to another class."""
    y = np.array(y)
    flipped = rng.choice(len(y), size=round(fraction * len(y)), replace=False)
    y[flipped] = (y[flipped] + rng.integers(1, n_classes, size=len(flipped))) % n_classes
    return y
