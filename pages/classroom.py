"""Class page: a teacher makes a lesson link and opens a class board; students join it and see everyone's results."""

from __future__ import annotations

import streamlit as st

from pages.lab import address, board, lesson
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import plain

# what a lesson offers to leave open by default: the two settings a first lesson varies
OPEN_BY_DEFAULT = ("epochs", "units")


def lesson_maker(settings, class_code: str | None) -> None:
    """The teacher's lesson link: today's sidebar settings fixed, the chosen controls and pages left to students."""
    state = st.session_state
    st.header("1 · A lesson link")
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
    joins = st.checkbox("Students join my class board", value=class_code is not None, disabled=class_code is None, key="lesson_joins")
    if class_code is None:
        st.caption("Open a class below first to let the lesson put students on your board.")
    values = {key: state[key] for key in address.FIELDS}
    if values["data_source"] == "upload" and "data_source" not in open_keys:
        st.error("**Data**: a lesson link cannot carry an uploaded file; choose a built-in series, or let students choose the data.")
        return
    if not settings.ready:
        st.error("**Settings**: the sidebar's settings cannot train yet (see above); fix them before making a lesson.")
        return
    fixed = address.encode({key: value for key, value in values.items() if key != "large_text"})
    made = lesson.Lesson(fixed, tuple(open_keys), tuple(pages) or ("train",), class_code if joins and class_code else None)
    link = f"{board.app_root()}?{lesson.PARAM}={lesson.sign(made)}"
    st.markdown("**The lesson link** (copy it with the button at its right, then send it or put it on the board):")
    st.code(link, language=None, wrap_lines=True)
    fixed_words = [address.FIELDS[key].label for key in choices if key not in open_keys]
    st.caption(
        f"Students see {', '.join(lesson.PAGES[p] for p in made.pages)}"
        + (" and the class board" if made.class_code else "")
        + f"; they may change {', '.join(address.FIELDS[k].label for k in open_keys) or 'nothing'}. "
        f"Fixed: {plain(', '.join(fixed_words))}. The link is signed: editing it opens the notebook's defaults instead."
    )


def page() -> None:
    settings = settings_sidebar()
    st.title("Class")
    show_problems(settings)
    reading = lesson.current()
    teaching = board.teacher_panel_wanted(reading)
    if teaching:
        lesson_maker(settings, board.taught_code())
        board.teacher_section()
    else:
        board.student_section(reading)


page()
