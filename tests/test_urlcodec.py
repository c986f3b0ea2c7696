"""A link holds the lab's settings: lab_query → configs_from_query gives the same configs back."""
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regcore import LIMITS, Config
from ui.presets import PRESETS
from ui.urlcodec import (MAX_RUNS, configs_from_query, lab_link, lab_query, query_names,
                         read_lab_query)

DATA = Config(dataset="noisy_features", n_samples=300, n_features=12, n_informative=3, seed=7,
              scale=False, label_noise=0.1, val_fraction=0.25)


def test_presets_round_trip_through_a_query():
    for configs in PRESETS.values():
        assert configs_from_query(lab_query(configs)) == list(configs)


def test_query_is_compact():
    query = lab_query([Config(), Config(dropout=0.5)])
    assert query == {"runs": "2", "dataset": "moons", "B.dropout": "0.5"}


def test_link_opens_the_lab_with_the_query():
    configs = [DATA, DATA.replace(hidden=(), penalty="l1", penalty_strength=1e-4)]
    link = lab_link(configs)
    assert link.startswith("/?")
    assert configs_from_query(dict(parse_qsl(urlsplit(link).query))) == configs


def test_values_that_streamlit_gives_as_lists_are_read():
    query = {key: [value] for key, value in lab_query([Config(), Config(lr=0.02)]).items()}
    assert configs_from_query(query)[1].lr == 0.02


floats = st.floats(min_value=1e-6, max_value=0.5, allow_nan=False)


@st.composite
def comparisons(draw):
    data = {"seed": draw(st.integers(0, 2**32 - 1)), "noise": draw(st.floats(0, 5)),
            "n_samples": draw(st.integers(20, LIMITS.max_samples)),
            "scale": draw(st.booleans())}
    configs = []
    for _ in range(draw(st.integers(1, MAX_RUNS))):
        configs.append(Config(
            **data,
            hidden=tuple(draw(st.lists(st.integers(1, LIMITS.max_width), max_size=3))),
            dropout=draw(st.floats(0, 0.95)), penalty=draw(st.sampled_from(["none", "l1", "l2",
                                                                              "elasticnet"])),
            penalty_strength=draw(floats), l1_ratio=draw(st.floats(0, 1)),
            optimizer=draw(st.sampled_from(["sgd", "momentum", "adam", "adamw"])),
            lr=draw(floats), weight_decay=draw(floats), norm=draw(st.sampled_from(
                ["none", "batch", "layer"])), patience=draw(st.none() | st.integers(0, 50)),
            restore_best=draw(st.booleans()), epochs=draw(st.integers(1, LIMITS.max_epochs))))
    return configs


@settings(max_examples=60, deadline=None)
@given(comparisons())
def test_any_comparison_round_trips(configs):
    assert configs_from_query(lab_query(configs)) == configs


@pytest.mark.parametrize("param, value", [
    ("A.dropout", "1.5"), ("B.lr", "fast"), ("noise", "-1"), ("A.hidden", "64,a"),
    ("runs", "9"), ("B.patience", "soon"), ("scale", "maybe"), ("colour", "red"),
    ("A.colour", "red"), ("C.dropout", "0.1"),
])
def test_bad_parameter_gives_an_error_naming_it(param, value):
    query = {"runs": "2", "dataset": "moons", param: value}
    with pytest.raises(ValueError, match=repr(param).replace(".", r"\.")):
        configs_from_query(query)


def test_forgiving_reading_keeps_the_good_parameters_and_names_the_bad():
    configs, problems = read_lab_query({"runs": "2", "B.dropout": "0.5", "A.lr": "-3"})
    assert [c.dropout for c in configs] == [0.0, 0.5]
    assert configs[0].lr == Config().lr
    assert len(problems) == 1 and "'A.lr'" in problems[0]


def test_fields_valid_only_together_are_both_applied():
    configs, problems = read_lab_query({"dataset": "noisy_features", "n_features": "3",
                                        "n_informative": "2"})
    assert problems == []
    assert (configs[0].n_features, configs[0].n_informative) == (3, 2)


def test_run_count_comes_from_the_run_names_without_runs_param():
    assert len(configs_from_query({"C.dropout": "0.2"})) == 3
    assert len(configs_from_query({})) == 2


def test_runs_named_other_than_a_b_carry_their_names_through_a_link():
    configs = [Config(dropout=0.5), Config(dropout=0.2)]
    query = lab_query(configs, ["B", "C"])
    assert query == {"runs": "2", "names": "B-C", "dataset": "moons", "B.dropout": "0.5",
                     "C.dropout": "0.2"}
    assert query_names(query) == ("B", "C") and configs_from_query(query) == configs
    assert "names" not in lab_query(configs, ["A", "B"])  # the default names are not written


def test_a_link_without_names_names_its_runs_a_b_c():
    assert query_names({"runs": "3", "B.dropout": "0.5"}) == ("A", "B", "C")


@pytest.mark.parametrize("names", ["B-B", "B-E", "", "A-B-C-D-A"])
def test_bad_names_are_ignored_with_a_message(names):
    configs, problems = read_lab_query({"names": names, "runs": "2", "B.dropout": "0.5"})
    assert [c.dropout for c in configs] == [0.0, 0.5]  # runs A and B
    assert len(problems) == 1 and "'names'" in problems[0]
    assert query_names({"names": names, "runs": "2"}) == ("A", "B")


def test_names_that_disagree_with_the_run_count_are_ignored():
    configs, problems = read_lab_query({"names": "B-C", "runs": "3"})
    assert len(configs) == 3 and len(problems) == 1 and "names 2 run(s)" in problems[0]


def test_a_parameter_of_a_run_the_link_does_not_have_is_named():
    configs, problems = read_lab_query({"names": "B-C", "A.dropout": "0.5"})
    assert [c.dropout for c in configs] == [0.0, 0.0]
    assert problems == ["parameter 'A.dropout' ignored: the link has 2 run(s) (B, C)"]


def test_names_must_match_the_runs_to_be_written():
    for names in (["B"], ["B", "B"], ["b", "c"]):
        with pytest.raises(ValueError, match="2 runs need as many different names"):
            lab_query([Config(), Config()], names)


def test_runs_that_do_not_share_data_have_no_query():
    with pytest.raises(ValueError, match="noise"):
        lab_query([Config(noise=0.1), Config(noise=0.2)])
