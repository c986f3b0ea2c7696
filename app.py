"""Regularization Lab: train small networks side by side and watch what each regularizer does.

    streamlit run app.py

This file is the navigation only: the comparison lab (the home page), the lessons, the sweep
and the workshop room are pages in app_pages/, each reading top to bottom.
"""
import streamlit as st
from threadpoolctl import threadpool_limits

import regcore  # noqa: F401  (its numeric libraries must be loaded for the limit to reach them)


@st.cache_resource(show_spinner=False)
def one_blas_thread() -> None:
    """Many visitors share the server's cores: one BLAS thread per computation keeps them from
    fighting (threads of a library that spin on the server's one core slow every product down
    many times). Set once per process, on every library loaded by then: each call looks
    through all of them."""
    threadpool_limits(1, user_api="blas")


one_blas_thread()

st.set_page_config(layout="wide", page_title="Regularization Lab", page_icon=":material/science:")
st.navigation({
    "": [st.Page("app_pages/0_Comparison_lab.py", title="Comparison lab",
                 icon=":material/science:", default=True)],
    "Lessons": [
        st.Page("app_pages/1_L1_and_L2.py", title="L1 and L2", icon=":material/functions:"),
        st.Page("app_pages/2_Early_stopping.py", title="Early stopping", icon=":material/timer:"),
        st.Page("app_pages/3_Weight_decay_vs_L2.py", title="Weight decay vs L2",
                icon=":material/balance:"),
        st.Page("app_pages/4_Dropout.py", title="Dropout", icon=":material/casino:"),
        st.Page("app_pages/5_Batch_normalization.py", title="Batch normalization",
                icon=":material/bar_chart:"),
        st.Page("app_pages/6_Layer_normalization.py", title="Layer normalization",
                icon=":material/straighten:"),
    ],
    "Sweeps": [st.Page("app_pages/7_Sweep.py", title="Sweep", icon=":material/tune:")],
    "Workshop": [st.Page("app_pages/8_Room.py", title="Workshop room",
                         icon=":material/groups:")],
}).run()
