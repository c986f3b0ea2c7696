"""Where sweep runs execute: the same numbers on every backend, nothing started for a bad
sweep, and a cancelled sweep leaves no worker running."""
import os
import pickle
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from regcore import Config, limits, summarize, train
from regcore.limits import Limits
from regcore.sweep import (SweepJob, iter_sweep, max_local_workers, plan_sweep, run_config,
                           start_sweep, sweep)
from regcore.sweep import backends, dask_backend, worker
from regcore.sweep.chunks import make_chunks
from regcore.training import BLAS

BASE = Config(dataset="moons", n_samples=150, hidden=(12,), epochs=4, penalty="l2")
GRID = {"dropout": [0.0, 0.3], "penalty_strength": [0.0, 1e-2]}
LONG = Config(dataset="moons", n_samples=1000, hidden=(64, 64), epochs=2000)  # ~10 s per run
PROC = Path("/proc")


def numbers(results):
    return results.drop(columns="time")  # wall time is the only column allowed to differ


@pytest.fixture(scope="module")
def in_process():
    return sweep(BASE, GRID, seeds=2, workers=1)


def test_two_local_workers_give_the_same_results_as_one(in_process):
    assert numbers(sweep(BASE, GRID, seeds=2, workers=2)).equals(numbers(in_process))


def test_a_dask_cluster_gives_the_same_results_as_one_local_worker(in_process):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        results = sweep(BASE, GRID, seeds=2, backend="dask", scheduler=cluster.scheduler_address)
    assert numbers(results).equals(numbers(in_process))


def test_the_dask_scheduler_address_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REGLAB_DASK_SCHEDULER", "tcp://somewhere:8786")
    assert backends.make_backend("dask").address == "tcp://somewhere:8786"


def test_the_run_function_travels_to_a_worker_as_its_name():
    sent = pickle.dumps(worker.RUN_CONFIGS)
    assert b"regcore.sweep.worker:run_configs" in sent and len(sent) < 150  # a name, not code
    assert pickle.loads(sent) is worker.run_configs


def test_dask_without_a_scheduler_is_refused(monkeypatch):
    monkeypatch.delenv("REGLAB_DASK_SCHEDULER", raising=False)
    with pytest.raises(ValueError, match="scheduler address.*REGLAB_DASK_SCHEDULER"):
        sweep(BASE, GRID, backend="dask")


def test_dask_backend_without_dask_installed_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(ValueError, match=r"needs dask.distributed: pip install"):
        sweep(BASE, GRID, backend="dask", scheduler="tcp://somewhere:8786")


def test_an_unreachable_scheduler_is_reported_plainly(monkeypatch):
    monkeypatch.setattr(dask_backend, "CONNECT_SECONDS", 1)
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        sweep(BASE, {}, seeds=1, backend="dask", scheduler="tcp://127.0.0.1:9")


@pytest.mark.parametrize("backend, workers, message", [
    ("spark", None, "backend must be one of local, dask"),
    ("local", 0, "workers must be an integer"),
    ("local", 1.5, "workers must be an integer"),
])
def test_bad_backend_arguments_are_refused(backend, workers, message):
    with pytest.raises(ValueError, match=message):
        sweep(BASE, GRID, backend=backend, workers=workers)


# --- refused before anything starts ------------------------------------------------------------
@pytest.fixture
def nothing_may_start(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a run or a pool was started")
    monkeypatch.setattr(worker, "run_configs", refuse)
    monkeypatch.setattr(worker, "ChunkTraining", refuse)
    monkeypatch.setattr(backends.InProcess, "start", refuse)
    monkeypatch.setattr(backends.LocalPool, "start", refuse)


@pytest.mark.parametrize("grid, message", [
    ({"dropuot": [0.1]}, "unknown grid key"),
    ({"dropout": []}, "empty list"),
    ({"dropout": [0.1, 2.0]}, "grid point dropout=2.0: dropout must be"),
    ({"penalty_strength": list(range(401))}, "at most 400"),
])
@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_grid_is_refused_before_any_run_starts(nothing_may_start, grid, message, workers):
    with pytest.raises(ValueError, match=message):
        sweep(BASE, grid, seeds=1, workers=workers)
    with pytest.raises(ValueError, match=message):
        iter_sweep(BASE, grid, seeds=1, workers=workers)  # refused at the call, not at next()


def test_a_chunk_keeps_blas_on_one_thread_from_its_start(monkeypatch):
    """Several BLAS threads would spin after each product and take the next worker's core."""
    threads, chunk = [], worker.ChunkTraining
    def spy(runs):
        threads.append({lib["num_threads"] for lib in BLAS.info() if lib["user_api"] == "blas"})
        return chunk(runs)
    monkeypatch.setattr(worker, "ChunkTraining", spy)
    with BLAS.limit(limits=2, user_api="blas"):
        run_config(BASE.to_dict())
    assert threads == [{1}]


# --- how many local workers ---------------------------------------------------------------------
@pytest.fixture
def cap_of_two(monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", Limits(max_sweep_workers=2))


def test_workers_by_default_are_every_core_up_to_the_cap(cap_of_two, monkeypatch):
    monkeypatch.setattr(backends, "available_cores", lambda: 8)
    assert max_local_workers() == 2
    assert backends.make_backend("local").workers == 2
    monkeypatch.setattr(backends, "available_cores", lambda: 1)
    assert isinstance(backends.make_backend("local"), backends.InProcess)


def test_workers_above_the_cap_are_refused_naming_the_cap_and_its_variable(
        cap_of_two, nothing_may_start):
    with pytest.raises(ValueError, match=r"workers must be an integer in \[1, 2\], got 3 "
                                         r"\(.*REGLAB_MAX_SWEEP_WORKERS\)"):
        sweep(BASE, GRID, workers=3)
    assert backends.make_backend("local", workers=2).workers == 2


# --- the order runs start in -------------------------------------------------------------------
class Recorder:
    """A backend that only records the runs it is given."""

    def start(self, runs):
        self.runs = runs

    def stop(self):
        pass


def test_the_longest_runs_start_first_and_equal_ones_in_plan_order():
    backend = Recorder()
    plan = plan_sweep(BASE, {"epochs": [2, 6], "n_samples": [100, 200]}, seeds=2)
    SweepJob(plan, backend).cancel()
    started = [(run["epochs"], run["n_samples"], run["seed"]) for _, run in backend.runs]
    assert started == [(6, 200, 0), (6, 200, 1), (6, 100, 0), (6, 100, 1),
                       (2, 200, 0), (2, 200, 1), (2, 100, 0), (2, 100, 1)]
    assert all(plan.runs()[index][3].to_dict() == config for index, config in backend.runs)


def test_a_worker_that_cannot_run_stops_the_sweep_with_the_runs_named(monkeypatch):
    def broken(runs):
        raise ModuleNotFoundError("No module named 'regcore'")
    monkeypatch.setattr(worker, "ChunkTraining", broken)
    with pytest.raises(RuntimeError, match="runs 0, 1, 2, 3 failed on a worker: "
                                           "ModuleNotFoundError"):
        sweep(BASE, GRID, seeds=1, workers=1)


def test_a_sweep_gives_each_run_the_numbers_it_has_alone():
    """Runs train in stacked chunks; a run's row is that of training its config by itself."""
    results = sweep(BASE, GRID, seeds=2, workers=1)
    for _, row in results.iterrows():
        config = BASE.replace(dropout=row["dropout"], penalty_strength=row["penalty_strength"],
                              seed=int(row["seed"]))
        alone = summarize(train(config))
        for column in ("best_val_loss", "final_val_loss", "final_train_acc", "weight_norm"):
            assert row[column] == alone[column]


def test_compatible_runs_share_chunks_dealt_evenly_to_the_workers():
    plan = plan_sweep(BASE, {"dropout": [0.0, 0.1, 0.2], "norm": ["none", "batch"]}, seeds=2)
    runs = [(index, config.to_dict()) for index, _, _, config in plan.runs()]
    chunks = make_chunks(runs, pieces=2)
    assert sorted(len(chunk) for chunk in chunks) == [3, 3, 3, 3]
    for chunk in chunks:
        assert len({config["norm"] for _, config in chunk}) == 1
    assert sorted(index for chunk in chunks for index, _ in chunk) == list(range(12))


def test_a_small_sweep_with_the_default_workers_trains_in_process(monkeypatch):
    monkeypatch.setattr(backends, "available_cores", lambda: 2)
    small = plan_sweep(BASE, GRID, seeds=1)
    assert isinstance(backends.make_backend("local", work=small.work), backends.InProcess)
    assert isinstance(backends.make_backend("local", work=10**9), backends.LocalPool)
    assert isinstance(backends.make_backend("local", workers=2, work=small.work),
                      backends.LocalPool)


def test_a_first_sweep_trains_in_process_below_the_work_that_pays_for_starting_the_fork_server(
        monkeypatch):
    monkeypatch.setattr(backends, "available_cores", lambda: 2)
    middle = (backends.IN_PROCESS_WORK + backends.COLD_IN_PROCESS_WORK) // 2
    monkeypatch.setattr(backends, "_fork_server_started", False)
    assert isinstance(backends.make_backend("local", work=middle), backends.InProcess)
    monkeypatch.setattr(backends, "_fork_server_started", True)
    assert isinstance(backends.make_backend("local", work=middle), backends.LocalPool)


# --- cancel ------------------------------------------------------------------------------------
def parents() -> dict[int, int]:
    """pid → parent pid of every live process (a zombie has ended: it only waits to be reaped)."""
    found = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            found[int(stat.parent.name)] = int(fields[1])
    return found


def children(of: set[int]) -> set[int]:
    return {pid for pid, parent in parents().items() if parent in of}


def command_line(pid: int) -> bytes:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:  # the process has just ended
        return b""


def pool_workers() -> set[int]:
    """Pids of this process's grandchildren: the workers a fork server started for us."""
    return children(children({os.getpid()}))


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


needs_proc = pytest.mark.skipif(not PROC.is_dir(), reason="reads processes from /proc")


@needs_proc
def test_preparing_workers_starts_the_fork_server_without_waiting_for_it():
    backends.prepare_workers()
    assert any(b"multiprocessing.forkserver" in command_line(pid)
               for pid in children({os.getpid()}))


@needs_proc
def test_cancelling_a_job_ends_its_running_workers():
    before = pool_workers()
    job = start_sweep(LONG, {"dropout": [0.0, 0.1, 0.2]}, seeds=1, workers=2)
    started = wait_for(lambda: len(pool_workers() - before) == 2 and pool_workers() - before)
    job.cancel()
    assert job.state == "cancelled"
    assert not started & pool_workers()


@needs_proc
def test_a_cancel_event_stops_iter_sweep_and_its_workers():
    cancel, before = threading.Event(), pool_workers()
    rows = iter_sweep(LONG, {"dropout": [0.0, 0.1, 0.2]}, seeds=1, workers=2, cancel=cancel)
    threading.Timer(0.5, lambda: wait_for(lambda: pool_workers() - before) and cancel.set()).start()
    assert list(rows) == []
    assert not pool_workers() - before


@needs_proc
def test_closing_the_generator_ends_the_workers():
    before = pool_workers()
    rows = iter_sweep(LONG, {"epochs": [3, LONG.epochs]}, seeds=1, workers=2)
    assert next(rows)["epochs_trained"] == 3  # the short run is done, the long one is running
    assert pool_workers() - before
    rows.close()
    assert not pool_workers() - before


def test_chunks_of_large_data_sets_hold_fewer_runs():
    from regcore.sweep.chunks import most_runs
    small = BASE.to_dict()
    large = BASE.replace(dataset="noisy_features", n_samples=20000, n_features=200).to_dict()
    assert most_runs(large) == 1 < most_runs(small)


def test_a_chunk_trains_without_per_epoch_weight_records_and_summarizes_as_train_does():
    configs = [BASE.replace(dropout=0.3), BASE.replace(penalty_strength=1e-2, seed=1)]
    chunk = worker.ChunkTraining([(i, config.to_dict()) for i, config in enumerate(configs)])
    assert [trainer.weight_records for _, trainer in chunk._trainers] == [False, False]
    outcomes = []
    while not chunk.done:
        outcomes += chunk.step()
    for index, summary in sorted(outcomes, key=lambda outcome: outcome[0]):
        alone = summarize(train(configs[index]))
        np.testing.assert_equal({k: v for k, v in summary.items() if k not in ("time", "message")},
                                {k: v for k, v in alone.items() if k != "time"})


def test_warming_up_trains_one_tiny_run_and_never_fails(monkeypatch):
    trained = []

    def failing(configs):
        trained.extend(configs)
        raise RuntimeError("no memory left")
    monkeypatch.setattr(worker, "run_configs", failing)
    worker.warm_up()
    assert [(config["n_samples"], config["epochs"]) for config in trained] == [(40, 1)]


@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="no fork server on this platform")
def test_the_fork_server_loads_the_engine_warmed_up_before_forking_workers():
    from multiprocessing import forkserver
    backends.worker_context()
    assert forkserver._forkserver._preload_modules == ["regcore.sweep.preload"]
