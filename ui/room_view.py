"""Workshop rooms on screen: the presenter's room (code, QR, setup, the room's answers and
results, live) and a participant's room (predict, then run; the result is posted).

The rooms themselves (`ui.rooms.Rooms`) are one object per server process, apart from the
sessions; a session holds only its own tokens: the owner token of the room it opened, and a
participant token of its own.
"""
from __future__ import annotations

import io
import secrets

import numpy as np
import pandas as pd
import segno
import streamlit as st

from regcore.settings import SETTINGS
from regcore.summary import summarize

from . import keys
from .controls import settings_diff
from .live import live_comparison, session_for
from .plots.curves import loss_figure
from .plots.room import predictions_figure, room_results_figure
from .plots.style import CHART_OPTIONS
from .room_questions import measured_answer, ready_questions
from .rooms import Experiment, Question, RoomError, Rooms, Unlocked, display_code

ROOM_PATH = "Room"             # the room page's address: /Room?room=CODE
ROOM_PAGE = "app_pages/8_Room.py"
LIVE = "room"                  # the participant's live comparison
REFRESH_SECONDS = 2.0          # the presenter's room view polls the room this often
# What a presenter can let participants vary: setting → (label, low, high), labels from the
# table of settings. A room's slider is linear, so the log settings get a span a linear slider
# can serve instead of their full 1e-6 … 10 range.
UNLOCKABLE = {field: (SETTINGS[field].label, low, high) for field, (low, high) in {
    "dropout": (SETTINGS["dropout"].low, SETTINGS["dropout"].high),
    "penalty_strength": (0.0, 1.0),
    "weight_decay": (0.0, 0.1),
    "lr": (1e-4, 0.1),
}.items()}
PREDICTION = keys.page_key(ROOM_PATH, "prediction")   # a participant's answer and its button
COMMIT = keys.page_key(ROOM_PATH, "commit")


@st.cache_resource(show_spinner=False)
def server_rooms() -> Rooms:
    """The rooms of this server process (shared by every session, holding no session data)."""
    return Rooms()


def token(key: str) -> str:
    """This session's secret of the kind `key` (made once per session)."""
    return st.session_state.setdefault(key, secrets.token_urlsafe(24))


# --- the presenter -----------------------------------------------------------------------------
def room_button(configs, names, first: str | None = None, live: str = keys.LIVE_KEY) -> None:
    """Presenter mode: open a workshop room with this comparison (`open_room`), move the room
    this session has open to it, or go back to the room already holding it; then show the
    room page. A refusal is shown under the button."""
    current = owned_experiment()
    same = current is not None and current.names == tuple(names) and \
        [c.to_dict() for c in current.configs] == [c.to_dict() for c in configs]
    label = ("Show my workshop room" if same else "Open a workshop room" if current is None
             else "Move my workshop room to this experiment")
    if st.button(label, key=keys.OPEN_ROOM, icon=":material/groups:", width="stretch",
                 help="The audience joins with a code, predicts, trains this comparison and "
                      "sends its results to your screen."):
        if same or open_room(configs, names, first, live):
            st.switch_page(ROOM_PAGE)
        st.error(st.session_state[keys.ROOM_MESSAGE])


def open_room(configs, names, first: str | None = None, live: str = keys.LIVE_KEY) -> bool:
    """Open a room with the comparison `configs` (runs `names`) asking its ready question
    whose measure starts with `first` (else the first one); a room this session has open
    takes the new experiment instead (its answers and results are dropped). `live`: the key
    of the live comparison that trains these runs on the presenter's screen (its runs are the
    stars of the room's chart). A button callback too: a refusal is kept for the page to show
    and False returned."""
    if configs[0].dataset == "custom":
        st.session_state[keys.ROOM_MESSAGE] = (
            "A room needs one of the built-in data sets: participants never receive your "
            "uploaded data.")
        return False
    question = next(iter(ready_questions(configs, names, first).values()))
    experiment = Experiment(tuple(configs), tuple(names), question,
                            default_unlocked(configs, question))
    rooms, owner = server_rooms(), token(keys.ROOM_OWNER)
    try:
        if owned_experiment() is None:
            st.session_state[keys.ROOM_OWNED] = rooms.open(owner, experiment)
        else:
            rooms.change(st.session_state[keys.ROOM_OWNED], owner, experiment)
    except RoomError as error:
        st.session_state[keys.ROOM_MESSAGE] = str(error)
        return False
    st.session_state[keys.ROOM_SOURCE] = live
    st.session_state[keys.ROOM_MESSAGE] = ""
    return True


def owned_experiment() -> Experiment | None:
    """The experiment of the room this session opened while the room is open (None once it
    is closed; an expired room is forgotten)."""
    code = st.session_state.get(keys.ROOM_OWNED)
    if code is None:
        return None
    try:
        summary = server_rooms().summary(code, token(keys.ROOM_OWNER))
    except RoomError:
        del st.session_state[keys.ROOM_OWNED]
        return None
    return None if summary.closed else summary.experiment


def default_unlocked(configs, question: Question) -> tuple[Unlocked, ...]:
    """The first unlockable setting that differs between the runs — what the comparison is
    about, for participants to vary — of the run the question asks about if it uses the
    setting, else of the last run that uses it (a value above 0)."""
    asked = question_run(question)
    for field, (_, low, high) in UNLOCKABLE.items():
        values = [getattr(config, field) for config in configs]
        if len(set(values)) > 1:
            using = [index for index, value in enumerate(values) if value > 0]
            run = asked if asked in using else using[-1]
            return (Unlocked(field, run, low, high),)
    return ()


def question_run(question: Question) -> int | None:
    """The run a ready number question asks about ("kind:run index"), if any."""
    _, _, run = (question.measure or "").partition(":")
    return int(run) if run else None


def join_link(code: str) -> str:
    base = st.context.url.split("?")[0].rsplit("/", 1)[0] if st.context.url else ""
    return f"{base}/{ROOM_PATH}?room={code}"


def presenter_room(code: str) -> None:
    """The room as the presenter sees it on the projector."""
    owner = token(keys.ROOM_OWNER)
    try:
        summary = server_rooms().summary(code, owner)
    except RoomError as error:
        del st.session_state[keys.ROOM_OWNED]
        st.error(f"{error}. Open a new room from the lab or a lesson in presenter mode.")
        return
    link = join_link(code)
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        st.markdown(f"<div style='font-size:3.2rem;font-weight:800;letter-spacing:0.08em'>"
                    f"{display_code(code)}</div>", unsafe_allow_html=True)
        st.caption("Open the link (or scan the code) to join the room:")
        st.code(link, language=None, wrap_lines=True)
    with right:
        st.image(qr_png(link), width=220)
    with st.expander("Question and what participants may vary", expanded=not summary.joined):
        setup_form(code, summary.experiment)
    st.fragment(run_every=REFRESH_SECONDS)(room_board)(code)


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def setup_form(code: str, experiment: Experiment) -> None:
    questions = ready_questions(experiment.configs, experiment.names)
    with st.form(keys.ROOM_SETUP):
        labels = {**{m: q.text for m, q in questions.items()}, "": "My own question…"}
        chosen = st.selectbox("Question", list(labels), format_func=labels.get,
                              index=list(labels).index(experiment.question.measure or ""))
        text = st.text_input("My own question", experiment.question.text,
                             help="Used with “My own question”.")
        choices = st.text_input("Its choices, separated by commas (empty: a number answer)",
                                ", ".join(experiment.question.choices))
        low, high = st.columns(2)
        number_low = low.number_input("Number answers from", value=0.0)
        number_high = high.number_input("to", value=100.0)
        unlocked = unlock_controls(experiment)
        if st.form_submit_button("Apply to the room", type="primary"):
            try:
                question = questions.get(chosen) or custom_question(text, choices, number_low,
                                                                    number_high)
                server_rooms().change(code, token(keys.ROOM_OWNER), Experiment(
                    experiment.configs, experiment.names, question, unlocked))
                st.session_state[keys.ROOM_MESSAGE] = ""
            except RoomError as error:
                st.session_state[keys.ROOM_MESSAGE] = str(error)
    if st.session_state.get(keys.ROOM_MESSAGE):
        st.error(st.session_state[keys.ROOM_MESSAGE])


def custom_question(text: str, choices: str, low: float, high: float) -> Question:
    options = tuple(c.strip() for c in choices.split(",") if c.strip())
    return Question(text, options) if options else Question(text, low=low, high=high)


def unlock_controls(experiment: Experiment) -> tuple[Unlocked, ...]:
    """Up to two settings of one run each, with the range participants may choose from."""
    unlocked = []
    current = {(u.field, u.run): u for u in experiment.unlocked}
    for slot in range(2):
        default = experiment.unlocked[slot] if slot < len(experiment.unlocked) else None
        field_col, run_col, range_col = st.columns([2, 1, 3])
        options = ["", *UNLOCKABLE]
        field = field_col.selectbox(
            f"Setting {slot + 1} participants may vary", options,
            index=options.index(default.field) if default else 0,
            format_func=lambda f: UNLOCKABLE[f][0] if f else "none",
            key=keys.page_key(ROOM_PATH, f"field_{slot}"))
        run = run_col.selectbox("of run", range(len(experiment.names)),
                                index=default.run if default else len(experiment.names) - 1,
                                format_func=lambda i: experiment.names[i],
                                key=keys.page_key(ROOM_PATH, f"run_{slot}"))
        if not field:
            continue
        label, low, high = UNLOCKABLE[field]
        chosen = current.get((field, run))
        span = range_col.slider(f"range of the {label}", low, high,
                                (chosen.low, chosen.high) if chosen else (low, high),
                                key=keys.page_key(ROOM_PATH, f"range_{slot}_{field}"))
        unlocked.append(Unlocked(field, run, *span))
    return tuple(unlocked)


def room_board(code: str) -> None:
    """Counts, predictions and results, refreshed every REFRESH_SECONDS."""
    try:
        summary = server_rooms().summary(code, token(keys.ROOM_OWNER))
    except RoomError as error:
        st.error(str(error))
        return
    question = summary.experiment.question
    joined, answered, finished = st.columns(3)
    joined.metric("Joined", summary.joined)
    answered.metric("Answered", summary.answered)
    finished.metric("Finished training", summary.finished)
    st.subheader(question.text, anchor=False)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(predictions_figure(question, summary.answers, summary.answer),
                        **CHART_OPTIONS, key=keys.ROOM_PREDICTIONS)
    setting = summary.experiment.unlocked[0] if summary.experiment.unlocked else None
    runs, why_not = lab_runs(summary.experiment)
    with right:
        st.plotly_chart(room_results_figure(
            summary.results, setting.field if setting else None,
            UNLOCKABLE[setting.field][0] if setting else "",
            presenter_points(summary.experiment, runs, setting),
            (setting.low, setting.high) if setting else None),
            **CHART_OPTIONS, key=keys.ROOM_RESULTS)
        if why_not:
            st.caption(why_not)
    reveal_bar(code, summary)


def presenter_points(experiment: Experiment, runs,
                     setting) -> list[tuple[str, float | None, float]]:
    """The presenter's own trained runs of this experiment (from the lab), as chart points."""
    return [(name, getattr(run.config, setting.field) if setting else None,
             summarize(run)["final_val_loss"]) for name, run in zip(experiment.names, runs)]


def lab_runs(experiment: Experiment) -> tuple[list, str | None]:
    """The presenter's runs (of the lab, or of the lesson that opened the room) if they are
    this experiment's and have finished training; else no runs and why the chart shows none
    of the presenter's."""
    session = session_for(st.session_state.get(keys.ROOM_SOURCE, keys.LIVE_KEY))
    if session is None or not session.runs:
        return [], ("Train this comparison on the page that opened the room to mark your own "
                    "runs here as stars.")
    trained = [run.config.to_dict() for run in session.runs]
    if trained != [config.to_dict() for config in experiment.configs]:
        return [], ("Your own runs (on the page that opened the room) are not this room's "
                    "comparison — their settings differ — so they are not drawn here: train "
                    "the room's comparison there to mark them as stars.")
    if session.playing or not session.done:
        return [], "Your own runs appear here as stars when their training ends."
    return session.runs, None


def reveal_bar(code: str, summary) -> None:
    measured = [r["measured"] for r in summary.results if "measured" in r]
    if summary.answer is not None:
        st.success(f"**Answer: {summary.answer}.** " + room_measured_text(summary, measured),
                   icon=":material/visibility:")
    reveal, download, close = st.columns(3)
    reveal.button("Reveal", key=keys.ROOM_REVEAL, type="primary", width="stretch",
                  on_click=reveal_answer, args=(code, summary, measured),
                  disabled=summary.answer is not None)
    download.download_button("Results (CSV)", results_csv(summary), "room_results.csv",
                             "text/csv", key=keys.ROOM_DOWNLOAD, width="stretch")
    close.button("Close the room", key=keys.ROOM_CLOSE, width="stretch",
                 on_click=close_room, args=(code,), disabled=summary.closed)


def room_measured_text(summary, measured) -> str:
    if not measured:
        return "No participant has finished training yet."
    question = summary.experiment.question
    if question.is_choice:
        shares = pd.Series([question.choices[int(m)] for m in measured]).value_counts()
        parts = ", ".join(f"{name} in {count} of {len(measured)}" for name, count in shares.items())
        return f"What the room measured: {parts} runs."
    return (f"What the room measured: median {np.median(measured):.3g} "
            f"(from {min(measured):.3g} to {max(measured):.3g}, {len(measured)} results).")


def reveal_answer(code: str, summary, measured) -> None:
    """Reveal the answer the presenter's runs give, else the room's most measured one."""
    question = summary.experiment.question
    runs, _ = lab_runs(summary.experiment)
    answer = measured_answer(question, runs, summary.experiment.names)
    if answer is None and measured:
        values = pd.Series(measured)
        answer = (question.choices[int(values.mode().iloc[0])] if question.is_choice
                  else values.median())
    if isinstance(answer, float):
        answer = f"{answer:.3g}"
    try:
        server_rooms().reveal(code, token(keys.ROOM_OWNER),
                              answer or "not measured yet: train the comparison in the lab")
    except RoomError as error:
        st.session_state[keys.ROOM_MESSAGE] = str(error)


def close_room(code: str) -> None:
    try:
        server_rooms().close(code, token(keys.ROOM_OWNER))
    except RoomError as error:
        st.session_state[keys.ROOM_MESSAGE] = str(error)


def results_csv(summary) -> str:
    return pd.DataFrame(list(summary.results)).to_csv(index=False)


# --- a participant -----------------------------------------------------------------------------
def participant_room(code: str) -> None:
    """Join, predict, then run: the result goes to the room when training ends."""
    me = token(keys.ROOM_PARTICIPANT)
    try:
        view = server_rooms().join(code, me)
    except RoomError as error:
        st.error(f"Cannot join this room: {error}.")
        return
    experiment = view.experiment
    st.caption(f"Room {display_code(code)}")
    diff = settings_diff(experiment.configs, experiment.names)
    if not diff.empty:
        st.table(diff, width="content")
    st.subheader(experiment.question.text, anchor=False)
    if view.answer is None:
        answer_form(code, experiment.question)
        st.info("Commit your prediction, then train the experiment.", icon=":material/lock:")
        return
    st.markdown(f"Your prediction: **{view.answer}**")
    settings = participant_settings(experiment)
    configs = experiment.participant_configs(settings)
    shown = live_comparison(LIVE, configs, None, participant_charts,
                            names=list(experiment.names))
    post_when_done(code, experiment, settings, shown)
    if view.revealed is not None:
        st.success(f"The presenter revealed the answer: **{view.revealed}**")


def answer_form(code: str, question: Question) -> None:
    with st.form(keys.ROOM_ANSWER):
        if question.is_choice:
            answer = st.radio("Your prediction", question.choices, index=None, key=PREDICTION)
        else:
            answer = st.number_input("Your prediction", question.low, question.high, value=None,
                                     key=PREDICTION)
        if st.form_submit_button("Commit my prediction", type="primary", key=COMMIT):
            try:
                if answer is None:
                    raise RoomError("choose an answer first")
                server_rooms().answer(code, token(keys.ROOM_PARTICIPANT), answer)
                st.rerun()
            except RoomError as error:
                st.error(str(error))


def participant_settings(experiment: Experiment) -> dict[str, float]:
    settings = {}
    for setting in experiment.unlocked:
        label = UNLOCKABLE.get(setting.field, (setting.field,))[0]
        start = getattr(experiment.configs[setting.run], setting.field)
        settings[setting.field] = st.slider(
            f"{label} of run {experiment.names[setting.run]}", float(setting.low),
            float(setting.high), float(min(max(start, setting.low), setting.high)),
            key=keys.page_key(ROOM_PATH, f"setting_{setting.field}"))
    return settings


def participant_charts(runs, names) -> None:
    st.plotly_chart(loss_figure(runs, names), **CHART_OPTIONS, key=keys.ROOM_LOSS)


def post_when_done(code: str, experiment: Experiment, settings: dict, shown) -> None:
    """Post this training's result once, when every run has ended."""
    session = session_for(LIVE)
    if shown is None or session is None or session.playing or not session.done:
        return
    signature = (code, tuple(sorted(settings.items())))
    if st.session_state.get(keys.ROOM_POSTED) == signature:
        st.caption("Your result is in the room.")
        return
    try:
        server_rooms().post_result(code, token(keys.ROOM_PARTICIPANT), settings,
                                   result_of(experiment, shown.runs))
        st.session_state[keys.ROOM_POSTED] = signature
        st.caption("Your result is in the room.")
    except RoomError as error:
        st.error(f"Your result could not be posted: {error}.")


def result_of(experiment: Experiment, runs) -> dict[str, float]:
    """What goes to the room: the numbers of the run whose setting is unlocked (else the
    last run), and the participant's measured answer (the index of a choice)."""
    run = runs[experiment.unlocked[0].run if experiment.unlocked else -1]
    numbers = summarize(run)
    result = {"val_loss": numbers["final_val_loss"], "val_acc": numbers["final_val_acc"],
              "gap": numbers["gap"], "sparsity": numbers["sparsity"]}
    answer = measured_answer(experiment.question, runs, experiment.names)
    if isinstance(answer, str):
        result["measured"] = float(experiment.question.choices.index(answer))
    elif answer is not None:
        result["measured"] = answer
    return result

