"""A workshop room on one server: a presenter opens a room, N participants join by its link,
commit a prediction, each trains with a value of its own of the unlocked setting, and posts
the result to the room.

    result = asyncio.run(run_workshop(server, participants=30))

The presenter opens the room page and presses "Open a room" (the lab's default comparison:
run B's dropout unlocked, "which run ends with the lower validation loss?"); its view stays
open and refreshes the room's counts and charts every two seconds all along, as on a
projector. Participant k opens the join link, commits a prediction (A or B in turn) with the
form's button, and at the click presses Train with run B's dropout set to the k-th of N evenly
spaced values of the unlocked range (a small sweep of N distinct trainings).

The figures are those of benchmarks.room, measured from the click; a participant's finish is
the full run whose page says its result is in the room (the post happens in that run). Added:
the results the presenter's view counted ("Finished training") once the last participant
posted, and when it first counted them all.
"""
from __future__ import annotations

import re

from ui.keys import OPEN_ROOM, live_key, page_key
from ui.room_view import COMMIT, LIVE, PREDICTION, REFRESH_SECONDS, ROOM_PATH, UNLOCKABLE

from .room import RoomResult, measured, until, warm_up
from .server import Server
from .visitor import Record, Visitor

TRAIN = live_key(LIVE, "train")
SETTING = "dropout"                               # the room's unlocked setting (run B's)
SLIDER = page_key(ROOM_PATH, f"setting_{SETTING}")
POSTED = "Your result is in the room"             # the participant's caption once posted
COUNTED = "Finished training: "                   # the presenter's count of participants posted
JOIN_LINK = re.compile(r"\?room=(\w+)")
CHOICES = ("A", "B")


def setting_value(index: int, participants: int) -> float:
    """Participant `index`'s value of the unlocked setting: evenly spaced inside its range,
    on the slider's 0.01 steps."""
    _, low, high = UNLOCKABLE[SETTING]
    return round(low + (high - low) * (index + 1) / (participants + 1), 2)


async def open_workshop(server: Server, timeout: float) -> tuple[Visitor, str]:
    """The presenter opens the room page, then a room; returns its visitor and the room's code."""
    presenter = Visitor(server.url, page=ROOM_PATH)
    await presenter.open(timeout)
    await presenter.press(OPEN_ROOM)
    await presenter.wait_for_full_run(timeout)
    links = [JOIN_LINK.search(text) for run in presenter.record.runs for text in run.texts]
    codes = [link[1] for link in links if link]
    if not codes:
        raise RuntimeError("the presenter's page shows no join link: "
                           f"{presenter.record.exceptions or presenter.record.errors}")
    return presenter, codes[-1]


async def join_and_predict(participant: Visitor, index: int, timeout: float) -> None:
    """Open the join link and commit a prediction (A or B in turn) with the form's button."""
    await participant.open(timeout)
    await participant.press(COMMIT, {PREDICTION: ("string_value", CHOICES[index % len(CHOICES)])})
    await participant.wait_for_full_run(timeout)


async def run_workshop(server: Server, participants: int, timeout: float = 300.0,
                       warm: bool = True) -> RoomResult:
    """A presenter's room filled by `participants` who predict, train and post at once."""
    if warm:
        await warm_up(server, timeout)
    presenter, code = await open_workshop(server, timeout)
    room = [Visitor(server.url, f"room={code}", page=ROOM_PATH) for _ in range(participants)]

    async def join(visitor: Visitor, index: int) -> None:
        await join_and_predict(visitor, index, timeout)

    async def train(visitor: Visitor, index: int) -> None:  # the slider moved, then Train
        value = setting_value(index, participants)
        await visitor.press(TRAIN, {SLIDER: ("double_array_value", [value])})

    result, clicked = await measured(server, "room", room, join, train, timeout,
                                     done_text=POSTED)
    # The board refreshes every REFRESH_SECONDS: give it two refreshes to count the last posts.
    def shown() -> float | None:
        return all_counted(presenter.record, participants, clicked)

    await until(lambda: shown() is not None, 2 * REFRESH_SECONDS + 1)
    result.posts, result.all_posts_shown = counted(presenter.record), shown()
    result.presenter_exceptions = list(presenter.record.exceptions)
    result.presenter_errors = list(presenter.record.errors)
    await presenter.close()
    return result


def counted(record: Record) -> int | None:
    """The presenter's last count of participants who posted."""
    for run in reversed(record.runs):
        for text in run.texts:
            if text.startswith(COUNTED):
                return int(text.removeprefix(COUNTED))
    return None


def all_counted(record: Record, participants: int, clicked: float) -> float | None:
    """Seconds after the click when the presenter's view first showed every participant
    counted (the end of that refresh of its board)."""
    for run in record.runs:
        if run.started >= clicked and run.finished is not None and \
                f"{COUNTED}{participants}" in run.texts:
            return run.finished - clicked
    return None
