"""Config: validated on construction, round-trips through dict and JSON."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regcore import Config


def test_defaults_are_valid_and_round_trip_through_json():
    config = Config(hidden=(8, 4), dropout=0.2, patience=10)
    assert Config.from_json(config.to_json()) == config
    assert Config.from_dict(json.loads(config.to_json())) == config


def test_hidden_given_as_a_list_becomes_a_tuple():
    assert Config(hidden=[8, 4]).hidden == (8, 4)
    assert Config(hidden=[]).hidden == ()


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        Config().lr = 1.0


@pytest.mark.parametrize("field, value, message", [
    ("lr", 0, r"lr must be a number in \(0, 100\]"),
    ("lr", "fast", "lr must be a number"),
    ("dropout", 1.0, r"dropout must be a number in \[0, 1\)"),
    ("dropout", -0.1, "dropout must be"),
    ("batch_size", 0, "batch_size must be an integer"),
    ("batch_size", 2.5, "batch_size must be an integer"),
    ("epochs", 0, "epochs must be an integer"),
    ("epochs", True, "epochs must be an integer"),
    ("n_samples", 5, r"n_samples must be an integer in \[20,"),
    ("norm", "group", "norm must be one of none, batch, layer"),
    ("penalty", "l3", "penalty must be one of"),
    ("optimizer", "rmsprop", "optimizer must be one of"),
    ("hidden", (64, 0), "hidden widths must be integers"),
    ("hidden", "64", "hidden must be a list"),
    ("penalty_strength", -1.0, "penalty_strength must be"),
    ("weight_decay", -0.1, "weight_decay must be"),
    ("patience", -1, "patience must be an integer"),
    ("dataset", "mnist", "dataset must be one of"),
    ("lr", float("nan"), "lr must be a number"),
])
def test_invalid_fields_are_refused_with_the_field_and_range(field, value, message):
    with pytest.raises(ValueError, match=message):
        Config(**{field: value})


def test_caps_from_limits_apply():
    with pytest.raises(ValueError, match="epochs must be an integer in"):
        Config(epochs=10**7)


def test_unknown_keys_and_bad_json_are_refused():
    with pytest.raises(ValueError, match="unknown config field"):
        Config.from_dict({"learning_rate": 0.1})
    with pytest.raises(ValueError, match="not valid JSON"):
        Config.from_json("{lr: 1")
    with pytest.raises(ValueError, match="must be a dict"):
        Config.from_json("[1, 2]")


values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                   st.lists(st.integers(-5, 600), max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(Config.__dataclass_fields__) + ["bogus"]), values,
                       max_size=6))
def test_any_dict_either_makes_a_config_or_raises_value_error(data):
    try:
        config = Config.from_dict(data)
    except ValueError:
        return
    assert Config.from_json(config.to_json()) == config


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_either_parses_or_raises_value_error(text):
    try:
        Config.from_json(text)
    except ValueError:
        pass


def test_changes_name_only_the_fields_that_differ_from_the_defaults():
    config = Config(dropout=0.5, hidden=(8,), patience=10)
    assert config.changes() == {"hidden": (8,), "dropout": 0.5, "patience": 10}
    assert Config().changes() == {}
    assert Config().replace(**config.changes()) == config


# --- sample counts of real sets; the held-out test split --------------------------------------
def test_a_real_set_defaults_to_all_its_rows_and_a_larger_count_means_all_of_them():
    assert Config(dataset="digits").n_samples == 1797
    assert Config(dataset="breast_cancer", n_samples=1000).n_samples == 569
    assert Config(dataset="wine", n_samples=100).n_samples == 100
    assert Config().n_samples == 1000


def test_switching_to_or_from_a_real_set_does_not_carry_the_sample_count_over():
    small_moons = Config(dataset="moons", n_samples=200)
    assert small_moons.replace(dataset="digits").n_samples == 1797
    assert small_moons.replace(dataset="circles").n_samples == 200
    assert Config(dataset="digits").replace(dataset="moons").n_samples == 1000
    assert small_moons.replace(dataset="digits", n_samples=300).n_samples == 300


def test_changes_name_a_real_sets_count_only_when_it_is_not_all_its_rows():
    assert Config(dataset="wine").changes() == {"dataset": "wine"}
    fewer = Config(dataset="digits", n_samples=1000)
    assert fewer.changes() == {"dataset": "digits", "n_samples": 1000}
    assert Config().replace(**fewer.changes()) == fewer


def test_test_fraction_is_off_by_default_and_validated():
    assert Config().test_fraction == 0.0
    assert Config(test_fraction=0.4).test_fraction == 0.4
    with pytest.raises(ValueError, match="test_fraction must be a number in \\[0, 0.4\\]"):
        Config(test_fraction=0.5)
    with pytest.raises(ValueError, match="val_fraction \\+ test_fraction must be at most 0.9"):
        Config(val_fraction=0.6, test_fraction=0.4)
    assert "test_fraction" in Config.from_json(Config(test_fraction=0.2).to_json()).to_dict()


def test_to_dict_holds_every_field_in_order_with_hidden_as_a_list_and_round_trips():
    import dataclasses
    config = Config(dataset="circles", hidden=(16, 8), dropout=0.2, penalty="elasticnet",
                    l1_ratio=0.3, patience=5, snapshot_every=3)
    expected = dataclasses.asdict(config)
    expected["hidden"] = [16, 8]
    assert list(config.to_dict().items()) == list(expected.items())
    assert Config.from_dict(config.to_dict()) == config
