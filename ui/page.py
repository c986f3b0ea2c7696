"""The start of every page but the lab: its browser tab title and the wide layout.

The pages live in app_pages/, not pages/: a folder named pages/ next to app.py makes a fresh
Streamlit server serve a direct link (/Dropout) in its older multipage mode, without running
app.py's st.navigation. Any other folder name is the public way to keep every link inside the
app's navigation.
"""
from __future__ import annotations

import streamlit as st


def page_setup(title: str, icon: str) -> None:
    """Set the browser tab's title ("Dropout · Regularization Lab") and the wide layout."""
    st.set_page_config(page_title=f"{title} · Regularization Lab", page_icon=icon, layout="wide")
