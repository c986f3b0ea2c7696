"""Lesson: batch normalization — normalizing each feature over the batch, then γ·x̂ + β."""
import streamlit as st

from regcore.lessons import batch_norm as lesson
from regcore.repeat import mean_and_spread, over_seeds
from regcore.training import dataset_for
from ui.lesson import notice_box, repeat_over_seeds, room_control
from ui.live import live_comparison, session_for
from ui.normalization import speed_view, unscaled_base
from ui.page import page_setup
from ui.plots.curves import loss_figure, mode_loss_figure
from ui.plots.normalization import across_batches_figure, gamma_beta_figure
from ui.plots.style import CHART_OPTIONS
from ui.keys import figure_key, page_key
from ui.kept import kept_or_throttled
from ui.theme import run_color

PAGE = "batch_norm"
BATCH_PAGE = "batch_norm_batches"
BATCH_CHOICES = (2, 4, 8, 16, 32, 64, 128)


@st.cache_data(max_entries=8, show_spinner=False)
def gamma_beta_trace(config):
    return lesson.trace_gamma_beta(config)


page_setup("Batch normalization", ":material/bar_chart:")
st.title("Batch normalization")
st.markdown(
    "A BatchNorm layer normalizes each feature (each unit's pre-activation) over the $B$ samples "
    "of the current batch, then lets the network choose its own scale $\\gamma$ and shift "
    "$\\beta$, one pair per feature:")
st.latex(r"\mu_B = \frac{1}{B}\sum_{i=1}^{B} x_i,\qquad "
         r"\sigma_B^2 = \frac{1}{B}\sum_{i=1}^{B} (x_i - \mu_B)^2,\qquad "
         r"\hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}},\qquad "
         r"y_i = \gamma\,\hat x_i + \beta")
st.markdown(
    "$\\sigma_B^2$ is the (biased) variance and the layer divides by the standard deviation "
    "$\\sqrt{\\sigma_B^2+\\varepsilon}$ ($\\varepsilon = 10^{-5}$). In **evaluation** there is no "
    "batch to average over: running averages collected during training replace $\\mu_B$ and "
    "$\\sigma_B^2$ — here, as in PyTorch, $\\text{running} \\leftarrow 0.9\\cdot\\text{running} + "
    "0.1\\cdot\\text{batch statistic}$, with the unbiased variance.")
st.markdown(
    "**Why does it help?** The original paper (Ioffe & Szegedy, 2015) argued that it reduces "
    "*internal covariate shift* — the change in the distribution of a layer's inputs as the "
    "layers before it learn. Later work (Santurkar et al., 2018) found that this shift is not "
    "what matters and that batch normalization mainly makes the loss landscape smoother, so "
    "larger and steadier steps work. What this page measures is the practical effect: faster, "
    "more stable training on badly scaled inputs — and its price with small batches.")


# --- experiment 1: convergence on unscaled inputs -------------------------------------------------
st.header("Experiment: badly scaled inputs, with and without BatchNorm")
low, high = lesson.feature_scale_span(dataset_for(lesson.UNSCALED))
st.caption(f"Breast-cancer measurements as recorded, not standardized: the average size of a "
           f"feature ranges from {low:.3g} to {high:.4g}. A 64-64 network, Adam, the same "
           f"learning rate for both runs.")
configs = lesson.norm_configs("batch", unscaled_base(PAGE))
names = [lesson.norm_name(c.norm) for c in configs]


room_control(PAGE, configs, names, first="epochs_to_target")
shown = live_comparison(PAGE, configs, None, speed_view(PAGE), names=names, empty_charts=True)

with st.expander("Repeat over seeds (mean ± spread)"):
    results = repeat_over_seeds(PAGE, configs, lambda seeds: over_seeds(
        configs, seeds, names, measure=lesson.speed_measure))
    if results is not None:
        st.dataframe(mean_and_spread(results, "epochs_to_target").round(2), width="stretch")
        notice_box(lesson.speed_seed_sentences(results), title="Over seeds")


# --- γ and β --------------------------------------------------------------------------------------
st.header("γ and β are learned")
st.markdown("Normalizing forces every unit to mean 0 and variance 1 over the batch; $\\gamma$ and "
            "$\\beta$ (starting at 1 and 0) let the network undo that where it helps. Below: every "
            "unit's $\\gamma$ and $\\beta$ after each epoch of the BatchNorm run above (same "
            "settings and seed, recorded epoch by epoch).")
session = session_for(PAGE)
if not shown or (session is not None and session.playing):
    st.info("Train the comparison above; the values of γ and β are traced once it pauses or ends.")
else:
    bn_run, bn_name = shown.runs[1], shown.names[1]
    with st.spinner("Recording γ and β epoch by epoch…"):
        trace = gamma_beta_trace(bn_run.config.replace(epochs=max(bn_run.stopped_epoch, 1)))
    if lesson.trace_matches(trace, bn_run.model):
        st.caption(f"Recorded values at epoch {bn_run.stopped_epoch} equal those of the "
                   f"{bn_name} run above.")
    layers = sorted(trace["layer"].unique())
    layer = st.radio("Layer", layers, horizontal=True, key=page_key(PAGE, "gb_layer"))
    st.plotly_chart(gamma_beta_figure(trace, layer, color=run_color(1)), **CHART_OPTIONS,
                    key=page_key(PAGE, "gamma_beta"))
    notice_box(lesson.gamma_beta_sentences(trace))


# --- experiment 2: small batches ------------------------------------------------------------------
st.header("The limitation: small batches")
st.markdown(
    "With a batch of 2, each feature's $\\mu_B$ and $\\sigma_B^2$ come from two numbers: every "
    "$\\hat x$ is then exactly $\\pm 1$ and the statistics jump from batch to batch. The running "
    "averages used in evaluation describe a different network than the one trained. Below, "
    "BatchNorm and, as a baseline, the same network without normalization at two batch sizes. "
    f"Every run makes about {lesson.UPDATES} updates (a small batch needs fewer epochs for "
    "that), so the batch size is compared at equal training steps, and the baseline shows what "
    "the batch size changes through optimization alone. The bars measure, on the final weights, "
    "how many training points change their predicted class between train mode (batch "
    "statistics) and eval mode (running statistics), and the validation loss.")
sizes = st.multiselect("Batch sizes", BATCH_CHOICES, default=list(lesson.SMALL_BATCHES),
                       max_selections=2, key=page_key(BATCH_PAGE, "sizes"))
sizes = sorted(sizes)
batch_configs = lesson.batch_size_configs(("batch", "none"), sizes)
batch_names = [lesson.batch_name(c) for c in batch_configs]
st.caption("Epochs per run: " + "; ".join(f"{name}: {c.epochs}"
                                          for name, c in zip(batch_names, batch_configs))
           + " — the curves below are drawn per epoch.")


def draw_batches(runs, names):
    version = (tuple(run.config for run in runs), tuple(run.stopped_epoch for run in runs))
    finished = all(run.status != "running" for run in runs)
    outcomes = kept_or_throttled(figure_key(page_key(BATCH_PAGE, "outcomes")), version,
                                 lambda: lesson.batch_outcomes(runs, names),
                                 final=finished) if runs else []  # none kept before training
    a, b = st.columns(2)
    a.plotly_chart(loss_figure(runs, names), **CHART_OPTIONS, key=page_key(BATCH_PAGE, "loss"))
    b.plotly_chart(mode_loss_figure(runs, names), **CHART_OPTIONS,
                   key=page_key(BATCH_PAGE, "modes"))
    st.plotly_chart(across_batches_figure(lesson.outcome_table(outcomes)), **CHART_OPTIONS,
                    key=page_key(BATCH_PAGE, "mismatch"))
    notice_box(lesson.batch_sentences(outcomes))


if len(sizes) < 2:
    st.warning("Pick two batch sizes to compare.")
else:
    live_comparison(BATCH_PAGE, batch_configs, None, draw_batches, names=batch_names,
                    empty_charts=True)
    with st.expander("Repeat over seeds (mean ± spread)"):
        batch_results = repeat_over_seeds(BATCH_PAGE, batch_configs, lambda seeds: (
            over_seeds(batch_configs, seeds, batch_names, measure=lesson.batch_measure)),
            default=2)
        if batch_results is not None:
            st.dataframe(mean_and_spread(batch_results, "disagreement").round(4), width="stretch")
            notice_box(lesson.batch_seed_sentences(batch_results), title="Over seeds")
