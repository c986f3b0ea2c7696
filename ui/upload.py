"""A CSV the visitor uploaded, kept in this session only: parsed once at upload, offered to the
lab (its runs train on it) and to the lessons that can use it, split again only when the
target or the split settings change.

The upload lives under CSV_DATA (name, content, digest, columns, target) and its current split
under CSV_DATASET; a refused file's message under CSV_ERROR, with the uploader that got it.

A file may have at most size_cap() bytes; the uploader says so as "N MB per file"
(uploader_limit_mb), and accept_csv refuses anything larger.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, MutableMapping
from typing import NamedTuple

import streamlit as st
from streamlit import config as streamlit_config

from regcore import LIMITS, Config, Dataset, load_csv
from regcore.csv_data import csv_columns

from .keys import CSV_DATA, CSV_DATASET, CSV_ERROR, CSV_TARGET
from .lab_settings import lab_configs, replace_lab_configs


MIB = 2**20  # Streamlit's upload megabyte


class CsvSplit(NamedTuple):
    """How an upload is split: the target column and the split settings of regcore.load_csv."""

    target: str
    val_fraction: float
    test_fraction: float
    seed: int
    scale: bool

    def load(self, content: bytes, seed: int | None = None) -> Dataset:
        """`content` parsed and split this way (with another `seed` if given)."""
        return load_csv(content, target=self.target, val_fraction=self.val_fraction,
                        test_fraction=self.test_fraction,
                        seed=self.seed if seed is None else seed, scale=self.scale)


def size_cap() -> int:
    """The largest upload in bytes: LIMITS.max_csv_bytes, or Streamlit's server.maxUploadSize
    (in MiB) if that is lower, as the server refuses larger requests."""
    return min(LIMITS.max_csv_bytes, streamlit_config.get_option("server.maxUploadSize") * MIB)


def uploader_limit_mb() -> int:
    """What an uploader shows as "N MB per file" (Streamlit counts whole MiB): the fewest that
    hold size_cap(), so it refuses no file within the cap (accept_csv refuses the rest)."""
    return math.ceil(size_cap() / MIB)


def accept_csv(state: MutableMapping, name: str, content: bytes, base: Config) -> str | None:
    """Parse an upload with regcore.load_csv (target: the last column; at most size_cap()
    bytes). On success keep it in `state` as the active data and return None; on a ValueError
    keep the previous data and return the message."""
    try:
        data = load_csv(content, val_fraction=base.val_fraction, test_fraction=base.test_fraction,
                        seed=base.seed, scale=base.scale, max_bytes=size_cap())
    except ValueError as error:
        return f"{name} was not loaded: {error}"
    columns = csv_columns(content)
    state[CSV_DATA] = {"name": name, "content": content, "columns": columns,
                       "digest": hashlib.blake2b(content, digest_size=16).hexdigest()}
    state[CSV_TARGET] = columns[-1]
    state[CSV_DATASET] = (CsvSplit(columns[-1], base.val_fraction, base.test_fraction,
                                   base.seed, base.scale), data)
    return None


def current() -> dict | None:
    """The session's upload ({"name", "content", "digest", "columns", "target", ...}), if any."""
    return st.session_state.get(CSV_DATA)


def take_upload(uploader_key: str) -> None:
    """Callback of a CSV uploader (the lab's or a lesson's): make the file this session's own
    data if it parses — the lab's runs train on it, the lessons offer it."""
    upload = st.session_state.get(uploader_key)
    if upload is None:
        return
    configs = lab_configs(st.session_state)
    base = configs[0] if configs else Config()
    previous = st.session_state.get(CSV_DATA, {}).get("previous", base.dataset)
    problem = accept_csv(st.session_state, upload.name, upload.getvalue(), base)
    if problem:
        st.session_state[CSV_ERROR] = (uploader_key, problem)
        return
    st.session_state.pop(CSV_ERROR, None)
    st.session_state[CSV_DATA]["previous"] = previous
    if configs:
        replace_lab_configs(st.session_state, [c.replace(dataset="custom") for c in configs])


def upload_error(uploader_key: str) -> str | None:
    """Why the last file given to this uploader was refused (None if it was not)."""
    where, message = st.session_state.get(CSV_ERROR, (None, None))
    return message if where == uploader_key else None


def use_builtin() -> None:
    """Callback: back to the built-in set the lab used before the upload."""
    previous = st.session_state.pop(CSV_DATA, {}).get("previous", Config().dataset)
    dataset = previous if previous != "custom" else Config().dataset
    configs = [c.replace(dataset=dataset) for c in lab_configs(st.session_state)]
    replace_lab_configs(st.session_state, configs)


def csv_split(state: Mapping) -> CsvSplit:
    """How the active upload is split now."""
    return state[CSV_DATASET][0]


def csv_dataset(state: MutableMapping, wanted: CsvSplit) -> tuple[Dataset, str]:
    """The active upload split as `wanted` (parsed again only when that changes), and an
    error message if it does not work (the previous split is kept then)."""
    settings, data = state[CSV_DATASET]
    if settings == wanted:
        return data, ""
    try:
        data = wanted.load(state[CSV_DATA]["content"])
    except ValueError as error:
        return data, f"Target {wanted.target!r} does not work: {error}"
    state[CSV_DATASET] = (wanted, data)
    return data, ""
