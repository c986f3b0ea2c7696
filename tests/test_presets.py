"""Every preset is a valid comparison on shared data and shows what its name promises
(checked on shortened runs of the preset itself)."""
import pytest

from regcore import summarize, train_side_by_side
from regcore.config import DATA_FIELDS
from ui.presets import CUSTOM, DESCRIPTIONS, PRESETS, matching_preset
from ui.urlcodec import MAX_RUNS


def shortened(name: str, epochs: int):
    """The preset's runs trained for `epochs` epochs: summaries, in run order."""
    runs = train_side_by_side([config.replace(epochs=epochs) for config in PRESETS[name]])
    return [summarize(run) for run in runs]


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_is_a_valid_comparison_on_shared_data(name):
    configs = PRESETS[name]
    assert 2 <= len(configs) <= MAX_RUNS
    for field in DATA_FIELDS:
        assert len({getattr(config, field) for config in configs}) == 1, field
    assert len(set(configs)) == len(configs), "runs of a preset must differ"


def test_every_preset_and_custom_has_a_one_line_description():
    assert set(DESCRIPTIONS) == set(PRESETS) | {CUSTOM}
    assert all(text and "\n" not in text for text in DESCRIPTIONS.values())


def test_matching_preset_recognizes_a_preset_and_nothing_else():
    configs = PRESETS["L1 vs L2"]
    assert matching_preset(configs) == "L1 vs L2"
    assert matching_preset([configs[0], configs[1].replace(seed=1)]) == CUSTOM


def test_dropout_preset_closes_the_generalization_gap():
    plain, dropout = shortened("Overfitting vs dropout", 60)
    assert plain["gap"] > 0.1
    assert dropout["gap"] < plain["gap"] / 3
    assert dropout["final_val_loss"] < plain["final_val_loss"]


def test_l1_preset_gives_more_exact_zeros_than_l2():
    l2, l1 = shortened("L1 vs L2", 20)
    assert l2["sparsity"] == 0.0
    assert l1["sparsity"] > 0.2


def test_early_stopping_preset_stops_before_the_budget_with_a_lower_final_loss():
    plain, stopped = shortened("Early stopping", 80)
    assert plain["status"] == "completed" and stopped["status"] == "early_stopped"
    assert stopped["stopped_epoch"] < 80
    assert stopped["final_val_loss"] < plain["final_val_loss"]


def test_same_lambda_as_l2_and_as_adamw_decay_gives_different_weights():
    adam_l2, adamw = shortened("Weight decay vs L2 with Adam", 40)
    assert adamw["weight_norm"] > 2 * adam_l2["weight_norm"]


def test_batch_norm_preset_trains_where_the_plain_network_stalls():
    plain, batch_norm = shortened("BatchNorm on unscaled data", 30)
    assert plain["final_val_loss"] > 0.6  # near chance level, ln 2 ≈ 0.69
    assert batch_norm["final_val_loss"] < plain["final_val_loss"] / 2


def test_strength_preset_goes_from_overfitting_to_underfitting():
    none, moderate, strong = shortened("How strong? L2 from none to too much", 60)
    assert none["gap"] > moderate["gap"]
    assert strong["final_train_loss"] > max(none["final_train_loss"], moderate["final_train_loss"])
    assert strong["final_val_acc"] < moderate["final_val_acc"]
