"""Sweeps: one base config trained over a grid of settings and several seeds, on this
machine's cores or a Dask cluster, with the same numbers wherever the runs execute.

    from regcore import Config
    from regcore.sweep import sweep, aggregate
    results = sweep(Config(dataset="moons", penalty="l2", epochs=100),
                    {"penalty_strength": [1e-4, 1e-3, 1e-2], "dropout": [0.0, 0.3]}, seeds=3)
    aggregate(results, ["penalty_strength", "dropout"], "best_val_loss")

From a terminal: python -m regcore.sweep --config base.json --grid grid.json --out results.csv

The name regcore.sweep: as an import path it is this package (`from regcore.sweep import
aggregate`, `python -m regcore.sweep`); as an attribute of regcore it is the function
`regcore.sweep.job.sweep`, bound in regcore/__init__.py, so that the one-call form
`regcore.sweep(base, grid)` works. Each use reaches the one thing it names; the function's
home is job.py, next to the job it runs, and nothing else is bound over the package's
name. (`import regcore.sweep as s` would reach the attribute, the function: import the
package's names with `from regcore.sweep import …`.) The package path is public (pages,
the command line) and the call is documented, so renaming either would break users; a
callable module object would hide what it is.
"""
from .backends import BACKENDS, available_cores, max_local_workers, prepare_workers
from .dask_backend import SCHEDULER_VARIABLE, scheduler_from_environment
from .grid import SweepPlan, describe, idle_keys, plan_sweep
from .job import SweepJob, iter_sweep, start_sweep, sweep
from .progress import format_duration, progress_text, time_left
from .ranges import AXES, LOG_SCALE, Axis, axis_values, linear_spaced, log_spaced
from .results import aggregate, results_frame, held_out_note
from .worker import run_config

__all__ = [
    "AXES", "Axis", "BACKENDS", "LOG_SCALE", "SCHEDULER_VARIABLE", "SweepJob", "SweepPlan",
    "aggregate", "available_cores", "axis_values", "describe", "format_duration", "idle_keys",
    "iter_sweep", "linear_spaced", "log_spaced", "max_local_workers", "plan_sweep",
    "prepare_workers", "progress_text",
    "results_frame", "run_config", "scheduler_from_environment", "start_sweep", "sweep",
    "held_out_note", "time_left",
]
