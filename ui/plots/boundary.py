"""Decision boundaries of 2-D classifiers, one square panel per run on shared bounds: the
predicted class as a colored map (paler where the model is less sure), the boundary lines, and
the training (●) and validation (✕) points colored by their true class. Both axes have the
same scale, so a circle in the data is a circle on screen.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from regcore import decision_grid, grid_bounds
from ui.plots.spec_figure import SpecFigure
from ui.plots.style import (MODEBAR_WIDTH, Grid, Parts, blend_with_white, build, message_figure,
                            task_of)
from ui.theme import CLASS_COLORS, FIGURE_HEIGHT

WHICH = ("final", "best")
UNSURE_SHADE, SURE_SHADE = 0.10, 0.55  # class color share at confidence 1/K and at 1
BOUNDARY_LINE = dict(color="#303030", width=2)
MARGIN_SCALE = 30_000  # int16 code of margin 1 (not 32767: bytes FF 7F are base64 "/", see _levels)
ROW_GAP = 100  # px between rows of panels: the x ticks above, the next row's titles below
TOP, BOTTOM = 100, 55  # px of margin: legend and titles above the panels, x title below
LEFT, RIGHT = 70, MODEBAR_WIDTH  # px of margin: y ticks and title left, Plotly's toolbar right
H_GAP = 1 / 16         # share of the panels' width between two panels of a row
LEGEND_SPACE = 40      # px of TOP that the legend takes
SPLIT_MARKERS = {"training": dict(symbol="circle", size=7, line=dict(color="white", width=0.8)),
                 "validation": dict(symbol="x", size=8, line=dict(color="#303030", width=0.8))}


def boundary_figure(runs, names, *, which: str = "final", resolution: int = 80,
                    height: int = FIGURE_HEIGHT, cols: int | None = None,
                    legend: bool = True) -> go.Figure:
    """Decision maps of 2-D classification runs, `cols` panels a row (default: all in one
    row). which="final": each run's model as it is now (after any restore of the best
    weights); which="best": the weights of its best epoch. The map is
    `regcore.decision_grid` (resolution × resolution) on square bounds covering all runs'
    data; every panel is square with equal x and y scales. legend=False: no legend of the
    point markers (the page explains them)."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}, got {which!r}")
    reason = why_no_boundary(runs)
    if reason:
        return message_figure(reason, height=height, uirevision="boundary")
    data = [run.data for run in runs]
    bounds, n_classes = _shared_bounds(runs), max(d.n_classes for d in data)
    cols = min(cols or len(runs), len(runs))
    top = TOP if legend else TOP - LEGEND_SPACE
    grid, parts = Grid(rows=-(-len(runs) // cols), cols=cols, h_gap=H_GAP,
                       v_gap=min(ROW_GAP / max(height - top - BOTTOM, 1), 0.5)), Parts()
    for index, (run, name) in enumerate(zip(runs, names)):
        row, col = divmod(index, cols)
        model, title = _model_and_title(run, name, which)
        refs = grid.refs(row + 1, col + 1)
        _add_decision_map(parts, refs, decision_grid(model, bounds, resolution), n_classes)
        _add_points(parts, refs, run.data, first_panel=legend and index == 0)
        parts.annotations.append(grid.title(row + 1, col + 1, title))
    names_xy = data[0].feature_names or ("x₁", "x₂")
    axes = grid.axes(x={"title": {"text": names_xy[0]}, "showgrid": False, "range": list(bounds[0]),
                        "constrain": "domain"},
                     y={"title": {"text": names_xy[1]}, "showgrid": False, "range": list(bounds[1]),
                        "constrain": "domain", "constraintoward": "top"},
                     share_x=True)
    for row in range(1, grid.rows):  # the x title under the last row only
        for col in range(1, cols + 1):
            axes[grid.keys(row, col)[0]].pop("title")
    for empty in range(len(runs), grid.rows * cols):  # no axes where the last row has no run
        for key in grid.keys(empty // cols + 1, empty % cols + 1):
            del axes[key]
    for y_axis in (axis for key, axis in axes.items() if key.startswith("yaxis")):
        y_axis.update(scaleanchor=y_axis["anchor"], scaleratio=1,  # 1 unit of y = 1 unit of x
                      domain=_within_paper(y_axis["domain"]))
    return build(parts, height=height, uirevision=f"boundary-{which}", axes=axes,
                 top=top, legend=legend, margin=dict(l=LEFT, r=RIGHT, t=top, b=BOTTOM))


def panel_side(width: int, cols: int) -> int:
    """Side (px) of each square panel when `cols` panels fill a row of a boundary figure
    `width` px wide: (width − LEFT − RIGHT) · (1 − H_GAP · (cols − 1)) / cols, rounded down."""
    return int((width - LEFT - RIGHT) * (1 - H_GAP * (cols - 1)) / cols)


def _within_paper(domain: list[float]) -> list[float]:
    """`domain` clipped to [0, 1]: the rows' shares of the height add up to 1 only up to a
    rounding error (three rows leave the last one a hair below 0, which Plotly refuses)."""
    return [max(domain[0], 0.0), min(domain[1], 1.0)]


def refreshed_boundary_figure(figure: go.Figure, runs, names, *, which: str = "final",
                              resolution: int = 80) -> SpecFigure:
    """A copy of `figure`, made by boundary_figure for these runs (same data, count and
    resolution), with each panel's map, boundary lines and title recomputed for the runs as
    they are now; `figure` itself is left as it was. The copy is a SpecFigure: refilling the
    plain dict of a figure costs a few ms where building one costs ~20 (most of it Plotly
    validating the new figure), so the live maps are refilled at every redraw."""
    bounds, n_classes = _shared_bounds(runs), max(run.data.n_classes for run in runs)
    spec = figure.to_dict()
    heatmaps = [trace for trace in spec["data"] if trace.get("type") == "heatmap"]
    contours = [trace for trace in spec["data"] if trace.get("type") == "contour"]
    per_panel = len(contours) // len(runs)
    for index, (run, name) in enumerate(zip(runs, names)):
        model, title = _model_and_title(run, name, which)
        z, margins = _map_layers(decision_grid(model, bounds, resolution), n_classes)
        heatmaps[index]["z"] = z
        for contour, margin in zip(contours[index * per_panel:], margins):
            contour["z"] = margin
        spec["layout"]["annotations"][index]["text"] = title
    return SpecFigure(spec)


def _shared_bounds(runs):
    data = [run.data for run in runs]
    return square_bounds(grid_bounds(*(d.X_train for d in data), *(d.X_val for d in data)))


def square_bounds(bounds) -> tuple[tuple[float, float], tuple[float, float]]:
    """((x0, x1), (y0, y1)) widened about its centre to a square: both sides as long as the
    longer one, so equal axis scales give a square panel."""
    (x0, x1), (y0, y1) = bounds
    half = max(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half, cx + half), (cy - half, cy + half)


def why_no_boundary(runs) -> str:
    """Why these runs have no decision boundary to draw ("" if they have one)."""
    if not runs:
        return "Train a run to see its decision boundary here."
    if any(run.data is None for run in runs):
        return "Decision boundaries need the runs' data."
    features = {run.data.n_features for run in runs}
    if features != {2}:
        count = ", ".join(str(n) for n in sorted(features))
        return f"Decision boundaries need 2-D data:<br>this dataset has {count} features."
    if any(task_of(run) == "regression" for run in runs):
        return "Decision boundaries need 2-D classification data:<br>this is regression."
    return ""


def _model_and_title(run, name: str, which: str):
    """The model to draw and its panel title, e.g. "A — best epoch 37" or "A — final (epoch 120)"."""
    best, last = run.best_epoch, run.stopped_epoch
    if which == "best" and best is not None:
        model, title, shown = run.best_model(), f"{name} — best epoch {best}", best
    elif which == "best":
        model, title, shown = run.model, f"{name} — no best epoch (shown: epoch {last})", last
    elif run.status == "diverged":
        model, title, shown = run.model, f"{name} — diverged at epoch {last}", last
    elif last == 0:
        model, title, shown = run.model, f"{name} — initial weights", None
    elif run.status == "running":
        model, title, shown = run.model, f"{name} — now (epoch {last})", last
    elif best not in (None, last) and _holds_best_weights(run):
        model, title, shown = run.model, f"{name} — final (best epoch {best} restored)", best
    else:
        model, title, shown = run.model, f"{name} — final (epoch {last})", last
    accuracy = run.at_epoch("val_acc", shown)
    if np.isfinite(accuracy):
        title += f"<br><span style='font-size:13px'>val accuracy {100 * accuracy:.1f}%</span>"
    return model, title


def _holds_best_weights(run) -> bool:
    """Whether the run's model carries the weights of its best epoch (early stopping restored them)."""
    return bool(np.array_equal(run.model.flat, run.best_state["flat"]))


def _class_colorscale(n_classes: int) -> list:
    """Class k fills [k/K, (k+1)/K) of the scale, from pale (unsure) to strong (sure)."""
    scale, tiny = [], 1e-9
    for k in range(n_classes):
        color = CLASS_COLORS[k % len(CLASS_COLORS)]
        scale.append([k / n_classes, blend_with_white(color, UNSURE_SHADE)])
        scale.append([(k + 1) / n_classes - tiny, blend_with_white(color, SURE_SHADE)])
    scale[-1][0] = 1.0
    return scale


def _add_decision_map(parts, refs, grid, n_classes: int):
    """The heatmap and the boundary contours of one panel (see _map_layers), the grid given
    by its first point and step rather than as coordinate arrays."""
    z, margins = _map_layers(grid, n_classes)
    cells = dict(x0=float(grid.xs[0]), dx=float(grid.xs[1] - grid.xs[0]),
                 y0=float(grid.ys[0]), dy=float(grid.ys[1] - grid.ys[0]))
    parts.traces.append(dict(type="heatmap", z=z, zmin=0, zmax=n_classes * _levels(n_classes),
                             colorscale=_class_colorscale(n_classes), showscale=False,
                             hoverinfo="skip", **cells, **refs))
    for margin in margins:
        parts.traces.append(dict(type="contour", z=margin, showscale=False,
                                 contours=dict(start=0, end=0, size=1, coloring="none"),
                                 line=BOUNDARY_LINE, hoverinfo="skip", showlegend=False,
                                 **cells, **refs))


def _levels(n_classes: int) -> int:
    """Shades a class gets in the one-byte map codes: S = 200 // K, more than the eye tells
    apart. Codes stay below 200 so that the sure (and most frequent) ones are not bytes like
    0xFF whose base64 is "/", which the figure's JSON spells in six bytes ("\\u002f")."""
    return 200 // n_classes


def _map_layers(grid, n_classes: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """(z, margins), each (resolution, resolution), coded small to keep each update of the
    live maps small. Class and confidence in one heatmap code z = label · S + round(sureness
    · (S − 1)), S = _levels(K), sureness = (confidence − 1/K) / (1 − 1/K) clipped to [0, 1], so
    one colorscale on [0, K · S] shows both: uint8. Boundary lines are the zero contours of the
    margins p_k − max_{j≠k} p_j (one for two classes, K else), coded round(MARGIN_SCALE ·
    margin): int16. A diverged model's NaN is left blank (the codes then float32, NaN kept)."""
    confidence, levels = grid.confidence, _levels(n_classes)
    sureness = np.clip((confidence - 1 / n_classes) / (1 - 1 / n_classes), 0, 1)
    z = _coded(grid.label * levels + np.round(sureness * (levels - 1)), np.isfinite(confidence),
               np.uint8)
    margins = [grid.proba[..., k] - np.delete(grid.proba, k, axis=-1).max(axis=-1)
               for k in range(1 if n_classes == 2 else 0, n_classes)]
    return z, [_coded(np.round(MARGIN_SCALE * m), np.isfinite(m), np.int16) for m in margins]


def _coded(codes: np.ndarray, finite: np.ndarray, dtype) -> np.ndarray:
    """`codes` as `dtype` where all are finite, else float32 with NaN where not `finite`."""
    if finite.all():
        return codes.astype(dtype)
    return np.where(finite, codes, np.nan).astype(np.float32)


def _add_points(parts, refs, data, first_panel: bool):
    """Training and validation points by true class; legend entries from the first panel."""
    for split, X, y in (("training", data.X_train, data.y_train),
                        ("validation", data.X_val, data.y_val)):
        class_names = data.class_names or [f"class {k}" for k in range(data.n_classes)]
        for k, class_name in enumerate(class_names):
            members = y == k
            if not members.any():
                continue
            color = CLASS_COLORS[k % len(CLASS_COLORS)]
            parts.traces.append(dict(
                type="scatter", x=X[members, 0].astype(np.float32),
                y=X[members, 1].astype(np.float32), mode="markers",
                name=f"{split}: {class_name}", legendgroup=f"{split}-{k}",
                showlegend=first_panel, marker=dict(color=color, **SPLIT_MARKERS[split]),
                hovertemplate=f"{split} point: {class_name}<extra></extra>", **refs))

