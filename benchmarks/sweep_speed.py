"""Sweep throughput: a 36-run grid trained one config at a time, as one sweep in this
process, and as one sweep on two local workers.

Work: moons, 1,000 samples, MLP 2-64-64-2, batch 32, Adam lr 1e-3, `--epochs` epochs, both
splits evaluated after every epoch; dropout rate (3 values) × L2 strength (4 values) × 3
seeds = 36 runs. "One by one" calls regcore.train on each config in turn (no stacking);
"in process" is sweep(workers=1), which trains compatible runs as stacked groups; "2
workers" is sweep(workers=2), one chunk of compatible runs per worker process from a fork
server started once per Python process: the first two-worker sweep ("cold") pays for that
start, later ones ("warm", as in a running app) do not. Before any of them, one sweep with
the default worker count ("default, first"): it starts no fork server for a sweep this
small, so it must not be slower than in process. The three other kinds alternate
`--repeats` times so that a slow spell of the machine falls on all; each reports its
fastest and median wall time and its speed-up over one by one. BLAS runs on one thread.
Also printed: the CPU time of this process for one by one and in process (fastest of the
repeats; unlike wall time it does not grow while other processes hold the cores), and
whether all sweeps give the same numbers as one by one.

    python -m benchmarks.sweep_speed [--epochs 100] [--workers 2] [--repeats 3]
    (from the repository root)
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import pandas as pd
from threadpoolctl import threadpool_limits

from regcore import Config, summarize, train
from regcore.sweep import available_cores, plan_sweep, sweep

BASE = Config(dataset="moons", n_samples=1000, noise=0.2, hidden=(64, 64), batch_size=32,
              optimizer="adam", lr=1e-3, penalty="l2")
GRID = {"dropout": [0.0, 0.1, 0.3], "penalty_strength": [1e-5, 1e-4, 1e-3, 1e-2]}
SEEDS = 3
NUMBERS = ["best_val_loss", "final_val_loss", "final_train_loss", "final_val_acc",
           "weight_norm", "sparsity"]


def one_by_one(epochs: int) -> tuple[float, pd.DataFrame, float]:
    """(wall seconds, numbers, CPU seconds of this process) of training every config of the
    grid by itself, in order."""
    plan = plan_sweep(BASE.replace(epochs=epochs), GRID, SEEDS)
    started, cpu = time.perf_counter(), time.process_time()
    rows = [summarize(train(config)) for _, _, _, config in plan.runs()]
    return (time.perf_counter() - started, pd.DataFrame(rows)[NUMBERS],
            time.process_time() - cpu)


def as_sweep(epochs: int, workers: int | None) -> tuple[float, pd.DataFrame, float]:
    """(wall seconds, numbers, CPU seconds of this process) of one sweep of the grid."""
    started, cpu = time.perf_counter(), time.process_time()
    results = sweep(BASE.replace(epochs=epochs), GRID, SEEDS, workers=workers)
    return (time.perf_counter() - started, results[NUMBERS].reset_index(drop=True),
            time.process_time() - cpu)


def report(label: str, walls: list[float], reference: list[float] | None) -> str:
    fastest, median = min(walls), statistics.median(walls)
    speed_up = ""
    if reference:
        speed_up = f"{min(reference) / fastest:5.2f}×  {statistics.median(reference) / median:5.2f}×"
    return f"{label:22} {fastest:6.1f} s {median:6.1f} s   {speed_up}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel sweeps")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = len(GRID["dropout"]) * len(GRID["penalty_strength"]) * SEEDS
    print(f"{runs} runs of {args.epochs} epochs; {platform.processor() or platform.machine()}, "
          f"{available_cores()} cores, load average {os.getloadavg()[0]:.1f}")
    with threadpool_limits(limits=1, user_api="blas"):
        default_first = as_sweep(args.epochs, None)
        cold = as_sweep(args.epochs, args.workers)
        single, in_process, warm = [], [], []
        for _ in range(args.repeats):
            single.append(one_by_one(args.epochs))
            in_process.append(as_sweep(args.epochs, 1))
            warm.append(as_sweep(args.epochs, args.workers))
    reference = single[0][1]
    same = all(numbers.equals(reference)
               for _, numbers, _ in [default_first, cold, *single, *in_process, *warm])
    walls = [wall for wall, _, _ in single]
    print(f"{'':22} {'fastest':>8} {'median':>8}   speed-up over one by one (fastest, median)")
    print(report("one by one", walls, None))
    print(report("in process (stacked)", [wall for wall, _, _ in in_process], walls))
    print(report("default, first", [default_first[0]], walls))
    print(report(f"{args.workers} workers (cold)", [cold[0]], walls))
    print(report(f"{args.workers} workers (warm)", [wall for wall, _, _ in warm], walls))
    cpu_single, cpu_stacked = (min(cpu for _, _, cpu in kind) for kind in (single, in_process))
    print(f"CPU time of this process: one by one {cpu_single:.1f} s, in process "
          f"{cpu_stacked:.1f} s ({cpu_single / cpu_stacked:.2f}×)")
    print(f"identical numbers one by one, in process and on {args.workers} workers: {same}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes slow all timings)")


if __name__ == "__main__":
    main()
