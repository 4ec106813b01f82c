"""Train page: press Train, watch the loss fall, read the prediction."""

from __future__ import annotations

import math

import streamlit as st

import seqcore
from pages.lab import charts, engine, judge
from pages.lab.live import LiveSlots, train_live
from pages.lab.replay_view import CLASS_SPEED_SECONDS, replay_section
from pages.lab.runs import record_run, remembered
from pages.lab.seeds import seeds_section
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import CELL_NAMES, describe, plain
from seqcore import evaluation as scoring
from seqcore.baselines import NAIVE
from seqcore.verdicts import number


def readable(value: float) -> str:
    """A prediction as the metric shows it: two decimals (the notebook's 8.01), or 4 significant digits when huge or tiny."""
    return f"{value:.2f}" if value == 0 or 1e-2 <= abs(value) < 1e6 else f"{value:.4g}"


def results(state, settings) -> None:
    result = state.result
    config, run = result.config, state.result_run
    if state.result_signature != settings.signature:
        changes = plain(state.result_signature.changes(settings.signature))
        st.warning(f"These results are from earlier settings ({changes}). Press **Train** to see the new ones.", icon=":material/history:")
    status = f"stopped at epoch {result.epochs_trained} of {config.epochs}" if result.stopped else f"{result.epochs_trained} epochs"
    st.caption(f"Run {run} on {plain(state.result_label)} · {plain(describe(config))} · {status} in {result.seconds:.2f} s")
    saved_or_not(state)
    evaluation = judge.evaluation_of(result, run, int(state.period))
    seen = remembered("seen", (run, id(result)), lambda: scoring.trained_range(result))
    state.setdefault("predict_input", ", ".join(f"{v:g}" for v in result.series.to_numpy()[-config.window :]))
    ask, unseen = st.columns([2, 1], vertical_alignment="bottom")
    text = ask.text_input(
        f"Predict after these {config.window} values",
        key="predict_input",
        help="Edit the numbers (comma-separated) to ask about any window.",
    )
    unseen.button(
        "Try values it never saw",
        key="unseen_button",
        on_click=ask_unseen,
        args=(result,),
        width="stretch",
        help="The last window times ten: for the notebook's ramp, 50, 60, 70.",
    )
    answer, model_error, naive_error = st.columns(3)
    beyond = None
    try:
        recent = seqcore.parse_values(text)
        prediction = seqcore.predict_next(result, recent)
        shown = ", ".join(f"{v:g}" for v in recent[-config.window :])
        answer.metric(f"Next value after [{shown}]", readable(prediction))
        beyond = seen.beyond(recent[-config.window :])
    except seqcore.InputError as exc:
        answer.error(f"**Prediction input**: {plain(exc)}", icon=":material/error:")
    part = judge.PART_WORDS[evaluation.part]
    model, naive = evaluation.judged(scoring.MODEL), evaluation.judged(NAIVE)
    model_error.metric(
        f"Average miss, {evaluation.model} ({part})",
        number(model.mae),
        help=f"How far its one-step guesses are from the truth on average (mean absolute error), over {model.count} values, "
        "in the series' units.",
    )
    naive_error.metric(
        f"Average miss, copying ({part})",
        number(naive.mae),
        help="The simplest rule: guess that the next value equals the last one. A model must beat this to be worth anything.",
    )
    if beyond:
        window = recent[-config.window :]
        pattern = window[-1] + (window[-1] - window[0]) / (len(window) - 1) if len(window) > 1 else window[-1]
        st.warning(
            f"{plain(beyond[:1].upper() + beyond[1:])}. Its average miss above says nothing about windows like this one: "
            f"continuing the window's own steps would give {readable(pattern)}, the model says {readable(prediction)}.",
            icon=":material/explore_off:",
        )
        st.plotly_chart(charts.question_figure(window, prediction, seen), width="stretch", key="question_chart")
    judge.show_verdict(evaluation)
    judge.show_copying(result, run, evaluation)

    levels = remembered("levels", (run, id(result)), lambda: scoring.baseline_losses(result))
    judged_curve, judged_level = (result.val_losses, levels.held_out) if result.val_losses else (result.losses, levels.train)
    beats = scoring.beats_from(judged_curve, judged_level) if judged_level else None
    loss = remembered("loss", (run, id(result)), lambda: charts.loss_figure(result.losses, result.val_losses, levels=levels, beats=beats))
    st.plotly_chart(loss, width="stretch", key="loss_chart")
    typical = math.sqrt(judged_curve[-1]) * config.scale
    name = "held-out loss" if result.val_losses else "training loss"
    final = f"Final training loss {result.losses[-1]:.3g}" + (f", held-out loss {result.val_losses[-1]:.3g}" if result.val_losses else "")
    if beats:
        against = f"the {name} stays below copying's from epoch {beats}."
    elif judged_level:
        against = f"at the end the {name} is {'below' if judged_curve[-1] < judged_level else 'above'} copying's, without staying below it."
    else:
        against = "copying is exact here."
    st.caption(
        f"{final}: the mean squared error on the scaled values (the square root of the {name} times the scale, "
        f"{number(typical)}, is a typical miss in the series' units). Dashed: the same loss for copying the last value; {against}"
    )

    naive_box, _, steps_box = st.columns([1.2, 1.8, 1], vertical_alignment="bottom")
    show_naive = naive_box.toggle("Show copying the last value", key="show_naive")
    steps = steps_box.number_input(
        "Forecast steps", 1, 200, key="forecast_steps", help="Values after the series, each prediction fed back in as the newest input."
    )
    # every widget change reruns this page: compute the run's predictions once, not on each rerun
    key = (run, int(steps))
    if state.get("prediction_cache", (None,))[0] != key:
        state.prediction_cache = (key, seqcore.one_step_predictions(result), seqcore.forecast(result, result.series.to_numpy(), int(steps)))
    _, predictions, forecast = state.prediction_cache
    figure = remembered(
        "prediction",
        (run, id(result), int(steps), show_naive),
        lambda: charts.prediction_figure(result.series, predictions, forecast, seen, show_naive),
    )
    st.plotly_chart(figure, width="stretch", key="prediction_chart")
    leaves = seen.beyond(forecast)
    dots = len(result.series) <= charts.DOTS_UP_TO
    marks, copies = ("Dots", "crosses") if dots else ("Blue and orange lines", "the dotted grey line")
    st.caption(
        f"{marks}: the model's guess for each value from the window before it; {copies}: copying the last value. "
        "Dashed pink: the forecast, each step built on the previous guesses, so errors can grow."
        + (f" The forecast leaves what the model trained on: {plain(leaves)}." if leaves else "")
    )
    replay_section(result, run)
    errors_tab, steps_tab = st.tabs(["Errors: the model and the simple rules", "Error by steps ahead"])
    with errors_tab:
        judge.show_errors(evaluation)
    with steps_tab:
        judge.show_steps_ahead(result, run)
    seeds_section(result)
    st.download_button(
        "Download the trained model (.keras)",
        lambda: engine.keras_file(result),
        file_name=f"run-{run}.keras",
        mime="application/octet-stream",
        key="download_model",
        on_click="ignore",
        help="Load it with keras.models.load_model; it expects (value − offset) ÷ scale as input.",
    )


def first_words(settings) -> str:
    notebook = seqcore.TrainConfig()
    if settings.config == notebook and settings.signature.label == seqcore.DATASETS["ramp"].label:
        return (
            "No training yet. With the defaults this is the reference notebook: the ramp 1..7, an LSTM with 30 units and "
            "500 epochs; it should predict about 8.01 after 5, 6, 7."
        )
    return "No training yet. Press **Train**: the result says whether the model beats copying the last value."


def saved_or_not(state) -> None:
    shown = next((r for r in state.get("runs", []) if r["run"] == state.result_run), None)
    if shown is not None and shown["not_saved"]:
        st.warning(
            f"Run {shown['run']} was not saved, so it stays in this tab only: {plain(shown['not_saved'])}", icon=":material/cloud_off:"
        )
        if shown["full"]:
            st.page_link("pages/compare.py", label="Delete old runs on the Compare page", icon=":material/delete:")


def ask_unseen(result) -> None:
    """The prediction box gets the last window times ten: for the notebook's ramp, 50, 60, 70."""
    window = result.series.to_numpy()[-result.config.window :] * 10
    st.session_state.predict_input = ", ".join(f"{v:g}" for v in window)


@st.cache_resource(show_spinner=False, max_entries=64)
def shared_series_figure(label: str, series_hash: str, _series):
    """The series before any training, built once for every session that shows it (a class opens the same one)."""
    return charts.series_figure(_series, f"The series: {label}")


@st.fragment(run_every=1.0)
def workers_starting() -> None:
    """Says the model is being prepared while no training process is ready (just after the server starts)."""
    if engine.pool().status().ready:
        st.rerun()  # the whole page, once: the notice goes
    st.caption("Preparing the model… the training processes are starting; Train works now and begins when one is ready.")


def page() -> None:
    settings = settings_sidebar()
    state = st.session_state
    cell = CELL_NAMES[settings.config.cell] if settings.config else "LSTM"
    st.title(f"Train an {cell} to predict the next value" if cell[0] in "AEIOUL" else f"Train a {cell} to predict the next value")
    st.caption(
        "Pick a series and settings in the sidebar, press **Train**, and watch the loss fall. Changing a setting never retrains by itself."
    )
    show_problems(settings)
    button, stop_column, pace, info = st.columns([1, 1, 1.3, 2.7], vertical_alignment="center")
    stop_slot = stop_column.empty()
    clicked = button.button("Train", key="train", type="primary", disabled=not settings.ready, width="stretch")
    paced = pace.toggle(
        "Class speed",
        key="class_speed",
        help=f"Show each training over about {CLASS_SPEED_SECONDS:g} s, so a class can watch the loss fall and the next value move. "
        "Training itself is not slowed.",
    )
    next_run = " · ".join(plain(part) for part in (settings.label, describe(settings.config) if settings.config else "") if part)
    info.caption(f"Next run: {next_run}" if next_run else "")
    if not clicked and engine.pool().status().ready == 0:  # after a click the progress bar says it instead
        with info:
            workers_starting()
    if "notice" in state:
        st.info(state.pop("notice"), icon=":material/stop_circle:")
    progress_slot, chart_slot = st.empty(), st.empty()
    if clicked and settings.ready:
        stop_slot.button("Stop", key="stop", width="stretch", help="Ends training and keeps the curve so far.")
        result = train_live(
            settings.series,
            settings.config,
            settings.label,
            settings.signature,
            LiveSlots(progress_slot, chart_slot),
            CLASS_SPEED_SECONDS if paced else None,
        )
        stop_slot.empty()
        if result is not None:
            record_run(result, settings.label, settings.signature)
        progress_slot.empty()
        chart_slot.empty()
    if "result" in state:
        results(state, settings)
    elif not clicked:
        if settings.series is not None:
            figure = shared_series_figure(settings.signature.label, settings.signature.series_hash, settings.series)
            st.plotly_chart(figure, width="stretch", key="series_chart")
        st.info(first_words(settings), icon=":material/arrow_forward:")
    engine.prepare_in_background(settings)


page()
