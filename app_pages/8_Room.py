"""A workshop room: the presenter's view of the room they opened, or a participant's view of
the room in the link (?room=CODE)."""
import streamlit as st

from regcore.limits import LIMITS
from ui import keys, lab_settings
from ui.page import page_setup
from ui.presets import PRESETS
from ui.room_view import open_room, participant_room, presenter_room
from ui.theme import RUN_NAMES

page_setup("Workshop room", ":material/groups:")
st.title("Workshop room", anchor=False)

code = st.query_params.get("room")
owned = st.session_state.get(keys.ROOM_OWNED)
if code and code != owned:
    participant_room(code)
elif owned:
    presenter_room(owned)
else:
    configs = st.session_state.get(keys.LAB_CONFIGS) or next(iter(PRESETS.values()))
    names = list(lab_settings.lab_names(st.session_state) or RUN_NAMES[:len(configs)])
    st.markdown(
        "A room lets a whole audience run the same experiment: you ask a question, everyone "
        "commits a prediction, trains the comparison in their own browser (varying the settings "
        "you unlock), and the room's predictions and results appear here together. The room "
        f"takes the lab's current comparison ({', '.join(names)}); in presenter mode every "
        f"lesson opens one with its own. A room is forgotten after "
        f"{LIMITS.room_idle_minutes // 60} hours without activity.")
    st.button("Open a room", key=keys.OPEN_ROOM, type="primary", icon=":material/groups:",
              on_click=open_room, args=(configs, names))
    if st.session_state.get(keys.ROOM_MESSAGE):
        st.error(st.session_state[keys.ROOM_MESSAGE])
