"""Figures of the first three lessons that the lab has no use for: which inputs a network
still listens to, what each patience keeps, and how far weight decay and L2 drift apart."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from regcore.lessons.sparsity import input_norms, input_selection
from regcore.lessons.weight_decay import PAIR_LABELS, PAIRS, RUN_NAMES as DECAY_RUNS
from ui.plots.style import (NOTE_FONT_SIZE, Grid, Parts, blend_with_white, build, finite_points,
                            message_figure)
from ui.theme import FIGURE_HEIGHT, run_color

NO_RUNS = "Train the runs to see this figure."


# L1 and L2: first-layer weight per input --------------------------------------------------
def input_norms_figure(runs, names, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """One panel per run: ‖W₁[j, :]‖₂ for each input j (named by its column where the data
    has names). Where the informative inputs are known they are in the run's color and the
    others pale; a panel note gives how many inputs the run still uses (any nonzero weight)
    and the precision/recall of that set against the informative ones."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="inputs")
    grid, parts = Grid(rows=1, cols=len(runs), h_gap=0.03, v_gap=0), Parts()
    for col, (run, name) in enumerate(zip(runs, names), start=1):
        norms, selection = input_norms(run), input_selection(run)
        color, pale = run_color(col - 1), blend_with_white(run_color(col - 1), 0.3)
        kinds = _input_kinds(len(norms), selection.informative)
        parts.traces.append(dict(
            type="bar", x=_input_labels(run.data, len(norms)), y=norms, name=name,
            showlegend=False, customdata=kinds,
            marker=dict(color=[pale if kind == "noise" else color for kind in kinds],
                        line_width=0),
            hovertemplate="input %{x} (%{customdata}): ‖W₁‖ = %{y:.3g}<extra></extra>",
            **grid.refs(1, col)))
        parts.annotations.append(grid.title(1, col, f"<b>{name}</b>"))
        parts.annotations.append(grid.note(1, col, _selection_note(selection)))
    axes = grid.axes(x={"title": {"text": "input"}, "showgrid": False},
                     y={"title": {"text": "first-layer weight norm"}, "rangemode": "tozero"})
    return build(parts, height=height, uirevision="inputs", axes=axes, bargap=0.15,
                 legend=False)


def _input_kinds(n_inputs: int, informative) -> list[str]:
    """"informative" or "noise" per input where that is known, else "column"."""
    if not informative:
        return ["column"] * n_inputs
    return ["informative" if j in informative else "noise" for j in range(n_inputs)]


def _input_labels(data, n_inputs: int) -> list:
    return list(data.feature_names) if data.feature_names else list(range(n_inputs))


def _selection_note(selection) -> str:
    text = f"uses {len(selection.kept)} of {selection.n_inputs} inputs"
    if selection.kept and selection.informative:
        text += (f"<br>precision {selection.precision:.0%} · recall {selection.recall:.0%}")
    return text


# early stopping: what each patience keeps ---------------------------------------------------
def patience_figure(table, chosen: int | None = None, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Per patience: the validation loss early stopping keeps with restore-best and without it,
    the stop epoch under each patience; the `chosen` patience's bars outlined."""
    if table is None or not len(table):
        return message_figure(NO_RUNS, height=height, uirevision="patience")
    labels = [f"{int(p)}<br>{'runs to the end' if np.isnan(s) else f'stops at {int(s)}'}"
              for p, s in zip(table["patience"], table["stopped_epoch"])]
    outlines = [3 if chosen is not None and int(p) == chosen else 0 for p in table["patience"]]
    parts = Parts()
    for column, label, color in (("val_loss_restored", "restore best weights", run_color(1)),
                                 ("val_loss_last", "keep last weights", run_color(2))):
        parts.traces.append(dict(
            type="bar", x=labels, y=table[column], name=label,
            marker=dict(color=color, line=dict(color="#111827", width=outlines)),
            text=[f"{v:.3f}" for v in table[column]], textposition="outside",
            hovertemplate=f"patience %{{x}}<br>{label}: %{{y:.4f}}<extra></extra>"))
    values = table[["val_loss_restored", "val_loss_last"]].to_numpy(dtype=float)
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = max(high - low, 0.01)
    return build(parts, height=height, uirevision="patience", barmode="group",
                 axes={"xaxis": {"title": {"text": "patience (epochs)"}, "type": "category"},
                       "yaxis": {"title": {"text": "validation loss kept"},
                                 "range": [max(low - pad, 0), high + pad]}})


def ending_losses_figure(names, losses, *, height: int = 220) -> go.Figure:
    """One horizontal bar per run: the validation loss of the weights it ends with."""
    parts = Parts(traces=[dict(
        type="bar", orientation="h", y=list(names), x=list(losses), showlegend=False,
        marker=dict(color=[run_color(i) for i in range(len(names))]),
        text=[f"{v:.3f}" for v in losses], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.4f}<extra></extra>")])
    right = max(losses) * 1.25 if len(losses) else 1.0
    return build(parts, height=height, uirevision="ending", legend=False,
                 axes={"yaxis": {"type": "category", "autorange": "reversed"},
                       "xaxis": {"title": {"text": "validation loss"},
                                 "range": [0, right]}})


# weight decay vs L2 -------------------------------------------------------------------------
def weight_gap_figure(gaps, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """max |w_a − w_b| over epochs for each pair of runs (SGD pair, Adam pair), drawn in the
    color of the pair's first run; the final gap written at the end of each line."""
    parts = Parts()
    for pair_index, ((first, _), label) in enumerate(zip(PAIRS, PAIR_LABELS)):
        rows = gaps[gaps["pair"] == label]
        x, y = finite_points(rows["epoch"], rows["max_abs_diff"])
        color = run_color(DECAY_RUNS.index(first))
        parts.traces.append(dict(
            type="scatter", x=x, y=y, mode="lines", name=label,
            line=dict(color=color, width=3, dash="solid" if pair_index else "dash"),
            hovertemplate="epoch %{x}: %{y:.3g}<extra>%{fullData.name}</extra>"))
        if len(x):
            parts.annotations.append(dict(
                x=x[-1], y=y[-1], text=f"{y[-1]:.2g}", showarrow=False, xanchor="right",
                yanchor="bottom", font=dict(color=color, size=NOTE_FONT_SIZE)))
    return build(parts, height=height, uirevision="weight-gap", x_title="epoch",
                 y_title="largest weight difference", hovermode="x unified")


def decay_rates_figure(trace, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Histogram of the pull of the L2 term on each weight of Adam + L2, relative to the
    median weight (∝ 1/(√v̂ + ε), log x), against AdamW's, the same for every weight (1)."""
    pull = trace.l2_pull[trace.l2_pull > 0]
    if not len(pull):
        return message_figure("No weight is decayed.", height=height, uirevision="rates")
    adam_color = run_color(DECAY_RUNS.index("Adam + L2"))
    adamw_color = run_color(DECAY_RUNS.index("AdamW"))
    edges = np.logspace(min(np.log10(pull.min()), 0) - 0.1, max(np.log10(pull.max()), 0) + 0.1, 41)
    counts, _ = np.histogram(pull, edges)
    centers = np.sqrt(edges[:-1] * edges[1:])
    parts = Parts(traces=[dict(
        type="bar", x=centers, y=counts, width=np.diff(edges), name="Adam + L2: one per weight",
        marker=dict(color=adam_color, line_width=0), opacity=0.85,
        hovertemplate="pull ≈ %{x:.2g} × the median: %{y} weights<extra></extra>")])
    parts.shapes.append(dict(type="line", x0=1, x1=1, y0=0, y1=1, yref="paper",
                             line=dict(color=adamw_color, width=3)))
    parts.traces.append(dict(type="scatter", x=[None], y=[None], mode="lines",
                             name=f"AdamW: every weight alike (×(1 − {trace.decoupled_decay:.1e}) "
                                  f"per step)", line=dict(color=adamw_color, width=3)))
    return build(parts, height=height, uirevision="rates", bargap=0,
                 axes={"xaxis": {"type": "log", "exponentformat": "power",
                                 "title": {"text": "pull toward 0 relative to the median weight "
                                                   "(log)"}},
                       "yaxis": {"title": {"text": "weights"}}})


def weight_norm_figure(runs, names, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """‖w‖₂ over all weights per epoch (from epoch 0), one line per run:
    √(Σ_layers ‖W_layer‖₂²) from run.layer_stats."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="norms")
    parts = Parts()
    for i, (run, name) in enumerate(zip(runs, names)):
        stats = run.layer_stats
        if not len(stats):
            continue
        total = np.sqrt((stats.assign(sq=stats["l2"] ** 2).groupby("epoch")["sq"].sum()))
        x, y = finite_points(total.index, total.to_numpy())
        parts.traces.append(dict(
            type="scatter", x=x, y=y, mode="lines", name=name,
            line=dict(color=run_color(i), width=2.5, dash="dash" if i % 2 else "solid"),
            hovertemplate="%{fullData.name}: %{y:.3g}<extra></extra>"))
    return build(parts, height=height, uirevision="norms", x_title="epoch",
                 y_title="‖w‖₂ (all weights)", hovermode="x unified")
