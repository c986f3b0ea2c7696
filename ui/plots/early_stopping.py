"""What early stopping keeps: the validation loss each patience ends with (restoring the best
weights or keeping the last ones), and the loss each run ends with."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.plots.style import NOTE_FONT_SIZE, Parts, build, message_figure
from ui.theme import FIGURE_HEIGHT, run_color

NO_RUNS = "Train the runs to see this figure."
BAR_HEADROOM = 1.15  # bars start at 0; the axis ends this far above the tallest, for its label


def patience_figure(table, chosen: int | None = None, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Per patience: the validation loss early stopping keeps with restore-best and without it,
    the stop epoch under each patience; the `chosen` patience's bars outlined. The bars start
    at 0, so their lengths compare the losses themselves."""
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
            textfont=dict(size=NOTE_FONT_SIZE),
            hovertemplate=f"patience %{{x}}<br>{label}: %{{y:.4f}}<extra></extra>"))
    high = float(np.nanmax(table[["val_loss_restored", "val_loss_last"]].to_numpy(dtype=float)))
    return build(parts, height=height, uirevision="patience", barmode="group",
                 axes={"xaxis": {"title": {"text": "patience (epochs)"}, "type": "category"},
                       "yaxis": {"title": {"text": "validation loss kept"},
                                 "range": [0, BAR_HEADROOM * high]}})


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
