"""Side by side: one split, the same initial weights where architectures match, lockstep."""
import numpy as np
import pytest

from regcore import Config, Lockstep, train, train_side_by_side

BASE = Config(dataset="moons", n_samples=200, epochs=8, hidden=(16, 16))


def test_matching_architectures_start_from_the_same_weights():
    lockstep = Lockstep([BASE, BASE.replace(dropout=0.5, penalty="l2", penalty_strength=0.1)])
    first, second = lockstep.trainers
    np.testing.assert_array_equal(first.model.flat, second.model.flat)


def test_runs_share_one_split():
    lockstep = Lockstep([BASE, BASE.replace(norm="layer")])
    assert all(trainer.data is lockstep.data for trainer in lockstep.trainers)


def test_lockstep_advances_every_run_by_the_same_epochs():
    lockstep = Lockstep([BASE, BASE.replace(dropout=0.3), BASE.replace(hidden=(8,))])
    lockstep.step(3)
    assert [trainer.epoch for trainer in lockstep.trainers] == [3, 3, 3]


def test_a_finished_run_waits_while_the_others_go_on():
    lockstep = Lockstep([BASE.replace(epochs=2), BASE])
    lockstep.step(5)
    assert [trainer.epoch for trainer in lockstep.trainers] == [2, 5]


def test_side_by_side_equals_training_each_alone():
    configs = [BASE, BASE.replace(penalty="l1", penalty_strength=1e-3)]
    together = train_side_by_side(configs)
    for config, run in zip(configs, together):
        alone = train(config)
        np.testing.assert_array_equal(run.model.flat, alone.model.flat)


def test_runs_with_different_data_settings_are_refused():
    with pytest.raises(ValueError, match="share their data; noise differs"):
        Lockstep([BASE, BASE.replace(noise=0.4)])


def test_four_runs_with_batch_norm_in_one_train_as_two_groups():
    base = Config(dataset="moons", n_samples=100, epochs=2, hidden=(8,))
    lockstep = Lockstep([base, base.replace(dropout=0.3), base.replace(penalty="l1",
                         penalty_strength=0.01), base.replace(norm="batch")])
    lockstep.step()
    assert sorted(len(group.members) for group in lockstep.groups) == [1, 3]
