"""L1 and L2: shrinkage versus exact zeros, and L1 as feature selection.

Three experiments:
- `comparison`: the same network trained without a penalty, with L1 and with L2 at one strength
  λ, on `noisy_features` (50 inputs, 5 of them informative). L1's proximal step
  w ← sign(w)·max(|w| − step·λ, 0) sets weights to exactly zero; L2's gradient λw only
  shrinks them.
- `regularization_path`: a linear model on the diabetes data trained to convergence at each λ
  of a grid (full-batch SGD, warm-started from the neighbouring λ), so each coefficient can be
  followed as λ grows: under L1 features leave one by one, under L2 none reaches zero.
- `input_selection`: which inputs the first layer still uses (any nonzero weight) compared with
  the truly informative ones, as precision and recall.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config
from ..datasets import Dataset, make_dataset
from ..settings import widths_text
from ..summary import summarize
from ..training import Trainer

STRENGTHS = (0.003, 0.01, 0.03, 0.05, 0.1)
DEFAULT_STRENGTH = 0.05
RUN_NAMES = ("no penalty", "L1", "L2")
PATH_DATASET = "diabetes"
PATH_POINTS = 24
PATH_EPOCHS = 150          # full-batch steps per λ; warm starts make this enough
STEP_FACTOR = 1.9          # step = STEP_FACTOR / Lipschitz constant (< 2 converges)
MAX_NAMED = 8              # inputs named in a sentence at most


# --- L1 versus L2 on a wide, mostly useless input -----------------------------------------
def comparison(strength: float = DEFAULT_STRENGTH, seed: int = 0) -> tuple[Config, ...]:
    """(no penalty, L1 λ, L2 λ): one hidden layer of 32 on 500 rows of noisy_features."""
    base = Config(dataset="noisy_features", n_samples=500, n_features=50, n_informative=5,
                  hidden=(32,), optimizer="adam", lr=1e-3, epochs=200, seed=seed)
    return (base, base.replace(penalty="l1", penalty_strength=strength),
            base.replace(penalty="l2", penalty_strength=strength))


def caption(config: Config, data_text: str | None = None) -> str:
    """The comparison's setup in words, from its config; `data_text` names other data than
    the preset's (an uploaded table)."""
    data_text = data_text or (f"{config.n_samples} rows of {config.n_features} inputs, of which "
                              f"only {config.n_informative} tell the two classes apart (the "
                              f"rest is noise)")
    return (f"{data_text}; hidden layers {widths_text(config.hidden, sep='-')}, {config.epochs} "
            f"epochs; L1 and L2 at the same λ.")


def input_norms(run) -> np.ndarray:
    """(n_inputs,) ‖W₁[j, :]‖₂: how strongly the first layer listens to input j."""
    first = run.model.weight_layers["linear1"].astype(np.float64)
    return np.linalg.norm(first, axis=1)


@dataclass(frozen=True)
class InputSelection:
    """Inputs a network still uses (any nonzero first-layer weight) versus the informative ones.
    precision = |kept ∩ informative| / |kept|; recall = |kept ∩ informative| / |informative|."""

    n_inputs: int
    kept: tuple[int, ...]
    informative: tuple[int, ...]
    names: tuple[str, ...] | None = None   # the inputs' column names, where the data has them

    @property
    def hits(self) -> int:
        return len(set(self.kept) & set(self.informative))

    @property
    def precision(self) -> float:
        return self.hits / len(self.kept) if self.kept else float("nan")

    @property
    def recall(self) -> float:
        return self.hits / len(self.informative) if self.informative else float("nan")


def input_selection(run) -> InputSelection:
    """The inputs `run` keeps, with the informative columns of its data (empty if unknown)."""
    kept = tuple(int(j) for j in np.flatnonzero(input_norms(run) > 0))
    informative = tuple(run.data.informative or ())
    return InputSelection(len(input_norms(run)), kept, informative, run.data.feature_names)


@dataclass(frozen=True)
class SparsityOutcome:
    """The numbers the notice box speaks about, per run name (RUN_NAMES)."""

    strength: float
    zeros: dict[str, float]        # share of weights that are exactly 0.0
    norms: dict[str, float]        # ‖w‖₂ over all weights
    val_loss: dict[str, float]     # final validation loss
    l1_inputs: InputSelection
    l2_inputs: InputSelection


def outcome(runs, names=RUN_NAMES) -> SparsityOutcome:
    """Measure the runs of `comparison` (in its order: none, L1, L2)."""
    by_name = dict(zip(names, runs))
    numbers = {name: summarize(run) for name, run in by_name.items()}
    return SparsityOutcome(
        strength=by_name["L1"].config.penalty_strength,
        zeros={name: row["sparsity"] for name, row in numbers.items()},
        norms={name: row["weight_norm"] for name, row in numbers.items()},
        val_loss={name: row["final_val_loss"] for name, row in numbers.items()},
        l1_inputs=input_selection(by_name["L1"]), l2_inputs=input_selection(by_name["L2"]))


def sentences(result: SparsityOutcome) -> list[str]:
    """What the runs show, in words computed from their numbers."""
    l1, l2 = result.zeros["L1"], result.zeros["L2"]
    if l1 > l2:
        zeros = (f"At λ = {result.strength:g}, L1 set {l1:.1%} of the weights to exactly zero, "
                 f"L2 {l2:.1%}: L1's soft-threshold step lands weights on zero, L2 only "
                 f"shrinks them.")
    else:
        zeros = (f"Here L2 left at least as many exact zeros as L1 ({l2:.1%} vs {l1:.1%}), "
                 f"unlike what the lesson expects — try a larger λ or more epochs.")
    said = [zeros, _shrink_sentence(result), _inputs_sentence(result.l1_inputs, "L1")]
    if result.l1_inputs.kept or result.l2_inputs.kept:
        said.append(_inputs_sentence(result.l2_inputs, "L2"))
    return said


def _shrink_sentence(result: SparsityOutcome) -> str:
    none, l2 = result.norms["no penalty"], result.norms["L2"]
    if l2 < none:
        return (f"L2 narrowed the bell: ‖w‖₂ = {l2:.2f} against {none:.2f} without a penalty "
                f"(validation loss {result.val_loss['L2']:.3f} vs "
                f"{result.val_loss['no penalty']:.3f}).")
    return f"Here L2 did not shrink the weights: ‖w‖₂ = {l2:.2f} against {none:.2f} without it."


def _inputs_sentence(selection: InputSelection, name: str) -> str:
    kept, total = len(selection.kept), selection.n_inputs
    if not kept:
        return (f"{name} zeroed every first-layer weight: the network ignores all {total} inputs "
                f"and predicts a constant — λ is too strong.")
    if not selection.informative:
        return f"{name} still uses {kept} of {total} inputs{_named(selection)}."
    return (f"{name} still uses {kept} of {total} inputs; {selection.hits} of the "
            f"{len(selection.informative)} truly informative ones are among them "
            f"(precision {selection.precision:.0%}, recall {selection.recall:.0%}).")


def _named(selection: InputSelection, most: int = MAX_NAMED) -> str:
    """": age, score" — the kept inputs by name, when the data names its columns."""
    if not selection.names or len(selection.kept) == selection.n_inputs:
        return ""
    named = [selection.names[j] for j in selection.kept[:most]]
    more = len(selection.kept) - len(named)
    return ": " + ", ".join(named) + (f" and {more} more" if more else "")


def seeds_sentence(spread) -> str:
    """One sentence from `mean_and_spread(results, "sparsity")` over seeds."""
    parts = [f"{name} {row['mean']:.1%} ± {row['std']:.1%}" for name, row in spread.iterrows()]
    return "Exact zeros (mean ± std over seeds): " + ", ".join(parts) + "."


# --- the regularization path of a linear model --------------------------------------------
def path_data(seed: int = 0) -> Dataset:
    """Diabetes (10 named measurements, standardized target), split by `seed`."""
    return make_dataset(PATH_DATASET, n_samples=442, noise=0.0, seed=seed)


def path_caption(data: Dataset) -> str:
    """The path's data in words."""
    return (f"{data.n_train + data.n_val} diabetes patients, {data.n_features} named "
            f"measurements ({', '.join(data.feature_names)})")


def l1_strengths(data: Dataset, points: int = PATH_POINTS) -> np.ndarray:
    """An increasing λ grid from λ_max/300 to just past λ_max, the smallest λ at which L1 keeps
    no feature: λ_max = max_j |x_jᵀ(y − ȳ)| / n for the loss ½·mean((ŷ − y)²)."""
    y = data.y_train - data.y_train.mean()
    lam_max = float(np.abs(data.X_train.T @ y).max() / data.n_train)
    return lam_max * np.logspace(np.log10(1 / 300), np.log10(1.25), points)


def l2_strengths(points: int = PATH_POINTS) -> np.ndarray:
    """An increasing λ grid for L2 (no λ zeroes a coefficient, so it spans 1e-2 … 1e3)."""
    return np.logspace(-2, 3, points)


@dataclass(frozen=True)
class CoefficientPath:
    """coefs[i, j]: coefficient of feature j after training at strengths[i] (increasing)."""

    penalty: str
    strengths: np.ndarray
    coefs: np.ndarray
    feature_names: tuple[str, ...]

    def nonzero_counts(self) -> np.ndarray:
        return np.count_nonzero(self.coefs, axis=1)


def regularization_path(data: Dataset, penalty: str, strengths, *,
                        epochs: int = PATH_EPOCHS) -> CoefficientPath:
    """Train a linear regression (hidden=()) with `penalty` at each λ in `strengths`, from the
    largest λ down, each start from the previous solution (the first from all zeros).
    Full-batch SGD with step STEP_FACTOR / (L + λ_L2), L = largest eigenvalue of the data
    loss's Hessian [X 1]ᵀ[X 1]/n, so each λ converges; for L1 this is ISTA.
    Regression only: coefs[:, j] is the single output's weight on feature j."""
    if data.task != "regression":
        raise ValueError("the coefficient path needs a regression data set (one output)")
    strengths = np.sort(np.asarray(strengths, dtype=float))
    lipschitz = _lipschitz(data.X_train)
    state, coefs = None, []
    for strength in strengths[::-1]:
        smooth = lipschitz + (strength if penalty == "l2" else 0.0)
        config = Config(dataset="custom", hidden=(), penalty=penalty,
                        penalty_strength=float(strength), optimizer="sgd",
                        lr=STEP_FACTOR / smooth, batch_size=data.n_train, epochs=epochs,
                        snapshot_every=epochs)
        trainer = Trainer(config, data)
        trainer.load_initial_state(_zeros(trainer.model.state()) if state is None else state)
        while not trainer.done:
            trainer.step_epoch()
        state = trainer.model.state()
        coefs.append(trainer.model.weights.astype(np.float64))
    return CoefficientPath(penalty, strengths, np.array(coefs[::-1]),
                           tuple(data.feature_names or range(data.n_features)))


def _lipschitz(X: np.ndarray) -> float:
    design = np.column_stack([X, np.ones(len(X))])
    return float(np.linalg.eigvalsh(design.T @ design / len(X)).max())


def _zeros(state: dict) -> dict:
    return {key: np.zeros_like(value) for key, value in state.items()}


def leaving_order(path: CoefficientPath) -> list[tuple[str, float]]:
    """(feature, λ) in the order features leave as λ grows: λ is the first grid strength from
    which the coefficient stays exactly zero (ties: the smaller coefficient just before goes
    first). Features still in at the largest λ are left out."""
    exits = []
    for j, name in enumerate(path.feature_names):
        nonzero = np.flatnonzero(path.coefs[:, j])
        exit_index = int(nonzero[-1]) + 1 if len(nonzero) else 0
        if exit_index < len(path.strengths):
            size_before = abs(path.coefs[exit_index - 1, j]) if exit_index else 0.0
            exits.append((exit_index, size_before, name))
    exits.sort()
    return [(name, float(path.strengths[index])) for index, _, name in exits]


def path_sentences(l1: CoefficientPath, l2: CoefficientPath) -> list[str]:
    """What the two paths show: the order features leave under L1; L2's zeros (or lack of)."""
    said = []
    order = leaving_order(l1)
    counts = l1.nonzero_counts()
    if order:
        names = ", ".join(name for name, _ in order)
        said.append(f"Under L1 the features leave one by one as λ grows — first to go: {names}; "
                    f"last to stay: {order[-1][0]} (gone at λ = {order[-1][1]:.3g}).")
        said.append(f"L1 keeps {counts[0]} of {len(l1.feature_names)} features at "
                    f"λ = {l1.strengths[0]:.3g} and {counts[-1]} at λ = {l1.strengths[-1]:.3g}: "
                    f"choosing λ chooses the features.")
    else:
        said.append("Here no feature left the L1 path — the grid's largest λ is too small.")
    l2_zeros = int(np.count_nonzero(l2.coefs == 0))
    largest_left = float(np.abs(l2.coefs[-1]).max())
    if l2_zeros == 0:
        said.append(f"L2 set no coefficient exactly to zero, even at λ = {l2.strengths[-1]:g}: "
                    f"it shrinks all of them together (largest |coefficient| there: "
                    f"{largest_left:.2g}).")
    else:
        said.append(f"Here the L2 path has {l2_zeros} exact zeros, which L2 normally never gives.")
    return said
