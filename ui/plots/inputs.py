"""Which inputs a network still listens to: the norm of each input's first-layer weights,
per run (the L1 and L2 lesson: L1 switches noise inputs off)."""
from __future__ import annotations

import plotly.graph_objects as go

from regcore.lessons.l1_l2 import input_norms, input_selection
from ui.plots.style import Grid, Parts, blend_with_white, build, message_figure
from ui.theme import FIGURE_HEIGHT, run_color

NO_RUNS = "Train the runs to see this figure."


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
