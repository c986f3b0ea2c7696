"""Stacked groups: a run's numbers do not depend on the company it keeps, and a run that
ends stops changing while its group goes on."""
import numpy as np
import pytest

from regcore import Config, make_dataset
from regcore.group import Group, form_groups, structure, train_all
from regcore.training import Trainer

BASE = Config(dataset="moons", n_samples=160, epochs=6, hidden=(12, 10), batch_size=24,
              optimizer="adam", lr=3e-3)
DATA = make_dataset("moons", 160, 0.2, 0, val_fraction=0.3)

# one structure (moons, 12-10, no norm, Adam, batch 24), every per-run value in play
MIXED = [
    BASE,
    BASE.replace(dropout=0.3, seed=1),
    BASE.replace(penalty="l1", penalty_strength=3e-3, seed=2),                # proximal step
    BASE.replace(penalty="elasticnet", penalty_strength=1e-2, l1_ratio=0.3, dropout=0.1),
    BASE.replace(penalty="l2", penalty_strength=1e-2, weight_decay=1e-3, epochs=4),
    BASE.replace(patience=1, min_delta=0.05, lr=1e-2, seed=3),                 # stops early
    BASE.replace(lr=100.0, seed=4),                                            # diverges
    BASE.replace(init="xavier", lr=1e-3, epochs=9),
]


def trained_alone(config, dtype=np.float32, data=DATA):
    trainer = Trainer(config, data, dtype)
    while not trainer.done:
        trainer.step_epoch()
    return trainer


def trained_together(configs, dtype=np.float32, data=DATA):
    trainers = [Trainer(config, data, dtype) for config in configs]
    train_all(trainers)
    return trainers


def assert_same_run(a: Trainer, b: Trainer):
    """Histories (but the clock), statuses, weights, statistics and histograms bit-identical
    (assert_equal takes NaN as equal to NaN and tells 0.0 from -0.0)."""
    strip = [{k: v for k, v in record.items() if k != "time"} for record in a.records]
    np.testing.assert_equal(strip, [{k: v for k, v in record.items() if k != "time"}
                                    for record in b.records])
    assert (a.status, a.message, a.best_epoch) == (b.status, b.message, b.best_epoch)
    assert a.model.flat.tobytes() == b.model.flat.tobytes()
    assert a.best_state["flat"].tobytes() == b.best_state["flat"].tobytes()
    np.testing.assert_equal(a.layer_records, b.layer_records)
    assert a.histograms.keys() == b.histograms.keys()
    for epoch, frames in a.histograms.items():
        for layer, counts in frames.items():
            np.testing.assert_array_equal(counts, b.histograms[epoch][layer])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_run_history_is_identical_alone_or_in_a_group(dtype):
    alone = [trained_alone(config, dtype) for config in MIXED]
    assert len({structure(trainer) for trainer in alone}) == 1
    assert {t.status for t in alone} == {"completed", "early_stopped", "diverged"}
    for order in (range(len(MIXED)), reversed(range(len(MIXED))), [6, 2, 0]):
        order = list(order)
        together = trained_together([MIXED[i] for i in order], dtype)
        for i, trainer in zip(order, together):
            assert_same_run(alone[i], trainer)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm_runs_are_identical_alone_or_in_a_group(dtype):
    configs = [BASE.replace(norm="batch", dropout=0.2, optimizer="adamw", weight_decay=1e-2),
               BASE.replace(norm="batch", penalty="l1", penalty_strength=1e-3, seed=5),
               BASE.replace(norm="batch", epochs=3)]
    alone = [trained_alone(config, dtype) for config in configs]
    for trainer, other in zip(alone, trained_together(configs[::-1], dtype)[::-1]):
        assert_same_run(trainer, other)


def test_momentum_runs_are_identical_alone_or_in_a_group():
    configs = [BASE.replace(optimizer="momentum", lr=0.05, momentum=m, weight_decay=wd)
               for m, wd in ((0.9, 0.0), (0.5, 1e-2), (0.99, 0.0))]
    alone = [trained_alone(config) for config in configs]
    for trainer, other in zip(alone, trained_together(configs)):
        assert_same_run(trainer, other)


def test_runs_on_different_data_are_identical_alone_or_in_a_group():
    """A sweep over seeds stacks each run's own data set."""
    configs = [BASE.replace(seed=seed, dropout=0.2) for seed in (0, 1, 2)]
    datasets = [make_dataset("moons", 160, 0.2, seed, val_fraction=0.3) for seed in (0, 1, 2)]
    alone = [trained_alone(config, data=data) for config, data in zip(configs, datasets)]
    trainers = [Trainer(config, data) for config, data in zip(configs, datasets)]
    train_all(trainers)
    for trainer, other in zip(alone, trainers):
        assert_same_run(trainer, other)


def test_a_run_whose_loss_turns_nan_mid_epoch_ends_alone_while_the_others_go_on():
    sgd = BASE.replace(optimizer="sgd", lr=0.1)
    configs = [sgd, sgd.replace(lr=10.0, penalty="l2", penalty_strength=100.0), sgd.replace(seed=3)]
    alone = [trained_alone(config) for config in configs]
    assert "the loss became nan" in alone[1].message and alone[1].epoch == 1
    together = trained_together(configs)
    assert [t.status for t in together] == ["completed", "diverged", "completed"]
    for trainer, other in zip(alone, together):
        assert_same_run(trainer, other)


def test_a_run_that_ended_stops_changing_and_leaves_the_group():
    short, long = Trainer(BASE.replace(epochs=2), DATA), Trainer(BASE, DATA)
    group = Group([short, long])
    group.step_epoch()
    group.step_epoch()
    assert short.done and group.members == [long]
    weights = short.model.flat.copy()
    group.step_epoch()
    np.testing.assert_array_equal(short.model.flat, weights)
    assert not np.shares_memory(short.model.flat, long.model.flat)


def test_a_members_model_shows_its_current_weights_during_training():
    first, second = Trainer(BASE, DATA), Trainer(BASE.replace(seed=1), DATA)
    group = Group([first, second])
    before = second.model.flat.copy()
    group.step_epoch()
    assert np.shares_memory(second.model.flat, group.model.flat)
    assert not np.array_equal(second.model.flat, before)


def test_runs_of_different_structures_form_separate_groups():
    trainers = [Trainer(config, DATA) for config in
                (BASE, BASE.replace(dropout=0.5), BASE.replace(norm="batch"),
                 BASE.replace(penalty="l2", penalty_strength=0.1))]
    groups = form_groups(trainers)
    assert [len(group.members) for group in groups] == [3, 1]


def test_a_run_in_a_larger_group_cannot_be_stepped_alone():
    first, second = Trainer(BASE, DATA), Trainer(BASE, DATA)
    Group([first, second])
    with pytest.raises(RuntimeError, match="step the group"):
        first.step_epoch()


def test_runs_of_one_structure_split_into_groups_within_the_memory_budget(monkeypatch):
    from regcore import group
    per_run = 2 * 112 * 2 + 112 * 12  # 112 training samples × 2 inputs twice, widest layer 12
    monkeypatch.setattr(group, "MEMORY_BUDGET", 2 * per_run)
    groups = form_groups([Trainer(BASE.replace(seed=s), DATA) for s in range(5)])
    assert [len(g.members) for g in groups] == [2, 2, 1]


def test_runs_evaluated_in_smaller_blocks_in_a_large_group_are_identical_alone():
    """Eight runs of width 96 evaluate fewer samples at a time than one run alone does."""
    data = make_dataset("moons", 600, 0.2, 0, val_fraction=0.3)
    configs = [BASE.replace(n_samples=600, hidden=(96,), epochs=2, seed=seed,
                            dropout=0.1 * (seed % 2)) for seed in range(8)]
    trainers = [Trainer(config, data) for config in configs]
    group = Group(trainers)
    assert group.model.evaluation_rows() < len(data.X_train) <= trainers[0].model.evaluation_rows()
    while not group.done:
        group.step_epoch()
    for config, trainer in zip(configs, trainers):
        assert_same_run(trained_alone(config, data=data), trainer)


def test_runs_without_weight_records_train_the_same_and_keep_no_weight_records():
    recording = trained_together(MIXED)
    plain = [Trainer(config, DATA, weight_records=False) for config in MIXED]
    train_all(plain)
    for a, b in zip(recording, plain):
        strip = [{k: v for k, v in r.items() if k != "time"} for r in a.records]
        np.testing.assert_equal(strip, [{k: v for k, v in r.items() if k != "time"}
                                        for r in b.records])
        assert a.model.flat.tobytes() == b.model.flat.tobytes()
        assert (b.layer_records, b.histograms) == ([], {})


def test_a_group_of_recording_and_silent_runs_gives_each_run_its_own_records():
    trainers = [Trainer(config, DATA, weight_records=i % 2 == 0) for i, config in enumerate(MIXED)]
    train_all(trainers)
    for i, (config, trainer) in enumerate(zip(MIXED, trainers)):
        if i % 2 == 0:
            assert_same_run(trained_alone(config), trainer)
        else:
            assert (trainer.layer_records, trainer.histograms) == ([], {})


def test_with_batchnorm_a_last_batch_of_one_sample_is_left_out():
    """112 training rows in batches of 37: three of 37 and one of 1, which BatchNorm skips."""
    plain = Group([Trainer(BASE.replace(batch_size=37), DATA)])
    normed = Group([Trainer(BASE.replace(batch_size=37, norm="batch"), DATA)])
    assert plain._batch_sizes.tolist() == [37, 37, 37, 1]
    assert normed._batch_sizes.tolist() == [37, 37, 37]
    normed.step_epoch()
    assert normed.members[0].records[0]["epoch"] == 1


@pytest.mark.parametrize("optimizer", ["sgd", "adamw"])
def test_penalties_and_weight_decay_leave_the_biases_first_step_alone(optimizer):
    """One full-batch step from the same initial weights and biases (not 0, so that a term
    acting on them would show): the biases' data gradients are the same, so with every
    penalty and decay acting on the weights only, so are the biases after the step."""
    plain = BASE.replace(optimizer=optimizer, lr=0.1, batch_size=500, epochs=1)
    penalized = plain.replace(penalty="elasticnet", penalty_strength=0.5, weight_decay=0.5)
    first, second = trainers = [Trainer(config, DATA) for config in (plain, penalized)]
    biases = [name for name in first.model.params if name.endswith(".b")]
    assert len(biases) == 3
    for trainer in trainers:
        for name in biases:
            trainer.model.params[name][...] = 0.5
    train_all(trainers)
    for name in biases:
        assert first.model.params[name].tobytes() == second.model.params[name].tobytes()
    assert not np.array_equal(first.model.weights, second.model.weights)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch_size", [1, 8])
def test_runs_of_small_batches_are_identical_alone_or_in_a_group(dtype, batch_size):
    """Products of few rows ([x, 1]·Wb, dout·Wᵀ with Wᵀ copied) take other BLAS kernels
    than those of a full batch; a run's numbers still do not depend on its group."""
    small = BASE.replace(batch_size=batch_size, epochs=2)
    configs = [small, small.replace(dropout=0.3, seed=1),
               small.replace(penalty="l1", penalty_strength=3e-3, seed=2),
               small.replace(optimizer="adamw", weight_decay=1e-2, seed=3)]
    alone = [trained_alone(config, dtype) for config in configs]
    for trainer, other in zip(alone, trained_together(configs[::-1], dtype)[::-1]):
        assert_same_run(trainer, other)
