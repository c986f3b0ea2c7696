"""The start of every page in pages/: the app's navigation and page settings."""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def page_setup(title: str, icon: str) -> None:
    """Set the browser tab's title and the wide layout, and make sure the page is shown
    inside app.py's navigation.

    A folder named pages/ makes Streamlit start a fresh server in its older multipage mode,
    which serves a direct link (/Dropout) without running app.py: the sidebar then lists
    the files instead of the app's sections. app.py's st.navigation turns that mode off for
    the whole server; a page reached first switches it off too and reruns through app.py.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.set_page_config(page_title=f"{title} · Regularization Lab", page_icon=icon, layout="wide")
