"""Lesson: weight decay vs L2 — the same update with SGD, different ones with Adam (AdamW)."""
import pandas as pd
import streamlit as st

from regcore.lessons import weight_decay as lesson
from regcore.repeat import mean_and_spread, over_seeds
from ui.lesson import notice_box, repeat_over_seeds, room_control, training_ended
from ui.live import live_comparison
from ui.page import page_setup
from ui.plots.curves import loss_figure
from ui.plots.weight_decay import decay_rates_figure, weight_gap_figure, weight_norm_figure
from ui.plots.style import CHART_OPTIONS
from ui.keys import page_key

PAGE = "weight_decay"


@st.cache_data(max_entries=8, show_spinner="Replaying the runs to trace their weights…")
def decay_trace(configs):
    return lesson.trace_decay(configs)


page_setup("Weight decay vs L2", "⚖️")
st.title("Weight decay vs L2")
st.markdown(
    "An **L2 penalty** adds $\\frac{\\lambda}{2}\\lVert w\\rVert^2$ to the loss, so its gradient "
    "$\\lambda w$ joins the data gradient. **Weight decay** shrinks the weights directly at "
    "every step. With plain SGD the two are the same update:")
st.latex(r"\text{SGD:}\quad w \leftarrow w - \eta\,(\nabla L + \lambda w) "
         r"= (1 - \eta\lambda)\,w - \eta\,\nabla L")
st.markdown(
    "Adaptive optimizers break the equivalence. In **Adam + L2** the penalty's gradient goes "
    "through Adam's moments and is divided by $\\sqrt{\\hat v}$, the running size of each "
    "weight's gradient:")
st.latex(r"\text{Adam + L2:}\quad g = \nabla L + \lambda w,\qquad "
         r"w \leftarrow w - \eta\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon}"
         r"\quad (\hat m, \hat v \text{ from } g)")
st.markdown(
    "so weights with large gradients are barely decayed while weights with small gradients are "
    "decayed hard. **AdamW** (Loshchilov & Hutter, *Decoupled Weight Decay Regularization*, "
    "2019) takes the decay out of the adaptive step, so every weight shrinks by the same "
    "factor $\\eta\\lambda$ per step:")
st.latex(r"\text{AdamW:}\quad w \leftarrow w - \eta\left(\frac{\hat m}{\sqrt{\hat v} + "
         r"\varepsilon} + \lambda w\right)"
         r"\quad (\hat m, \hat v \text{ from } \nabla L \text{ only})")

# --- the experiment -------------------------------------------------------------------------
st.header("Experiment: the same λ as a penalty and as decay, with SGD and with Adam")
c1, c2 = st.columns([2, 1])
strength = c1.select_slider("λ (penalty strength = weight decay)", lesson.STRENGTHS,
                            value=lesson.DEFAULT_STRENGTH, key=page_key(PAGE, "strength"))
log_y = c2.toggle("Log-scale loss", value=False, key=page_key(PAGE, "log_y"))
configs = lesson.comparison(strength)
names = list(lesson.RUN_NAMES)
st.caption(lesson.caption(configs))


def draw(runs, names):
    st.plotly_chart(loss_figure(runs, names, log_y=log_y), **CHART_OPTIONS,
                    key=page_key(PAGE, "loss"))
    left, right = st.columns(2)
    with left:
        st.markdown("**Size of the weights, epoch by epoch**")
        st.plotly_chart(weight_norm_figure(runs, names), **CHART_OPTIONS,
                        key=page_key(PAGE, "norms"))
    if not training_ended(runs):
        right.caption("What to notice appears when training ends.")
        return
    trace = decay_trace(tuple(run.config for run in runs))
    with right:
        st.markdown("**How far apart each pair's weights are, epoch by epoch**")
        st.plotly_chart(weight_gap_figure(trace.gaps), **CHART_OPTIONS, key=page_key(PAGE, "gaps"))
    notice_box(lesson.sentences(lesson.outcome(runs, names)))
    left, right = st.columns(2)
    with left:
        st.markdown("**Why: how hard the L2 term pulls each weight at the end of training**")
        st.plotly_chart(decay_rates_figure(trace), **CHART_OPTIONS, key=page_key(PAGE, "rates"))
    with right:
        notice_box([lesson.decay_sentence(trace)], title="The reason, measured")


room_control(PAGE, configs, names, first="smallest_norm")
live_comparison(PAGE, configs, None, draw, names=names, empty_charts=True)

with st.expander("Repeat over seeds (mean ± spread)"):
    results = repeat_over_seeds(PAGE, configs, lambda seeds: over_seeds(configs, seeds, names))
    if results is not None:
        norms = mean_and_spread(results, "weight_norm")
        table = pd.concat({"‖w‖₂": norms,
                           "final val loss": mean_and_spread(results, "final_val_loss")}, axis=1)
        st.dataframe(table.round(4), width="stretch")
        notice_box([lesson.seeds_sentence(norms)], title="Over seeds")
