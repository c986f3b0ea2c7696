"""The early-stopping page trains its preset and tables each patience; its figures checked on
small inputs."""
import numpy as np
import pandas as pd

from lesson_pages import bullets, open_page, shown_sentences, train
from regcore.lessons import early_stopping
from ui.keys import page_key
from ui.plots.early_stopping import ending_losses_figure, patience_figure

def test_early_stopping_page_trains_its_preset_and_tables_each_patience():
    at = open_page("2_Early_stopping.py")
    assert at.select_slider(key=page_key("early_stopping", "patience")).value == \
        early_stopping.DEFAULT_PATIENCE
    runs = train(at, "early_stopping", early_stopping.overfitting_config().epochs)
    assert [run.status for run in runs] == ["completed", "early_stopped", "early_stopped"]
    assert bullets(early_stopping.sentences(early_stopping.outcome(runs))) in shown_sentences(at)
    assert len(at.get("plotly_chart")) == 3  # loss, ending losses, patience table

    at.slider(key=page_key("early_stopping", "what_if")).set_value(7).run()
    assert not at.exception
    table = early_stopping.patience_table(runs[0], sorted({*early_stopping.PATIENCES, 7}))
    assert early_stopping.table_sentence(table) in shown_sentences(at)
    shown = at.dataframe[0].value
    assert list(shown.columns) == ["best", "stops", "saved", "kept (restore)", "kept (last)",
                                   "test loss (restore)"]
    np.testing.assert_array_equal(shown.index, table["patience"])  # 7 among them
    np.testing.assert_allclose(shown.to_numpy(dtype=float),  # every number of the table
                               table.drop(columns="patience").to_numpy(dtype=float))
    assert "held-out test rows, which chose nothing" in shown_sentences(at)

def test_early_stopping_page_waits_for_train_after_a_new_patience():
    at = open_page("2_Early_stopping.py")
    train(at, "early_stopping", 3)
    at.select_slider(key=page_key("early_stopping", "patience")).set_value(40).run()
    assert not at.exception
    assert any("Settings changed" in info.value for info in at.info)

def test_patience_figure_labels_stops_and_outlines_the_chosen_patience():
    table = pd.DataFrame({"patience": [5, 10], "best_epoch": [3, 8], "stopped_epoch": [8, np.nan],
                          "epochs_saved": [12, 0], "val_loss_restored": [0.5, 0.4],
                          "val_loss_last": [0.6, 0.45]})
    figure = patience_figure(table, chosen=10)
    restored, last = figure.data
    assert list(restored.x) == ["5<br>stops at 8", "10<br>runs to the end"]
    assert list(restored.y) == [0.5, 0.4] and list(last.y) == [0.6, 0.45]
    assert list(restored.marker.line.width) == [0, 3]

def test_ending_losses_figure_has_one_bar_per_run():
    figure = ending_losses_figure(["A", "B"], [0.6, 0.4])
    assert list(figure.data[0].x) == [0.6, 0.4] and list(figure.data[0].y) == ["A", "B"]
