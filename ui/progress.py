"""Each run's state and progress in a live comparison's bar, as one HTML element.

A tick of a full room redraws the bar for every visitor, and each Streamlit element is a message
of its own: a row of columns with a label and a progress bar in each was seven messages for two
runs. This grid is one.

    st.html(progress_html([ProgressRow("A", "#1f77b4", "running", 3, 150, "")]))
"""
from __future__ import annotations

from html import escape
from typing import NamedTuple

CSS = """<style>
.reglab-progress {display: grid; gap: 0.15rem 1rem; font-size: 0.9rem; line-height: 1.3;}
.reglab-progress .state {color: #4b5563;}
.reglab-progress .track {height: 0.5rem; margin-top: 0.15rem; border-radius: 0.25rem;
  background: #e5e7eb; overflow: hidden;}
.reglab-progress .fill {height: 100%; background: #1d4ed8;}
.reglab-progress .note {color: #6b7280; font-size: 0.8rem;}
</style>"""


class ProgressRow(NamedTuple):
    """One run in the bar: its name in its color, its state ("ready", "running", "paused",
    "completed", ...), its epochs trained and in all, and why it stopped ("" if nothing to
    say)."""

    name: str
    color: str
    state: str
    epoch: int
    epochs: int
    note: str = ""


def progress_html(rows: list[ProgressRow]) -> str:
    """A grid with a cell per run: "● name state", "epoch i of n", a bar filled i/n, the note.
    Each cell is a progressbar to assistive technology (aria-valuenow = i of n)."""
    cells = "".join(_cell(row) for row in rows)
    return (f"<div class='reglab-progress' style='grid-template-columns: "
            f"repeat({max(len(rows), 1)}, minmax(0, 1fr))'>{cells}</div>")


def _cell(row: ProgressRow) -> str:
    share = min(row.epoch / row.epochs, 1.0) if row.epochs else 0.0
    name = escape(row.name)
    note = f"<div class='note'>{escape(row.note)}</div>" if row.note else ""
    return (f"<div role='progressbar' aria-label='run {name}' aria-valuemin='0' "
            f"aria-valuemax='{row.epochs}' aria-valuenow='{row.epoch}'>"
            f"<div><b style='color:{row.color}'>● {name}</b> "
            f"<span class='state'>{escape(row.state)}</span></div>"
            f"<div class='epochs'>epoch {row.epoch} of {row.epochs}</div>"
            f"<div class='track'><div class='fill' style='width:{100 * share:.1f}%'></div></div>"
            f"{note}</div>")
