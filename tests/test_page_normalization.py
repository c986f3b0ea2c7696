"""The batch- and layer-normalization pages train their experiments and show "what to notice"
sentences computed from the runs on screen; their figures draw what they are given."""
import pandas as pd
import pytest

from lesson_pages import bullets, open_page, shown_sentences, train
from regcore.lessons import batch_norm as bn_lesson
from regcore.lessons import layer_norm as ln_lesson
from ui.keys import page_key
from ui.plots.normalization import (across_batches_figure, batch_dependence_figure,
                                    gamma_beta_figure)

def test_batch_norm_page_trains_both_experiments_and_traces_gamma_and_beta():
    at = open_page("5_Batch_normalization.py")
    assert at.select_slider(key=page_key("batch_norm", "lr")).value == bn_lesson.UNSCALED.lr
    runs = train(at, "batch_norm", bn_lesson.UNSCALED.epochs)
    speed = bn_lesson.speed_sentences(*bn_lesson.speed_outcomes(runs, ["no normalization",
                                                                       "BatchNorm"]))
    assert bullets(speed) in shown_sentences(at)
    assert "batchnorm1 after 40 epochs" in shown_sentences(at)
    assert any("equal those of the BatchNorm run" in c.value for c in at.caption)

    configs = bn_lesson.batch_size_configs()
    batch_runs = train(at, "batch_norm_batches", max(c.epochs for c in configs))
    assert all(run.status == "completed" for run in batch_runs)
    names = [bn_lesson.batch_name(c) for c in configs]
    assert names[:2] == ["BatchNorm, batch 2", "no normalization, batch 2"]
    mismatch = bn_lesson.batch_sentences(bn_lesson.batch_outcomes(batch_runs, names))
    assert bullets(mismatch) in shown_sentences(at)
    assert len(at.get("plotly_chart")) >= 5

def test_layer_norm_page_trains_both_experiments():
    at = open_page("6_Layer_normalization.py")
    assert "LayerNorm: the same sample in batches of 2, 8, 64 gets the same normalized output " \
           "in every batch" in shown_sentences(at)
    runs = train(at, "layer_norm", bn_lesson.UNSCALED.epochs)
    speed = bn_lesson.speed_sentences(*bn_lesson.speed_outcomes(runs, ["no normalization",
                                                                       "LayerNorm"]))
    assert bullets(speed) in shown_sentences(at)

    configs = ln_lesson.bn_vs_ln_configs()
    across = train(at, "layer_norm_across", max(c.epochs for c in configs))
    names = [bn_lesson.batch_name(c) for c in configs]
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
    assert set(study["norm"]) == {"batch", "layer", "none"} and set(study["seed"]) == {0}
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

def test_batch_outcomes_draw_as_grouped_bars_per_normalization():
    outcomes = [bn_lesson.BatchOutcome("BN 2", "batch", 2, 400, 0.5, 0.8, 0.25, 0.2),
                bn_lesson.BatchOutcome("none 2", "none", 2, 400, 0.3, 0.8, 0.0, 0.0),
                bn_lesson.BatchOutcome("BN 64", "batch", 64, 399, 0.2, 0.9, 0.05, 0.04),
                bn_lesson.BatchOutcome("none 64", "none", 64, 399, 0.25, 0.9, 0.0, 0.0)]
    bars = across_batches_figure(bn_lesson.outcome_table(outcomes)).data
    loss = {bar.name: list(bar.y) for bar in bars if bar.xaxis == "x"}
    mismatch = {bar.name: list(bar.y) for bar in bars if bar.xaxis == "x2"}
    assert loss == {"BatchNorm": [0.5, 0.2], "no normalization": [0.3, 0.25]}
    assert mismatch == {"BatchNorm": [25.0, 5.0], "no normalization": [0.0, 0.0]}


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
