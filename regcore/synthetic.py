"""Synthetic classification problems: five 2-D toys and one wide set with known informative columns.

Every generator draws from the explicit `rng` it is given and returns
X: (n_samples, n_features) float64 and y: (n_samples,) int64 labels 0..k-1, classes balanced.
For the 2-D toys `noise` is the standard deviation (or a multiple of it) of Gaussian noise
added to the coordinates.
"""

import numpy as np
from sklearn.datasets import make_circles, make_moons

SPIRAL_RADIUS = 2.0
SPIRAL_ANGLE = 2.5 * np.pi  # total turn of each arm; arms lie SPIRAL_RADIUS * pi / SPIRAL_ANGLE = 0.8 apart
BLOB_CENTERS = 2.0 * np.array([[np.cos(a), np.sin(a)] for a in np.radians([90, 210, 330])])
BLOB_SPREAD = 3.0  # blob standard deviation = BLOB_SPREAD * noise
CLASS_SEPARATION = 1.0  # class mean difference on each informative column of `noisy_features`


def moons(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles of radius 1 (scikit-learn's make_moons)."""
    X, y = make_moons(n_samples, noise=noise, random_state=_sklearn_seed(rng))
    return X, y.astype(np.int64)


def circles(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 0.5 (class 1) inside one of radius 1 (class 0) (make_circles, factor=0.5)."""
    X, y = make_circles(n_samples, noise=noise, factor=0.5, random_state=_sklearn_seed(rng))
    return X, y.astype(np.int64)


def spiral(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two spiral arms, the second turned by pi.

    A point at t in [0, 1] has radius R*t and angle A*t (+ pi for class 1); t = sqrt(u), u ~ U(0, 1),
    spreads the points evenly along the arms, which are longer far from the centre.
    """
    y = np.arange(n_samples, dtype=np.int64) % 2
    t = np.sqrt(rng.uniform(size=n_samples))
    angle = SPIRAL_ANGLE * t + np.pi * y
    X = SPIRAL_RADIUS * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.normal(size=X.shape), y


def xor(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [-1, 1]^2; class 1 where sign(x1) = sign(x2), labelled before noise is added."""
    clean = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (clean[:, 0] * clean[:, 1] > 0).astype(np.int64)
    return clean + noise * rng.normal(size=clean.shape), y


def blobs(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs centred on a triangle of radius 2, standard deviation BLOB_SPREAD * noise."""
    y = np.arange(n_samples, dtype=np.int64) % len(BLOB_CENTERS)
    return BLOB_CENTERS[y] + BLOB_SPREAD * noise * rng.normal(size=(n_samples, 2)), y


TWO_D_GENERATORS = {"moons": moons, "circles": circles, "spiral": spiral, "xor": xor, "blobs": blobs}


def noisy_features(
    n_samples: int, n_features: int, n_informative: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two classes that differ only in `n_informative` randomly placed columns.

    Every entry is N(0, 1); on an informative column j the class means are -s_j/2 and +s_j/2 with
    s_j = +-CLASS_SEPARATION (random sign). The other columns carry no information about y.
    Returns X (n_samples, n_features), y (n_samples,) and the sorted informative column indices.
    """
    y = np.arange(n_samples, dtype=np.int64) % 2
    informative = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    shift = np.zeros(n_features)
    shift[informative] = rng.choice([-0.5, 0.5], size=n_informative) * CLASS_SEPARATION
    X = rng.normal(size=(n_samples, n_features)) + (2 * y - 1)[:, None] * shift
    return X, y, informative


def _sklearn_seed(rng: np.random.Generator) -> int:
    """An integer seed for scikit-learn, which takes no np.random.Generator."""
    return int(rng.integers(2**31 - 1))
