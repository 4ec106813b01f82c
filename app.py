"""LSTM Sequence Lab: the entry point, and only a router; each page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="LSTM Sequence Lab", page_icon=":material/show_chart:", layout="wide")
st.navigation(
    [
        st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/table_chart:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
    ]
).run()
