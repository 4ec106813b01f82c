"""Compare page: every run of this session side by side, and the LSTM vs GRU vs SimpleRNN experiment."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import seqcore.store
from pages.lab import charts, projector
from pages.lab.runs import forget_result, open_run, record_run
from pages.lab.seeds import run_seeds
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import CELL_NAMES, differences, plain, rule, setting, words
from pages.lab.workspace import run_store, store_problem
from seqcore.baselines import NAIVE
from seqcore.comparing import MIN_SEEDS, TOO_FEW, RuleError, Spread, compare, seeds_of
from seqcore.evaluation import MODEL, evaluate
from seqcore.verdicts import BETTER, SIMPLER, WORSE, Verdict

TABLE_COLUMNS = ["run", "status", "saved", "final loss", "final val loss", "prediction", "seconds", "epochs trained", "settings", "data"]


EXPERIMENT_SEEDS = MIN_SEEDS  # seeds per cell: the fewest with which compare() names a winner


@dataclass(frozen=True)
class Experiment:
    """The three cells, each trained with several seeds, judged on the same windows in the series' units."""

    runs: list[int]  # the recorded run of each cell (its first seed)
    spreads: dict[str, np.ndarray]  # cell name -> MAE of each seed (judged part)
    rules: dict[str, float]  # the simple rules' MAE on the same part: the last value's first
    verdict: Verdict
    held_out: bool


def experiment(settings) -> None:
    """Train the three cells with several seeds and otherwise equal settings, then judge them honestly."""
    progress_slot, status = st.empty(), st.empty()
    period = int(st.session_state.get("period", 0)) or None
    seeds = range(settings.config.seed, settings.config.seed + EXPERIMENT_SEEDS)
    runs, spreads, first = [], {}, None
    for i, cell in enumerate(CELL_NAMES):
        config = dataclasses.replace(settings.config, cell=cell)
        status.caption(f"Training {CELL_NAMES[cell]} ({i + 1} of {len(CELL_NAMES)})…")
        total = len(CELL_NAMES) * len(seeds)  # one bar over the whole experiment: it fills as each seed of each cell ends
        results = run_seeds(settings.series, config, seeds, progress_slot, f"{CELL_NAMES[cell]}: ", before=i * len(seeds), total=total)
        if results is None:
            return
        # the sidebar's own cell becomes the Train page's run: the page's title, sidebar and result then agree (the
        # others are on this page; a SimpleRNN shown under an LSTM title trained SimpleRNN seeds as the LSTM's)
        mine = cell == settings.config.cell
        record = record_run(results[0], settings.label, dataclasses.replace(settings.signature, config=config), show=mine)
        runs.append(record["run"])
        evaluations = [evaluate(r, period) for r in results]
        first = first or evaluations[0]
        spreads[CELL_NAMES[cell]] = np.array([e.judged(MODEL).mae for e in evaluations])
    status.empty()
    said_by = words()
    rules = {"copying the last value": first.judged(NAIVE).mae}
    best = first.best_rule()
    if best.name != NAIVE:
        rules[rule(best.name, best.description, said_by).name] = first.judged(best.name).mae
    spread_list = [Spread(name, maes) for name, maes in spreads.items()]
    simpler = [RuleError(name, mae) for name, mae in rules.items() if name != "copying the last value"]
    said = compare(spread_list, first.judged(NAIVE), held_out=bool(first.n_held_out), words=said_by.verdict, rules=simpler)
    st.session_state.experiment = Experiment(runs, spreads, rules, said, bool(first.n_held_out))


def show_experiment(runs: list[dict]) -> None:
    done = st.session_state.get("experiment")
    if done is None or not all(any(r["run"] == n for r in runs) for n in done.runs):
        return  # not run yet, or one of its runs was deleted
    st.subheader("LSTM vs GRU vs SimpleRNN")
    colour, icon, headline = {
        BETTER: ("green", ":material/emoji_events:", "A clear winner"),
        WORSE: ("red", ":material/thumb_down:", "None beats copying the last value"),
        SIMPLER: ("orange", ":material/rule:", "A simpler rule beats every seed"),
        TOO_FEW: ("gray", ":material/hourglass_empty:", "Too few seeds to name a winner"),
    }.get(done.verdict.outcome, ("orange", ":material/balance:", "A tie"))
    with st.container(border=True, key="experiment_verdict"):
        st.markdown(f"#### :{colour}[{icon} {headline}]\n{plain(done.verdict.text)}")
    projector.chart(st, charts.comparison_figure(done.spreads, done.rules, done.held_out, words()), key="experiment_chart")
    counts = {cell: len(maes) for cell, maes in done.spreads.items()}
    seeds = (
        f"each cell trains with {seeds_of(EXPERIMENT_SEEDS)}"
        if set(counts.values()) == {EXPERIMENT_SEEDS}
        else f"{EXPERIMENT_SEEDS} seeds were asked of each cell, and finished: " + ", ".join(f"{c} {n}" for c, n in counts.items())
    )
    st.caption(f"Same series, window, units and epochs; only the cell differs, and {seeds}. Flat lines: simple rules on the same windows.")


# a new series comes with its own scaling and held-out share: naming them beside the data would only repeat it
FOLLOW_THE_DATA = ("scale", "offset", "val_fraction")


def legend_names(runs: list[dict]) -> list[dict]:
    """Runs whose legend names say what differs between them ("run 3 · Cell GRU", "run 5 · Sunspots…, Units 16")."""
    changing = differences([r["config"] for r in runs])
    new_data = len({r["data"] for r in runs}) > 1
    if new_data:
        changing = [name for name in changing if name not in FOLLOW_THE_DATA]
    changing.sort(key=lambda name: name != "cell")  # the cell first: what the experiment varies
    named = []
    for r in runs:
        parts = ([r["data"]] if new_data else []) + [setting(r["config"], name) for name in changing[:2]]
        stopped = " (stopped)" if r["status"] == "stopped" else ""
        name = f"run {r['run']} · " + (", ".join(parts) or CELL_NAMES[r["config"].cell]) + stopped
        named.append({**r, "name": name, "only_cell_differs": changing == ["cell"] and not new_data})
    return named


def page() -> None:
    settings = settings_sidebar()
    st.title("Compare runs")
    st.caption("Every run in this workspace (the address's ?ws=…). Hover a curve to see its settings.")
    show_problems(settings)
    clicked = st.button(
        "Train LSTM, GRU and SimpleRNN on the current series",
        key="experiment_button",
        type="primary",
        disabled=not settings.ready,
        help=f"Same settings for all three, {EXPERIMENT_SEEDS} seeds each; only the cell type changes.",
    )
    if clicked and settings.ready:
        experiment(settings)
    runs = st.session_state.get("runs", [])
    if not runs:
        st.info("No runs yet: train on the Train page, or run the experiment above.", icon=":material/arrow_forward:")
        return
    show_experiment(runs)
    st.subheader("All runs")
    left, middle, right = st.columns(3)
    log = left.toggle("Log-scale axis", key="log_scale")
    units = middle.toggle(
        "Typical error in series units",
        key="series_units",
        help=words().series_units_help,
    )
    smoothing = right.slider("Smoothing", 0.0, 0.99, step=0.01, key="smoothing", help="Exponential moving average of each curve.")
    figure = charts.runs_figure(legend_names(runs), log=log, smoothing=smoothing, series_units=units, words=words())
    projector.chart(st, figure, key="runs_chart")  # sized for Large text, as every chart
    if len({r["data"] for r in runs}) > 1:
        st.caption(
            "These runs trained on different series: a loss on one series is no measure of a loss on another. "
            "Compare the shapes of the curves, or judge each run against copying the last value on the Train page."
        )
    table = pd.DataFrame(runs).assign(saved=lambda runs: runs["not_saved"].isna().map({True: "yes", False: "no"}))[TABLE_COLUMNS]
    if table["final val loss"].isna().all():
        table = table.drop(columns="final val loss")  # no run held data out: an empty column only confuses
    if (table["saved"] == "yes").all():
        table = table.drop(columns="saved")  # only worth a column when some run could not be saved
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "final loss": st.column_config.NumberColumn(format="%.3g"),
            "final val loss": st.column_config.NumberColumn(words().final_held_out_column, format="%.3g"),
            "prediction": st.column_config.NumberColumn("next value (after the last window)", format="%.2f"),
            "seconds": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    reopen(runs)
    manage(runs)


def reopen(runs: list[dict]) -> None:
    """Any saved run back on the Train page: its result, its replay, and (on the Learn page) its insides."""
    saved = [r["run"] for r in runs if not r["not_saved"]]
    if not saved:
        return
    choice, button = st.columns([1, 2], vertical_alignment="bottom")
    number = choice.selectbox("Open a run", saved[::-1], key="open_choice", format_func=lambda n: f"run {n}")
    if button.button("Show it on the Train page (result, replay, inside)", key="open_run"):
        problem = open_run(number)
        if problem is None:
            st.switch_page("pages/train.py")
        st.error(f"**Open a run**: {plain(problem)}", icon=":material/error:")


def manage(runs: list[dict]) -> None:
    """Share, download, delete: what a workspace's owner (anyone with its link) can do."""
    state = st.session_state
    store = run_store().store
    st.subheader("This workspace")
    st.caption(
        "Runs are saved on this computer under the workspace named in the page address (`?ws=…`). "
        "Reloading, or reopening the address after a restart, brings them back; sharing the address shares them."
    )
    download, delete, clear = st.columns(3)
    if store is not None:
        workspace = state.workspace
        download.download_button(
            "Download runs (CSV)",
            lambda: store.runs_csv(workspace),
            file_name="runs.csv",
            mime="text/csv",
            key="download_runs",
            on_click="ignore",
        )
    delete.selectbox("Run", [r["run"] for r in runs], key="delete_choice", label_visibility="collapsed", format_func=lambda n: f"run {n}")
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
