"""The Dask backend: the same runs, sent to a Dask distributed scheduler.

The workers run `worker.run_configs` on chunks of compatible runs (at most CHUNK_RUNS, so a
cluster's many workers all get work), so they need regcore importable (pip install the
repository on every worker) and, for identical numbers, the same numpy. A chunk that a
worker has already started cannot be interrupted: `stop()` cancels the rest and releases
the results; the started chunks finish on their own and are discarded.
"""
from __future__ import annotations

import math
import os
import time
import uuid

from . import worker
from .chunks import make_chunks
from .outcomes import take_results

SCHEDULER_VARIABLE = "REGLAB_DASK_SCHEDULER"
CONNECT_SECONDS = 10
POLL_SECONDS = 0.05
CHUNK_RUNS = 8


def scheduler_from_environment() -> str:
    """The scheduler address the operator set in $REGLAB_DASK_SCHEDULER ("" when unset)."""
    return os.environ.get(SCHEDULER_VARIABLE, "").strip()


class DaskCluster:
    """Runs on the Dask scheduler at `scheduler` (or $REGLAB_DASK_SCHEDULER), e.g.
    "tcp://10.0.0.5:8786"; ValueError when neither is set or dask.distributed is missing."""

    def __init__(self, scheduler: str | None = None):
        self.address = (scheduler or "").strip() or scheduler_from_environment()
        if not self.address:
            raise ValueError(f"the dask backend needs a scheduler address: pass scheduler= "
                             f"(e.g. tcp://host:8786) or set {SCHEDULER_VARIABLE}")
        try:
            import distributed  # noqa: F401  (checked here, used in start)
        except ImportError:
            raise ValueError("the dask backend needs dask.distributed: "
                             "pip install 'dask[distributed]'") from None
        self._client = None
        self._futures: dict = {}

    def start(self, runs: list[tuple[int, dict]]) -> None:
        from distributed import Client
        try:
            self._client = Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ValueError(f"cannot reach the Dask scheduler at {self.address}: "
                             f"{error}") from None
        batch = uuid.uuid4().hex[:8]
        chunks = make_chunks(runs, pieces=math.ceil(len(runs) / CHUNK_RUNS))
        self._futures = {
            self._client.submit(worker.RUN_CONFIGS, [config for _, config in chunk],
                                key=f"regcore-sweep-{batch}-{chunk[0][0]}", pure=False):
                [index for index, _ in chunk]
            for chunk in chunks}

    def collect(self, timeout: float = 0.0) -> list[tuple[int, dict]]:
        deadline = time.monotonic() + timeout
        done = [future for future in self._futures if future.done()]
        while not done and self._futures and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            done = [future for future in self._futures if future.done()]
        return take_results(done, self._futures)

    def stop(self) -> None:
        if self._client is None:
            return
        if self._futures:
            self._client.cancel(list(self._futures), force=True)
        self._futures.clear()
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
