"""Fixtures shared by several test modules. Every test starts with the server-wide objects
empty: the shared trainings and the workshop rooms live in Streamlit's resource cache, which
AppTest runs in this process share."""
import pytest
import streamlit as st

from lesson_pages import TINY
from regcore import train_side_by_side
from regcore.remote import TrainingWorkers


@pytest.fixture(autouse=True)
def empty_server_resources(monkeypatch):
    """Also: AppTest sessions train in this process (tests that count or patch the engine's
    steps see them), unless a test asks for training processes itself."""
    st.cache_resource.clear()
    monkeypatch.setattr("ui.live.default_worker_count", lambda: 0)
    yield


@pytest.fixture(scope="module")
def tiny_runs():
    """Two short runs on TINY: a plain one and one whose strong L1 zeroes every weight."""
    return train_side_by_side([TINY, TINY.replace(optimizer="sgd", lr=0.1, penalty="l1",
                                                  penalty_strength=100.0)])


@pytest.fixture
def one_worker():
    """A pool of one training process of its own, closed after the test."""
    workers = TrainingWorkers(1)
    yield workers
    workers.close()
