"""Caps that keep one visitor from exhausting a shared public server.

Every cap lives in `Limits` and can be raised or lowered by the operator through an
environment variable named REGLAB_ plus the field name in capitals, for example
``REGLAB_MAX_EPOCHS=5000``. `LIMITS` is read once, when the module is imported.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

ENV_PREFIX = "REGLAB_"


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one request may ask of the server; every cap is an integer >= 1."""

    max_epochs: int = 2000
    max_samples: int = 20000
    max_width: int = 512
    max_layers: int = 6
    max_runs: int = 4
    max_sweep_runs: int = 400
    # local worker processes per sweep: each holds ~60 MB, and the fork server they come
    # from ~80 MB, so four cost ~320 MB of a small server's memory while a sweep runs
    max_sweep_workers: int = 4
    max_csv_rows: int = 20000
    max_csv_columns: int = 200
    max_csv_bytes: int = 10_000_000
    max_snapshots: int = 200
    # trainings shared between sessions (same configs, same built-in data): least recently
    # used dropped beyond this many MB
    max_shared_mb: int = 200
    # workshop rooms held in the server's memory
    max_rooms: int = 50
    max_room_participants: int = 60
    max_room_posts: int = 20            # answers and results per participant
    room_idle_minutes: int = 180        # a room nobody touched for this long is forgotten

    def __post_init__(self):
        for field in fields(self):
            _check_cap(field.name, getattr(self, field.name))


def env_var(field_name: str) -> str:
    """The environment variable that overrides a cap: "max_epochs" -> "REGLAB_MAX_EPOCHS"."""
    return ENV_PREFIX + field_name.upper()


def how_to_raise(field_name: str) -> str:
    """The hint appended to a message refusing a request over the cap `field_name`."""
    return f"the server's operator can raise the cap with {env_var(field_name)}"


def load_limits(environ: Mapping[str, str] = os.environ) -> Limits:
    """Defaults of `Limits`, overridden by any REGLAB_* variable present in `environ`."""
    overrides = {}
    for field in fields(Limits):
        name = env_var(field.name)
        if name in environ:
            overrides[field.name] = _parse_cap(name, environ[name])
    return Limits(**overrides)


def _parse_cap(name: str, text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"{name} must be an integer >= 1, got {text!r}") from None
    _check_cap(name, value)
    return value


def _check_cap(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


LIMITS = load_limits()
