"""Lessons on the visitor's own data: a CSV uploaded on a lesson page or in the lab trains the
lesson's experiment (L1/L2, early stopping, dropout), under Streamlit's AppTest."""
import pytest
from streamlit.testing.v1 import AppTest

from regcore import Config
from tests.lesson_pages import PAGES, open_page, train
from ui import keys
from ui.keys import live_key, page_key
from ui.own_data import OwnData
from ui.upload import accept_csv

# 60 rows: two features, a 0/1 label and a numeric score (a regression target).
CSV = "a,b,label,score\n" + "\n".join(f"{i},{(i * 7) % 5},{i % 2},{i * 0.5 + (i % 3)}"
                                      for i in range(60))
CSV_BAD = CSV.replace("\n4,", "\n4x,", 1)       # a word in row 6
LESSONS = [("1_L1_and_L2.py", "sparsity"), ("2_Early_stopping.py", "early_stopping"),
           ("4_Dropout.py", "dropout")]


def upload(at: AppTest, page: str, name: str = "mine.csv", text: str = CSV) -> AppTest:
    at.file_uploader(key=page_key(page, "csv_upload")).upload(name, text.encode(),
                                                              "text/csv").run()
    assert not at.exception
    return at


def live_data(at: AppTest, page: str):
    return at.session_state[live_key(page)].data


@pytest.mark.parametrize("script, page", LESSONS)
def test_a_csv_uploaded_on_a_lesson_trains_its_experiment(script, page):
    at = upload(open_page(script), page)
    assert at.toggle(key=page_key(page, "use_own_data")).value is True
    runs = train(at, page, 2)
    assert {run.config.dataset for run in runs} == {"custom"}
    assert all(run.data.n_features == 3 and run.data.n_train + run.data.n_val == 60
               for run in runs)
    assert all(len(run.history) == 2 for run in runs)
    assert any("mine.csv (target 'score')" in caption.value for caption in at.caption)


def test_a_bad_csv_on_a_lesson_shows_where_and_keeps_the_preset():
    at = upload(open_page("2_Early_stopping.py"), "early_stopping", "bad.csv", CSV_BAD)
    assert any("bad.csv was not loaded" in error.value and "row 6" in error.value
               for error in at.error)
    assert keys.CSV_DATA not in at.session_state
    assert live_data(at, "early_stopping") is None  # the preset's own data (moons)
    assert train(at, "early_stopping", 1)[0].config.dataset == "moons"


def test_a_csv_uploaded_in_the_lab_is_offered_to_a_lesson_but_off_until_chosen():
    lab_state = {}
    assert accept_csv(lab_state, "lab.csv", CSV.encode(), Config()) is None
    at = AppTest.from_file(str(PAGES / "1_L1_and_L2.py"), default_timeout=120)
    for key, value in lab_state.items():
        at.session_state[key] = value
    at.run()
    use = at.toggle(key=page_key("sparsity", "use_own_data"))
    assert use.value is False
    assert live_data(at, "sparsity") is None
    use.set_value(True).run()
    assert live_data(at, "sparsity").feature_names == ("a", "b", "label")


def test_choosing_another_target_on_a_lesson_splits_the_table_again():
    at = upload(open_page("2_Early_stopping.py"), "early_stopping")
    assert live_data(at, "early_stopping").task == "regression"
    at.selectbox(key=page_key("early_stopping", "csv_target")).select("label").run()
    assert not at.exception
    data = live_data(at, "early_stopping")
    assert data.task == "classification" and data.feature_names == ("a", "b", "score")
    assert at.session_state[keys.CSV_DATA]["target"] == "label"


def test_a_regression_target_on_the_dropout_lesson_trains_and_explains_what_it_cannot_show():
    at = upload(open_page("4_Dropout.py"), "dropout")
    runs = train(at, "dropout", 3)
    assert all(run.data.task == "regression" and len(run.history) == 3 for run in runs)
    info = " ".join(element.value for element in at.info)
    assert "needs a class column" in info
    assert any("Decision boundaries need 2-D" in caption.value for caption in at.caption)
    assert page_key("dropout", "ensemble_run") not in [box.key for box in at.selectbox]


def test_repeat_over_seeds_on_own_data_splits_the_table_by_each_seed(monkeypatch):
    split_seeds, split = [], OwnData.for_seed

    def spy(self, seed):
        split_seeds.append(seed)
        return split(self, seed)

    monkeypatch.setattr(OwnData, "for_seed", spy)
    at = upload(open_page("2_Early_stopping.py"), "early_stopping")
    at.slider(key=page_key("early_stopping", "seeds")).set_value(2).run()
    at.button(key=page_key("early_stopping", "repeat")).click().run()
    assert not at.exception and not at.error
    results = at.session_state[page_key("early_stopping", "seed_results")][1]
    assert split_seeds == [0, 1] and sorted(results["seed"].unique()) == [0, 1]


def test_a_new_file_of_the_same_name_replaces_results_of_the_old_one():
    at = upload(open_page("2_Early_stopping.py"), "early_stopping", "data.csv")
    at.slider(key=page_key("early_stopping", "seeds")).set_value(1).run()
    at.button(key=page_key("early_stopping", "repeat")).click().run()
    assert at.dataframe  # the mean ± spread table
    fixed = CSV.replace("\n4,", "\n40,", 1)
    upload(at, "early_stopping", "data.csv", fixed)
    assert not at.dataframe  # no longer shown: it was computed on the old file


def test_a_second_upload_on_a_lesson_takes_its_own_last_column_as_target():
    at = upload(open_page("4_Dropout.py"), "dropout")
    other = "x,y,kind\n" + "\n".join(f"{i},{i % 7},{'ab'[i % 2]}" for i in range(40))
    upload(at, "dropout", "other.csv", other)
    assert at.selectbox(key=page_key("dropout", "csv_target")).value == "kind"
    assert not at.error
    assert live_data(at, "dropout").feature_names == ("x", "y")


def test_a_refused_upload_is_reported_at_its_own_uploader_only():
    at = upload(open_page("2_Early_stopping.py"), "early_stopping", "bad.csv", CSV_BAD)
    assert at.error
    other = AppTest.from_file(str(PAGES / "4_Dropout.py"), default_timeout=120)
    other.session_state[keys.CSV_ERROR] = at.session_state[keys.CSV_ERROR]
    other.run()
    assert not other.error


def test_a_lesson_stays_on_own_data_after_a_visit_to_another_page():
    at = upload(open_page("4_Dropout.py"), "dropout")
    state = {key: at.session_state[key] for key in
             (keys.CSV_DATA, keys.CSV_DATASET, page_key("dropout", "own_data_on"))}
    again = AppTest.from_file(str(PAGES / "4_Dropout.py"), default_timeout=120)
    for key, value in state.items():  # the widgets' own values are gone, as after a page visit
        again.session_state[key] = value
    again.run()
    assert again.toggle(key=page_key("dropout", "use_own_data")).value is True
    assert live_data(again, "dropout").feature_names == ("a", "b", "label")
