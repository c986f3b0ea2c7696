"""The presenter's view of a workshop room: the room's predictions, and everyone's results in
one chart — each participant's value of the unlocked setting against the validation loss they
measured (the room's own sweep), with the presenter's runs marked."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.plots.style import MUTED, Parts, build, message_figure
from ui.theme import RUN_COLORS, run_color

ROOM_HEIGHT = 380
ANSWER_COLOR = "#15803d"
NUMBER_BINS = 12


def predictions_figure(question, answers: Sequence, answer: str | None = None,
                       *, height: int = ROOM_HEIGHT) -> go.Figure:
    """How many participants committed each answer: one bar per choice (the revealed answer
    in green), or a histogram of number answers over the question's range."""
    if not answers:
        return message_figure("No predictions yet.", height=height, uirevision="predictions")
    if question.is_choice:
        counts = Counter(answers)
        colors = [ANSWER_COLOR if choice == answer else RUN_COLORS[0]
                  for choice in question.choices]
        trace = dict(type="bar", x=list(question.choices),
                     y=[counts.get(choice, 0) for choice in question.choices],
                     marker=dict(color=colors), text=[counts.get(c, 0) for c in question.choices],
                     textposition="outside", cliponaxis=False,
                     hovertemplate="%{x}: %{y} predictions<extra></extra>")
    else:
        edges = np.linspace(question.low, question.high, NUMBER_BINS + 1)
        counts, _ = np.histogram(np.asarray(answers, dtype=float), edges)
        trace = dict(type="bar", x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges),
                     marker=dict(color=RUN_COLORS[0]),
                     hovertemplate="about %{x:.3g}: %{y} predictions<extra></extra>")
    return build(Parts(traces=[trace]), height=height, uirevision="predictions", legend=False,
                 x_title="prediction", y_title="participants",
                 yaxis_rangemode="tozero")


def room_results_figure(results: Sequence[dict], setting: str | None, label: str,
                        presenter: Sequence[tuple[str, float | None, float]] = (),
                        span: tuple[float, float] | None = None,
                        *, height: int = ROOM_HEIGHT) -> go.Figure:
    """Every posted result: x = its value of `setting` (labelled `label`, over the unlocked
    `span`; without an unlocked setting, the order of arrival), y = the validation loss.
    presenter: (run name, setting value or None, validation loss) of the presenter's runs,
    drawn as stars."""
    points = [r for r in results if np.isfinite(r.get("val_loss", np.nan))]
    if not points and not presenter:
        return message_figure("No results yet: they appear as participants finish training.",
                              height=height, uirevision="room-results")
    xs = [r.get(setting, np.nan) if setting else i + 1 for i, r in enumerate(points)]
    parts = Parts(traces=[dict(
        type="scatter", mode="markers", x=xs, y=[r["val_loss"] for r in points],
        name="participants", marker=dict(size=11, color=RUN_COLORS[0], opacity=0.7,
                                         line=dict(color="white", width=1)),
        hovertemplate=f"{label} %{{x:.3g}}: validation loss %{{y:.4g}}<extra></extra>")])
    for index, (name, value, loss) in enumerate(presenter):
        parts.traces.append(dict(
            type="scatter", mode="markers", x=[value if setting else 0], y=[loss],
            name=f"presenter: {name}",
            marker=dict(symbol="star", size=18, color=run_color(index, name),
                        line=dict(color=MUTED, width=1)),
            hovertemplate=f"presenter's {name}: %{{y:.4g}}<extra></extra>"))
    figure = build(parts, height=height, uirevision="room-results",
                   x_title=label if setting else "result (in order of arrival)",
                   y_title="validation loss", yaxis_rangemode="tozero")
    if setting and span is not None:
        margin = 0.05 * (span[1] - span[0])
        figure.update_xaxes(range=[span[0] - margin, span[1] + margin])
    return figure
