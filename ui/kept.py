"""Results kept in the session for the inputs they were computed from: a stored result is
shown only while the page still asks for the same thing.

    keep(key, made_for, result)       # after a button computed it
    kept(key, made_for)               # the result while `made_for` is unchanged, else None
    kept_or_computed(key, made_for, compute)   # computed again only when `made_for` changes
    kept_or_throttled(key, made_for, compute, every=1.0, final=False)
                                      # ... and while training at most every `every` seconds

st.session_state[key] holds (made_for, result) — (made_for, result, computed_at) for the
throttled form; `made_for` is anything comparable with == (configs, the chosen options, what
identifies uploaded data, the epochs runs have reached).
"""
from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st


def keep(key: str, made_for, result):
    """Store `result` as computed for `made_for`; returns it."""
    st.session_state[key] = (made_for, result)
    return result


def kept(key: str, made_for):
    """The result stored under `key` if it was computed for `made_for`, else None."""
    stored = st.session_state.get(key)
    return stored[1] if stored is not None and stored[0] == made_for else None


def kept_or_computed(key: str, made_for, compute: Callable[[], object]):
    """The result stored for `made_for`, or compute() stored in its place."""
    stored = st.session_state.get(key)
    if stored is not None and stored[0] == made_for:
        return stored[1]
    return keep(key, made_for, compute())


def kept_or_throttled(key: str, made_for, compute: Callable[[], object], *,
                      every: float = 1.0, final: bool = False):
    """For results costly to compute while training: compute() runs when `made_for` changed
    and either `final` is true (training paused or ended) or the stored result is `every`
    seconds old; otherwise the stored result is returned."""
    stored = st.session_state.get(key)
    now = time.monotonic()
    if stored is not None:
        old_made_for, result, computed_at = stored
        if old_made_for == made_for or (not final and now - computed_at < every):
            return result
    result = compute()
    st.session_state[key] = (made_for, result, now)
    return result


def forget(key: str) -> None:
    st.session_state.pop(key, None)
