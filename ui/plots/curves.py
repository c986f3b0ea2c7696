"""Training curves of several runs over epochs: loss (with early stopping marks), accuracy,
generalization gap, the training loss in train vs eval mode, and the split of the training
objective into data loss and penalty.

Run i, named name, is drawn in run_color(i, name); validation solid, training dashed.
Non-finite values (a run that diverged) are left out of the lines, and long curves are
decimated before drawing (ui.plots.style.extremes: each stretch keeps its lowest and highest).

These figures are redrawn on every tick of live training, so they are assembled (`assembled`)
rather than built: Plotly validates each distinct piece once, not the whole figure every time.
"""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.plots.spec_figure import SpecFigure
from ui.plots.style import (MUTED, NOTE_FONT_SIZE, Grid, Parts, build, finite_points, log_axis,
                            message_figure, percent_axis, task_of, thin, translucent)
from ui.theme import FIGURE_HEIGHT, run_color

NO_RUNS = "Train a run to see its curves here."
SPLITS = (("val", "validation", "solid"), ("train", "training", "dash"))
LINE_HOVER = "%{fullData.name}: %{y:.4g}<extra></extra>"
MARKER_KEYS = {"best epoch": ("star", None), "early stop": ("x", None),
               "what-if stop": ("circle", "white")}


def smooth(values, amount: float) -> np.ndarray:
    """Exponential moving average s_t = amount·s_{t−1} + (1 − amount)·x_t with s_0 = x_0.

    amount in [0, 1): 0 returns the values unchanged, closer to 1 smooths more. NaN and ±inf
    are skipped (the average carries on from the last finite value) and stay NaN in the
    output, so a diverged tail never spreads into the finite part of a curve."""
    if not 0.0 <= amount < 1.0:
        raise ValueError(f"smoothing amount must be in [0, 1), got {amount!r}")
    x = np.asarray(values, dtype=float).ravel()
    missing = ~np.isfinite(x)
    cleaned = np.where(missing, np.nan, x)
    if amount == 0.0 or len(x) == 0:
        return cleaned
    out = pd.Series(cleaned).ewm(alpha=1.0 - amount, adjust=False,
                                 ignore_na=True).mean().to_numpy(copy=True)
    out[missing] = np.nan
    return out


# loss ---------------------------------------------------------------------------------------
def loss_figure(runs, names, *, log_y: bool = False, smoothing: float = 0.0,
                show_train: bool = True, what_if_patience: int | None = None,
                height: int = FIGURE_HEIGHT) -> go.Figure:
    """Validation (solid) and training (dashed) loss per run, with a star at each best epoch;
    for runs with early stopping the patience window (shaded) and the stop (✕); for runs
    without it and `what_if_patience` given, where that patience would have stopped (○)."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="loss")
    parts, marks, drawn = Parts(), Parts(), set()  # marks go on top of every line
    for i, (run, name) in enumerate(zip(runs, names)):
        color, epochs = run_color(i, name), run.column("epoch")
        val = smooth(run.column("val_loss"), smoothing)
        _add_split_lines(parts, run, name, color, "loss", smoothing, show_train)
        drawn.add(_mark_best(marks, run, name, color, epochs, val))
        if run.config.patience is not None:
            drawn.add(_mark_patience_window(marks, run, name, color, epochs, val))
        elif what_if_patience is not None:
            drawn.add(_mark_what_if(marks, run, name, color, epochs, val, what_if_patience, i,
                                    last_epoch=max(len(r.history_table) for r in runs)))
        if run.status == "diverged":
            _mark_divergence(marks, run, name, color, epochs, val, log_y)
    _add_marker_keys(marks, drawn)
    parts.traces += marks.traces
    parts.shapes += marks.shapes
    parts.annotations += marks.annotations
    scale = "log" if log_y else "linear"
    y_axis = {"title": {"text": "loss (log scale)" if log_y else "loss"}, "type": scale}
    return assembled(parts, height=height, uirevision=f"loss-{scale}", hovermode="x unified",
                 axes={"xaxis": {"title": {"text": "epoch"}},
                       "yaxis": log_axis(**y_axis) if log_y else y_axis})


def _add_split_lines(parts, run, name, color, metric, smoothing, show_train, scale=1.0):
    """The validation line and, if asked, the training line of one metric ("loss", "acc")."""
    for split, label, dash in SPLITS:
        if split == "train" and not show_train:
            continue
        y = smooth(run.column(f"{split}_{metric}"), smoothing) * scale
        x, y = finite_points(run.column("epoch"), y)
        parts.traces.append(dict(type="scatter", x=x, y=y, mode=_line_mode(x), name=f"{name} {label}",
                                 legendgroup=name, hovertemplate=LINE_HOVER,
                                 line=dict(color=color, dash=dash, width=2.5)))


def _line_mode(x) -> str:
    """A curve of a single point (the first epoch) is invisible as a line: show a marker."""
    return "lines" if len(x) > 1 else "lines+markers"


def _value_at(epochs: np.ndarray, values: np.ndarray, epoch) -> float | None:
    """The drawn value at `epoch`, or None when that epoch has no finite value."""
    if epoch is None:
        return None
    hit = np.flatnonzero(epochs == epoch)
    if not len(hit) or not np.isfinite(values[hit[0]]):
        return None
    return float(values[hit[0]])


def _add_mark(parts, name, color, epoch, y, label, hover, size=15):
    """One marker named "{name} {label}", its symbol and fill from MARKER_KEYS."""
    symbol, fill = MARKER_KEYS[label]
    parts.traces.append(dict(
        type="scatter", x=[epoch], y=[y], mode="markers", name=f"{name} {label}",
        legendgroup=name, showlegend=False, hovertemplate=f"{hover}<extra></extra>",
        marker=dict(symbol=symbol, size=size, color=fill or color,
                    line=dict(color=color if fill else "white", width=2.5 if fill else 1))))
    return label


def _mark_best(parts, run, name, color, epochs, val) -> str | None:
    """A star on the validation curve at the best epoch; returns the marker key drawn."""
    y = _value_at(epochs, val, run.best_epoch)
    if y is None:
        return None
    # the epoch is the star's x, so its style (validated once, see `assembled`) stays the same
    return _add_mark(parts, name, color, run.best_epoch, y, "best epoch",
                     f"{name}: best epoch %{{x}}", size=18)


def _mark_patience_window(parts, run, name, color, epochs, val) -> str | None:
    """Shade the epochs since the best one (the patience count) and mark an early stop."""
    best, last = run.best_epoch, run.stopped_epoch
    if best is None or last <= best:
        return None
    parts.shapes.append(dict(type="rect", x0=best, x1=last, y0=0, y1=1, xref="x", yref="paper",
                             fillcolor=translucent(color, 0.13), line_width=0, layer="below"))
    y = _value_at(epochs, val, last)
    if run.status != "early_stopped" or y is None:
        return None
    return _add_mark(parts, name, color, last, y, "early stop",
                     f"{name}: stopped at epoch {last}, no improvement since epoch {best} "
                     f"(patience {run.config.patience})")


def _mark_what_if(parts, run, name, color, epochs, val, patience, index, last_epoch) -> str | None:
    """Where early stopping with `patience` would have ended this run (if it would). The label
    reads away from the nearer edge: Plotly widens the x range to fit annotations."""
    config = run.config
    best, stop = run.would_stop(patience, config.min_delta, config.monitor)
    y = _value_at(epochs, val, stop)
    if y is None:
        return None
    parts.shapes.append(dict(type="line", x0=stop, x1=stop, y0=0, y1=1, xref="x", yref="paper",
                             line=dict(color=color, dash="dot", width=2)))
    parts.annotations.append(dict(
        x=stop, y=1 - 0.09 * index, xref="x", yref="paper", yanchor="top", showarrow=False,
        xanchor="left" if stop < last_epoch / 2 else "right",
        text=f" {name}: patience {patience} would stop here ",
        font=dict(color=color, size=NOTE_FONT_SIZE), bgcolor="rgba(255,255,255,0.75)"))
    return _add_mark(parts, name, color, stop, y, "what-if stop",
                     f"{name}: patience {patience} would stop at epoch {stop}, keeping epoch {best}")


def _mark_divergence(parts, run, name, color, epochs, val, log_y):
    """Label where a diverged run's curve ends (or, if it has no finite point, its epoch).
    On a log axis Plotly places annotations by log10 of the value."""
    note = dict(text=f"{name} diverged at epoch {run.stopped_epoch}", font=dict(color=color),
                bgcolor="rgba(255,255,255,0.85)")
    finite = np.flatnonzero(np.isfinite(val) & ((val > 0) if log_y else True))
    if len(finite):
        y = val[finite[-1]]
        note.update(x=epochs[finite[-1]], y=np.log10(y) if log_y else y, showarrow=True,
                    arrowcolor=color, ax=-40, ay=-30)
    else:
        note.update(x=run.stopped_epoch, y=0.5, yref="paper", showarrow=False)
    parts.annotations.append(note)


def _add_marker_keys(parts, drawn: set):
    """Grey legend entries that explain the marker symbols drawn in the figure."""
    for label, (symbol, fill) in MARKER_KEYS.items():
        if label in drawn:
            parts.traces.append(dict(
                type="scatter", x=[None], y=[None], mode="markers", name=label,
                marker=dict(symbol=symbol, size=13, color=fill or MUTED,
                            line=dict(color=MUTED, width=2.5 if fill else 0))))


# accuracy and gap ---------------------------------------------------------------------------
def accuracy_figure(runs, names, *, smoothing: float = 0.0,
                    height: int = FIGURE_HEIGHT) -> go.Figure:
    """Validation (solid) and training (dashed) accuracy in % per classification run."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="accuracy")
    if all(task_of(run) == "regression" for run in runs):
        return message_figure("Accuracy does not apply to regression:<br>compare the losses "
                              "instead.", height=height, uirevision="accuracy")
    parts = Parts()
    for i, (run, name) in enumerate(zip(runs, names)):
        if task_of(run) != "regression":
            _add_split_lines(parts, run, name, run_color(i, name), "acc", smoothing, True, scale=100.0)
    return assembled(parts, height=height, uirevision="accuracy", hovermode="x unified",
                 axes={"xaxis": {"title": {"text": "epoch"}},
                       "yaxis": percent_axis(title={"text": "accuracy (%)"})})


def gap_figure(runs, names, *, smoothing: float = 0.0, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Generalization gap = validation loss − training loss per epoch, with the zero line."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="gap")
    parts = Parts()
    for i, (run, name) in enumerate(zip(runs, names)):
        gap = run.column("val_loss") - run.column("train_loss")
        x, y = finite_points(run.column("epoch"), smooth(gap, smoothing))
        parts.traces.append(dict(type="scatter", x=x, y=y, mode=_line_mode(x), name=f"{name} gap",
                                 legendgroup=name, hovertemplate=LINE_HOVER,
                                 line=dict(color=run_color(i, name), width=2.5)))
    parts.shapes.append(dict(type="line", x0=0, x1=1, y0=0, y1=0, xref="paper", yref="y",
                             line=dict(color=MUTED, width=1.5)))
    parts.annotations.append(dict(text="above 0: worse on unseen data", x=0.01, y=0.99,
                                  xref="paper", yref="paper", xanchor="left", yanchor="top",
                                  showarrow=False, font=dict(color=MUTED, size=NOTE_FONT_SIZE)))
    return assembled(parts, height=height, uirevision="gap", x_title="epoch",
                 y_title="val loss − train loss", hovermode="x unified")


def mode_loss_figure(runs, names, *, height: int = FIGURE_HEIGHT) -> go.Figure:
    """Per run: the training loss in eval mode (train_loss, solid) and in train mode during the
    epoch (minibatch_loss, dotted) — dropout on, or BatchNorm with batch statistics."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="mode-loss")
    parts = Parts()
    for i, (run, name) in enumerate(zip(runs, names)):
        for column, label, dash in (("train_loss", "eval mode", "solid"),
                                    ("minibatch_loss", "train mode", "dot")):
            x, y = finite_points(run.column("epoch"), run.column(column))
            parts.traces.append(dict(type="scatter", x=x, y=y, mode="lines",
                                     name=f"{name} — {label}", legendgroup=name,
                                     hovertemplate="%{fullData.name}: %{y:.4g}<extra></extra>",
                                     line=dict(color=run_color(i, name), dash=dash, width=2.5)))
    return assembled(parts, height=height, uirevision="mode-loss", x_title="epoch",
                 y_title="training loss", hovermode="x unified")


# penalty split ------------------------------------------------------------------------------
def penalty_split_figure(runs, names, *, log_y: bool = False,
                         height: int = FIGURE_HEIGHT) -> go.Figure:
    """One panel per run: the objective the optimizer minimizes, stacked as
    data loss (train_loss, filled) + penalty R(w) (hatched) = objective. Each panel has its
    own y range (a run with a large penalty does not flatten the others); log_y puts every
    panel on a log scale, as the loss chart's option does."""
    if not runs:
        return message_figure(NO_RUNS, height=height, uirevision="penalty")
    grid, parts = Grid(rows=1, cols=len(runs), h_gap=0.06, v_gap=0), Parts()  # room for ticks
    for i, (run, name) in enumerate(zip(runs, names)):
        _add_objective_stack(parts, grid.refs(1, i + 1), run, name, run_color(i, name))
        parts.annotations.append(grid.title(1, i + 1, f"{name}: {penalty_label(run.config)}"))
        if getattr(run.config, "weight_decay", 0):
            parts.annotations.append(grid.note(1, i + 1, f"weight decay {run.config.weight_decay:g}"
                                                        ":<br>shrinks each update,<br>not a loss term"))
    parts.traces += [_fill_key(label, fill) for label, fill in _stack_fills(MUTED).items()]
    y_axis = {"title": {"text": "data loss + penalty" + (" (log scale)" if log_y else "")}}
    axes = grid.axes(x={"title": {"text": "epoch"}},
                     y=log_axis(**y_axis) if log_y else {**y_axis, "rangemode": "tozero"},
                     share_x=True, share_y=False)
    for col in range(2, len(runs) + 1):
        axes[grid.keys(1, col)[1]].pop("title", None)  # the first panel's title says it
    return assembled(parts, height=height, uirevision=f"penalty-{'log' if log_y else 'linear'}",
                 axes=axes, hovermode="x", top=85)


def _add_objective_stack(parts, refs, run, name, color):
    penalty, data_loss = run.column("penalty"), run.column("train_loss")
    keep = np.isfinite(penalty) & np.isfinite(data_loss)
    x = run.column("epoch").astype(float)[keep]
    index, fills = thin(len(x)), _stack_fills(color)
    for label, y in (("data loss", data_loss[keep]), ("penalty", penalty[keep])):
        parts.traces.append(dict(
            type="scatter", x=x[index], y=y[index], mode="lines", name=f"{name} {label}",
            legendgroup=name, showlegend=False, stackgroup=name, line=dict(color=color, width=2),
            hovertemplate=f"{name} {label}: %{{y:.4g}}<extra></extra>", **fills[label], **refs))


def _stack_fills(color: str) -> dict[str, dict]:
    """How the two layers of the objective are filled: data loss solid, penalty hatched."""
    return {"data loss": dict(fillcolor=translucent(color, 0.35)),
            "penalty": dict(fillcolor=translucent(color, 0.08),
                            fillpattern=dict(shape="/", fgcolor=color, fgopacity=0.5, size=8))}


def _fill_key(label: str, fill: dict) -> dict:
    """A grey legend entry explaining one fill style (the panels show which run is which)."""
    return dict(type="scatter", x=[None], y=[None], mode="lines", name=label, fill="toself",
                line=dict(color=MUTED, width=2), **fill)


def penalty_label(config) -> str:
    """"L2 λ=0.001", "elastic net λ=0.01, ρ=0.5", "no penalty"."""
    strength = f"λ={config.penalty_strength:g}"
    return {"none": "no penalty", "l1": f"L1 {strength}", "l2": f"L2 {strength}",
            "elasticnet": f"elastic net {strength}, ρ={config.l1_ratio:g}"}.get(
                config.penalty, config.penalty)


# assembly -----------------------------------------------------------------------------------
ARRAYS = ("x", "y")  # the per-point values of a trace; everything else is its style
VALIDATED_PIECES = 512  # distinct layouts and trace styles kept validated (a few kB each)


def assembled(parts: Parts, **options) -> SpecFigure:
    """The figure `build(parts, **options)` returns, as the same JSON, for a fraction of the
    cost: Plotly validates the layout (with the shapes and annotations) and each trace without
    its x and y once per distinct JSON text (`build` does it, so the result is build's), then
    the arrays go back in (`compact`) and the whole is a SpecFigure, which st.plotly_chart
    sends without Plotly building or copying it. During training only the arrays change from
    tick to tick; a style that changes (a best-epoch hover text) costs one trace."""
    layout = json.loads(_valid_layout(_text([parts.shapes, parts.annotations, options])))
    data = []
    for trace in parts.traces:
        style = {key: value for key, value in trace.items() if key not in ARRAYS}
        data.append({**json.loads(_valid_trace(_text(style))),
                     **{key: compact(trace[key]) for key in ARRAYS if key in trace}})
    return SpecFigure({"data": data, "layout": layout})


def compact(values):
    """A numpy array as the browser needs it, in fewer bytes: whole numbers (epochs) as int32,
    other floats as float32 (7 significant digits; hover texts show 4); lists as they are.
    A line of 150 epochs then travels as 1.2 kB of base64 instead of 3.2 kB."""
    if not isinstance(values, np.ndarray) or values.dtype.kind != "f":
        return values
    if np.all(values == np.round(values)) and np.all(np.abs(values) < 2**31):
        return values.astype(np.int32)
    return values.astype(np.float32)


def _text(value) -> str:
    """JSON text of plain dicts and lists holding numbers, strings and numpy values."""
    return json.dumps(value, default=lambda array: array.tolist())


@lru_cache(maxsize=VALIDATED_PIECES)
def _valid_layout(pieces: str) -> str:
    """The layout of build(Parts(shapes=, annotations=), **options), validated by Plotly."""
    shapes, annotations, options = json.loads(pieces)
    figure = build(Parts(shapes=shapes, annotations=annotations), **options)
    return _text(figure.to_dict()["layout"])


@lru_cache(maxsize=VALIDATED_PIECES)
def _valid_trace(style: str) -> str:
    """One trace's style (a trace without x and y), validated by Plotly."""
    return _text(go.Figure(data=[json.loads(style)]).to_dict()["data"][0])
