"""The claims of the early stopping lesson, on the page's own preset."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from regcore import train, train_side_by_side
from regcore.lessons import early_stopping
from regcore.lessons.early_stopping import (EarlyStoppingOutcome, patience_table, sentences,
                                            validation_loss)
from regcore.repeat import mean_and_spread, over_seeds
from regcore.training import split_sizes


@pytest.fixture(scope="module")
def runs():
    """The page's comparison: no early stopping, stop + restore best, stop + keep last."""
    return train_side_by_side(list(early_stopping.comparison()))


def test_early_stopping_stops_patience_epochs_after_the_best(runs):
    _, restored, kept_last = runs
    for run in (restored, kept_last):
        assert run.status == "early_stopped"
        assert run.stopped_epoch - run.best_epoch == early_stopping.DEFAULT_PATIENCE


def assert_overfits(history):
    """Validation loss ends above its minimum while the training loss keeps falling, and the
    rise lasts longer than three times the default patience."""
    best = history["val_loss"].idxmin()
    assert history["val_loss"].iloc[-1] > history["val_loss"].min() + 0.05
    assert history["train_loss"].iloc[-1] < history["train_loss"].iloc[best]
    assert best < len(history) - 3 * early_stopping.DEFAULT_PATIENCE


def test_preset_overfits(runs):
    assert_overfits(runs[0].history)


@pytest.mark.parametrize("seed", [1, 2])
def test_preset_overfits_with_other_seeds(seed):
    assert_overfits(train(early_stopping.overfitting_config(seed)).history)


def test_patience_table_agrees_with_training_with_that_patience(runs):
    table = patience_table(runs[0]).set_index("patience")
    for patience in early_stopping.PATIENCES:
        config = early_stopping.overfitting_config().replace(patience=patience,
                                                             restore_best=False)
        run = train(config)
        row = table.loc[patience]
        assert run.best_epoch == row["best_epoch"]
        if run.status == "early_stopped":
            assert run.stopped_epoch == row["stopped_epoch"]
        else:
            assert np.isnan(row["stopped_epoch"])
        assert validation_loss(run) == pytest.approx(row["val_loss_last"], abs=1e-5)


def test_restore_best_ends_at_the_best_validation_loss(runs):
    full, restored, kept_last = runs
    seen = full.history[full.history["epoch"] <= restored.stopped_epoch]
    assert validation_loss(restored) == pytest.approx(seen["val_loss"].min(), abs=1e-5)
    assert validation_loss(kept_last) == pytest.approx(kept_last.final("val_loss"), abs=1e-5)


def test_early_stopped_runs_follow_the_full_run_until_they_stop(runs):
    full, restored, _ = runs
    shared = full.history.iloc[: restored.stopped_epoch]
    assert np.array_equal(shared["val_loss"].to_numpy(), restored.history["val_loss"].to_numpy())


def test_loss_over_seeds_is_the_loss_each_run_ends_with():
    configs = [c.replace(epochs=40, patience=5) if i else c.replace(epochs=40)
               for i, c in enumerate(early_stopping.comparison())]
    frame = over_seeds(configs, [0], early_stopping.RUN_NAMES).set_index("run")
    restored, kept_last = (frame.loc[name] for name in early_stopping.RUN_NAMES[1:])
    assert restored["end_epoch"] == restored["best_epoch"] < restored["stopped_epoch"]
    assert restored["final_val_loss"] < kept_last["final_val_loss"]
    spread = mean_and_spread(frame.reset_index(), "final_val_loss")
    assert "± 0.000" in early_stopping.seeds_sentence(spread)


OVERFIT = EarlyStoppingOutcome(epochs=300, best_epoch=49, best_val=0.382, final_val=0.62,
                               train_at_best=0.35, final_train=0.2, patience=20,
                               stopped_epoch=69, kept_epoch=49, restored_val=0.382,
                               last_val=0.389)


def test_notice_reports_the_measured_curve():
    said = " ".join(sentences(OVERFIT))
    assert "lowest at epoch 49 (0.382)" in said and "ended at 0.620" in said
    assert "stopped at epoch 69" in said and "saved 231 of 300" in said
    assert "the same best epoch as the full run" in said
    assert "0.382" in said and "0.389 (0.007 worse)" in said


def test_notice_says_so_when_the_run_did_not_overfit():
    said = " ".join(sentences(replace(OVERFIT, final_val=0.383, final_train=0.4)))
    assert "did not overfit" in said


def test_notice_says_so_when_patience_gave_up_before_the_best():
    said = " ".join(sentences(replace(OVERFIT, patience=5, stopped_epoch=17, kept_epoch=12)))
    assert "5 epochs after its best (epoch 12)" in said
    assert "the full run's best came later, at epoch 49" in said


def test_notice_says_so_when_training_never_stopped():
    said = " ".join(sentences(replace(OVERFIT, stopped_epoch=None)))
    assert "never stopped early" in said


def test_notice_says_so_when_restoring_did_not_help():
    said = " ".join(sentences(replace(OVERFIT, restored_val=0.40, last_val=0.39)))
    assert "did not help" in said


def test_table_sentence_names_the_patience_with_the_lowest_loss(runs):
    table = patience_table(runs[0])
    best = table.loc[table["val_loss_restored"].idxmin()]
    said = early_stopping.table_sentence(table)
    assert f"{best['val_loss_restored']:.3f}" in said
    table.loc[:, "val_loss_restored"] = 0.5
    assert "The patiences 5, 10, 20, 40 and 80 all keep" in early_stopping.table_sentence(table)
    table.loc[:, "val_loss_restored"] = [0.4, 0.6, 0.6, 0.6, 0.6]
    assert "Even the shortest patience 5 keeps" in early_stopping.table_sentence(table)


def test_table_sentence_names_every_patience_that_ties_for_the_lowest_loss():
    table = pd.DataFrame({"patience": [5, 10, 20, 40, 80], "best_epoch": [9, 30, 49, 49, 49],
                          "stopped_epoch": [14, 40, 69, 89, 129],
                          "val_loss_restored": [0.45, 0.40, 0.382, 0.382, 0.382]})
    said = early_stopping.table_sentence(table)
    assert said.startswith("Patience 20, 40 and 80 all keep the lowest validation loss")


# --- the held-out test split ------------------------------------------------------------------
def test_the_preset_holds_out_a_test_split_and_its_caption_counts_the_rows(runs):
    config = early_stopping.overfitting_config()
    n_train, n_val, n_test = split_sizes(config)
    assert config.test_fraction > 0 and runs[0].data.n_test == n_test > 0
    assert runs[0].history["test_loss"].notna().all()
    assert (f"{n_train} to train, {n_val} to validate, {n_test} held out"
            in early_stopping.caption(config))


def test_outcome_reads_the_test_losses_of_the_models_each_run_ends_with(runs):
    result = early_stopping.outcome(runs)
    full, restored, kept_last = runs
    history = full.history.set_index("epoch")
    assert result.test_at_best == history.at[result.best_epoch, "test_loss"]
    assert result.final_test == history["test_loss"].iloc[-1]
    assert result.restored_test == restored.history.set_index("epoch").at[
        restored.best_epoch, "test_loss"]
    assert result.last_test == kept_last.history["test_loss"].iloc[-1]


def test_the_lesson_says_extra_epochs_cost_quality_only_when_the_test_rows_measured_it(runs):
    result = early_stopping.outcome(runs)
    said = " ".join(sentences(result))
    assert ("cost quality, not only time" in said) == (result.final_test > result.test_at_best)
    assert f"{result.test_at_best:.3f}" in said and f"{result.final_test:.3f}" in said
    better = replace(result, final_test=result.test_at_best - 0.05)
    assert "did not cost quality here" in " ".join(sentences(better))


def test_without_a_test_split_the_lesson_claims_nothing_about_held_out_data():
    configs = [c.replace(epochs=30, test_fraction=0.0) for c in early_stopping.comparison(5)]
    said = sentences(early_stopping.outcome(train_side_by_side(configs)))
    assert len(said) == 3 and not any("test" in sentence for sentence in said)


def test_patience_table_reports_the_test_loss_of_the_restored_weights(runs):
    table = patience_table(runs[0])
    history = runs[0].history.set_index("epoch")
    for _, row in table.iterrows():
        assert row["test_loss_restored"] == history.at[row["best_epoch"], "test_loss"]
