"""Sweep throughput: the same 36 runs on one local worker and on two.

Work: moons, 1,000 samples, MLP 2-64-64-2, Adam, 100 epochs, L2 penalty strength (6 values)
× dropout (2 values) × 3 seeds = 36 runs. One worker trains in this process; two workers are
processes from a fork server, started once per Python process: the first two-worker sweep
("cold") pays for that start, later ones ("warm", as in a running app) do not.
Prints wall times, the speed-ups, the mean training time of one run in each setting (equal
times mean the two workers did not slow each other down; other busy processes on the machine
lengthen them) and whether the numbers agree.

    python -m benchmarks.sweep_speed [--epochs 100] [--workers 2] [--repeats 1]
    (from the repository root; --repeats n keeps the fastest of n sweeps of each kind)
"""
from __future__ import annotations

import argparse
import os
import platform
import time

from regcore import Config
from regcore.sweep import available_cores, sweep

BASE = Config(dataset="moons", n_samples=1000, noise=0.2, hidden=(64, 64), optimizer="adam",
              lr=1e-3, penalty="l2")
GRID = {"penalty_strength": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0], "dropout": [0.0, 0.3]}
SEEDS = 3


def timed_sweep(epochs: int, workers: int, repeats: int = 1):
    """(wall seconds, results) of the fastest of `repeats` sweeps."""
    fastest = None
    for _ in range(repeats):
        started = time.perf_counter()
        results = sweep(BASE.replace(epochs=epochs), GRID, SEEDS, workers=workers)
        wall = time.perf_counter() - started
        if fastest is None or wall < fastest[0]:
            fastest = (wall, results)
    return fastest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel sweeps")
    parser.add_argument("--repeats", type=int, default=1, help="fastest of this many sweeps")
    args = parser.parse_args()
    runs = 6 * 2 * SEEDS
    print(f"{runs} runs of {args.epochs} epochs; {platform.processor() or platform.machine()}, "
          f"{available_cores()} cores, load average {os.getloadavg()[0]:.1f}")
    cold, parallel = timed_sweep(args.epochs, args.workers)
    one, serial = timed_sweep(args.epochs, 1, args.repeats)
    warm, warm_results = timed_sweep(args.epochs, args.workers, args.repeats)
    same = serial.drop(columns="time").equals(parallel.drop(columns="time"))
    for label, wall, results in (("1 worker", one, serial),
                                 (f"{args.workers} workers (cold)", cold, parallel),
                                 (f"{args.workers} workers (warm)", warm, warm_results)):
        print(f"{label:18} {wall:6.1f} s   speed-up {one / wall:.2f}×   "
              f"{results['time'].mean():.2f} s of training per run")
    print(f"identical numbers on 1 and {args.workers} workers: {same}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes slow both timings)")


if __name__ == "__main__":
    main()
