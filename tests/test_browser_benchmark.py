"""The browser benchmark opens the comparison it reports on: every round trains its own."""
from urllib.parse import parse_qs, urlparse

from benchmarks.browser_visitor import query
from ui.urlcodec import read_lab_query


def configs_of(link: str):
    configs, problems = read_lab_query(parse_qs(urlparse(link).query))
    assert problems == []
    return configs


def test_each_round_opens_two_runs_that_differ_in_dropout_on_data_of_its_own():
    first, second = configs_of(query(1000, seed=1)), configs_of(query(1000, seed=2))
    assert [(c.epochs, c.dropout, c.dataset, c.seed) for c in first] == [
        (1000, 0.0, "moons", 1), (1000, 0.3, "moons", 1)]
    assert {c.seed for c in second} == {2}
