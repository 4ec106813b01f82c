"""LSTM Sequence Lab: the entry point, and only a router; each page lives in pages/."""

from pathlib import Path

import streamlit as st

from pages.lab.lesson import visible_pages
from pages.lab.narrow import fit_narrow_screens

# served by the app itself: a ":material/…:" page icon makes every visitor's browser fetch it from a Google
# font server (built in Streamlit's frontend), which fails on a classroom network without internet
ICON = str(Path(__file__).parent / "pages" / "assets" / "icon.png")

# a class board on the projector (?board=…) needs no settings: its sidebar starts closed
sidebar = "collapsed" if "board" in st.query_params else "auto"
st.set_page_config(page_title="LSTM Sequence Lab", page_icon=ICON, layout="wide", initial_sidebar_state=sidebar)
PAGES = {
    "train": st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True),
    "data": st.Page("pages/data.py", title="Data", icon=":material/table_chart:"),
    "compare": st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    "learn": st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
    "class": st.Page("pages/classroom.py", title="Class", icon=":material/groups:"),
}
fit_narrow_screens()  # on a phone: the sidebar closes once a page is chosen, chart titles fit
# a lesson link shows students only the pages their teacher chose
st.navigation([PAGES[name] for name in visible_pages(list(PAGES))]).run()
