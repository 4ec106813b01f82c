"""LSTM Sequence Lab: placeholder entry until the dashboard lands; trains the notebook's defaults on a click."""

import streamlit as st

import seqcore

st.title("LSTM Sequence Lab")
st.caption("The full dashboard is on its way. Meanwhile: the reference notebook's run, on demand.")
if st.button("Train the notebook's model (LSTM 30, 500 epochs)", key="train"):
    bar = st.progress(0.0, text="starting…")
    result = seqcore.train(
        seqcore.get_dataset("ramp"),
        seqcore.TrainConfig(),
        on_progress=lambda p: bar.progress(p.epoch / p.total, text=f"epoch {p.epoch}/{p.total} · loss {p.loss:.2e}"),
    )
    st.line_chart(result.losses)
    st.metric("Next value after 5, 6, 7", f"{seqcore.predict_next(result, [5, 6, 7]):.2f}")
