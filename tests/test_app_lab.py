"""The comparison lab (app_pages/0_Comparison_lab.py, the default page of app.py) driven
through Streamlit's AppTest.

How training is driven here: AppTest does not tick `st.fragment(run_every=...)` on its own, but
every `at.run()` is a full run of the page, and a full run executes the live fragment once; while
the comparison is playing, that execution trains one chunk of epochs. So clicking Train and
calling `at.run()` until the lab's LiveSession reports done trains deterministically to the end
(`train_to_end`), and Step trains exactly one epoch per click.
"""
import json
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from regcore import LIMITS, Config
from ui import keys, lab_settings, upload
from ui.controls import DEFAULT_PENALTY_STRENGTH
from ui.presets import CUSTOM, PRESETS
from ui.theme import RUN_COLORS
from ui.urlcodec import MAX_RUNS, configs_from_query, lab_query

APP = str(Path(__file__).resolve().parents[1] / "app.py")
DATA_WIDGETS = [("selectbox", "data_dataset"), ("number_input", "data_n_samples"),
                ("slider", "data_noise"), ("slider", "data_label_noise"),
                ("slider", "data_val_fraction"), ("toggle", "data_scale"),
                ("number_input", "data_seed")]
RUN_WIDGETS = [("text_input", "hidden"), ("selectbox", "activation"), ("selectbox", "init"),
               ("selectbox", "norm"), ("slider", "dropout"), ("selectbox", "penalty"),
               ("select_slider", "penalty_strength"), ("selectbox", "optimizer"),
               ("select_slider", "lr"), ("select_slider", "weight_decay"),
               ("number_input", "batch_size"), ("number_input", "epochs"),
               ("toggle", "early_stopping"), ("number_input", "patience"),
               ("number_input", "min_delta"), ("selectbox", "monitor"),
               ("number_input", "start_from_epoch"), ("checkbox", "restore_best")]


def lab(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name.replace("__", ".")] = value
    return at.run()


def configs(at: AppTest) -> tuple[Config, ...]:
    return at.session_state[keys.LAB_CONFIGS]


def open_run(at: AppTest, name: str) -> AppTest:
    """Open run `name`'s tab (what clicking it does): only the open tab draws its controls."""
    at.session_state[keys.RUN_TAB] = lab_settings.run_tab_label(name)
    return at.run()


def set_epochs(at: AppTest, epochs: int) -> AppTest:
    for name in names(at):
        open_run(at, name).number_input(key=keys.run_key(name, "epochs")).set_value(epochs).run()
    return at


def names(at: AppTest) -> tuple[str, ...]:
    return lab_settings.lab_names(at.session_state)


def live(at: AppTest):
    return at.session_state[keys.live_key(keys.LIVE_KEY)]


def summary_rows(at: AppTest) -> list[str]:
    """The run names heading the rows of the summary table on the page."""
    tables = [e.proto.body for e in at.get("html") if "reglab-summary" in e.proto.body]
    assert len(tables) == 1
    return re.findall(r"<tr><th>([^<]*)</th>", tables[0].split("<tbody>")[1])


def progress_html_of(at: AppTest) -> str:
    """The live bar's progress grid (ui.progress) on the page."""
    bars = [e.proto.body for e in at.get("html") if "reglab-progress'" in e.proto.body]
    assert len(bars) == 1
    return bars[0]


def progress_shares(at: AppTest) -> list[float]:
    """Each run's epochs trained / epochs in all, as its progressbar tells them."""
    return [int(now) / int(top) for top, now in re.findall(
        r"aria-valuemax='(\d+)' aria-valuenow='(\d+)'", progress_html_of(at))]


def train_to_end(at: AppTest, max_runs: int = 50) -> AppTest:
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    for _ in range(max_runs):
        if live(at).done:
            return at.run()  # the run after the end draws the page without ticking
        at.run()
    raise AssertionError("training did not end")


@pytest.fixture
def at() -> AppTest:
    return lab()


def test_lab_loads_without_exception(at):
    assert not at.exception
    assert at.title[0].value == "Regularization Lab"


def test_data_and_run_controls_are_present(at):
    others = [("button", keys.NEW_SAMPLE), ("file_uploader", keys.CSV_UPLOAD),
              ("selectbox", keys.PRESET), ("toggle", keys.PRESENTER)]
    for kind, key in DATA_WIDGETS + others:
        getattr(at, kind)(key=key)  # KeyError if the widget is missing
    for name in "AB":
        open_run(at, name)
        for kind, field in RUN_WIDGETS:
            getattr(at, kind)(key=keys.run_key(name, field))


def test_two_runs_by_default(at):
    assert len(configs(at)) == 2
    assert [t.label for t in at.tabs[:2]] == ["Run A", "Run B"]


def test_add_duplicate_and_remove_runs(at):
    open_run(at, "B").button(key=keys.run_action_key("B", "duplicate")).click().run()
    assert configs(at)[2] == configs(at)[1]
    assert at.session_state[keys.RUN_TAB] == "Run C"  # the copy's tab opens
    at.button(key=keys.ADD_RUN).click().run()
    assert len(configs(at)) == 4 == MAX_RUNS
    assert at.button(key=keys.ADD_RUN).disabled
    open_run(at, "A").button(key=keys.run_action_key("A", "remove")).click().run()
    assert len(configs(at)) == 3
    assert names(at) == ("B", "C", "D")  # the others keep their names
    assert configs(at)[0] == PRESETS["Overfitting vs dropout"][1]
    assert not at.exception


def test_add_run_copies_the_last_run(at):
    open_run(at, "B").select_slider(key=keys.run_key("B", "lr")).set_value(3e-2).run()
    at.number_input(key=keys.run_key("B", "epochs")).set_value(7).run()
    at.button(key=keys.ADD_RUN).click().run()
    assert not at.exception
    assert configs(at)[2] == configs(at)[1]
    assert (configs(at)[2].lr, configs(at)[2].epochs, configs(at)[2].dropout) == (3e-2, 7, 0.5)
    assert names(at) == ("A", "B", "C") and at.session_state[keys.RUN_TAB] == "Run C"


def three_runs_without_a(at) -> AppTest:
    """The default lab with a copy of B added as C and run A removed: runs B and C."""
    at.button(key=keys.ADD_RUN).click().run()
    open_run(at, "C").slider(key=keys.run_key("C", "dropout")).set_value(0.2).run()
    open_run(at, "A").button(key=keys.run_action_key("A", "remove")).click().run()
    return at


def chart_color(at: AppTest, trace_name: str) -> str:
    """The color of the trace `trace_name` in the lab's first chart (the loss curves)."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return next(t["line"]["color"] for t in figure["data"] if t.get("name") == trace_name)


def test_removing_run_a_keeps_b_and_c_their_names_and_colors(at):
    three_runs_without_a(at)
    assert not at.exception
    assert names(at) == ("B", "C") and [c.dropout for c in configs(at)] == [0.5, 0.2]
    assert [t.label for t in at.tabs[:2]] == ["Run B", "Run C"]
    tab_css = next(e.proto.body for e in at.get("html") if keys.RUNS_CONTAINER in e.proto.body)
    assert f"[data-key='0'] p {{color: {RUN_COLORS[1]}" in tab_css  # B's red, not A's blue
    assert list(at.table[0].value.columns) == ["B", "C"]
    train_to_end(set_epochs(at, 3))
    assert summary_rows(at) == ["B", "C"]
    assert live(at).names == ("B", "C")  # the names of the history download
    assert chart_color(at, "B validation") == RUN_COLORS[1]
    assert chart_color(at, "C validation") == RUN_COLORS[2]
    bar = progress_html_of(at)
    assert f"<b style='color:{RUN_COLORS[1]}'>● B</b>" in bar


def test_a_run_added_after_a_removal_takes_the_first_free_name(at):
    three_runs_without_a(at)
    at.button(key=keys.ADD_RUN).click().run()
    assert names(at) == ("B", "C", "A")
    assert configs(at)[2] == configs(at)[1]  # a copy of the last run, C
    assert at.session_state[keys.RUN_TAB] == "Run A"


def test_a_link_keeps_the_names_of_the_runs(at):
    three_runs_without_a(at)
    query = {key: value[-1] if isinstance(value, list) else value
             for key, value in at.query_params.items()}
    assert query["names"] == "B-C" and query["C.dropout"] == "0.2"
    reopened = lab(**{key.replace(".", "__"): value for key, value in query.items()})
    assert not reopened.exception and not reopened.warning
    assert names(reopened) == ("B", "C") and configs(reopened) == configs(at)


def test_a_preset_is_recognized_only_under_the_names_its_description_uses(at):
    open_run(at, "A").button(key=keys.run_action_key("A", "duplicate")).click().run()
    open_run(at, "A").button(key=keys.run_action_key("A", "remove")).click().run()
    assert names(at) == ("C", "B")  # the same configs as the default preset, named C and B
    assert configs(at) == PRESETS["Overfitting vs dropout"]
    assert at.selectbox(key=keys.PRESET).value == CUSTOM
    at.selectbox(key=keys.PRESET).set_value("Overfitting vs dropout").run()
    assert names(at) == ("A", "B")


def test_changing_run_b_dropout_leaves_run_a_unchanged(at):
    before = configs(at)[0]
    open_run(at, "B").slider(key=keys.run_key("B", "dropout")).set_value(0.25).run()
    assert configs(at)[1].dropout == 0.25
    assert configs(at)[0] == before


def test_picking_a_penalty_gives_it_a_strength_and_lambda_zero_says_it_applies_none(at):
    open_run(at, "B").selectbox(key=keys.run_key("B", "penalty")).set_value("l1").run()
    assert configs(at)[1].penalty == "l1"
    assert configs(at)[1].penalty_strength == DEFAULT_PENALTY_STRENGTH
    at.select_slider(key=keys.run_key("B", "penalty_strength")).set_value(0.0).run()
    assert any("λ = 0: no penalty is applied" in c.value for c in at.caption)
    assert configs(at)[1].penalty_strength == 0.0  # chosen on purpose: kept


def test_a_link_with_a_penalty_at_lambda_zero_keeps_both():
    at = lab(runs="1", **{"A.penalty": "l2", "A.penalty_strength": "0"})
    assert (configs(at)[0].penalty, configs(at)[0].penalty_strength) == ("l2", 0.0)


def test_diff_view_lists_exactly_the_differing_fields(at):
    open_run(at, "B").selectbox(key=keys.run_key("B", "penalty")).set_value("l2").run()
    at.select_slider(key=keys.run_key("B", "penalty_strength")).set_value(1e-3).run()
    diff = at.table[0].value
    assert set(diff.index) == {"dropout", "penalty", "strength λ"}
    assert list(diff.columns) == ["A", "B"]
    assert diff.loc["penalty", "B"] == "l2"


def test_history_download_is_offered_once_training_stops(at):
    set_epochs(at, 5)
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    assert at.download_button(key=keys.DOWNLOAD_HISTORY).disabled
    at.button(key=keys.live_key(keys.LIVE_KEY, "pause")).click().run()
    assert not at.download_button(key=keys.DOWNLOAD_HISTORY).disabled


def test_train_with_few_epochs_shows_charts_and_a_summary_row_per_run(at):
    train_to_end(set_epochs(at, 5))
    assert not at.exception
    assert len(at.get("plotly_chart")) > 0
    assert summary_rows(at) == ["A", "B"]
    assert progress_shares(at) == [1.0, 1.0]
    assert at.button(key=keys.live_key(keys.LIVE_KEY, "pause")).disabled  # nothing to pause


@pytest.mark.parametrize("change", ["add", "remove", "preset"])
def test_changing_the_number_of_runs_after_training_keeps_the_trained_runs_on_screen(at, change):
    train_to_end(set_epochs(at, 3))
    if change == "add":
        at.button(key=keys.ADD_RUN).click().run()
    elif change == "remove":
        open_run(at, "B").button(key=keys.run_action_key("B", "remove")).click().run()
    else:
        at.selectbox(key=keys.PRESET).set_value("How strong? L2 from none to too much").run()
    assert not at.exception
    assert len(configs(at)) != 2  # the settings changed ...
    assert summary_rows(at) == ["A", "B"]  # ... the summary shows what trained
    assert progress_shares(at) == [1.0, 1.0]
    assert not at.download_button(key=keys.DOWNLOAD_HISTORY).disabled


def test_step_trains_one_epoch_at_a_time(at):
    step = keys.live_key(keys.LIVE_KEY, "step")
    at.button(key=step).click().run()
    at.button(key=step).click().run()
    assert live(at).playback.epochs == [2, 2]
    assert not live(at).playing


def test_pause_stops_training_mid_run(at):
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    at.button(key=keys.live_key(keys.LIVE_KEY, "pause")).click().run()
    epochs = live(at).playback.epochs
    at.run().run()
    assert live(at).playback.epochs == epochs
    assert 0 < epochs[0] < configs(at)[0].epochs


def test_a_setting_changed_mid_run_pauses_and_says_so(at):
    at.button(key=keys.live_key(keys.LIVE_KEY, "train")).click().run()
    open_run(at, "B").slider(key=keys.run_key("B", "dropout")).set_value(0.1).run()
    assert not at.exception
    assert not live(at).playing
    assert any("Settings changed" in info.value for info in at.info)
    train_button = at.button(key=keys.live_key(keys.LIVE_KEY, "train"))
    train_button.click().run()
    assert live(at).configs[1].dropout == 0.1  # Train applied the new settings


def test_invalid_setting_is_shown_next_to_the_run_and_blocks_training(at):
    open_run(at, "B").text_input(key=keys.run_key("B", "hidden")).input("64, wide").run()
    assert not at.exception
    assert any("Run B cannot train" in error.value for error in at.error)
    assert keys.live_key(keys.LIVE_KEY, "train") not in [b.key for b in at.button]
    assert configs(at)[1].hidden == (128, 128)  # the last valid settings are kept


def test_a_hidden_layers_error_describes_the_format_the_field_shows(at):
    field = open_run(at, "B").text_input(key=keys.run_key("B", "hidden"))
    assert field.value == "128, 128"
    field.input("64; 64").run()
    message = next(e.value for e in at.error if "Run B cannot train" in e.value)
    assert "separated by commas, such as 64, 64" in message and "'64; 64'" in message
    assert "64-64" not in message and "'linear'" not in message
    at.text_input(key=keys.run_key("B", "hidden")).input("64, 32").run()
    assert configs(at)[1].hidden == (64, 32)  # the format the message asks for is accepted


def test_the_uploader_states_the_csv_cap_it_enforces(at):
    uploader = at.file_uploader(key=keys.CSV_UPLOAD)
    assert upload.size_cap() == LIMITS.max_csv_bytes  # 10 MB unless the operator changed it
    shown_mb = uploader.proto.max_upload_size_mb  # Streamlit shows "10MB per file" (MiB)
    assert (shown_mb - 1) * 2**20 < LIMITS.max_csv_bytes <= shown_mb * 2**20
    assert f"{LIMITS.max_csv_bytes / 1e6:g} MB" in uploader.proto.help
    too_big = b"a,b\n" + b"1,0\n" * (LIMITS.max_csv_bytes // 4)
    message = upload.accept_csv({}, "big.csv", too_big, Config())
    assert "big.csv was not loaded" in message and f"{LIMITS.max_csv_bytes} bytes" in message


def test_a_lower_server_upload_limit_is_the_cap_the_uploader_states(monkeypatch):
    monkeypatch.setattr(upload.streamlit_config, "get_option", lambda name: 2)  # 2 MiB
    assert upload.size_cap() == 2 * 2**20 and upload.uploader_limit_mb() == 2


def test_the_server_accepts_every_upload_the_csv_cap_allows():
    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 >= LIMITS.max_csv_bytes


CSV_OK = "a,b,label\n" + "\n".join(f"{i},{i % 3},{i % 2}" for i in range(30))
CSV_BAD = CSV_OK.replace("4,1,0", "4,x,0")  # row 6 holds a word in a feature column


def test_uploaded_csv_becomes_the_data_of_every_run(at):
    at.file_uploader(key=keys.CSV_UPLOAD).upload("mine.csv", CSV_OK.encode(), "text/csv").run()
    assert not at.exception
    assert {config.dataset for config in configs(at)} == {"custom"}
    assert at.selectbox(key=keys.CSV_TARGET).value == "label"
    train_to_end(set_epochs(at, 2))
    assert live(at).playback.recording.latest[0].data.n_features == 2


def test_an_uploaded_csv_gets_a_held_out_test_split_like_the_built_in_sets(at):
    at.file_uploader(key=keys.CSV_UPLOAD).upload("mine.csv", CSV_OK.encode(), "text/csv").run()
    at.slider(key=keys.data_key("test_fraction")).set_value(0.2).run()
    assert not at.exception
    assert {config.test_fraction for config in configs(at)} == {0.2}
    data = upload.csv_dataset(at.session_state, upload.csv_split(at.session_state))[0]
    assert data.n_test == 6 and data.n_train + data.n_val + data.n_test == 30
    assert any("6 held-out test" in caption.value for caption in at.caption)


def test_the_chosen_target_survives_a_visit_to_another_page():
    state = {}
    upload.accept_csv(state, "mine.csv", CSV_OK.encode(), Config())
    upload.csv_dataset(state, upload.csv_split(state)._replace(target="b"))  # "b" chosen
    del state[keys.CSV_TARGET]  # Streamlit forgets a widget's value while another page is open
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert at.selectbox(key=keys.CSV_TARGET).value == "b"
    assert upload.csv_split(at.session_state)[0] == "b"


def test_bad_csv_shows_an_error_and_keeps_the_previous_data(at):
    at.file_uploader(key=keys.CSV_UPLOAD).upload("bad.csv", CSV_BAD.encode(), "text/csv").run()
    assert not at.exception
    assert any("bad.csv was not loaded" in error.value and "'x'" in error.value
               for error in at.error)
    assert configs(at) == PRESETS["Overfitting vs dropout"]


def test_csv_handler_keeps_the_previous_data_on_error():
    state = {}
    assert upload.accept_csv(state, "ok.csv", CSV_OK.encode(), Config()) is None
    data_before = state[keys.CSV_DATASET]
    message = upload.accept_csv(state, "bad.csv", CSV_BAD.encode(), Config())
    assert "non-numeric value 'x'" in message
    assert state[keys.CSV_DATASET] is data_before and state[keys.CSV_DATA]["name"] == "ok.csv"


def test_query_params_reproduce_the_configs():
    wanted = [Config(dataset="circles", noise=0.1, hidden=(32,), epochs=30),
              Config(dataset="circles", noise=0.1, hidden=(32,), epochs=30, penalty="l1",
                     penalty_strength=1e-4),
              Config(dataset="circles", noise=0.1, hidden=(32,), epochs=30, norm="layer")]
    at = lab(**{k.replace(".", "__"): v for k, v in lab_query(wanted).items()})
    assert not at.exception
    assert list(configs(at)) == wanted
    assert configs_from_query(dict(at.query_params)) == wanted


def test_a_changed_setting_is_written_to_the_url(at):
    at.slider(key=keys.run_key("A", "dropout")).set_value(0.2).run()
    assert at.query_params["A.dropout"] in ("0.2", ["0.2"])


def test_bad_query_param_is_ignored_with_a_warning():
    at = lab(A__dropout="2", B__lr="0.05")
    assert not at.exception
    assert any("'A.dropout'" in warning.value for warning in at.warning)
    assert configs(at)[0].dropout == 0.0 and configs(at)[1].lr == 0.05


def test_preset_loads_its_configs(at):
    at.selectbox(key=keys.PRESET).set_value("L1 vs L2").run()
    assert configs(at) == PRESETS["L1 vs L2"]
    assert at.selectbox(key=keys.data_key("dataset")).value == "noisy_features"
    assert open_run(at, "B").selectbox(key=keys.run_key("B", "penalty")).value == "l1"


def test_presenter_mode_hides_advanced_controls_and_keeps_their_values(at):
    at.toggle(key=keys.PRESENTER).set_value(True).run()
    shown = {w.key for w in at.main if getattr(w, "key", None)}
    assert keys.run_key("A", "batch_size") not in shown
    assert keys.run_key("A", "dropout") in shown and keys.run_key("A", "penalty") in shown
    assert configs(at) == PRESETS["Overfitting vs dropout"]
    assert at.query_params["presenter"] in ("1", ["1"])


def test_l1_ratio_is_offered_only_for_elastic_net(at):
    assert at.slider(key=keys.run_key("A", "l1_ratio")).disabled
    at.selectbox(key=keys.run_key("A", "penalty")).set_value("elasticnet").run()
    at.slider(key=keys.run_key("A", "l1_ratio")).set_value(0.8).run()
    assert configs(at)[0].l1_ratio == 0.8


def test_presenter_mode_shows_the_l1_ratio_only_for_elastic_net(at):
    at.toggle(key=keys.PRESENTER).set_value(True).run()
    assert keys.run_key("A", "l1_ratio") not in [s.key for s in at.slider]
    at.selectbox(key=keys.run_key("A", "penalty")).set_value("elasticnet").run()
    assert not at.slider(key=keys.run_key("A", "l1_ratio")).disabled


def test_new_sample_draws_a_new_seed_for_every_run(at):
    at.button(key=keys.NEW_SAMPLE).click().run()
    seeds = {config.seed for config in configs(at)}
    assert len(seeds) == 1 and seeds != {0}


def test_reset_discards_the_runs(at):
    at.button(key=keys.live_key(keys.LIVE_KEY, "step")).click().run()
    assert live(at).runs is not None
    at.button(key=keys.live_key(keys.LIVE_KEY, "reset")).click().run()
    assert live(at).runs is None and not live(at).started


def test_a_regression_set_trains_without_accuracy(at):
    at.selectbox(key=keys.data_key("dataset")).set_value("diabetes").run()
    train_to_end(set_epochs(at, 3))
    assert not at.exception
    assert summary_rows(at) == ["A", "B"]


def test_an_engine_refusal_is_shown_as_an_error_not_raised(at):
    at.selectbox(key=keys.data_key("dataset")).set_value("diabetes").run()
    at.toggle(key=keys.run_key("A", "early_stopping")).set_value(True).run()
    at.selectbox(key=keys.run_key("A", "monitor")).set_value("val_acc").run()
    assert not at.exception
    assert any("Cannot train these runs" in error.value and "val_acc" in error.value
               for error in at.error)


def test_a_link_with_one_run_opens_a_lab_of_one_run():
    at = lab(runs="1", A__dropout="0.3")
    assert not at.exception
    assert [config.dropout for config in configs(at)] == [0.3]
    assert at.button(key=keys.run_action_key("A", "remove")).disabled


def test_every_chart_tab_draws_and_options_survive_a_tab_switch(at):
    train_to_end(set_epochs(at, 3))
    at.slider(key=keys.VIEW_SMOOTHING).set_value(0.5).run()
    for tab in ("Accuracy", "Penalty", "Weights", "Network", "Decision boundary"):
        at.session_state[keys.VIEW_TAB] = tab  # what clicking the tab does
        at.run()
        assert not at.exception, tab
        assert len(at.get("plotly_chart")) >= 1, tab
    at.session_state[keys.VIEW_TAB] = "Network"
    layouts = [json.loads(chart.proto.spec)["layout"] for chart in at.run().get("plotly_chart")]
    titles = [layout["title"]["text"] for layout in layouts if "title" in layout]  # not the maps
    assert [title.split(":")[0] for title in titles] == ["A", "B"]  # one diagram per run
    at.session_state[keys.VIEW_TAB] = "Loss"
    assert at.run().slider(key=keys.VIEW_SMOOTHING).value == 0.5


def test_valid_extremes_from_a_link_fit_the_widgets():
    at = lab(label_noise="0.49", noise="3", A__dropout="0.95", A__optimizer="momentum",
             A__momentum="0.995", A__patience="5000", A__min_delta="50", A__lr="0.0007",
             B__penalty="elasticnet", B__penalty_strength="0.003", B__weight_decay="30")
    assert not at.exception
    assert not at.warning
    a, b = configs(at)
    assert (a.dropout, a.momentum, a.patience, a.min_delta, a.lr) == (0.95, 0.995, 5000, 50, 0.0007)
    assert (b.penalty_strength, b.weight_decay, b.label_noise) == (0.003, 30, 0.49)


def test_a_link_to_an_uploaded_csv_falls_back_to_built_in_data_with_a_warning():
    at = lab(dataset="custom", B__dropout="0.4")
    assert not at.exception
    assert any("uploaded CSV" in warning.value for warning in at.warning)
    assert {config.dataset for config in configs(at)} == {"moons"}
    assert configs(at)[1].dropout == 0.4


def test_chunk_aims_at_the_tick_budget_and_grows_at_most_fourfold():
    from ui.shared_training import MAX_CHUNK, TICK_SECONDS, next_chunk
    assert next_chunk(100, 2 * TICK_SECONDS) == 50
    assert next_chunk(10, TICK_SECONDS / 100) == 40
    assert next_chunk(1, 100.0) == 1
    assert next_chunk(MAX_CHUNK, TICK_SECONDS / 100) == MAX_CHUNK


def test_equal_data_built_twice_counts_as_the_same_data():
    from regcore import make_dataset
    from ui.live import fingerprint
    first, again = make_dataset("moons", 100, seed=1), make_dataset("moons", 100, seed=1)
    assert first is not again and fingerprint(first) == fingerprint(again)
    assert fingerprint(make_dataset("moons", 100, seed=2)) != fingerprint(first)


def test_data_that_differs_only_in_its_held_out_test_rows_counts_as_other_data():
    from dataclasses import replace
    from regcore import make_dataset
    from ui.live import fingerprint
    data = make_dataset("moons", 100, seed=1, test_fraction=0.2)
    other = replace(data, y_test=1 - data.y_test)
    assert fingerprint(other) != fingerprint(data)


def test_penalty_tab_shares_the_loss_charts_log_scale(at):
    train_to_end(set_epochs(at, 3))
    at.toggle(key=keys.VIEW_LOG_Y).set_value(True).run()
    at.session_state[keys.VIEW_TAB] = "Penalty"
    at.run()
    assert at.toggle(key=keys.VIEW_LOG_Y).value is True
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["yaxis"]["type"] == layout["yaxis2"]["type"] == "log"
    at.toggle(key=keys.VIEW_LOG_Y).set_value(False).run()
    at.session_state[keys.VIEW_TAB] = "Loss"
    layout = json.loads(at.run().get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["yaxis"]["type"] == "linear"


def test_lab_charts_are_drawn_in_the_figures_own_style_as_in_the_lessons(at):
    train_to_end(set_epochs(at, 3))
    for chart in at.get("plotly_chart"):
        assert chart.proto.theme != "streamlit"
        assert "lasso2d" in json.loads(chart.proto.config)["modeBarButtonsToRemove"]
