"""Every session-state key the app uses, named in one place.

Widgets hold their values in st.session_state under these keys; tests drive the widgets by
the same names. Plain strings and functions that build them: importing this module has no
side effects and needs no Streamlit.
"""
from __future__ import annotations

# --- the lab's settings ------------------------------------------------------------------------
LAB_CONFIGS = "lab_configs"              # tuple[Config, ...]: the last valid settings of the runs
LAB_NAMES = "lab_run_names"              # tuple[str, ...]: the names of those runs, in order
LAB_QUERY_WRITTEN = "lab_query_written"  # dict: the query parameters the lab last wrote
LAB_QUERY_WARNINGS = "lab_query_warnings"  # (problems, configs): what a link could not set
PRESENTER = "lab_presenter"              # bool: presenter mode (ui.presenter)
PRESENTER_KEPT = "lab_presenter_kept"    # bool: PRESENTER, kept while other pages are open
PRESET = "lab_preset"                    # str: name of the preset shown in the selector
ADD_RUN = "lab_add_run"
RUNS_CONTAINER = "lab_runs"              # holds the run tabs (colored like the runs)
RUN_TAB = "lab_run_tab"                  # str: label of the open run tab
DOWNLOAD_HISTORY = "lab_download_history"
DOWNLOAD_CONFIGS = "lab_download_configs"
DOWNLOAD_SCRIPT = "lab_download_script"
LIVE_KEY = "lab"                         # the lab's live comparison (see ui.live)

# --- data --------------------------------------------------------------------------------------
NEW_SAMPLE = "data_new_sample"           # button: draw a new seed
CSV_UPLOAD = "data_csv_upload"           # file uploader
CSV_TARGET = "data_csv_target"           # selectbox: the target column of the uploaded file
CSV_DATA = "data_csv"                    # dict: name, content (bytes), digest, columns, target
CSV_DATASET = "data_csv_dataset"         # (split settings, Dataset): the parsed upload
CSV_ERROR = "data_csv_error"             # (uploader key, message): why its last upload was refused
USE_BUILTIN = "data_use_builtin"         # button: back to the built-in sets

# --- charts of the lab -------------------------------------------------------------------------
VIEW_TAB = "view_tab"
VIEW_LOG_Y = "view_log_y"
VIEW_SMOOTHING = "view_smoothing"
VIEW_SHOW_TRAIN = "view_show_train"
VIEW_WHAT_IF = "view_what_if_patience"
VIEW_EPOCH = "view_epoch"
VIEW_BOUNDARY_AT = "view_boundary_at"


# --- workshop rooms (ui.room_view): this session's tokens and the room page's widgets -------------
ROOM_OWNER = "room_owner_token"          # str: secret that makes this session a room's presenter
ROOM_PARTICIPANT = "room_participant_token"  # str: secret of this session as a participant
ROOM_OWNED = "room_owned_code"           # str: code of the room this session opened
ROOM_SOURCE = "room_source"              # str: key of the live comparison the room came from
ROOM_MESSAGE = "room_message"            # str: why the last room action was refused
ROOM_POSTED = "room_posted"              # (code, settings): the last result posted
ROOM_SETUP = "room_setup"
ROOM_ANSWER = "room_answer"
ROOM_PREDICTIONS = "room_predictions"
ROOM_RESULTS = "room_results"
ROOM_REVEAL = "room_reveal"
ROOM_DOWNLOAD = "room_download"
ROOM_CLOSE = "room_close"
ROOM_LOSS = "room_loss"
OPEN_ROOM = "lab_open_room"


PENALTY_SEEN = "penalty_seen"  # a run's field: the penalty its widget showed on the last run


def run_key(name: str, field: str) -> str:
    """Key of run `name`'s widget for `field`: run_key("B", "dropout") == "run_B_dropout"."""
    return f"run_{name}_{field}"


def run_action_key(name: str, action: str) -> str:
    """Key of a per-run button: run_action_key("B", "remove") == "run_B_remove"."""
    return f"run_{name}_{action}"


def data_key(field: str) -> str:
    """Key of the data widget for a Config data field: data_key("noise") == "data_noise"."""
    return f"data_{field}"


def live_key(key: str, part: str = "session") -> str:
    """Keys of a live comparison named `key`: its state ("session") and its buttons."""
    return f"live_{key}_{part}"


def figure_key(slot: str) -> str:
    """Key of a figure or table kept between ticks while training (ui.kept)."""
    return f"figure_{slot}"


def page_key(page: str, name: str) -> str:
    """Key of a widget or a stored result `name` on the page `page`, e.g.
    page_key("dropout", "rates")."""
    return f"{page}_{name}"
