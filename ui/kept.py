"""Results kept in the session for the inputs they were computed from: a stored result is
shown only while the page still asks for the same thing.

    keep(key, made_for, result)       # after a button computed it
    kept(key, made_for)               # the result while `made_for` is unchanged, else None
    kept_or_computed(key, made_for, compute)   # computed again only when `made_for` changes

st.session_state[key] holds (made_for, result); `made_for` is anything comparable with ==
(configs, the chosen options, what identifies uploaded data).
"""
from __future__ import annotations

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


def forget(key: str) -> None:
    st.session_state.pop(key, None)
