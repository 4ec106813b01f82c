"""LSTM Sequence Lab: the entry point, and only a router; each page lives in pages/."""

from pathlib import Path

import streamlit as st

# served by the app itself: a ":material/…:" page icon makes every visitor's browser fetch it from a Google
# font server (built in Streamlit's frontend), which fails on a classroom network without internet
ICON = str(Path(__file__).parent / "pages" / "assets" / "icon.png")

st.set_page_config(page_title="LSTM Sequence Lab", page_icon=ICON, layout="wide")
st.navigation(
    [
        st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/table_chart:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
    ]
).run()
