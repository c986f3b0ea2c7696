"""Every test starts with the server-wide objects empty: the shared trainings and the workshop
rooms live in Streamlit's resource cache, which AppTest runs in this process share."""
import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def empty_server_resources():
    st.cache_resource.clear()
    yield
