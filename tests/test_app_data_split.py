"""The lab's data settings (AppTest): the rows actually used beside them, real sets with all
their rows, the held-out test split from the widget to the URL and the summary, and a batch
larger than the training rows."""
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from regcore.training import split_sizes
from ui import keys

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def lab(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name.replace("__", ".")] = value
    return at.run()


def configs(at: AppTest):
    return at.session_state[keys.LAB_CONFIGS]


def rows_caption(at: AppTest) -> str:
    captions = [c.value for c in at.sidebar.caption if c.value.startswith("Rows used:")]
    assert len(captions) == 1
    return captions[0]


def test_the_rows_used_are_shown_beside_the_data_settings_as_the_split_counts_them():
    at = lab()
    n_train, n_val, _ = split_sizes(configs(at)[0])
    assert rows_caption(at) == f"Rows used: {n_train} training, {n_val} validation"
    at.slider(key=keys.data_key("test_fraction")).set_value(0.2).run()
    n_train, n_val, n_test = split_sizes(configs(at)[0])
    assert n_test > 0
    assert rows_caption(at) == (f"Rows used: {n_train} training, {n_val} validation, "
                                f"{n_test} held-out test")


def test_switching_to_a_real_set_uses_all_its_rows_and_fewer_only_when_asked():
    at = lab()
    at.number_input(key=keys.data_key("n_samples")).set_value(200).run()
    at.selectbox(key=keys.data_key("dataset")).set_value("digits").run()
    assert not at.exception
    assert at.number_input(key=keys.data_key("n_samples")).value == 1797
    assert {config.n_samples for config in configs(at)} == {1797}
    assert rows_caption(at).endswith("(all 1797 rows of the set)")
    at.number_input(key=keys.data_key("n_samples")).set_value(500).run()
    assert {config.n_samples for config in configs(at)} == {500}
    assert rows_caption(at).endswith("(500 of the set's 1797 rows)")


def test_between_generated_sets_the_sample_count_carries_over():
    at = lab()
    at.number_input(key=keys.data_key("n_samples")).set_value(300).run()
    at.selectbox(key=keys.data_key("dataset")).set_value("circles").run()
    assert {config.n_samples for config in configs(at)} == {300}


def test_a_link_that_named_a_real_sets_count_keeps_what_it_said():
    assert {c.n_samples for c in configs(lab(dataset="digits", n_samples="300"))} == {300}
    assert {c.n_samples for c in configs(lab(dataset="breast_cancer", n_samples="1000"))} == {569}
    assert {c.n_samples for c in configs(lab(dataset="wine"))} == {178}


def test_the_test_split_reaches_every_run_the_url_and_the_summary():
    at = lab()
    at.slider(key=keys.data_key("test_fraction")).set_value(0.25).run()
    assert {config.test_fraction for config in configs(at)} == {0.25}
    assert at.query_params["test_fraction"] in ("0.25", ["0.25"])
    for name in "AB":
        at.session_state[keys.RUN_TAB] = f"Run {name}"
        at.run().number_input(key=keys.run_key(name, "epochs")).set_value(2).run()
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    for _ in range(20):
        if at.session_state[keys.live_key(keys.LIVE_KEY)].done:
            break
        at.run()
    at.run()
    assert not at.exception
    table = next(e.proto.body for e in at.get("html") if "reglab-summary" in e.proto.body)
    assert "test loss (held out)" in table and "test acc (%) (held out)" in table


def test_a_link_with_a_test_split_opens_with_it():
    at = lab(test_fraction="0.2")
    assert {config.test_fraction for config in configs(at)} == {0.2}
    assert at.slider(key=keys.data_key("test_fraction")).value == 0.2


def test_a_batch_larger_than_the_training_rows_says_it_trains_full_batch():
    at = lab()
    n_train = split_sizes(configs(at)[0])[0]
    at.number_input(key=keys.run_key("A", "batch_size")).set_value(5000).run()
    assert not at.exception
    notes = [c.value for c in at.main.caption if "full batch" in c.value]
    assert notes == [f"Batch size 5000 is larger than the {n_train} training rows, so every "
                     f"step uses all {n_train} (full batch)."]
    assert re.search(r"\b5000\b", notes[0]) and configs(at)[0].batch_size == 5000
