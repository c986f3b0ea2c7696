"""Lesson: dropout — zeroing unit outputs at random while training, with inverted scaling."""
import numpy as np
import streamlit as st

from regcore import grid_bounds
from regcore.lessons import dropout as lesson
from regcore.repeat import mean_and_spread, over_seeds
from ui.lesson import notice_box, repeat_over_seeds, room_control
from ui.live import live_comparison, session_for
from ui.own_data import own_data_controls
from ui.page import page_setup
from ui.plots.boundary import boundary_figure, why_no_boundary
from ui.plots.curves import gap_figure, loss_figure, mode_loss_figure
from ui.plots.dropout import ensemble_figure, expectation_figure
from ui.plots.style import CHART_OPTIONS
from ui.keys import figure_key, page_key
from ui.kept import kept_or_computed, kept_or_throttled

PAGE = "dropout"
RATE_CHOICES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7)

page_setup("Dropout", ":material/casino:")
st.title("Dropout")
st.markdown(
    "During training, dropout sets each hidden unit's **output** (its activation, not its "
    "weights) to zero with probability $p$, with a fresh random mask for every batch. Each "
    "batch trains a different thinned network, so no unit can rely on particular partners "
    "(less co-adaptation), and the full network behaves like an average of many thinned ones.")
st.markdown("With a mask $m_j \\sim \\mathrm{Bernoulli}(1-p)$ per unit (1 = keep), two "
            "formulations are in use:")
left, right = st.columns(2)
with left:
    st.markdown("**Inverted dropout** (used here and in PyTorch): scale the survivors while "
                "training, change nothing at test time.")
    st.latex(r"\begin{aligned} \text{training: } & \tilde h_j = \frac{m_j\,h_j}{1-p} \\"
             r"\text{test: } & \tilde h_j = h_j \end{aligned}")
with right:
    st.markdown("**Original** (Srivastava et al., 2014): no scaling in training; at test time "
                "multiply the outgoing weights by the keep probability $1-p$.")
    st.latex(r"\begin{aligned} \text{training: } & \tilde h_j = m_j\,h_j \\"
             r"\text{test: } & \tilde h_j = (1-p)\,h_j \end{aligned}")
st.markdown("Both keep the expected activation seen in training equal to the one used at test: "
            r"$\mathbb{E}[\tilde h_j] = h_j$ (inverted) and $\mathbb{E}[m_j h_j] = (1-p)\,h_j$ "
            "(original).")


# --- the experiment -------------------------------------------------------------------------------
st.header("Experiment: an overfitting network with and without dropout")
own = own_data_controls(PAGE)
c1, c2, c3 = st.columns([2, 1.2, 1])
rates = c1.multiselect("Dropout rates to compare", RATE_CHOICES, default=list(lesson.RATES),
                       format_func=lambda p: f"p = {p:g}",
                       max_selections=4, key=page_key(PAGE, "rates"))
epochs = c2.slider("Epochs", 50, 400, lesson.OVERFITTING.epochs, step=25,
                   key=page_key(PAGE, "epochs"))
log_y = c3.toggle("Log-scale loss", value=False, key=page_key(PAGE, "log_y"))

rates = sorted(rates)
configs = lesson.rate_configs(rates, lesson.OVERFITTING.replace(epochs=epochs))
configs = own.configs(configs)
names = [lesson.rate_name(p) for p in rates]
st.caption(lesson.caption(lesson.OVERFITTING, own.description()))


def draw(runs, names):
    finished = all(run.status != "running" for run in runs)
    version = (own.identity, tuple(run.config for run in runs),
               tuple(run.stopped_epoch for run in runs))
    a, b = st.columns(2)
    a.plotly_chart(loss_figure(runs, names, log_y=log_y), **CHART_OPTIONS,
                   key=page_key(PAGE, "loss"))
    b.plotly_chart(gap_figure(runs, names), **CHART_OPTIONS, key=page_key(PAGE, "gap"))
    no_map = why_no_boundary(runs) if runs else ""  # before training: the map's empty place
    if no_map:
        st.caption(no_map.replace("<br>", " "))
    else:
        boundary = kept_or_throttled(figure_key(page_key(PAGE, "boundary")), version,
                                     lambda: boundary_figure(runs, names), every=2.0,
                                     final=finished) if runs else boundary_figure(runs, names)
        st.plotly_chart(boundary, **CHART_OPTIONS, key=page_key(PAGE, "boundary"))
    a, b = st.columns(2)
    with a:
        st.markdown("**Training loss with dropout on (train mode) and off (eval mode)**")
        st.plotly_chart(mode_loss_figure(runs, names), **CHART_OPTIONS,
                        key=page_key(PAGE, "modes"))
    if not runs:
        b.caption("What to notice appears once the runs train.")
        return
    with b:
        notice_box(kept_or_throttled(
            figure_key(page_key(PAGE, "notice")), version,
            lambda: lesson.rate_sentences(lesson.rate_outcomes(runs, names)), every=2.0,
            final=finished))


room_control(PAGE, configs, names, first="largest_gap")
if len(rates) < 2:
    st.warning("Pick at least two rates to compare.")
    shown = None
else:
    shown = live_comparison(PAGE, configs, own.data, draw, names=names, empty_charts=True)

with st.expander("Repeat over seeds (mean ± spread)"):
    results = repeat_over_seeds(
        PAGE, configs, lambda seeds: over_seeds(configs, seeds, names, own.for_seed),
        disabled=len(rates) < 2, data_id=own.identity)
    if results is not None:
        st.dataframe(mean_and_spread(results, "gap").round(4), width="stretch")
        notice_box(lesson.seed_sentences(results), title="Over seeds")


# --- why the training loss differs ----------------------------------------------------------------
st.header("Why the two training losses differ")
st.markdown(
    "`minibatch_loss` is measured while training: dropout is on, so every batch is scored by a "
    "thinned network with a fraction $p$ of its units missing. `train_loss` is measured after "
    "the epoch in eval mode, with every unit present. The thinned networks fit the training set "
    "worse, so the train-mode loss sits above the eval-mode one; the gap grows with $p$. (A small "
    "difference remains without dropout: the weights change during the epoch.)")


# --- inverted vs original -------------------------------------------------------------------------
st.header("Inverted vs original dropout: the same expected activation")
p_demo = st.slider("Dropout rate p", 0.1, 0.9, 0.5, step=0.1, key=page_key(PAGE, "demo_p"))
table = lesson.expected_activation(p=p_demo)
st.plotly_chart(expectation_figure(table, p_demo), **CHART_OPTIONS,
                key=page_key(PAGE, "expectation"))
notice_box(lesson.expectation_sentences(table, p_demo, lesson.N_DEMO_MASKS))


# --- the ensemble of masks ------------------------------------------------------------------------
def evaluate_masks(run, n_masks: int):
    """The ensemble map (2-D two-class data only, else None) and report of `n_masks` masks."""
    with st.spinner(f"Evaluating {n_masks} dropout masks…"):
        data = run.data
        grid = (lesson.ensemble_grid(run.model, grid_bounds(data.X_train, data.X_val), n_masks)
                if data.n_features == 2 and data.n_classes == 2 else None)
        return grid, lesson.ensemble_report(run.model, data.X_val, data.y_val, n_masks)


st.header("Dropout as an ensemble of thinned networks")
session = session_for(PAGE)
dropout_runs = [(run, name) for run, name in zip(*(shown or ([], [])))
                if run.config.dropout > 0]
if not dropout_runs:
    st.info("Train the comparison (with at least one dropout rate above 0) to read its network as "
            "an ensemble of masks.")
elif session is not None and session.playing:
    st.info("Training… the ensemble is computed once training pauses or ends.")
elif shown.runs[0].data.task != "classification":
    st.info("The ensemble averages class probabilities: it needs a class column as the target, "
            "and this target is a number (regression).")
else:
    e1, e2 = st.columns([2, 1])
    chosen = e1.selectbox("Network", [name for _, name in dropout_runs],
                          index=len(dropout_runs) - 1, key=page_key(PAGE, "ensemble_run"))
    n_masks = e2.slider("Masks", 10, 200, lesson.N_MASKS, step=10,
                        key=page_key(PAGE, "ensemble_masks"))
    run = dict((name, run) for run, name in dropout_runs)[chosen]
    made_for = (chosen, run.config, run.stopped_epoch, n_masks, own.identity)
    grid, report = kept_or_computed(page_key(PAGE, "ensemble"), made_for,
                                    lambda: evaluate_masks(run, n_masks))
    st.markdown(f"The trained network with dropout active (train mode for dropout only), "
                f"evaluated under {n_masks} different masks: where the masks disagree, the "
                f"ensemble is unsure.")
    if grid is not None:
        st.plotly_chart(ensemble_figure(grid, run.data), **CHART_OPTIONS,
                        key=page_key(PAGE, "ensemble_figure"))
    m1, m2, m3 = st.columns(3)
    m1.metric("Ensemble accuracy (val)", f"{report['ensemble_acc']:.1%}")
    m2.metric("Eval-mode network (val)", f"{report['eval_acc']:.1%}")
    m3.metric("One mask, on average (val)", f"{report['single_mask_acc']:.1%}")
    near_far = lesson.spread_near_boundary(grid) if grid is not None else (np.nan, np.nan)
    notice_box(lesson.ensemble_sentences(report, near_far))
