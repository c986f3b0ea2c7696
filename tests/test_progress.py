"""The live bar's progress grid (ui.progress): one cell a run with its name in its color, its
state, its epochs as text, as a filled bar and as a progressbar's values, and its note."""
from ui.progress import ProgressRow, progress_html


def test_each_run_has_a_cell_with_its_name_state_epochs_bar_and_note():
    html = progress_html([ProgressRow("A", "#1f77b4", "running", 30, 120),
                          ProgressRow("B", "#d62728", "stopped early", 45, 120,
                                      "stopped early at epoch 45")])
    assert "repeat(2, minmax(0, 1fr))" in html
    assert "<b style='color:#1f77b4'>● A</b> <span class='state'>running</span>" in html
    assert "epoch 30 of 120" in html and "width:25.0%" in html
    assert "aria-valuemax='120' aria-valuenow='45'" in html and "width:37.5%" in html
    assert html.count("class='note'") == 1 and "stopped early at epoch 45" in html


def test_names_and_notes_are_shown_as_text_not_markup():
    html = progress_html([ProgressRow("<i>A</i>", "#000", "ready", 0, 10, "a < b")])
    assert "<i>" not in html and "&lt;i&gt;A&lt;/i&gt;" in html and "a &lt; b" in html
