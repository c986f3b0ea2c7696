"""Sweep throughput: the same 36 runs on one local worker and on two.

Work: moons, 1,000 samples, MLP 2-64-64-2, Adam, 100 epochs, L2 penalty strength (6 values)
× dropout (2 values) × 3 seeds = 36 runs. One worker trains in this process; two workers are
processes from a fork server, started once per Python process: the first two-worker sweep
("cold") pays for that start, later ones ("warm", as in a running app) do not.
After the cold sweep, one-worker and warm sweeps alternate `--repeats` times, so that a slow
spell of the machine falls on both kinds; each kind reports its fastest and its median sweep.
Also printed: the mean training time of one run in each setting (equal times mean the two
workers did not slow each other down; other busy processes on the machine lengthen them) and
whether the numbers agree.

    python -m benchmarks.sweep_speed [--epochs 100] [--workers 2] [--repeats 3]
    (from the repository root)
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from regcore import Config
from regcore.sweep import available_cores, sweep

BASE = Config(dataset="moons", n_samples=1000, noise=0.2, hidden=(64, 64), optimizer="adam",
              lr=1e-3, penalty="l2")
GRID = {"penalty_strength": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0], "dropout": [0.0, 0.3]}
SEEDS = 3


def timed_sweep(epochs: int, workers: int):
    """(wall seconds, results) of one sweep."""
    started = time.perf_counter()
    results = sweep(BASE.replace(epochs=epochs), GRID, SEEDS, workers=workers)
    return time.perf_counter() - started, results


def report(label: str, sweeps: list, serial: list | None = None) -> str:
    """One line: the fastest and the median wall time, their speed-ups over the one-worker
    sweeps `serial` (if given), and the mean training time of one run."""
    walls = [wall for wall, _ in sweeps]
    fastest, median = min(walls), statistics.median(walls)
    speed_up = ""
    if serial:
        one = [wall for wall, _ in serial]
        speed_up = f"{min(one) / fastest:.2f}×  {statistics.median(one) / median:.2f}×"
    training = statistics.mean(results["time"].mean() for _, results in sweeps)
    return f"{label:18} {fastest:6.1f} s {median:6.1f} s   {speed_up:14} {training:6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel sweeps")
    parser.add_argument("--repeats", type=int, default=3,
                        help="one-worker and warm sweeps, alternating (default 3 of each)")
    args = parser.parse_args()
    runs = 6 * 2 * SEEDS
    print(f"{runs} runs of {args.epochs} epochs; {platform.processor() or platform.machine()}, "
          f"{available_cores()} cores, load average {os.getloadavg()[0]:.1f}")
    cold = [timed_sweep(args.epochs, args.workers)]
    serial, warm = [], []
    for _ in range(args.repeats):
        serial.append(timed_sweep(args.epochs, 1))
        warm.append(timed_sweep(args.epochs, args.workers))
    reference = serial[0][1].drop(columns="time")
    same = all(results.drop(columns="time").equals(reference)
               for _, results in cold + serial + warm)
    print(f"{'':18} {'fastest':>8} {'median':>8}   {'speed-up':14} training per run")
    print(report("1 worker", serial))
    print(report(f"{args.workers} workers (cold)", cold, serial))
    print(report(f"{args.workers} workers (warm)", warm, serial))
    print(f"identical numbers on 1 and {args.workers} workers: {same}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes slow both timings)")


if __name__ == "__main__":
    main()
