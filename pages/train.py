"""Train page: press Train, watch the loss fall, read the prediction."""

from __future__ import annotations

import math

import streamlit as st

import seqcore
from pages.lab import charts, engine
from pages.lab.live import LiveSlots, train_live
from pages.lab.runs import record_run, remembered
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import describe, plain


def readable(value: float) -> str:
    """A prediction as the metric shows it: two decimals (the notebook's 8.01), or 4 significant digits when huge or tiny."""
    return f"{value:.2f}" if value == 0 or 1e-2 <= abs(value) < 1e6 else f"{value:.4g}"


def results(state, settings) -> None:
    result = state.result
    config = result.config
    if state.result_signature != settings.signature:
        st.warning(f"These results are from earlier settings ({plain(state.result_signature.changes(settings.signature))}). "
                   "Press **Train** to see the new ones.", icon=":material/history:")  # fmt: skip
    status = f"stopped at epoch {result.epochs_trained} of {config.epochs}" if result.stopped else f"{result.epochs_trained} epochs"
    st.caption(f"Run {state.result_run} on {plain(state.result_label)} · {plain(describe(config))} · {status} in {result.seconds:.2f} s")
    shown = next((r for r in state.get("runs", []) if r["run"] == state.result_run), None)
    if shown is not None and shown["not_saved"]:
        st.warning(
            f"Run {shown['run']} was not saved, so it stays in this tab only: {plain(shown['not_saved'])}",
            icon=":material/cloud_off:",
        )
        if shown["full"]:
            st.page_link("pages/compare.py", label="Delete old runs on the Compare page", icon=":material/delete:")
    final = result.losses[-1]
    state.setdefault("predict_input", ", ".join(f"{v:g}" for v in result.series.to_numpy()[-config.window :]))
    ask, answer, loss, error = st.columns([1.3, 1, 1, 1])
    text = ask.text_input(f"Predict after these {config.window} values", key="predict_input",
                          help="Edit the numbers (comma-separated) to ask the model about any window.")  # fmt: skip
    try:
        recent = seqcore.parse_values(text)
        prediction = seqcore.predict_next(result, recent)
        shown = ", ".join(f"{v:g}" for v in recent[-config.window :])
        answer.metric(f"Next value after [{shown}]", readable(prediction))
    except seqcore.InputError as exc:
        answer.error(f"**Prediction input**: {plain(exc)}", icon=":material/error:")
    loss.metric("Final loss (MSE, scaled)", f"{final:.3g}",
                help="Mean squared error on the values divided by the scale." + (
                    f" Validation: {result.val_losses[-1]:.3g}." if result.val_losses else ""))  # fmt: skip
    error.metric("Typical error, series units", f"±{math.sqrt(final) * config.scale:.3g}",
                 help="Square root of the loss times the scale: an error in the series' own units.")  # fmt: skip
    if result.val_losses:
        st.caption(f"Validation loss (windows the model never trained on): **{result.val_losses[-1]:.3g}**, "
                   f"typical error ±{math.sqrt(result.val_losses[-1]) * config.scale:.3g}.")  # fmt: skip
    st.caption(f"The loss is measured on values divided by the scale ({config.scale:g}); "
               "its square root times the scale is a typical error in the series' own units.")  # fmt: skip
    loss = remembered("loss", (state.result_run, id(result)), lambda: charts.loss_figure(result.losses, result.val_losses))
    st.plotly_chart(loss, width="stretch", key="loss_chart")

    _, steps_box = st.columns([3, 1], vertical_alignment="bottom")
    steps = steps_box.number_input("Forecast steps", 1, 200, key="forecast_steps",
                                   help="Values after the series, each prediction fed back in as the newest input.")  # fmt: skip
    # every widget change reruns this page: compute the run's predictions once, not on each rerun
    key = (state.result_run, int(steps))
    if state.get("prediction_cache", (None,))[0] != key:
        state.prediction_cache = (key, seqcore.one_step_predictions(result), seqcore.forecast(result, result.series.to_numpy(), int(steps)))
    _, predictions, forecast = state.prediction_cache
    figure = remembered(
        "prediction", (state.result_run, id(result), int(steps)), lambda: charts.prediction_figure(result.series, predictions, forecast)
    )
    st.plotly_chart(figure, width="stretch", key="prediction_chart")
    st.caption("Dots: the model's guess for each value from the window before it. "
               "Dashed: the forecast, each step built on the previous guesses, so errors can grow.")  # fmt: skip
    st.download_button("Download the trained model (.keras)", lambda: engine.keras_file(result), file_name=f"run-{state.result_run}.keras",
                       mime="application/octet-stream", key="download_model", on_click="ignore",
                       help="Load it with keras.models.load_model; it expects inputs divided by the scale.")  # fmt: skip


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
    st.title("Train an LSTM to predict the next value")
    st.caption("Pick a series and settings in the sidebar, press **Train**, and watch the loss fall. "
               "Changing a setting never retrains by itself.")  # fmt: skip
    show_problems(settings)
    button, stop_column, info = st.columns([1, 1, 4], vertical_alignment="center")
    stop_slot = stop_column.empty()
    clicked = button.button("Train", key="train", type="primary", disabled=not settings.ready, width="stretch")
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
        result = train_live(settings.series, settings.config, settings.label, settings.signature, LiveSlots(progress_slot, chart_slot))
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
        st.info("No training yet. With the defaults this is the reference notebook: the ramp 1..7, an LSTM with "
                "30 units and 500 epochs; it should predict about 8.01 after 5, 6, 7.", icon=":material/arrow_forward:")  # fmt: skip
    engine.prepare_in_background(settings)


page()
