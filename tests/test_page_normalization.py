"""The batch- and layer-normalization pages train their experiments and show "what to notice"
sentences computed from the runs on screen; their figures draw what they are given."""
import pandas as pd
import pytest

from lesson_pages import bullets, open_page, shown_sentences, train
from regcore.lessons import batch_norm as bn_lesson
from regcore.lessons import layer_norm as ln_lesson
from ui.keys import page_key
from ui.plots.normalization import (across_batches_figure, batch_dependence_figure,
                                    batch_mismatch_figure, gamma_beta_figure)

def test_batch_norm_page_trains_both_experiments_and_traces_gamma_and_beta():
    at = open_page("5_Batch_normalization.py")
    assert at.select_slider(key=page_key("batch_norm", "lr")).value == bn_lesson.UNSCALED.lr
    runs = train(at, "batch_norm", bn_lesson.UNSCALED.epochs)
    speed = bn_lesson.speed_sentences(*bn_lesson.speed_outcomes(runs, ["no normalization",
                                                                       "BatchNorm"]))
    assert bullets(speed) in shown_sentences(at)
    assert "batchnorm1 after 40 epochs" in shown_sentences(at)
    assert any("equal those of the BatchNorm run" in c.value for c in at.caption)

    batch_runs = train(at, "batch_norm_batches", bn_lesson.BATCH_EPOCHS)
    names = [f"batch {b}" for b in bn_lesson.SMALL_BATCHES]
    mismatch = bn_lesson.batch_sentences(bn_lesson.batch_outcomes(batch_runs, names))
    assert bullets(mismatch) in shown_sentences(at)
    assert len(at.get("plotly_chart")) >= 5

def test_layer_norm_page_trains_both_experiments():
    at = open_page("6_Layer_normalization.py")
    assert "LayerNorm: the same sample in batches of 2, 8, 64 changes its normalized output by " \
           "up to 0 — the same output whatever the batch." in shown_sentences(at)
    runs = train(at, "layer_norm", bn_lesson.UNSCALED.epochs)
    speed = bn_lesson.speed_sentences(*bn_lesson.speed_outcomes(runs, ["no normalization",
                                                                       "LayerNorm"]))
    assert bullets(speed) in shown_sentences(at)

    across = train(at, "layer_norm_across", ln_lesson.COMPARED_EPOCHS)
    names = [bn_lesson.batch_name(c) for c in ln_lesson.bn_vs_ln_configs()]
    expected = ln_lesson.across_sentences(ln_lesson.measure_runs(across, names))
    assert bullets(expected) in shown_sentences(at)
    assert len(at.get("plotly_chart")) >= 5

def test_layer_norm_page_runs_the_study_over_more_batch_sizes():
    at = open_page("6_Layer_normalization.py")
    at.slider(key=page_key("layer_norm_across", "seeds")).set_value(1).run()
    at.button(key=page_key("layer_norm_across", "study")).click().run()
    assert not at.exception
    _, study = at.session_state[page_key("layer_norm_across", "study_results")]
    assert sorted(study["batch_size"].unique()) == list(ln_lesson.COMPARED_BATCHES)
    assert set(study["norm"]) == {"batch", "layer"} and set(study["seed"]) == {0}
    assert bullets(ln_lesson.across_sentences(study)) in shown_sentences(at)

def test_batch_norm_page_repeats_the_comparison_over_seeds():
    at = open_page("5_Batch_normalization.py")
    at.button(key=page_key("batch_norm", "repeat")).click().run()
    assert not at.exception
    _, results = at.session_state[page_key("batch_norm", "seed_results")]
    assert set(results["seed"]) == {0, 1, 2}
    assert bullets(bn_lesson.speed_seed_sentences(results)) in shown_sentences(at)

@pytest.mark.parametrize("page, key", [("5_Batch_normalization.py", "batch_norm_batches"),
                                       ("6_Layer_normalization.py", "layer_norm_across")])
def test_batch_size_experiments_ask_for_two_sizes(page, key):
    at = open_page(page)
    at.multiselect(key=page_key(key, "sizes")).set_value([8]).run()
    assert not at.exception
    assert any("two batch sizes" in w.value for w in at.warning)

def test_gamma_beta_figure_draws_every_unit_and_the_mean():
    trace = pd.DataFrame({"epoch": [0, 0, 1, 1], "layer": ["batchnorm1"] * 4,
                          "unit": [0, 1, 0, 1], "gamma": [1, 1, 1.1, 0.9],
                          "beta": [0, 0, 0.1, -0.2]})
    figure = gamma_beta_figure(trace, "batchnorm1")
    assert len(figure.data) == 2 * (2 + 1)
    assert list(figure.data[2].y) == [1.0, 1.0]           # mean γ per epoch
    missing = gamma_beta_figure(trace, "batchnorm2")
    assert "No batchnorm2" in missing.layout.annotations[0].text

def test_batch_mismatch_figure_shows_percentages_and_losses():
    outcomes = [bn_lesson.BatchOutcome("batch 2", 2, 5, 0.5, 0.8, 0.25, 0.2),
                bn_lesson.BatchOutcome("batch 64", 64, 5, 0.2, 0.9, 0.05, 0.04)]
    left, right = batch_mismatch_figure(outcomes).data
    assert list(left.y) == [25.0, 5.0] and list(right.y) == [0.5, 0.2]

def test_batch_dependence_figure_has_one_line_per_batch_size_and_norm():
    frame = ln_lesson.batch_dependence(batch_sizes=(2, 16), n_features=3)
    lines = batch_dependence_figure(frame).data
    assert len(lines) == 4 and all(len(line.y) == 3 for line in lines)

def test_across_batches_figure_shows_whiskers_only_over_several_seeds():
    rows = [{"seed": seed, "norm": norm, "batch_size": size, "final_val_loss": 0.1 * size + seed,
             "disagreement": 0.0} for seed in (0, 1) for norm in ("batch", "layer")
            for size in (2, 8)]
    several = across_batches_figure(pd.DataFrame(rows)).data
    one = across_batches_figure(pd.DataFrame(rows[:4])).data
    assert several[0].error_y.visible and not one[0].error_y.visible
    assert list(several[0].y) == pytest.approx([0.7, 1.3])
