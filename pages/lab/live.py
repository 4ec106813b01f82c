"""A training shown live: a progress bar that says what is happening, and a loss chart redrawn as the worker reports."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

import seqcore
from pages.lab import charts, engine
from pages.lab.text import field_error, plain
from seqcore.evaluation import naive_losses
from seqcore.pool import Outcome, Preparing, Queued
from seqcore.result import Progress

REDRAW_SECONDS = 0.4  # a live chart redrawn ~2.5 times a second; every redraw ships the whole figure
POLL_SECONDS = 0.1  # how often this script run looks for news (and lets a click end it)
STOP_WAIT_SECONDS = 2.0  # after a stop, how long to wait for the worker's final weights


@dataclass(frozen=True)
class LiveSlots:
    """Where a live training draws: its progress bar (and status text) and its loss chart."""

    progress: object
    chart: object


def train_live(series, config, label: str, signature, slots: LiveSlots):
    """Train in a worker process with a live progress bar and loss chart; the TrainResult, or None after showing why not.

    A click anywhere (Stop included) makes Streamlit end this script run at its next call; the `finally`
    then stops the training at the worker's next report, waits briefly for its final weights, and leaves
    them for the next run to keep as a stopped run (see runs.recover_interrupted_training).
    """
    state = st.session_state
    state.training = {"label": label, "signature": signature}
    state.partial = None
    try:
        training = engine.pool().train(series, config)
    except seqcore.InputError as exc:
        st.error(field_error(exc), icon=":material/error:")
        return None
    levels = naive_losses(series, config)  # the copying rule's loss: drawn from the first epoch, to be beaten
    ready = engine.pool().status().ready
    slots.progress.progress(0.0, text=engine.waiting_text(ready))
    outcome: Outcome | None = None
    try:
        latest, drawn, next_draw, figure = None, None, 0.0, None
        while outcome is None:
            event = training.next_event(timeout=POLL_SECONDS)
            # everything that came in since the last look: the newest progress wins, and an outcome ends the loop
            # only after that progress is drawn, so the chart always ends on the last report
            while event is not None:
                if isinstance(event, Outcome):
                    outcome = event
                    break
                if isinstance(event, Progress):
                    latest = event
                elif isinstance(event, Queued) and latest is None:
                    slots.progress.progress(0.0, text=queued_text(event.ahead))
                elif isinstance(event, Preparing) and latest is None:
                    slots.progress.progress(0.0, text=event.text)
                event = training.next_event(timeout=0)
            # touching session state is where a click ends this run
            state.partial = latest.result if latest is not None and latest.result is not None else state.get("partial")
            if latest is not None and latest is not drawn and (time.monotonic() >= next_draw or outcome is not None):
                drawn, next_draw = latest, time.monotonic() + REDRAW_SECONDS
                text = f"Epoch {latest.epoch} of {latest.total} · loss {latest.loss:.3g}"
                slots.progress.progress(latest.epoch / latest.total, text=text)
                if figure is None:
                    figure = charts.loss_figure(latest.losses, latest.val_losses, latest.total, live=True, levels=levels)
                else:
                    charts.refresh_live_loss(figure, latest.losses, latest.val_losses)
                slots.chart.plotly_chart(figure, width="stretch")
    finally:
        if outcome is None:  # this script run was ended (a click, a closed tab): stop the training, keep its weights
            training.stop()
            final = training.wait(STOP_WAIT_SECONDS)
            if final is not None and final.result is not None:
                state.partial = final.result
    state.pop("training", None)
    state.pop("partial", None)
    if outcome.error is not None:
        slots.progress.empty()
        st.error(field_error(outcome.error), icon=":material/error:")
        return None
    if outcome.problem is not None:
        st.error(plain(outcome.problem[:1].upper() + outcome.problem[1:]) + ".", icon=":material/error:")
    return outcome.result


def queued_text(ahead: int) -> str:
    if ahead == 0:
        return "Waiting for a free training process: yours starts next."
    return f"Every training process is busy: {ahead} training{'s' if ahead > 1 else ''} ahead of yours."
