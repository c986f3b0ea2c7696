"""A lesson's experiment on the visitor's own data: the CSV uploaded in this session (on a
lesson page or in the lab), offered by the lessons whose experiment fits any table.

    own = own_data_controls("dropout")    # the upload while switched on, else PresetData()
    configs = own.configs(configs)
    live_comparison("dropout", configs, own.data, draw)
    over_seeds(configs, seeds, names, own.for_seed)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from regcore import Config, Dataset

from . import keys, upload
from .controls import csv_uploader, describe, seed


@dataclass(frozen=True)
class OwnData:
    """The session's upload, split as the lesson trains on it."""

    name: str
    content: bytes
    digest: str                           # of the content, taken once at upload
    split: upload.CsvSplit
    data: Dataset

    def configs(self, configs: Sequence[Config]) -> list[Config]:
        """The lesson's configs on this table: its split settings, no flipped labels."""
        split = self.split
        return [config.replace(dataset="custom", val_fraction=split.val_fraction,
                               test_fraction=split.test_fraction, seed=split.seed,
                               scale=split.scale, label_noise=0.0) for config in configs]

    def for_seed(self, seed_: int) -> Dataset:
        """The same table split by `seed_`, for repeating a comparison over seeds."""
        return self.split.load(self.content, seed=seed_)

    @property
    def identity(self) -> tuple:
        """What tells this data from another upload (even of the same name) or split, for
        caching results."""
        return self.digest, self.split

    def description(self) -> str:
        """"iris.csv (target 'species'): 105 training and 45 validation rows, …"."""
        return f"{self.name} (target {self.split[0]!r}): {describe(self.data)}"


class PresetData:
    """What a lesson trains on while no upload is switched on: the data its configs describe.
    The same interface as OwnData, so a page needs no case of its own."""

    data = None        # live_comparison and Lockstep build the data from the configs
    identity = None
    for_seed = None    # over_seeds builds each seed's data from the configs

    def configs(self, configs: Sequence[Config]) -> Sequence[Config]:
        return configs

    def description(self) -> None:
        return None    # the lesson's caption describes its preset data


def own_data_controls(page: str) -> OwnData | PresetData:
    """An expander to upload a CSV or train this page's experiment on the one uploaded in
    this session, with its target column. Returns the upload while switched on, else
    PresetData()."""
    use_key, chosen_key = keys.page_key(page, "use_own_data"), keys.page_key(page, "own_data_on")
    uploader_key = keys.page_key(page, "csv_upload")
    seed(use_key, st.session_state.get(chosen_key, False))  # kept while another page is open
    expanded = st.session_state[use_key] or bool(upload.upload_error(uploader_key))
    with st.expander("Your own data", icon=":material/upload_file:", expanded=expanded):
        csv_uploader(uploader_key, "Upload a CSV", on_change=switch_on_after_upload, args=(page,))
        if keys.CSV_DATA not in st.session_state:
            st.caption("Upload a table to run this experiment on it; the lab uses it too.")
            return PresetData()
        info = st.session_state[keys.CSV_DATA]
        used = st.toggle(f"Train this experiment on {info['name']}", key=use_key)
        st.session_state[chosen_key] = used
        target = _target_control(page, info["columns"], disabled=not used)
        data, problem = _split_for(target)
        if problem:
            st.error(problem)
        own = OwnData(info["name"], info["content"], info["digest"],
                      upload.csv_split(st.session_state), data)
        if not used:
            st.caption(own.description())
    return own if used else PresetData()


def switch_on_after_upload(page: str) -> None:
    """Callback of a lesson's uploader: a file that parsed is switched on for this lesson,
    with its own target (the last column)."""
    uploader_key = keys.page_key(page, "csv_upload")
    upload.take_upload(uploader_key)
    if not upload.upload_error(uploader_key):
        st.session_state[keys.page_key(page, "use_own_data")] = True
        st.session_state.pop(keys.page_key(page, "csv_target"), None)


def _target_control(page: str, columns: list[str], disabled: bool) -> str:
    key = keys.page_key(page, "csv_target")
    if st.session_state.get(key) not in columns:  # first view, or another file was uploaded
        st.session_state[key] = upload.csv_split(st.session_state)[0]
    return st.selectbox("Target column", columns, key=key, disabled=disabled,
                        help="The column to predict; the others are the features. Shared with "
                             "the lab.")


def _split_for(target: str) -> tuple[Dataset, str]:
    """The upload split with `target` (the lab's split settings otherwise), and the problem
    if that target does not work."""
    state = st.session_state
    data, problem = upload.csv_dataset(state, upload.csv_split(state)._replace(target=target))
    if not problem:
        state[keys.CSV_DATA]["target"] = target
        if state.get(keys.CSV_TARGET, target) != target:
            del state[keys.CSV_TARGET]  # the lab's selector is seeded again from the split
    return data, problem
