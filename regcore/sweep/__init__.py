"""Sweeps: one base config trained over a grid of settings and several seeds, on this
machine's cores or a Dask cluster, with the same numbers wherever the runs execute.

    from regcore import Config
    from regcore.sweep import sweep, aggregate
    results = sweep(Config(dataset="moons", penalty="l2", epochs=100),
                    {"penalty_strength": [1e-4, 1e-3, 1e-2], "dropout": [0.0, 0.3]}, seeds=3)
    aggregate(results, ["penalty_strength", "dropout"], "best_val_loss")

From a terminal: python -m regcore.sweep --config base.json --grid grid.json --out results.csv
"""
from .backends import BACKENDS, available_cores, max_local_workers, prepare_workers
from .dask_backend import SCHEDULER_VARIABLE, scheduler_from_environment
from .grid import SweepPlan, describe, idle_keys, plan_sweep
from .job import SweepJob, iter_sweep, start_sweep, sweep
from .progress import format_duration, progress_text, time_left
from .ranges import AXES, LOG_SCALE, Axis, axis_values, linear_spaced, log_spaced
from .results import aggregate, results_frame
from .worker import run_config

__all__ = [
    "AXES", "Axis", "BACKENDS", "LOG_SCALE", "SCHEDULER_VARIABLE", "SweepJob", "SweepPlan",
    "aggregate", "available_cores", "axis_values", "describe", "format_duration", "idle_keys",
    "iter_sweep", "linear_spaced", "log_spaced", "max_local_workers", "plan_sweep",
    "prepare_workers", "progress_text",
    "results_frame", "run_config", "scheduler_from_environment", "start_sweep", "sweep",
    "time_left",
]
