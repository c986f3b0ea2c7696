"""Early stopping: watch the validation loss, stop `patience` epochs after its best, and
(optionally) go back to the weights of that best epoch.

The preset is built to overfit: 150 noisy two-moons points with 10% wrong labels and a
128-128 network, so within a few hundred epochs the training loss keeps falling while the
validation loss turns up. A fifth of the rows are held out as a test split: validation
chooses the epoch, the test rows choose nothing, so they measure what the epochs after the
best cost. Three runs share data, initial weights and shuffles, so the two early-stopped runs
follow the full run's curve exactly until they stop.
"""
from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np
import pandas as pd

from ..config import Config
from ..settings import widths_text
from ..summary import at_end
from ..training import split_sizes

PATIENCES = (5, 10, 20, 40, 80)
DEFAULT_PATIENCE = 20
RUN_NAMES = ("no early stopping", "stop + restore best", "stop, keep last")
TEST_FRACTION = 0.2  # rows held out as a test split that no choice looks at


def overfitting_config(seed: int = 0) -> Config:
    """Small noisy data and a big network trained long enough to overfit."""
    return Config(dataset="moons", n_samples=150, noise=0.4, label_noise=0.1,
                  test_fraction=TEST_FRACTION, hidden=(128, 128), optimizer="adam", lr=1e-3,
                  epochs=300, seed=seed)


def caption(config: Config, data_text: str | None = None) -> str:
    """The comparison's setup in words, from its config (rows counted on its split);
    `data_text` names other data than the preset's (an uploaded table)."""
    if data_text is None:
        n_train, n_val, n_test = split_sizes(config)
        held_out = f", {n_test} held out as a test set that no choice looks at" if n_test else ""
        data_text = (f"{config.n_samples} noisy two-moons points "
                     f"({config.label_noise:.0%} of training labels flipped): {n_train} to "
                     f"train, {n_val} to validate{held_out}")
    return (f"{data_text}; a {widths_text(config.hidden, sep='-')} network, up to "
            f"{config.epochs} epochs. The three runs share data, initial weights and batches, "
            f"so the stopped runs follow the full run's curve until they stop.")


def comparison(patience: int = DEFAULT_PATIENCE, seed: int = 0) -> tuple[Config, ...]:
    """(no early stopping, patience with restore-best, patience keeping the last weights)."""
    base = overfitting_config(seed)
    return (base, base.replace(patience=patience, restore_best=True),
            base.replace(patience=patience, restore_best=False))


def validation_loss(run) -> float:
    """The validation loss of the weights the run ENDS with (after any restore): at the
    restored epoch, not the history's last row."""
    return at_end(run, "val_loss")


def patience_table(run, patiences=PATIENCES) -> pd.DataFrame:
    """What early stopping with each patience would have done on `run`'s validation curve:
    columns patience, best_epoch, stopped_epoch (NaN: ran to the end), epochs_saved,
    val_loss_restored (at the best epoch seen), val_loss_last (where it stopped), and
    test_loss_restored: the held-out test loss of the restored weights (NaN without a test
    split)."""
    history = run.history.set_index("epoch")
    last_epoch = int(history.index.max())
    rows = []
    for patience in patiences:
        best, stopped = run.would_stop(patience)
        end = stopped if stopped is not None else last_epoch
        rows.append({"patience": patience, "best_epoch": best,
                     "stopped_epoch": np.nan if stopped is None else stopped,
                     "epochs_saved": last_epoch - end,
                     "val_loss_restored": np.nan if best is None else history.at[best, "val_loss"],
                     "val_loss_last": history.at[end, "val_loss"],
                     "test_loss_restored": np.nan if best is None else
                     history.at[best, "test_loss"]})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class EarlyStoppingOutcome:
    """The numbers the notice box speaks about."""

    epochs: int                  # epochs of the full run
    best_epoch: int              # where the full run's validation loss was lowest
    best_val: float
    final_val: float
    train_at_best: float
    final_train: float
    patience: int
    stopped_epoch: int | None    # of the early-stopped runs (None: ran to the end)
    kept_epoch: int | None       # the best epoch the early-stopped runs saw
    restored_val: float          # validation loss the restore-best run ends with
    last_val: float              # validation loss the keep-last run ends with
    # on the held-out test rows (NaN without a test split): they took part in no choice
    n_test: int = 0
    test_at_best: float = math.nan   # the full run's test loss at its best epoch
    final_test: float = math.nan     # ... and at its last epoch
    restored_test: float = math.nan  # test loss of the weights the restore-best run ends with
    last_test: float = math.nan      # ... and the keep-last run


def outcome(runs) -> EarlyStoppingOutcome:
    """Measure the runs of `comparison` (in its order)."""
    full, restored, kept_last = runs
    history = full.history
    best_row = history.loc[history["val_loss"].idxmin()]
    stopped = restored.stopped_epoch if restored.status == "early_stopped" else None
    return EarlyStoppingOutcome(
        epochs=int(history["epoch"].iloc[-1]), best_epoch=int(best_row["epoch"]),
        best_val=float(best_row["val_loss"]), final_val=full.final("val_loss"),
        train_at_best=float(best_row["train_loss"]), final_train=full.final("train_loss"),
        patience=restored.config.patience, stopped_epoch=stopped, kept_epoch=restored.best_epoch,
        restored_val=validation_loss(restored), last_val=validation_loss(kept_last),
        n_test=full.data.n_test if full.data is not None else 0,
        test_at_best=float(best_row["test_loss"]), final_test=full.final("test_loss"),
        restored_test=at_end(restored, "test_loss"), last_test=at_end(kept_last, "test_loss"))


def sentences(result: EarlyStoppingOutcome) -> list[str]:
    """What the runs show, in words computed from their numbers; with a held-out test split
    also what the epochs after the best cost on it."""
    said = [_overfit_sentence(result), _stop_sentence(result), _restore_sentence(result)]
    if result.n_test and math.isfinite(result.test_at_best) and math.isfinite(result.final_test):
        said += [_extra_epochs_sentence(result), _held_out_sentence(result)]
    return said


def _overfit_sentence(r: EarlyStoppingOutcome) -> str:
    rise = r.final_val - r.best_val
    train_fell = r.final_train < r.train_at_best
    if rise > 0 and train_fell:
        return (f"Without early stopping the validation loss was lowest at epoch {r.best_epoch} "
                f"({r.best_val:.3f}) and ended at {r.final_val:.3f} after {r.epochs} epochs, "
                f"while the training loss kept falling ({r.train_at_best:.3f} → "
                f"{r.final_train:.3f}): the network memorized the noise.")
    return (f"Here the run did not overfit: the validation loss ended at {r.final_val:.3f}, "
            f"{rise:+.3f} from its best ({r.best_val:.3f} at epoch {r.best_epoch}), and the "
            f"training loss went {r.train_at_best:.3f} → {r.final_train:.3f}.")


def _stop_sentence(r: EarlyStoppingOutcome) -> str:
    if r.stopped_epoch is None:
        return (f"With patience {r.patience} training never stopped early: the validation loss "
                f"kept improving within every window of {r.patience} epochs.")
    stopped = (f"With patience {r.patience} training stopped at epoch {r.stopped_epoch}, "
               f"{r.stopped_epoch - r.kept_epoch} epochs after its best (epoch {r.kept_epoch}), "
               f"and saved {r.epochs - r.stopped_epoch} of {r.epochs} epochs")
    if r.kept_epoch == r.best_epoch:
        return stopped + " — the same best epoch as the full run."
    return (stopped + f" — but the full run's best came later, at epoch {r.best_epoch}: this "
                      f"patience gave up on a plateau.")


def _restore_sentence(r: EarlyStoppingOutcome) -> str:
    difference = r.last_val - r.restored_val
    if difference > 0:
        return (f"Restoring the best weights ends at validation loss {r.restored_val:.3f}; "
                f"keeping the last weights ends at {r.last_val:.3f} ({difference:.3f} worse).")
    return (f"Here restoring the best weights did not help: it ends at {r.restored_val:.3f}, "
            f"keeping the last ones at {r.last_val:.3f}.")


def _extra_epochs_sentence(r: EarlyStoppingOutcome) -> str:
    """What the full run's epochs after its best cost on the test rows, as measured."""
    extra = r.epochs - r.best_epoch
    change = r.final_test - r.test_at_best
    measured = (f"the full run's test loss went from {r.test_at_best:.3f} at its best "
                f"epoch ({r.best_epoch}) to {r.final_test:.3f} at epoch {r.epochs}")
    if change > 0:
        return (f"On the {r.n_test} held-out test rows, which chose nothing, the {extra} epochs "
                f"after the best cost quality, not only time: {measured} ({change:+.3f}).")
    return (f"On the {r.n_test} held-out test rows, which chose nothing, the {extra} epochs "
            f"after the best did not cost quality here: {measured} ({change:+.3f}).")


def _held_out_sentence(r: EarlyStoppingOutcome) -> str:
    """The test loss of the weights each early-stopped run ends with, and how the validation
    loss that chose the best epoch compares with the test loss there."""
    kept = (f"The early-stopped runs end with test loss {r.restored_test:.3f} (restore best) "
            f"and {r.last_test:.3f} (keep last). ")
    gap = r.test_at_best - r.best_val
    if gap > 0:
        return kept + (f"At the chosen epoch the test loss is {gap:.3f} above the validation "
                       f"loss ({r.best_val:.3f}) that chose it: a validation number that did "
                       f"the choosing reads optimistic.")
    return kept + (f"At the chosen epoch the test loss ({r.test_at_best:.3f}) is not above the "
                   f"validation loss that chose it ({r.best_val:.3f}): here the choice did "
                   f"not flatter the validation number.")


def table_sentence(table: pd.DataFrame) -> str:
    """The patience table in one sentence: which patiences keep the lowest validation loss
    (all of them when several restore the same best epoch)."""
    lowest = table["val_loss_restored"].min()
    best = table[np.isclose(table["val_loss_restored"], lowest, rtol=1e-9, atol=0.0)]
    shortest = table.iloc[0]
    patiences = _and_list([str(int(p)) for p in best["patience"]])
    keeps = "keeps" if len(best) == 1 else "all keep"
    if best["patience"].iloc[0] == shortest["patience"]:
        lead = "Even the shortest patience" if len(best) == 1 else "The patiences"
        return (f"{lead} {patiences} {keeps} the lowest validation loss of the table "
                f"({lowest:.3f}, best epoch {int(shortest['best_epoch'])}).")
    return (f"Patience {patiences} {keeps} the lowest validation loss of the table "
            f"({lowest:.3f}, best epoch {int(best['best_epoch'].iloc[0])}); the "
            f"shortest, {int(shortest['patience'])}, gives up at epoch "
            f"{int(shortest['stopped_epoch'])} with {shortest['val_loss_restored']:.3f} "
            f"(best epoch {int(shortest['best_epoch'])}).")


def _and_list(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def seeds_sentence(spread: pd.DataFrame) -> str:
    """One sentence from `mean_and_spread(results, "final_val_loss")` over the results of
    `regcore.repeat.over_seeds`, whose final_val_loss is of the model each run ends with."""
    parts = [f"{name} {row['mean']:.3f} ± {row['std']:.3f}" for name, row in spread.iterrows()]
    return "Validation loss each run ends with (mean ± std over seeds): " + ", ".join(parts) + "."
