"""What comes back from a sweep's workers, for every backend: the summaries of a finished
chunk, or the error that stops the sweep when a worker could not run one."""
from __future__ import annotations


def run_failed(indices: list[int], error: BaseException) -> RuntimeError:
    """The error a sweep raises when a worker could not run a chunk of configs at all."""
    runs = f"run {indices[0]}" if len(indices) == 1 else \
        f"runs {', '.join(map(str, sorted(indices)))}"
    return RuntimeError(f"{runs} failed on a worker: {type(error).__name__}: {error}")


def take_results(done, futures: dict) -> list[tuple[int, dict]]:
    """(run index, summary) of each run of each finished future in `done`, removed from
    `futures` (future → the chunk's run indices); a future that failed stops the sweep with
    run_failed."""
    finished = []
    for future in done:
        indices = futures.pop(future)
        try:
            finished += zip(indices, future.result())
        except Exception as error:
            raise run_failed(indices, error) from error
    return finished
