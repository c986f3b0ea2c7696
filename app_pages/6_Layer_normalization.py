"""Lesson: layer normalization — normalizing each sample over its own features."""
import streamlit as st

from regcore.lessons import batch_norm as bn_lesson
from regcore.lessons import layer_norm as lesson
from regcore.repeat import over_seeds
from regcore.training import dataset_for
from ui.lesson import notice_box, repeat_over_seeds, seeds_control, room_control
from ui.live import live_comparison
from ui.normalization import speed_view, unscaled_base
from ui.page import page_setup
from ui.plots.curves import loss_figure
from ui.plots.normalization import across_batches_figure, batch_dependence_figure
from ui.plots.style import CHART_OPTIONS
from ui.keys import figure_key, page_key
from ui.kept import keep, kept, kept_or_throttled

PAGE = "layer_norm"
ACROSS_PAGE = "layer_norm_across"
BATCH_CHOICES = (2, 4, 8, 16, 32, 64)

page_setup("Layer normalization", ":material/straighten:")
st.title("Layer normalization")
st.markdown(
    "Layer normalization computes the same kind of statistics as batch normalization, along the "
    "other axis: **each sample is normalized over its own $H$ features** (the units of the layer), "
    "so samples are never mixed. $\\gamma$ and $\\beta$ are still one per feature.")
st.latex(r"\mu = \frac{1}{H}\sum_{j=1}^{H} x_j,\qquad "
         r"\sigma^2 = \frac{1}{H}\sum_{j=1}^{H} (x_j - \mu)^2,\qquad "
         r"\hat x_j = \frac{x_j - \mu}{\sqrt{\sigma^2 + \varepsilon}},\qquad "
         r"y_j = \gamma_j\,\hat x_j + \beta_j")
st.markdown(
    "For a batch of 16 samples with 100 features: BatchNorm computes 100 means, each over the 16 "
    "samples; LayerNorm computes 16 means, each over one sample's 100 features. LayerNorm's "
    "output for a sample therefore does not depend on the batch or its size, training and "
    "evaluation compute exactly the same thing (no running statistics), and it works with a "
    "batch of one — which is why sequence models such as Transformers use it.")


# --- experiment 1: unscaled inputs ----------------------------------------------------------------
st.header("Experiment: badly scaled inputs, with and without LayerNorm")
low, high = bn_lesson.feature_scale_span(dataset_for(bn_lesson.UNSCALED))
st.caption(f"The same data as the batch-normalization lesson: breast-cancer measurements whose "
           f"average size ranges from {low:.3g} to {high:.4g}; a 64-64 network, Adam, the same "
           f"learning rate for both runs.")
configs = lesson.unscaled_configs(unscaled_base(PAGE))
names = [bn_lesson.norm_name(c.norm) for c in configs]


room_control(PAGE, configs, names, first="epochs_to_target")
live_comparison(PAGE, configs, None, speed_view(PAGE), names=names, empty_charts=True)

with st.expander("Repeat over seeds (mean ± spread)"):
    results = repeat_over_seeds(PAGE, configs, lambda seeds: over_seeds(
        configs, seeds, names, measure=bn_lesson.speed_measure))
    if results is not None:
        notice_box(bn_lesson.speed_seed_sentences(results), title="Over seeds")


# --- one sample, several batches ------------------------------------------------------------------
st.header("The same sample in batches of different sizes")
st.markdown(f"One sample with {lesson.DEMO_FEATURES} features is put into batches of "
            f"{', '.join(map(str, lesson.COMPARED_BATCHES))} (its batch-mates drawn at random) and "
            f"passed through a fresh BatchNorm and LayerNorm layer in training mode.")
mates = st.number_input("Seed of the batch-mates", 0, 10_000, 0, key=page_key(PAGE, "mates"))
frame = lesson.batch_dependence(seed=int(mates))
st.plotly_chart(batch_dependence_figure(frame), **CHART_OPTIONS,
                key=page_key(PAGE, "dependence"))
notice_box(lesson.independence_sentences(lesson.output_change(frame), lesson.COMPARED_BATCHES))


# --- experiment 2: BatchNorm vs LayerNorm across batch sizes --------------------------------------
st.header("BatchNorm vs LayerNorm across batch sizes")
st.markdown(f"Both normalizations at a small and a large batch size on the unscaled data, the "
            f"same learning rate, every run making about {bn_lesson.UPDATES} updates (a small "
            f"batch needs fewer epochs for that). The bars compare the final validation loss and "
            f"how many training points change class between train mode and eval mode. The study "
            f"below adds the network without normalization, where only optimization changes "
            f"with the batch size.")
sizes = sorted(st.multiselect("Batch sizes", BATCH_CHOICES, default=list(lesson.LIVE_BATCHES),
                              max_selections=2, key=page_key(ACROSS_PAGE, "sizes")))
across_configs = lesson.bn_vs_ln_configs(sizes)
across_names = [bn_lesson.batch_name(c) for c in across_configs]


def draw_across(runs, names):
    version = (tuple(run.config for run in runs), tuple(run.stopped_epoch for run in runs))
    finished = all(run.status != "running" for run in runs)
    results = kept_or_throttled(figure_key(page_key(ACROSS_PAGE, "results")), version,
                                lambda: lesson.measure_runs(runs, names),
                                final=finished) if runs else lesson.measure_runs([], names)
    st.plotly_chart(loss_figure(runs, names), **CHART_OPTIONS, key=page_key(ACROSS_PAGE, "loss"))
    st.plotly_chart(across_batches_figure(results), **CHART_OPTIONS,
                    key=page_key(ACROSS_PAGE, "bars"))
    if len(results):  # none before training
        notice_box(lesson.across_sentences(results))


if len(sizes) < 2:
    st.warning("Pick two batch sizes to compare.")
else:
    live_comparison(ACROSS_PAGE, across_configs, None, draw_across, names=across_names,
                    empty_charts=True)

st.subheader("More batch sizes, repeated over seeds")
s1, s2 = st.columns(2)
study_sizes = tuple(sorted(s1.multiselect(
    "Batch sizes", BATCH_CHOICES, default=list(lesson.COMPARED_BATCHES), max_selections=4,
    key=page_key(ACROSS_PAGE, "study_sizes"))))
with s2:
    study_seeds = seeds_control(page_key(ACROSS_PAGE, "seeds"), default=2)
study_key, made_for = page_key(ACROSS_PAGE, "study_results"), (study_sizes, tuple(study_seeds))
if st.button("Run the study", key=page_key(ACROSS_PAGE, "study"), disabled=len(study_sizes) < 2):
    with st.spinner(f"Training {len(lesson.STUDY_NORMS) * len(study_sizes)} runs × "
                    f"{len(study_seeds)} seeds…"):
        keep(study_key, made_for, lesson.across_study(study_sizes, study_seeds))
study = kept(study_key, made_for)
if study is not None:
    st.plotly_chart(across_batches_figure(study), **CHART_OPTIONS,
                    key=page_key(ACROSS_PAGE, "study_bars"))
    notice_box(lesson.across_sentences(study), title="Over seeds")
else:
    st.caption("BatchNorm, LayerNorm and no normalization at each chosen batch size, once per "
               "seed; press the button to train them.")
