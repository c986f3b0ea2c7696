"""How far a sweep has got and how long the rest should take, as numbers and as text."""
from __future__ import annotations

import math

BAR_WIDTH = 20


def time_left(done: int, total: int, elapsed: float) -> float | None:
    """Seconds still to go if the remaining runs take as long as the finished ones did on
    average: elapsed / done × (total − done). None before the first run has finished."""
    if done <= 0:
        return None
    return elapsed / done * max(total - done, 0)


def format_duration(seconds: float | None) -> str:
    """0:12, 3:05, 1:02:03; "?" when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(done: int, total: int, elapsed: float, width: int = BAR_WIDTH) -> str:
    """A plain-text progress bar: "[#####-----] 18/36  0:12 left"."""
    filled = width * done // total if total else width
    bar = "#" * filled + "-" * (width - filled)
    return f"[{bar}] {done}/{total}  {format_duration(time_left(done, total, elapsed))} left"
