"""Lesson: L1 and L2 — shrinkage versus exact zeros, and L1 as feature selection."""
import pandas as pd
import streamlit as st

from regcore.lessons import l1_l2 as lesson
from regcore.repeat import mean_and_spread, over_seeds
from ui.lesson import notice_box, repeat_over_seeds, room_control, training_ended
from ui.live import live_comparison
from ui.own_data import own_data_controls
from ui.page import page_setup
from ui.plots.curves import loss_figure
from ui.plots.inputs import input_norms_figure
from ui.plots.paths import path_figure
from ui.plots.weights import histogram_figure, histogram_height
from ui.plots.style import CHART_OPTIONS
from ui.keys import page_key

PAGE = "sparsity"


@st.cache_data(max_entries=4, show_spinner="Training the linear model along the λ grid…")
def coefficient_paths(seed: int):
    data = lesson.path_data(seed)
    return (lesson.regularization_path(data, "l1", lesson.l1_strengths(data)),
            lesson.regularization_path(data, "l2", lesson.l2_strengths()))


page_setup("L1 and L2", "✂️")
st.title("L1 and L2: shrinkage and sparsity")
st.markdown(
    "Both penalties add a term to the training loss that grows with the weights, so the "
    "optimizer trades fit against size. They are *shrinkage* methods: they pull weights "
    "toward zero. They differ in how.")
left, right = st.columns(2)
with left:
    st.markdown("**L1** (lasso): the sum of absolute values")
    st.latex(r"R_{1}(w) = \lambda \sum_i |w_i|")
with right:
    st.markdown("**L2** (ridge): half the sum of squares")
    st.latex(r"R_{2}(w) = \frac{\lambda}{2} \sum_i w_i^2,\qquad "
             r"\frac{\partial R_2}{\partial w_i} = \lambda w_i")
st.markdown(
    "L2's pull $\\lambda w_i$ fades as a weight gets small, so weights shrink but stay nonzero. "
    "L1 pulls every weight by the same amount whatever its size, so small weights reach zero "
    "**exactly** — which makes L1 a feature selector. Exact zeros need the right update: after "
    "each gradient step the L1 part is applied as a *proximal* (soft-threshold) step with the "
    "step size $\\eta$,")
st.latex(r"w_i \leftarrow \operatorname{sign}(w_i)\,\max\bigl(|w_i| - \eta\lambda,\ 0\bigr)")
st.markdown(
    "which lands weights on 0.0 and keeps them there while their gradient is weaker than "
    "$\\lambda$. (Plain gradient descent on $|w|$ would only make them hover around zero; "
    "coordinate descent, as in scikit-learn's Lasso, reaches exact zeros too.)")

# --- the experiment -------------------------------------------------------------------------
st.header("Experiment: the same network without a penalty, with L1 and with L2")
c1, c2 = st.columns([2, 1])
strength = c1.select_slider("Penalty strength λ (the same for L1 and L2)", lesson.STRENGTHS,
                            value=lesson.DEFAULT_STRENGTH, key=page_key(PAGE, "strength"))
log_y = c2.toggle("Log-scale loss", value=False, key=page_key(PAGE, "log_y"))
own = own_data_controls(PAGE)
configs = lesson.comparison(strength)
configs = own.configs(configs)
names = list(lesson.RUN_NAMES)
st.caption(lesson.caption(configs[0], own.description()))


def draw(runs, names):
    st.markdown("**Weight histograms** — the dark bar at 0 counts weights that are exactly zero")
    layers = len(configs[0].hidden) + 1  # the height is known before the first epoch
    st.plotly_chart(histogram_figure(runs, names, height=histogram_height(layers)),
                    **CHART_OPTIONS, key=page_key(PAGE, "histograms"))
    informative = runs[0].data.informative if runs else None
    which = (f"the {len(informative)} informative inputs in full color" if informative
             else "one bar per input column")
    st.markdown(f"**How strongly the first layer listens to each input** (‖W₁[j,:]‖₂; "
                f"{which})")
    st.plotly_chart(input_norms_figure(runs, names), **CHART_OPTIONS, key=page_key(PAGE, "inputs"))
    st.plotly_chart(loss_figure(runs, names, log_y=log_y), **CHART_OPTIONS,
                    key=page_key(PAGE, "loss"))
    if training_ended(runs):
        notice_box(lesson.sentences(lesson.outcome(runs, names)))
    else:
        st.caption("What to notice appears when training ends.")


room_control(PAGE, configs, names, first="inputs_kept")
live_comparison(PAGE, configs, own.data, draw, names=names, empty_charts=True)

with st.expander("Repeat over seeds (mean ± spread)"):
    results = repeat_over_seeds(
        PAGE, configs, lambda seeds: over_seeds(configs, seeds, names, own.for_seed),
        data_id=own.identity)
    if results is not None:
        table = pd.concat({"exact zeros": mean_and_spread(results, "sparsity"),
                           "‖w‖₂": mean_and_spread(results, "weight_norm"),
                           "final val loss": mean_and_spread(results, "final_val_loss")}, axis=1)
        st.dataframe(table.round(4), width="stretch")
        notice_box([lesson.seeds_sentence(mean_and_spread(results, "sparsity"))],
                   title="Over seeds")

# --- the regularization path ----------------------------------------------------------------
st.header("The regularization path: L1 selects features")
st.markdown(
    f"A linear model on a real data set — {lesson.path_caption(lesson.path_data())}, "
    "predicting disease progression after a year — trained to convergence at each λ of a grid "
    "(full-batch gradient steps, each λ starting from the previous solution). Follow each "
    "coefficient as λ grows: under L1 the measurements drop out one after another (○ marks "
    "where each becomes exactly 0); under L2 all of them shrink together and none reaches 0.")
try:
    l1_path, l2_path = coefficient_paths(0)
except ValueError as error:
    st.error(f"Could not compute the path: {error}")
else:
    st.plotly_chart(path_figure(l1_path, l2_path), **CHART_OPTIONS, key=page_key(PAGE, "path"))
    order = pd.DataFrame(lesson.leaving_order(l1_path), columns=["feature", "exactly 0 from λ"])
    order.index = pd.RangeIndex(1, len(order) + 1, name="leaves")
    left, right = st.columns([1, 2])
    left.dataframe(order.style.format({"exactly 0 from λ": "{:.3g}"}), width="stretch")
    with right:
        notice_box(lesson.path_sentences(l1_path, l2_path))
