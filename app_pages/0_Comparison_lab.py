"""The comparison lab, the app's home page: runs that differ in a regularizer, trained side by
side on the same split from the same initial weights."""
from contextlib import nullcontext

import streamlit as st

from ui import keys, lab_controls, lab_settings, lab_view, upload
from ui.live import live_comparison, pause, session_for
from ui.presenter import page_style
from ui.presets import DESCRIPTIONS

configs = lab_settings.load_settings()
presenter = lab_settings.presenter()
page_style(presenter)
data_fields, data = lab_controls.sidebar(configs)
lab_view.title(configs, presenter)
if not presenter:
    st.caption("Set up runs that differ in a regularizer, press Train and watch what changes. "
               "Every run trains on the same split from the same initial weights.")
if problems := lab_settings.link_problems(configs):
    st.warning("Some settings of the link could not be used; their defaults apply:\n"
               + "\n".join(f"- {problem}" for problem in problems))

# In presenter mode the Train bar and the charts come first, the settings under them.
live_place = st.container() if presenter else nullcontext()
results = lab_controls.run_tabs(configs, data_fields, presenter)
names = list(lab_settings.lab_names(st.session_state))
invalid = [f"Run {n}: {r}" for n, r in zip(names, results) if isinstance(r, str)]
if not invalid:
    configs = tuple(results)
    lab_settings.keep_settings(configs)
lab_view.diff_view(configs, names, DESCRIPTIONS[lab_settings.lab_preset(configs, names)])
if invalid:
    st.error("Fix these settings to train:\n" + "\n".join(f"- {p}" for p in invalid))
    pause(keys.LIVE_KEY)

with live_place:
    shown = live_comparison(keys.LIVE_KEY, configs, data, lab_view.draw, names=names,
                            controls=not invalid)
    if shown is None:
        lab_view.placeholder(names)
with st.expander("Share and keep", expanded=True, icon=":material/share:"):
    lab_view.share_and_keep(configs, names, shown, upload.current(),
                            training=session_for(keys.LIVE_KEY).playing)
