"""Weight decay vs an L2 penalty: how far the weights of each pair of runs drift apart, the
pull of Adam's L2 term on each weight against AdamW's, the same for every weight, and ‖w‖₂ per run."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from regcore.lessons.weight_decay import PAIR_LABELS, PAIRS, RUN_NAMES as DECAY_RUNS
from ui.plots.style import NOTE_FONT_SIZE, Parts, build, finite_points, log_axis, message_figure
from ui.theme import FIGURE_HEIGHT, run_color

NO_RUNS = "Train the runs to see this figure."


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
                 axes={"xaxis": log_axis(title={"text": "pull toward 0 relative to the median "
                                                        "weight (log)"}),
                       "yaxis": {"title": {"text": "weights"}, "rangemode": "tozero"}})


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
