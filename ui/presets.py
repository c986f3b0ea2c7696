"""Ready comparisons for the lab: each preset is a tuple of configs on shared data, chosen so
that a short run shows the effect its name promises (tests/test_presets.py checks each one)."""
from __future__ import annotations

from regcore import Config

CUSTOM = "Custom"

# Small, noisy two-moons data and a wide network: overfits within a few dozen epochs.
_SMALL_MOONS = Config(dataset="moons", n_samples=200, noise=0.35, hidden=(128, 128), lr=1e-2,
                      epochs=150)
_WIDE_NOISY = Config(dataset="noisy_features", n_samples=400, n_features=50, n_informative=5,
                     hidden=(64,), lr=3e-3, epochs=100)
_UNSCALED_CANCER = Config(dataset="breast_cancer", n_samples=569, scale=False, hidden=(64, 64),
                          optimizer="momentum", lr=1e-3, epochs=100)

PRESETS: dict[str, tuple[Config, ...]] = {
    "Overfitting vs dropout": (_SMALL_MOONS, _SMALL_MOONS.replace(dropout=0.5)),
    "L1 vs L2": (_WIDE_NOISY.replace(penalty="l2", penalty_strength=1e-3),
                 _WIDE_NOISY.replace(penalty="l1", penalty_strength=1e-3)),
    "Early stopping": (_SMALL_MOONS, _SMALL_MOONS.replace(patience=20)),
    "Weight decay vs L2 with Adam": (
        _SMALL_MOONS.replace(penalty="l2", penalty_strength=1e-2),
        _SMALL_MOONS.replace(optimizer="adamw", weight_decay=1e-2)),
    "BatchNorm on unscaled data": (_UNSCALED_CANCER, _UNSCALED_CANCER.replace(norm="batch")),
    "How strong? L2 from none to too much": (
        _SMALL_MOONS,
        _SMALL_MOONS.replace(penalty="l2", penalty_strength=1e-2),
        _SMALL_MOONS.replace(penalty="l2", penalty_strength=1.0)),
}

DESCRIPTIONS: dict[str, str] = {
    "Overfitting vs dropout": "A wide network memorizes 140 noisy points; dropout 0.5 in B keeps "
                              "the validation loss from climbing.",
    "L1 vs L2": "50 features, 5 of them useful: L1 (B) sets many weights exactly to zero, "
                "L2 (A) only shrinks them.",
    "Early stopping": "Same network twice; B stops when the validation loss has not improved "
                      "for 20 epochs and keeps its best weights.",
    "Weight decay vs L2 with Adam": "The same λ = 0.01 as an L2 penalty through Adam (A) and as "
                                    "AdamW's decoupled decay (B): different weights.",
    "BatchNorm on unscaled data": "Raw tumour measurements on scales from 0.001 to 1000; "
                                  "batch normalization (B) trains where the plain network stalls.",
    "How strong? L2 from none to too much": "No penalty, a moderate L2 and a far too strong one: "
                                            "overfitting, a good fit, underfitting.",
    CUSTOM: "Your own settings: change anything in the sidebar and the run tabs.",
}

DEFAULT_PRESET = "Overfitting vs dropout"


def matching_preset(configs) -> str:
    """The name of the preset equal to `configs` (field by field), or CUSTOM."""
    settings = [config.to_dict() for config in configs]
    for name, preset in PRESETS.items():
        if settings == [config.to_dict() for config in preset]:
            return name
    return CUSTOM
