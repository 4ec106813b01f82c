"""LSTM Sequence Lab: the entry point, and only a router; each page lives in pages/."""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import script_runner

# served by the app itself: a ":material/…:" page icon makes every visitor's browser fetch it from a Google
# font server (built in Streamlit's frontend), which fails on a classroom network without internet
ICON = str(Path(__file__).parent / "pages" / "assets" / "icon.png")

# Streamlit ends every script run, of every session, by calling keras.backend.clear_session().
# That resets Keras' state for the whole process: a training being traced in another session's
# thread at that moment loses its weights (reproduced by calling it during a trace: the gradients
# came back None; in a class benchmark every 20-unit run then predicted -0.10), and each call also
# runs a full garbage collection. Nothing in this app needs it: its models are traced once per
# architecture and shared (seqcore/trainers.py).
script_runner._clean_problem_modules = lambda: None

st.set_page_config(page_title="LSTM Sequence Lab", page_icon=ICON, layout="wide")
st.navigation(
    [
        st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/table_chart:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
    ]
).run()
