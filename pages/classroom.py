"""Class page: a teacher makes a lesson link and opens a class board; students join it and see everyone's results."""

from __future__ import annotations

import streamlit as st

from pages.lab import address, board, lesson
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import plain

# what a lesson offers to leave open by default: the two settings a first lesson varies
OPEN_BY_DEFAULT = ("epochs", "units")


def lesson_maker(settings, teaching: tuple[str, str] | None) -> None:
    """The teacher's lesson link: today's sidebar settings fixed, the chosen controls and pages left to students; with a
    class open, its join link opens the lesson too."""
    state = st.session_state
    class_code = teaching[0] if teaching is not None else None
    st.header("2 · A lesson link")
    st.markdown(
        "Set up the series and the model in the sidebar first: students start from exactly these settings. "
        "Then choose what they may change and which pages they see."
    )
    choices = [key for key in address.FIELDS if key != "large_text"]
    open_keys = st.multiselect(
        "Students may change",
        choices,
        default=[key for key in OPEN_BY_DEFAULT if key in choices],
        format_func=lambda key: address.FIELDS[key].label,
        key="lesson_open",
    )
    pages = st.multiselect(
        "Pages students see",
        [name for name in lesson.PAGES if name != "class"],
        default=["train"],
        format_func=lesson.PAGES.get,
        key="lesson_pages",
        help="The Class page comes too when the lesson joins your class.",
    )
    wording = st.radio(
        "Wording",
        list(lesson.WORDING_CHOICES),
        format_func=lesson.WORDING_CHOICES.get,
        horizontal=True,
        key="lesson_wording",
        help="School: plain sentences instead of words such as held-out, MSE or MASE, on every page students see.",
    )
    # a key per class: a class opened after the box was first drawn gets it ticked
    joins = st.checkbox(
        "Students join my class board", value=class_code is not None, disabled=class_code is None, key=f"joins_{class_code}"
    )
    if class_code is None:
        st.markdown("Open a class above first to let the lesson put students on your board.")
    values = {key: state[key] for key in address.FIELDS}
    if values["data_source"] == "upload" and "data_source" not in open_keys:
        st.error("**Data**: a lesson link cannot carry an uploaded file; choose a built-in series, or let students choose the data.")
        board.keep_lesson(teaching, None)
        return
    if not settings.ready:
        st.error("**Settings**: the sidebar's settings cannot train yet (see above); fix them before making a lesson.")
        board.keep_lesson(teaching, None)
        return
    fixed = address.encode({key: value for key, value in values.items() if key != "large_text"})
    made = lesson.Lesson(fixed, tuple(open_keys), tuple(pages) or ("train",), class_code if joins and class_code else None, wording)
    token = lesson.sign(made)
    board.keep_lesson(teaching, token if made.class_code else None)
    link = f"{board.app_root()}?{lesson.PARAM}={token}"
    if made.class_code:
        st.markdown(
            f"**The class's short link now opens this lesson**: {plain(board.join_link(made.class_code))}. "
            "Or send the full lesson link (copy it with the button at its right):"
        )
    else:
        st.markdown("**The lesson link** (copy it with the button at its right, then send it or put it on the board):")
    st.code(link, language=None, wrap_lines=True)
    st.markdown(
        f"Students see {', '.join(lesson.PAGES[p] for p in made.pages)}"
        + (" and the class board" if made.class_code else "")
        + f"; they may change {', '.join(address.FIELDS[k].label for k in open_keys) or 'nothing'}"
        + (" and read plain school words" if wording is lesson.Wording.SCHOOL else "")
        + ". "
        f"Fixed as now: {plain(address.fixed_words(values, open_keys))}. "
        "The link is signed: a student who edits it gets the notebook's defaults and a note instead."
    )


def page() -> None:
    settings = settings_sidebar()
    if board.BOARD_PARAM not in st.query_params:  # on the projector the board needs every line it can have
        st.title("Class")
    show_problems(settings)
    reading = lesson.current()
    if not board.teacher_panel_wanted(reading):
        board.student_section(reading)
        return
    if board.taught_code() is None:  # a visitor who is neither: a student with a code, or a teacher about to start
        join, teach = st.tabs(["Join a class (students)", "Teach a class"])
        with join:
            board.join_box()
        with teach:
            teacher(settings)
        return
    teacher(settings)


def teacher(settings) -> None:
    teaching = board.open_class_section()
    lesson_maker(settings, teaching)
    if teaching is not None:
        board.run_class_section(teaching)


page()
