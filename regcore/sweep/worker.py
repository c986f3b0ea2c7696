"""What one worker does for one run of a sweep: `run_config`, a top-level function that a
process pool or a Dask cluster sends by name (the worker imports regcore itself)."""
from __future__ import annotations

import math
import pkgutil

from ..config import Config
from ..summary import SUMMARY_COLUMNS, summarize
from ..training import BLAS, train


def run_config(config: dict) -> dict:
    """Train the Config described by `config` (Config.to_dict()) and return its summary:
    `summarize` columns plus the run's message. The worker builds the data from the
    config's data fields and seed, so the numbers are the same wherever this runs.
    A config the engine refuses at the start (say monitor val_acc on a regression set)
    comes back as a failed run rather than stopping the whole sweep.

    The whole run keeps BLAS on one thread: a sweep gets its parallelism from its workers,
    and one matrix product on several BLAS threads leaves them spinning for ~0.1 s after,
    taking a core from the worker next to this one."""
    try:
        with BLAS.limit(limits=1, user_api="blas"):
            run = train(Config.from_dict(config))
    except ValueError as error:
        return failed_summary(str(error))
    return {**summarize(run), "message": run.message}


def failed_summary(message: str) -> dict:
    """A summary for a run that could not start: status "failed", NaN for every number."""
    summary = dict.fromkeys(SUMMARY_COLUMNS, math.nan)
    summary.update(status="failed", epochs_trained=0, stopped_epoch=0, message=message)
    return summary


class ByName:
    """A module-level function that pickles as its dotted name and is looked up again where it
    is unpickled. Plain pickling of a function checks that the name still leads to the same
    object; Streamlit re-imports edited modules while a page runs, which breaks that check
    for a sweep started before the edit."""

    def __init__(self, path: str):
        self.path = path  # "package.module:function"

    def __call__(self, *args, **kwargs):
        return pkgutil.resolve_name(self.path)(*args, **kwargs)

    def __reduce__(self):
        return pkgutil.resolve_name, (self.path,)


RUN_CONFIG = ByName(f"{__name__}:run_config")
