"""Train page: press Train, watch the loss fall, read the prediction."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import streamlit as st

import seqcore
from pages.lab import board, charts, engine, errors_view, judge, lesson, projector
from pages.lab.live import LOSS_CHART, LiveSlots, train_live
from pages.lab.replay_view import CLASS_SPEED_SECONDS, replay_section
from pages.lab.runs import record_run, remembered, snapshots_of
from pages.lab.seeds import seeds_section
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.steady import steady_chart
from pages.lab.text import CELL_NAMES, describe, plain, words
from pages.lab.truth_view import show_truth
from seqcore import evaluation as scoring
from seqcore.baselines import NAIVE
from seqcore.truth import distances_for
from seqcore.verdicts import beat_copying, number


def readable(value: float) -> str:
    """A prediction as the metric shows it: two decimals (the notebook's 8.01), or 4 significant digits when huge or tiny."""
    return f"{value:.2f}" if value == 0 or 1e-2 <= abs(value) < 1e6 else f"{value:.4g}"


def shown_loss_figure(state):
    """The shown run's loss chart: its curves, copying's loss, where it beats copying, where it was continued."""
    result, run = state.result, state.result_run
    levels = remembered("levels", (run, id(result)), lambda: scoring.baseline_losses(result))
    judged_curve, judged_level = (result.val_losses, levels.held_out) if result.val_losses else (result.losses, levels.train)
    beats = scoring.beats_from(judged_curve, judged_level) if judged_level else None
    continued_from = state.get("result_continued_from")
    resumed_at = next((r["epochs trained"] for r in state.get("runs", []) if continued_from and r["run"] == continued_from), None)
    return remembered(
        "loss",
        (run, id(result)),
        lambda: charts.loss_figure(result.losses, result.val_losses, levels=levels, beats=beats, resumed_at=resumed_at, words=words()),
    )


def hold_the_chart(state, settings, slot):
    """Draw at once what the chart's place showed (the shown run's loss, or the series): a new slot is empty until
    drawn, and a training's start (finding a worker) would otherwise leave the place blank. The figure drawn, or None."""
    if "result" in state:
        figure = shown_loss_figure(state)
        projector.chart(slot, figure, steady_name=LOSS_CHART)
        return figure
    if settings.series is not None:
        large = bool(state.get("large_text"))
        figure = shared_series_figure(settings.signature.label, settings.signature.series_hash, large, settings.series)
        steady_chart(slot, figure, LOSS_CHART)  # a training's live chart takes its place without a blink
        return figure
    return None


def results(state, settings, slots: LiveSlots, drawn=None) -> None:
    """The shown run: its line and loss chart in the slots a live training draws in (so nothing moves when a training
    ends), then what it predicts and how good that is. `drawn`: the figure the chart's place already shows."""
    result = state.result
    config, run = result.config, state.result_run
    continued_from = state.get("result_continued_from")
    status = f"stopped at epoch {result.epochs_trained} of {config.epochs}" if result.stopped else f"{result.epochs_trained} epochs"
    more = f" (run {continued_from} continued)" if continued_from else ""
    last = result.series.to_numpy()[-config.window :]
    record = next((r for r in state.get("runs", []) if r["run"] == run), None)
    # the record's prediction is this one, made once when the run was kept: the line is drawn at every rerun
    answer = record["prediction"] if record is not None and record["prediction"] is not None else seqcore.predict_next(result, last)
    shown_last = ", ".join(f"{v:g}" for v in last[-5:])
    stale = state.result_signature.differs(settings.signature, ignore_epochs=bool(continued_from))
    # said at the top, where the eye is: below the chart, a changed setting's note was found by nobody
    earlier = f"  \n:orange[**From earlier settings** ({plain(stale)}): press **Train** to see the new ones.]" if stale else ""
    slots.progress.markdown(
        f"**Run {run}**{more} on {plain(state.result_label)} · {status} in {result.seconds:.2f} s · seed {config.seed} · "
        f"next value after {'…, ' if len(last) > 5 else ''}{shown_last}: **{readable(answer)}**{earlier}"
    )
    levels = remembered("levels", (run, id(result)), lambda: scoring.baseline_losses(result))
    judged_curve, judged_level = (result.val_losses, levels.held_out) if result.val_losses else (result.losses, levels.train)
    beats = scoring.beats_from(judged_curve, judged_level) if judged_level else None
    loss = shown_loss_figure(state)
    if loss is not drawn:
        projector.chart(slots.chart, loss, steady_name=LOSS_CHART)
    loss_words(result, judged_curve, judged_level, beats)
    saved_or_not(state)
    continue_row(result)
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
    beyond, prediction = None, None
    try:
        recent = seqcore.parse_values(text)
        prediction = seqcore.predict_next(result, recent)
        shown = ", ".join(f"{v:g}" for v in recent[-config.window :])
        answer.metric(f"Next value after [{shown}]", readable(prediction))
        show_truth(result, recent, prediction)
        beyond = seen.beyond(recent[-config.window :])
    except seqcore.InputError as exc:
        answer.error(f"**Prediction input**: {plain(exc)}", icon=":material/error:")
    said = words()
    part = said.parts[evaluation.part]
    model, naive = evaluation.judged(scoring.MODEL), evaluation.judged(NAIVE)
    model_error.metric(
        f"Average miss, {evaluation.model} ({part})",
        number(model.mae),
        help=said.model_help.format(count=model.count),
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
        projector.chart(st, charts.question_figure(window, prediction, seen), key="question_chart")
    truth = distances_for(result, last, seqcore.predict_next(result, last))
    show_guess(state.get("result_guess"), result, evaluation, truth)
    judge.show_verdict(evaluation, truth, pending=judge.classical_of(result, int(state.period)) is None)
    judge.show_classical_fitting(result, int(state.period))
    judge.show_copying(result, run, evaluation)

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
    classical = tuple(s.name for s in evaluation.classical)
    figure = remembered(
        "prediction",
        (run, id(result), int(steps), show_naive, classical),
        lambda: charts.prediction_figure(result.series, predictions, forecast, seen, show_naive, words(), evaluation.classical),
    )
    projector.chart(st, figure, key="prediction_chart")
    leaves = seen.beyond(forecast)
    dots = len(result.series) <= charts.DOTS_UP_TO
    marks, copies = ("Dots", "crosses") if dots else ("Blue and orange lines", "the dotted grey line")
    st.markdown(
        f"{marks}: the model's guess for each value from the window before it; {copies}: copying the last value. "
        "Dashed pink: the forecast, each step built on the previous guesses, so errors can grow."
        + (f" The forecast leaves what the model trained on: {plain(leaves)}." if leaves else "")
    )
    replay_section(result, run)
    errors_tab, steps_tab = st.tabs(["Errors: the model, the simple rules and the classical forecasters", "Error by steps ahead"])
    with errors_tab:
        errors_view.show_errors(evaluation)
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
def shared_series_figure(label: str, series_hash: str, large: bool, _series):
    """The series before any training, built once for every session that shows it (a class opens the same one), sized
    as the loss chart that takes its place will be."""
    return charts.for_screen(charts.series_figure(_series, f"The series: {label}"), large)


@st.fragment(run_every=1.0)
def workers_starting() -> None:
    """Says the model is being prepared while no training process is ready (just after the server starts)."""
    if not engine.starting_up():
        st.rerun()  # the whole page, once: the notice goes
    # in the Next run line's place and size: nothing below moves when it goes
    st.markdown("**Preparing the model…** the training processes are starting; Train works now and begins when one is ready.")


def loss_words(result, judged_curve, judged_level, beats) -> None:
    """What the loss chart says, in words a class can read (this tab's): what the loss is, and where it stands against
    copying."""
    config, said = result.config, words()
    typical = math.sqrt(judged_curve[-1]) * config.scale
    name = said.judged_loss["held_out" if result.val_losses else "train"]
    final = said.final_train.format(loss=f"{result.losses[-1]:.3g}")
    final += said.final_held_out.format(loss=f"{result.val_losses[-1]:.3g}") if result.val_losses else ""
    if beats:
        against = f"the {name} stays below copying's from epoch {beats}."
    elif judged_level:
        against = f"at the end the {name} is {'below' if judged_curve[-1] < judged_level else 'above'} copying's, without staying below it."
    else:
        against = "copying is exact here."
    st.markdown(
        f"{final}. {said.loss_meaning.format(name=name, typical=number(typical))} "
        f"Dashed: the same loss for copying the last value; {against}"
    )


def continue_row(result) -> None:
    """Train N more epochs: the run goes on from its weights and Adam's state, and its curve continues."""
    room = seqcore.config.MAX_EPOCHS - result.epochs_trained
    if result.optimizer is None:  # a run saved before runs kept Adam's state, or one cut off by a lost worker
        return
    box, button, words = st.columns([1, 1.2, 2.8], vertical_alignment="bottom")
    if room <= 0:
        words.markdown(f"This run has trained {result.epochs_trained:,} epochs, the most a run may ({seqcore.config.MAX_EPOCHS:,}).")
        return
    box.number_input(
        f"More epochs (up to {room:,})",
        1,
        room,
        value=min(seqcore.TrainConfig().epochs, room),
        step=50,
        key="more_epochs",
        help=f"A run may train {seqcore.config.MAX_EPOCHS:,} epochs in all; this one has trained {result.epochs_trained:,}.",
    )
    button.button(
        "Train more epochs",
        key="continue_button",
        on_click=want_more,
        width="stretch",
        help="Goes on from where this run stopped (its weights and Adam's memory of past steps), as one longer run would.",
    )
    words.markdown(f"Goes on from epoch {result.epochs_trained:,}: the loss curve continues, and the longer run is saved as a new run.")


def want_more() -> None:
    st.session_state.continue_wanted = int(st.session_state.more_epochs)


def guess_keys() -> tuple[str, str]:
    """The guess boxes' keys: new ones after each training that took a guess, so that a guess goes with one run only
    (a closed popover's boxes would otherwise hand their old values to the next run)."""
    round_ = st.session_state.get("guess_round", 0)
    return f"guess_value_{round_}", f"guess_beats_{round_}"


def guess_inputs(settings, where) -> None:
    """Before Train: a guess at the next value, or at whether the model will beat copying (both optional), in a
    popover beside the Train button; its label shows the guess once there is one."""
    if settings.series is None or settings.config is None or settings.errors:
        return
    state = st.session_state
    value_key, beats_key = guess_keys()
    window = settings.series.to_numpy()[-settings.config.window :]
    shown = ", ".join(f"{v:g}" for v in window[-5:])
    guessed = state.get(value_key) is not None or state.get(beats_key, GUESS_BEATS[0]) != GUESS_BEATS[0]
    with where.popover("Your guess ✓" if guessed else "Guess first", width="stretch", help=GUESS_HELP):
        st.number_input(
            f"The next value after {'…, ' if len(window) > 5 else ''}{shown}",
            value=None,
            key=value_key,
            format="%g",
            placeholder="type a number",
        )
        st.radio(
            "Will it beat copying the last value?",
            GUESS_BEATS,
            key=beats_key,
            horizontal=True,
            help="Copying the last value is the simplest rule; a model must beat it to be worth anything.",
        )
        st.markdown("Then press **Train**: the result puts your guess beside what the model does.")


GUESS_HELP = "Guess before you train (optional): the next value, or whether the model will beat copying the last value."
GUESS_BEATS = ("no guess", "yes", "no")


def take_guess(window) -> None:
    """The Train button's callback: the guesses go with this training, and the next training gets fresh boxes."""
    state = st.session_state
    value_key, beats_key = guess_keys()
    value, beats = state.get(value_key), state.get(beats_key, GUESS_BEATS[0])
    guess = {}
    if value is not None and math.isfinite(value):
        guess |= {"value": float(value), "window": [float(v) for v in window]}
    if beats != GUESS_BEATS[0]:
        guess["beats"] = beats == "yes"
    state.pending_guess = guess or None
    if guess:
        state.guess_round = state.get("guess_round", 0) + 1


def show_guess(guess, result, evaluation, truth) -> None:
    """The student's guess beside what the model did; whether it beat copying is judged as its verdict judges it."""
    if not guess:
        return
    parts = []
    if "value" in guess:
        window = guess["window"]
        model = seqcore.predict_next(result, window)
        shown = ", ".join(f"{v:g}" for v in window[-5:])
        parts.append(
            f"you guessed **{readable(guess['value'])}** after {plain(shown)}; the model says **{readable(model)}** "
            f"({number(abs(model - guess['value']))} apart)"
        )
        own = truth is not None and truth.truth.known and np.allclose(window, result.series.to_numpy()[-len(window) :])
        if own:
            value = truth.truth.value
            parts.append(
                f"the true next value is **{readable(value)}**: you were off by {number(abs(guess['value'] - value))}, "
                f"the model by {number(truth.model_off)}"
            )
    if "beats" in guess:
        said = "would" if guess["beats"] else "would not"
        did = beat_copying(evaluation, truth)
        if did is None:
            outcome = "nobody can tell yet: nothing was held out to test it on"
        else:
            outcome = f"it {'did' if did else 'did not'}" + (" (you were right)" if did == guess["beats"] else "")
        parts.append(f"you said it {said} beat copying the last value: {outcome}")
    if parts:
        with st.container(border=True, key="guess_result"):
            st.markdown("**Your guess**: " + "; ".join(parts) + ".")


PICK = "Pick a series and settings in the sidebar"


def page() -> None:
    settings = settings_sidebar()
    state = st.session_state
    cell = CELL_NAMES[settings.config.cell] if settings.config else "LSTM"
    st.title(f"Train an {cell} to predict the next value" if cell[0] in "AEIOUL" else f"Train a {cell} to predict the next value")
    in_lesson = lesson.current().lesson is not None
    st.container(key="intro").markdown(
        ("Your teacher chose the series and most settings; change what the sidebar offers" if in_lesson else PICK)
        + ", press **Train**, and watch the loss fall. Changing a setting never retrains by itself."
    )
    show_problems(settings)
    window = settings.series.to_numpy()[-settings.config.window :].tolist() if settings.ready else []
    button, stop_column, guess, pace = st.columns([1, 0.7, 1, 1.3], vertical_alignment="center")
    stop_slot = stop_column.empty()
    clicked = button.button(
        "Train", key="train", type="primary", disabled=not settings.ready, width="stretch", on_click=take_guess, args=(window,)
    )
    guess_inputs(settings, guess)
    paced = pace.toggle(
        "Class speed",
        key="class_speed",
        help=f"Show each training over about {CLASS_SPEED_SECONDS:g} s, so a class can watch the loss fall and the next value move. "
        "Training itself is not slowed.",
    )
    next_run = " · ".join(plain(part) for part in (settings.label, describe(settings.config) if settings.config else "") if part)
    if state.get("result_signature") == settings.signature:  # the run below says it all: no need to say it twice
        next_run = f"the same series and settings as run {state.result_run}"
    info = st.container(key="next_run").empty()  # a fixed height (projector.py): a shorter line moves nothing below
    info.markdown(f"**Next run**: {next_run}" if next_run else "")
    if not clicked and engine.starting_up():  # after a click the progress bar says it instead
        with info:
            workers_starting()
    board.membership_line()
    if "notice" in state:
        st.info(state.pop("notice"), icon=":material/stop_circle:")
    # the run's line and its loss chart: a live training draws in the same places, so nothing moves when it ends
    slots = LiveSlots(st.container(key="run_line").empty(), st.empty())
    drawn = hold_the_chart(state, settings, slots.chart)
    more = state.pop("continue_wanted", None)
    shown = state.get("result")
    if clicked and settings.ready:
        train_and_keep(settings, slots, stop_slot, paced, guess=state.pop("pending_guess", None))
    elif more and shown is not None and shown.optimizer is not None:
        config = dataclasses.replace(shown.config, epochs=shown.epochs_trained + more)
        resume = dataclasses.replace(shown, snapshots=snapshots_of(shown, state.result_run))  # the replay goes on too
        train_and_keep(settings, slots, stop_slot, paced, resume=resume, config=config)
    if "result" in state:
        results(state, settings, slots, drawn)
    elif not clicked:
        st.info(first_words(settings), icon=":material/arrow_forward:")
    engine.prepare_in_background(settings)


def train_and_keep(settings, slots: LiveSlots, stop_slot, paced: bool, guess=None, resume=None, config=None) -> None:
    """Train live (a fresh run, or `resume` continued to `config.epochs`), then keep the run."""
    state = st.session_state
    stop_slot.button("Stop", key="stop", width="stretch", help="Ends training and keeps the curve so far.")
    if resume is None:
        series, config, label, signature = settings.series, settings.config, settings.label, settings.signature
    else:
        series, label = resume.series, state.result_label
        signature = dataclasses.replace(state.result_signature, config=config)
    continued_from = state.get("result_run") if resume is not None else None
    result = train_live(series, config, label, signature, slots, CLASS_SPEED_SECONDS if paced else None, resume=resume, guess=guess)
    stop_slot.empty()
    if result is not None:
        record = record_run(result, label, signature, guess=guess, continued_from=continued_from)
        problem = board.post_run(record, state.result, judge.evaluation_of(state.result, state.result_run, int(state.period)))
        if problem is not None:
            st.warning(f"Run {record['run']} is saved, but it could not go on the class board: {plain(problem)}", icon=":material/groups:")


page()
