"""Lesson: early stopping — stop when the validation loss stops improving, keep the best weights."""
import streamlit as st

from regcore.lessons import early_stopping as lesson
from regcore.repeat import mean_and_spread, over_seeds
from ui.lesson import notice_box, repeat_over_seeds, room_control, training_ended
from ui.live import live_comparison
from ui.own_data import own_data_controls
from ui.page import page_setup
from ui.plots.curves import loss_figure
from ui.plots.early_stopping import ending_losses_figure, patience_figure
from ui.plots.style import CHART_OPTIONS
from ui.keys import page_key

PAGE = "early_stopping"

page_setup("Early stopping", "⏱️")
st.title("Early stopping")
st.markdown(
    "A network trained long enough on little, noisy data starts to memorize it: the training "
    "loss keeps falling while the loss on held-out validation data turns up. Early stopping "
    "watches the validation loss after every epoch and stops once it has not improved for "
    "`patience` epochs. With best epoch")
st.latex(r"e^{*} = \arg\min_{e' \le e}\ L_{\text{val}}(e'),\qquad "
         r"\text{stop at the first epoch } e \text{ with } e - e^{*} \ge \text{patience}")
st.markdown(
    "(an epoch only counts as better if it beats the best by more than `min_delta`). "
    "**Restore best** then puts back the weights of epoch $e^{*}$, so the extra `patience` "
    "epochs do not change the weights you keep. Too little patience stops on a noisy plateau "
    "before the real minimum; too much costs epochs, and without restore best the weights "
    "you keep drift past the minimum. One caution: the validation set both chose $e^{*}$ and "
    "reports its loss, so that loss is optimistic — the lowest of many noisy measurements. "
    "An honest estimate of the chosen model needs data that took no part in the choice: this "
    "experiment holds out a test set, which no choice looks at, and what to notice reports "
    "what the epochs after the best cost on it.")

# --- the experiment -------------------------------------------------------------------------
st.header("Experiment: an overfitting network, with and without early stopping")
c1, c2 = st.columns([1, 1])
patience = c1.select_slider("Patience of the early-stopped runs (epochs)", lesson.PATIENCES,
                            value=lesson.DEFAULT_PATIENCE, key=page_key(PAGE, "patience"))
what_if = c2.slider("What if the full run had used patience…", 1, 100, lesson.DEFAULT_PATIENCE,
                    key=page_key(PAGE, "what_if"),
                    help="Replays the full run's validation curve: where this patience would "
                         "have stopped (○ on the chart) and what it would have kept.")
own = own_data_controls(PAGE)
configs = lesson.comparison(patience)
configs = own.configs(configs)
names = list(lesson.RUN_NAMES)
st.caption(lesson.caption(configs[0], own.description()))


def draw(runs, names):
    st.plotly_chart(loss_figure(runs, names, what_if_patience=what_if), **CHART_OPTIONS,
                    key=page_key(PAGE, "loss"))
    if not training_ended(runs):
        st.caption("What to notice appears when training ends.")
        return
    left, right = st.columns([1, 2])
    with left:
        st.markdown("**Validation loss of the weights each run ends with**")
        st.plotly_chart(ending_losses_figure(names, [lesson.validation_loss(r) for r in runs]),
                        **CHART_OPTIONS, key=page_key(PAGE, "ending"))
    with right:
        notice_box(lesson.sentences(lesson.outcome(runs)))
    st.subheader("Where each patience stops, and what it keeps")
    patiences = sorted(set(lesson.PATIENCES) | {what_if})
    table = lesson.patience_table(runs[0], patiences)
    st.plotly_chart(patience_figure(table, what_if), **CHART_OPTIONS,
                    key=page_key(PAGE, "table_fig"))
    # The table has the page's width: its seven columns of numbers do not fit half of it.
    shown = table.rename(columns={"best_epoch": "best", "stopped_epoch": "stops",
                                  "epochs_saved": "saved",
                                  "val_loss_restored": "kept (restore)",
                                  "val_loss_last": "kept (last)",
                                  "test_loss_restored": "test loss (restore)"})
    if shown["test loss (restore)"].isna().all():  # no held-out test split
        shown = shown.drop(columns="test loss (restore)")
    st.dataframe(shown.set_index("patience").style.format(precision=4, na_rep="never"),
                 width="stretch")
    notice_box([lesson.table_sentence(table)], title="From the table")


room_control(PAGE, configs, names, first="stopped_epoch")
live_comparison(PAGE, configs, own.data, draw, names=names, empty_charts=True)

with st.expander("Repeat over seeds (mean ± spread)"):
    results = repeat_over_seeds(PAGE, configs, lambda seeds: over_seeds(
        configs, seeds, names, own.for_seed), data_id=own.identity)
    if results is not None:
        spread = mean_and_spread(results, "final_val_loss")
        st.dataframe(spread.round(4), width="stretch")
        notice_box([lesson.seeds_sentence(spread)], title="Over seeds")
