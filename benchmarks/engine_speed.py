"""Training throughput: regcore vs scikit-learn's MLPClassifier on the same work, and
several runs side by side (stacked in one group) vs one run.

Work: moons, 1,000 samples, 30% validation, MLP 2-64-64-2, batch 32, Adam lr 1e-3,
200 epochs; after every epoch both evaluate loss and accuracy on the training and the
validation split (scikit-learn: one partial_fit per epoch, then predict_proba on both
splits). Prints epochs per second and ratios to scikit-learn's per-epoch loop and to its
plain fit() (which evaluates nothing per epoch). Then the time of 4 runs side by side
(`train_side_by_side` on one data set: 4 plain runs shuffled by seeds 0–3; plain, L2,
dropout, L1 — one group; and with BatchNorm in one run — two groups) as a multiple of the
time of one plain run; and what a step costs one run and each further run of a group (4 plain
runs) with hidden widths 4-4 and 64-64: what does not grow with the widths is the per-step
overhead the group shares. BLAS runs on one thread throughout, and times are CPU times of this
process (see CLOCK).

    python -m benchmarks.engine_speed [--epochs 200] [--repeats 3]    (from the repository root)
"""
from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import regcore

# CPU time of this process: on one BLAS thread it is what the work costs, and unlike wall time
# it does not grow while other processes hold the core (the development machine is shared)
CLOCK = time.process_time
WORK = dict(dataset="moons", n_samples=1000, noise=0.2, val_fraction=0.3, hidden=(64, 64),
            batch_size=32, optimizer="adam", lr=1e-3, seed=0)


def regcore_epochs_per_second(epochs: int, **changes) -> float:
    config = regcore.Config(**{**WORK, "epochs": epochs, **changes})
    data = regcore.make_dataset("moons", 1000, 0.2, 0, val_fraction=0.3)
    started = CLOCK()
    run = regcore.train(config, data)
    return len(run.history) / (CLOCK() - started)


def sklearn_epochs_per_second(epochs: int) -> float:
    data = regcore.make_dataset("moons", 1000, 0.2, 0, val_fraction=0.3)
    mlp = MLPClassifier(hidden_layer_sizes=(64, 64), solver="adam", batch_size=32,
                        learning_rate_init=1e-3, alpha=0.0, random_state=0)
    classes = np.unique(data.y_train)
    started = CLOCK()
    for _ in range(epochs):
        mlp.partial_fit(data.X_train, data.y_train, classes=classes)
        for X, y in ((data.X_train, data.y_train), (data.X_val, data.y_val)):
            proba = mlp.predict_proba(X)
            log_loss(y, proba, labels=classes)
            np.mean(proba.argmax(axis=1) == y)
    return epochs / (CLOCK() - started)


def sklearn_fit_epochs_per_second(epochs: int) -> float:
    """scikit-learn's fastest path, for reference: one fit() of all epochs and no per-epoch
    evaluation (less work than the comparison above)."""
    data = regcore.make_dataset("moons", 1000, 0.2, 0, val_fraction=0.3)
    mlp = MLPClassifier(hidden_layer_sizes=(64, 64), solver="adam", batch_size=32,
                        learning_rate_init=1e-3, alpha=0.0, max_iter=epochs, tol=0.0,
                        n_iter_no_change=epochs + 1, random_state=0)
    started = CLOCK()
    mlp.fit(data.X_train, data.y_train)
    return mlp.n_iter_ / (CLOCK() - started)


def best_interleaved(repeats: int, epochs: int, kinds: dict) -> dict[str, float]:
    """The best epochs/s of each kind (name → (measure, settings)) over `repeats` rounds,
    every round measuring each kind in turn, so that a slow spell falls on all of them."""
    best = dict.fromkeys(kinds, 0.0)
    for _ in range(repeats):
        for name, (measure, settings) in kinds.items():
            best[name] = max(best[name], measure(epochs, **settings))
    return best


SIDE_BY_SIDE = {
    "plain, 4 shuffles": [dict(seed=seed) for seed in range(4)],
    "one group": [{}, dict(penalty="l2", penalty_strength=1e-3), dict(dropout=0.2),
                  dict(penalty="l1", penalty_strength=1e-4)],
    "BatchNorm in one run": [{}, dict(penalty="l2", penalty_strength=1e-3), dict(dropout=0.2),
                             dict(norm="batch")],
}


def seconds_side_by_side(epochs: int, changes: list[dict]) -> float:
    """CPU seconds to train the configs WORK changed by each of `changes`, side by side."""
    data = regcore.make_dataset("moons", 1000, 0.2, 0, val_fraction=0.3)
    configs = [regcore.Config(**{**WORK, "epochs": epochs, **change}) for change in changes]
    started = CLOCK()
    regcore.train_side_by_side(configs, data)
    return CLOCK() - started


def side_by_side_ratios(epochs: int, repeats: int) -> dict[str, float]:
    """Fastest time of each side-by-side set over the fastest time of one plain run, the
    kinds alternating so that a slow spell of the machine falls on all of them."""
    times: dict[str, list[float]] = {"one run": []}
    for _ in range(repeats):
        times["one run"].append(seconds_side_by_side(epochs, [{}]))
        for name, changes in SIDE_BY_SIDE.items():
            times.setdefault(name, []).append(seconds_side_by_side(epochs, changes))
    one = min(times.pop("one run"))
    return {name: min(values) / one for name, values in times.items()}


def microseconds_per_step(epochs: int, runs: int, hidden: tuple[int, ...]) -> float:
    """CPU µs per minibatch step (an epoch's evaluation included) of `runs` plain runs of
    WORK with `hidden` widths, side by side (shuffled by seeds 0, 1, …)."""
    changes = [dict(seed=seed, hidden=hidden) for seed in range(runs)]
    steps = epochs * -(-700 // WORK["batch_size"])  # 700 training rows
    return seconds_side_by_side(epochs, changes) / steps * 1e6


def step_costs(epochs: int, repeats: int) -> dict[tuple, tuple[float, float]]:
    """Per hidden widths: (µs a step of one run, µs each further run adds in a group of 4),
    the fastest of `repeats` rounds."""
    costs = {}
    for hidden in ((4, 4), (64, 64)):
        one = min(microseconds_per_step(epochs, 1, hidden) for _ in range(repeats))
        four = min(microseconds_per_step(epochs, 4, hidden) for _ in range(repeats))
        costs[hidden] = (one, (four - one) / 3)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    load_at_start = os.getloadavg()[0]
    kinds = {"sklearn": (sklearn_epochs_per_second, {}),
             "sklearn_fit": (sklearn_fit_epochs_per_second, {}),
             "plain": (regcore_epochs_per_second, {}),
             "regularized": (regcore_epochs_per_second,
                             dict(norm="batch", dropout=0.2, optimizer="adamw", weight_decay=1e-2))}
    with threadpool_limits(limits=1, user_api="blas"):
        speeds = best_interleaved(args.repeats, args.epochs, kinds)
        ratios = side_by_side_ratios(args.epochs, args.repeats)
        costs = step_costs(args.epochs // 2, args.repeats)
    sklearn, sklearn_fit = speeds["sklearn"], speeds["sklearn_fit"]
    plain, regularized = speeds["plain"], speeds["regularized"]
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}; load average {load_at_start:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"{'':42s}{'epochs/s':>10s}{'vs sklearn':>12s}{'vs its fit()':>14s}")
    for name, speed in (("scikit-learn MLPClassifier (adam)", sklearn),
                        ("  reference: its fit(), no per-epoch eval", sklearn_fit),
                        ("regcore plain (adam)", plain),
                        ("regcore BatchNorm + dropout 0.2 + AdamW", regularized)):
        print(f"{name:42s}{speed:10.1f}{speed / sklearn:11.2f}×{speed / sklearn_fit:13.2f}×")
    for name, ratio in ratios.items():
        print(f"4 runs side by side ({name}): {ratio:.2f}× the time of one run")
    for hidden, (one, further) in costs.items():
        print(f"a step, hidden {'-'.join(map(str, hidden))}: one run {one:.0f} µs, "
              f"each further run of a group +{further:.0f} µs")


if __name__ == "__main__":
    main()
