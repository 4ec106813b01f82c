"""Compare page: every run of this session side by side, and the LSTM vs GRU vs SimpleRNN experiment."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

import seqcore.store
from pages.lab import charts
from pages.lab.live import LiveSlots, train_live
from pages.lab.runs import forget_result, record_run
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import CELL_NAMES
from pages.lab.workspace import run_store, store_problem

TABLE_COLUMNS = ["run", "status", "saved", "final loss", "final val loss", "prediction", "seconds", "epochs trained", "settings", "data"]


def experiment(settings) -> None:
    """Train the three cells with otherwise equal settings and say which reached the lowest loss."""
    progress_slot, chart_slot = st.empty(), st.empty()
    rows = []
    status = st.empty()
    for cell in CELL_NAMES:
        config = dataclasses.replace(settings.config, cell=cell)
        signature = dataclasses.replace(settings.signature, config=config)
        status.caption(f"Training {CELL_NAMES[cell]} ({len(rows) + 1} of {len(CELL_NAMES)})…")
        result = train_live(settings.series, config, settings.label, signature, LiveSlots(progress_slot, chart_slot))
        if result is None:
            return
        rows.append(record_run(result, settings.label, signature))
    status.empty()
    progress_slot.empty()
    chart_slot.empty()
    st.session_state.experiment = [r["run"] for r in rows]


def show_experiment(runs: list[dict]) -> None:
    rows = pd.DataFrame([r for r in runs if r["run"] in st.session_state.get("experiment", [])])
    if len(rows) != len(CELL_NAMES):
        return
    judged = "final val loss" if rows["final val loss"].notna().all() else "final loss"
    best = rows.loc[rows[judged].idxmin()]
    st.subheader("LSTM vs GRU vs SimpleRNN")
    st.plotly_chart(charts.comparison_figure(rows, judged), width="stretch", key="experiment_chart")
    worst = rows[judged].max()
    st.success(f"**{best['cell']}** learned best here: {judged} {best[judged]:.3g}, "
               f"{worst / best[judged]:.1f}× lower than the worst. Same series, seed, units, window and epochs; "
               "only the cell differs. Try other seeds or a longer window before you trust one run.",
               icon=":material/emoji_events:")  # fmt: skip


def page() -> None:
    settings = settings_sidebar()
    st.title("Compare runs")
    st.caption("Every training of this session. Hover a curve to see its settings.")
    show_problems(settings)
    clicked = st.button("Train LSTM, GRU and SimpleRNN on the current series", key="experiment_button", type="primary",
                        disabled=not settings.ready, help="Same settings for all three; only the cell type changes.")  # fmt: skip
    if clicked and settings.ready:
        experiment(settings)
    runs = st.session_state.get("runs", [])
    if not runs:
        st.info("No runs yet: train on the Train page, or run the experiment above.", icon=":material/arrow_forward:")
        return
    show_experiment(runs)
    st.subheader("All runs")
    left, right = st.columns(2)
    log = left.toggle("Log-scale loss axis", key="log_scale")
    smoothing = right.slider("Smoothing", 0.0, 0.99, step=0.01, key="smoothing", help="Exponential moving average of each curve.")
    st.plotly_chart(charts.runs_figure(runs, log=log, smoothing=smoothing), width="stretch", key="runs_chart")
    table = pd.DataFrame(runs).assign(saved=lambda runs: runs["not_saved"].isna().map({True: "yes", False: "no"}))[TABLE_COLUMNS]
    if table["final val loss"].isna().all():
        table = table.drop(columns="final val loss")  # no run held data out: an empty column only confuses
    if (table["saved"] == "yes").all():
        table = table.drop(columns="saved")  # only worth a column when some run could not be saved
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"final loss": st.column_config.NumberColumn(format="%.3g"),
                                "final val loss": st.column_config.NumberColumn(format="%.3g"),
                                "prediction": st.column_config.NumberColumn("next value (after the last window)", format="%.2f"),
                                "seconds": st.column_config.NumberColumn(format="%.2f")})  # fmt: skip
    manage(runs)


def manage(runs: list[dict]) -> None:
    """Share, download, delete: what a workspace's owner (anyone with its link) can do."""
    state = st.session_state
    store = run_store().store
    st.subheader("This workspace")
    st.caption("Runs are saved on this computer under the workspace named in the page address (`?ws=…`). "
               "Reloading, or reopening the address after a restart, brings them back; sharing the address shares them.")  # fmt: skip
    download, delete, clear = st.columns(3)
    if store is not None:
        workspace = state.workspace
        download.download_button("Download runs (CSV)", lambda: store.runs_csv(workspace), file_name="runs.csv",
                                 mime="text/csv", key="download_runs", on_click="ignore")  # fmt: skip
    delete.selectbox("Run", [r["run"] for r in runs], key="delete_choice", label_visibility="collapsed",
                              format_func=lambda n: f"run {n}")  # fmt: skip
    # the choice is read when the click arrives: args bound at drawing time can lag behind the box
    delete.button("Delete this run", key="delete_run", on_click=lambda: forget(st.session_state.delete_choice))
    sure = clear.checkbox("Yes, delete every run here", key="clear_confirm")
    clear.button("Clear workspace", key="clear_workspace", disabled=not sure, on_click=forget, args=(None,))


def forget(number: int | None) -> None:
    """Delete one run (or, with None, all) from the database and from this tab; a button callback."""
    state = st.session_state
    store = run_store().store
    in_database = number is None or any(r["run"] == number and not r["not_saved"] for r in state.get("runs", []))
    if store is not None and in_database:
        try:
            store.clear(state.workspace) if number is None else store.delete_run(state.workspace, number)
        except seqcore.store.StoreError as exc:
            store_problem(str(exc))
    state.runs = [r for r in state.get("runs", []) if number is not None and r["run"] != number]
    state.pop("clear_confirm", None)
    if number is None or state.get("result_run") == number:
        forget_result()


page()
