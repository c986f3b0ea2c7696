"""Training in worker processes: a comparison trained by a worker has the numbers of one trained
in process, bit for bit; refusals come at once; a dropped comparison is forgotten; a lost
worker is reported and replaced; an idle worker that grew is replaced by a fresh one."""
import gc
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from test_group import BASE, DATA, MIXED, assert_same_run

from regcore import Config, Lockstep
from regcore import remote
from regcore.remote import TrainingWorkers, WorkerLost, default_worker_count

CHUNKS = [3, 1, 5, 2, 40]   # uneven chunks, as a live page asks for them


@pytest.fixture(scope="module")
def workers():
    pool = TrainingWorkers(2)
    yield pool
    pool.close()


def stepped(lockstep, chunks=CHUNKS) -> list:
    """What each step returned (a worker's: its CPU seconds)."""
    return [lockstep.step(epochs) for epochs in chunks]


ONE_SEED = [BASE, BASE.replace(dropout=0.3), BASE.replace(weight_decay=1e-2),
            BASE.replace(patience=1, min_delta=0.05, lr=1e-2),                # stops early
            BASE.replace(norm="batch", penalty="l1", penalty_strength=3e-3)]  # another group


@pytest.mark.parametrize("configs, data, statuses", [
    (MIXED + [BASE.replace(norm="batch", dropout=0.2, seed=5)], DATA,
     {"completed", "early_stopped", "diverged"}),
    (ONE_SEED, None, {"completed", "early_stopped"})],
    ids=["given data", "data the configs describe"])
def test_a_comparison_trained_by_a_worker_is_bit_identical_to_one_trained_in_process(
        workers, configs, data, statuses):
    here, there = Lockstep(configs, data), workers.lockstep(configs, data)
    worker_seconds = stepped(there)
    stepped(here)
    assert there.done and here.done
    assert sum(worker_seconds) > 0      # the worker's CPU time, not the caller's wait
    for mirror, trainer in zip(there.trainers, here.trainers):
        assert_same_run(mirror, trainer)
    assert {run.status for run in there.runs()} == statuses


def test_a_comparison_shown_part_way_has_the_runs_of_the_same_epochs_in_process(workers):
    configs = [BASE, BASE.replace(dropout=0.5, seed=1)]
    here, there = Lockstep(configs, DATA), workers.lockstep(configs, DATA)
    here.step(2)
    there.step(2)
    for ours, theirs in zip(here.runs(), there.runs()):
        assert ours.history.drop(columns="time").equals(theirs.history.drop(columns="time"))
        assert ours.layer_stats.equals(theirs.layer_stats)
        assert ours.model.flat.tobytes() == theirs.model.flat.tobytes()
        assert ours.data is not None and theirs.data is not None


def test_a_workers_run_sends_its_best_state_only_when_it_changed(workers):
    """The mirror gets a new best state object exactly where the run in process does, with
    the same values; between improvements it keeps the one it has (frames recorded for
    replay share it, instead of a copy per chunk)."""
    configs = [BASE.replace(lr=5e-2, epochs=12)]
    here, there = Lockstep(configs, DATA), workers.lockstep(configs, DATA)
    bests_here, bests_there = [], []
    for _ in range(configs[0].epochs):
        here.step(1)
        there.step(1)
        bests_here.append(here.trainers[0].best_state)
        bests_there.append(there.trainers[0].best_state)
        assert all(bests_here[-1][name].tobytes() == bests_there[-1][name].tobytes()
                   for name in bests_here[-1])

    def changed(bests):
        return [later is not earlier for earlier, later in zip(bests, bests[1:])]

    assert changed(bests_there) == changed(bests_here)
    assert any(changed(bests_here)) and not all(changed(bests_here))


def test_configs_the_engine_refuses_are_refused_at_once_with_the_engines_message(workers):
    refused = Config(dataset="diabetes", monitor="val_acc")
    with pytest.raises(ValueError, match="needs a classification dataset"):
        workers.lockstep([refused])
    with pytest.raises(ValueError, match="share their data"):
        workers.lockstep([BASE, BASE.replace(n_samples=200)])


def test_each_comparison_goes_to_the_worker_holding_fewest_and_is_freed_when_dropped():
    pool = TrainingWorkers(2)
    try:
        first, second, third = (pool.lockstep([BASE.replace(seed=s)], DATA) for s in range(3))
        assert [worker.held for worker in pool._workers] == [0, 0]  # none trained yet
        for lockstep in (first, second, third):
            lockstep.step(1)
        assert sorted(worker.held for worker in pool._workers) == [1, 2]
        busy = first._worker
        holding = busy.ask("forget", -1, None)     # how many the worker holds
        del first
        gc.collect()
        assert len(busy.forgotten) == 1
        pool.send_forgotten()
        assert not busy.forgotten
        assert busy.ask("forget", -1, None) == holding - 1
    finally:
        pool.close()


def test_a_finished_comparison_leaves_its_worker(one_worker):
    lockstep = one_worker.lockstep([BASE.replace(epochs=2)], DATA)
    lockstep.step(5)
    assert lockstep.done and one_worker._workers[0].held == 0


def test_a_lost_worker_is_reported_and_the_next_comparison_gets_a_new_one(one_worker):
    lockstep = one_worker.lockstep([BASE], DATA)
    lockstep.step(1)
    os.kill(one_worker._workers[0].process.pid, signal.SIGKILL)
    one_worker._workers[0].process.join(5)
    with pytest.raises(WorkerLost, match="training process stopped"):
        lockstep.step(1)
    again = one_worker.lockstep([BASE], DATA)
    again.step(BASE.epochs)
    assert again.done and again.runs()[0].status == "completed"


def test_an_idle_worker_that_grew_is_replaced_by_a_fresh_one_that_trains_the_same_numbers(
        monkeypatch, one_worker):
    monkeypatch.setattr(remote, "RENEW_AFTER_MB", -1.0)  # any size counts as grown
    finished = one_worker.lockstep([BASE.replace(epochs=2)], DATA)
    finished.step(2)
    old = one_worker._workers[0].process
    one_worker.send_forgotten()
    assert one_worker._workers[0].process.pid != old.pid and not old.is_alive()
    configs = [BASE.replace(epochs=6), BASE.replace(dropout=0.3, epochs=6)]
    remote_runs = one_worker.lockstep(configs, DATA)
    stepped(remote_runs, [4, 2])
    local = Lockstep(configs, DATA)
    local.step(6)
    for mirror, trainer in zip(remote_runs.trainers, local.trainers):
        assert_same_run(mirror, trainer)


def test_a_worker_holding_a_comparison_is_never_replaced(monkeypatch, one_worker):
    monkeypatch.setattr(remote, "RENEW_AFTER_MB", -1.0)
    running = one_worker.lockstep([BASE.replace(epochs=4)], DATA)
    running.step(1)
    pid = one_worker._workers[0].process.pid
    one_worker.send_forgotten()
    assert one_worker._workers[0].process.pid == pid
    running.step(3)
    assert running.done and running.runs()[0].status == "completed"


def test_a_small_worker_is_kept(one_worker):
    finished = one_worker.lockstep([BASE.replace(epochs=2)], DATA)
    finished.step(2)
    pid = one_worker._workers[0].process.pid
    one_worker.send_forgotten()
    assert one_worker._workers[0].grown_mb() < remote.RENEW_AFTER_MB
    assert one_worker._workers[0].process.pid == pid


def test_resident_memory_is_read_for_a_live_process_and_none_for_a_gone_one():
    assert 10 < remote.resident_mb(os.getpid()) < 10_000
    assert remote.resident_mb(2**22 + 12345) is None


@pytest.mark.parametrize("text, count", [("0", 0), ("3", 3), (" 1 ", 1)])
def test_the_worker_count_comes_from_the_environment_when_set(text, count):
    assert default_worker_count({"REGLAB_TRAINING_WORKERS": text}) == count


@pytest.mark.parametrize("text", ["-1", "two", ""])
def test_a_bad_worker_count_is_refused_with_the_variables_name(text):
    with pytest.raises(ValueError, match="REGLAB_TRAINING_WORKERS must be an integer >= 0"):
        default_worker_count({"REGLAB_TRAINING_WORKERS": text})


@pytest.mark.parametrize("cores, count", [(1, 0), (2, 1), (4, 3)])
def test_by_default_a_server_has_a_worker_per_core_but_its_own_and_none_on_a_single_core(
        monkeypatch, cores, count):
    monkeypatch.setattr(remote, "available_cores", lambda: cores)
    assert default_worker_count({}) == count


def test_a_pool_needs_at_least_one_worker():
    with pytest.raises(ValueError, match="count >= 1"):
        TrainingWorkers(0)


def test_the_chunks_a_worker_is_asked_for_never_change_the_numbers(one_worker):
    configs = [BASE, BASE.replace(penalty="l1", penalty_strength=3e-3, seed=2)]
    a, b = one_worker.lockstep(configs, DATA), one_worker.lockstep(configs, DATA)
    stepped(a, [1] * BASE.epochs)
    stepped(b, [BASE.epochs])
    for x, y in zip(a.trainers, b.trainers):
        assert_same_run(x, y)


SERVER = """
import os, threading
from regcore.remote import for_server
started_before = threading.Thread(target=threading.Event().wait, args=(5,), daemon=True)
started_before.start()
workers = for_server(1)
started_after = threading.Thread(target=lambda: print(sorted(os.sched_getaffinity(0))))
started_after.start(); started_after.join()
print(sorted(os.sched_getaffinity(started_before.native_id)))
workers._workers[0].ask("forget", -1, None)  # answered once the worker runs
print(sorted(os.sched_getaffinity(workers._workers[0].process.pid)))
workers.close()
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_a_server_keeps_its_first_core_for_every_thread_and_its_training_processes_have_the_rest():
    cores = sorted(os.sched_getaffinity(0))
    shown = subprocess.run([sys.executable, "-c", SERVER], capture_output=True, text=True,
                           check=True, timeout=60).stdout.split("\n")
    assert shown[:3] == [str(cores[:1]), str(cores[:1]), str(cores[1:])]


def test_without_training_processes_a_server_keeps_every_core():
    assert remote.for_server(0) is None


def test_the_lock_of_a_worker_is_handed_to_waiting_threads_in_the_order_they_asked():
    lock, order, asked = remote.FifoLock(), [], []
    lock.acquire()

    def wait_then_note(index):
        asked.append(index)
        with lock:
            order.append(index)

    threads = []
    for index in range(8):
        threads.append(threading.Thread(target=wait_then_note, args=(index,)))
        threads[-1].start()
        while len(asked) <= index or not lock._waiting or len(lock._waiting) <= index:
            time.sleep(0.001)   # each thread waits before the next one asks
    assert lock.acquire(blocking=False) is False
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == list(range(8))
    assert lock.acquire(blocking=False) is True


def test_a_first_chunk_is_handed_the_lock_before_the_chunks_of_comparisons_on_screen():
    """Visitors still waiting for their first chart go before those asking for more epochs,
    in the order they asked; the others keep theirs."""
    lock, order = remote.FifoLock(), []
    lock.acquire()

    def wait_then_note(index, first):
        lock.acquire(first=first)
        order.append(index)
        lock.release()

    threads = []
    for index, first in enumerate([False, False, True, False, True]):
        threads.append(threading.Thread(target=wait_then_note, args=(index, first)))
        threads[-1].start()
        while len(lock._waiting) + len(lock._first) <= index:
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == [2, 4, 0, 1, 3]
