"""Workshop rooms: a presenter's experiment, the room's predictions and the room's results.

A presenter opens a `Room` holding an `Experiment` — the comparison, a `Question` and at
most two `Unlocked` settings participants may vary. Participants join with the room's code,
commit an answer before training, and post the settings they trained with and the numbers
they measured. The presenter's view reads the whole room at once (`RoomSummary`).

Safe by construction:
- rooms live in this process's memory (`Rooms`), apart from the visitors' sessions; a post
  holds only an answer, the unlocked settings and result numbers, each validated here;
- a room's code has ≥ 64 bits of randomness; acting as the presenter (reveal, close, change)
  takes the owner token only the opening session holds; a participant acts by a token of its
  own, so nobody can post for somebody else;
- rooms, participants per room and posts per participant are capped (`RoomLimits`); a room
  idle for longer than its idle time is forgotten;
- every refusal is a `RoomError` whose message can be shown as it is.
Nothing here imports Streamlit.
"""
from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from regcore import LIMITS, Config

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH = 14                                     # 14 × log2(31) ≈ 69 bits
RESULT_KEYS = ("val_loss", "val_acc", "train_loss", "gap", "sparsity",
               "measured")   # the answer a participant's runs give (a choice's index, a number)
MAX_TEXT = 200
MAX_CHOICE = 60


class RoomError(ValueError):
    """A request the room refuses; the message says why, in words for the screen."""


@dataclass(frozen=True)
class RoomLimits:
    """The caps of regcore.LIMITS that concern rooms (each overridable by REGLAB_* variables)."""

    max_rooms: int = LIMITS.max_rooms
    max_participants: int = LIMITS.max_room_participants
    max_posts: int = LIMITS.max_room_posts
    idle_seconds: float = 60.0 * LIMITS.room_idle_minutes


# --- the experiment ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    """Either 2–4 `choices`, or a number answer between `low` and `high`. measure: the name
    of the measurement that answers it from a comparison's runs (ready questions), if any."""

    text: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    measure: str | None = None

    def __post_init__(self):
        _check_text("the question", self.text, MAX_TEXT)
        if self.choices:
            if not 2 <= len(self.choices) <= 4 or len(set(self.choices)) != len(self.choices):
                raise RoomError("a question needs 2 to 4 different choices")
            for choice in self.choices:
                _check_text("a choice", choice, MAX_CHOICE)
        elif not (_finite(self.low) and _finite(self.high) and self.low < self.high):
            raise RoomError("a number question needs a range: low < high")

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def checked_answer(self, answer) -> str | float:
        if self.is_choice:
            if answer not in self.choices:
                raise RoomError(f"pick one of: {', '.join(self.choices)}")
            return answer
        number = _number("your answer", answer)
        if not self.low <= number <= self.high:
            raise RoomError(f"your answer must lie between {self.low:g} and {self.high:g}")
        return number


@dataclass(frozen=True)
class Unlocked:
    """A setting participants may vary: `field` of run number `run`, within [low, high]."""

    field: str
    run: int
    low: float
    high: float

    def checked(self, value, configs: Sequence[Config]) -> float:
        number = _number(self.field, value)
        if not self.low <= number <= self.high:
            raise RoomError(f"{self.field} must lie between {self.low:g} and {self.high:g}")
        try:
            configs[self.run].replace(**{self.field: number})
        except (TypeError, ValueError) as error:
            raise RoomError(f"{self.field} = {number:g} is not a valid setting: {error}") from None
        return number


@dataclass(frozen=True)
class Experiment:
    """The presenter's comparison (configs under names), the question and what is unlocked."""

    configs: tuple[Config, ...]
    names: tuple[str, ...]
    question: Question
    unlocked: tuple[Unlocked, ...] = ()

    def __post_init__(self):
        if not self.configs or len(self.configs) != len(self.names):
            raise RoomError("a room needs the comparison's runs and their names")
        if len(self.unlocked) > 2:
            raise RoomError("unlock at most two settings")
        for setting in self.unlocked:
            if not 0 <= setting.run < len(self.configs):
                raise RoomError(f"there is no run {setting.run + 1} to unlock")
            for bound in (setting.low, setting.high):
                setting.checked(bound, self.configs)

    def participant_configs(self, settings: dict[str, float]) -> tuple[Config, ...]:
        """The comparison with a participant's values of the unlocked settings."""
        configs = list(self.configs)
        for setting in self.unlocked:
            if setting.field in settings:
                configs[setting.run] = configs[setting.run].replace(
                    **{setting.field: settings[setting.field]})
        return tuple(configs)


# --- the room ------------------------------------------------------------------------------------
@dataclass
class Participant:
    """results: one {setting: value, …, result key: number, …} per training posted."""

    joined: float
    answer: str | float | None = None
    results: list[dict[str, float]] = field(default_factory=list)
    posts: int = 0


@dataclass
class Room:
    code: str
    owner: str
    experiment: Experiment
    last_active: float
    participants: dict[str, Participant] = field(default_factory=dict)
    closed: bool = False
    answer: str | None = None      # set by reveal: the answer as the presenter states it
    presenter_result: dict[str, float] | None = None


@dataclass(frozen=True)
class ParticipantView:
    """What a participant sees of a room: the experiment, their own answer and posts."""

    experiment: Experiment
    answer: str | float | None
    results: tuple[dict, ...]
    revealed: str | None


@dataclass(frozen=True)
class RoomSummary:
    """What the presenter's view shows (no tokens: safe to draw)."""

    code: str
    experiment: Experiment
    joined: int
    answered: int
    finished: int
    answers: tuple                             # every committed answer
    results: tuple[dict, ...]                  # every participant's every posted result
    presenter_result: dict[str, float] | None
    closed: bool
    answer: str | None


class Rooms:
    """Every room of this server. Thread-safe: visitors' sessions run in threads of their own."""

    def __init__(self, limits: RoomLimits = RoomLimits(), clock=time.monotonic):
        self.limits = limits
        self._clock = clock
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    # the presenter ---------------------------------------------------------------------------
    def open(self, owner: str, experiment: Experiment) -> str:
        """A new room for `experiment`, owned by the holder of `owner`; returns its code."""
        with self._lock:
            self._forget_idle()
            if len(self._rooms) >= self.limits.max_rooms:
                raise RoomError("this server holds as many rooms as it can; try again later")
            code = new_code()
            self._rooms[code] = Room(code, owner, experiment, self._clock())
            return code

    def change(self, code: str, owner: str, experiment: Experiment) -> None:
        """A new experiment for the room; answers and results of the old one are dropped."""
        with self._lock:
            room = self._owned(code, owner)
            room.experiment, room.answer, room.presenter_result = experiment, None, None
            for participant in room.participants.values():
                participant.answer, participant.results = None, []

    def post_presenter_result(self, code: str, owner: str, result: dict) -> None:
        with self._lock:
            self._owned(code, owner).presenter_result = checked_result(result)

    def reveal(self, code: str, owner: str, answer: str) -> None:
        with self._lock:
            room = self._owned(code, owner)
            _check_text("the answer", answer, MAX_TEXT)
            room.answer = answer

    def close(self, code: str, owner: str) -> None:
        with self._lock:
            self._owned(code, owner).closed = True

    def summary(self, code: str, owner: str) -> RoomSummary:
        with self._lock:
            room = self._owned(code, owner)
            people = list(room.participants.values())
            return RoomSummary(
                code, room.experiment, joined=len(people),
                answered=sum(p.answer is not None for p in people),
                finished=sum(bool(p.results) for p in people),
                answers=tuple(p.answer for p in people if p.answer is not None),
                results=tuple(dict(r) for p in people for r in p.results),
                presenter_result=room.presenter_result, closed=room.closed,
                answer=room.answer)

    # a participant ---------------------------------------------------------------------------
    def join(self, code: str, token: str) -> ParticipantView:
        """Join (or rejoin) the room with the participant's own token; returns what they see."""
        with self._lock:
            room = self._open_room(code)
            participant = room.participants.get(token)
            if participant is None:
                if len(room.participants) >= self.limits.max_participants:
                    raise RoomError("this room is full")
                participant = room.participants[token] = Participant(joined=self._clock())
            return ParticipantView(room.experiment, participant.answer,
                                   tuple(dict(r) for r in participant.results), room.answer)

    def answer(self, code: str, token: str, answer) -> None:
        """Commit an answer, once, before posting a result."""
        with self._lock:
            room, participant = self._participant(code, token)
            if participant.answer is not None:
                raise RoomError("you have answered already")
            if participant.results:
                raise RoomError("answers are taken before training")
            participant.answer = room.experiment.question.checked_answer(answer)

    def post_result(self, code: str, token: str, settings: dict, result: dict) -> None:
        """The unlocked settings a participant trained with and what they measured; each
        training once (the same settings and numbers again are refused)."""
        with self._lock:
            room, participant = self._participant(code, token)
            unlocked = room.experiment.unlocked
            if not isinstance(settings, dict) or set(settings) - {s.field for s in unlocked}:
                raise RoomError("only the unlocked settings can be posted")
            posted = {s.field: s.checked(settings[s.field], room.experiment.configs)
                      for s in unlocked if s.field in settings}
            posted.update(checked_result(result))
            if posted in participant.results:
                raise RoomError("you have posted this result already")
            participant.results.append(posted)

    # inside ------------------------------------------------------------------------------------
    def _participant(self, code: str, token: str) -> tuple[Room, Participant]:
        room = self._open_room(code)
        participant = room.participants.get(token)
        if participant is None:
            raise RoomError("join the room first")
        if participant.posts >= self.limits.max_posts:
            raise RoomError("you have posted as often as a room allows")
        participant.posts += 1
        return room, participant

    def _open_room(self, code: str) -> Room:
        room = self._room(code)
        if room.closed:
            raise RoomError("this room is closed")
        return room

    def _owned(self, code: str, owner: str) -> Room:
        room = self._room(code)
        if not secrets.compare_digest(room.owner, owner):
            raise RoomError("only the presenter who opened this room can do that")
        return room

    def _room(self, code: str) -> Room:
        self._forget_idle()
        room = self._rooms.get(parse_code(code))
        if room is None:
            raise RoomError("there is no room with this code (it may have expired)")
        room.last_active = self._clock()
        return room

    def _forget_idle(self) -> None:
        now = self._clock()
        for code in [c for c, r in self._rooms.items()
                     if now - r.last_active > self.limits.idle_seconds]:
            del self._rooms[code]

    def __len__(self) -> int:
        return len(self._rooms)


# --- codes and checks ----------------------------------------------------------------------------
def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """"ABCDEFGHJKMNPQ" → "ABCD-EFGH-JKMN-PQ": easier to read from a projector."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def parse_code(text) -> str:
    """A code as typed (any case, with dashes or spaces) in its stored form."""
    code = "".join(str(text).split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        raise RoomError("that is not a room code: it has 14 letters and digits")
    return code


def checked_result(result: dict) -> dict[str, float]:
    if not isinstance(result, dict) or not result:
        raise RoomError("a result needs numbers")
    unknown = set(result) - set(RESULT_KEYS)
    if unknown:
        raise RoomError(f"unknown result fields: {', '.join(sorted(map(str, unknown)))}")
    return {key: _number(key, value, allow_nan=True) for key, value in result.items()}


def _number(name: str, value, allow_nan: bool = False) -> float:
    if isinstance(value, bool):
        raise RoomError(f"{name} must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RoomError(f"{name} must be a number") from None
    if math.isnan(number) and allow_nan:
        return number  # a diverged run has no loss: reported as such
    if not math.isfinite(number) or abs(number) > 1e9:
        raise RoomError(f"{name} must be a finite number")
    return number


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_text(name: str, text, limit: int) -> None:
    if not isinstance(text, str) or not text.strip():
        raise RoomError(f"{name} cannot be empty")
    if len(text) > limit:
        raise RoomError(f"{name} can have at most {limit} characters")
