"""A training shown live: a progress bar that says what is happening, and a loss chart redrawn as the worker reports."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

import seqcore
from pages.lab import charts, engine, projector
from pages.lab.text import field_error, plain, words
from seqcore.evaluation import naive_losses
from seqcore.pool import Outcome, Preparing, Queued
from seqcore.replay import replay
from seqcore.result import Progress

LOSS_CHART = "loss_chart"  # the loss chart's one place on the Train page: live, then the result, one mounted chart
REDRAW_SECONDS = 0.4  # a live chart redrawn ~2.5 times a second; every redraw ships the whole figure
PACED_REDRAW_SECONDS = 0.2  # at class speed the class is watching: smoother, for one session (a teacher's)
POLL_SECONDS = 0.1  # how often this script run looks for news (and lets a click end it)
STOP_WAIT_SECONDS = 2.0  # after a stop, how long to wait for the worker's final weights


@dataclass(frozen=True)
class LiveSlots:
    """Where a live training draws: its progress bar (and status text) and its loss chart."""

    progress: object
    chart: object


def train_live(series, config, label: str, signature, slots: LiveSlots, pace_seconds: float | None = None, resume=None, guess=None):
    """Train in a worker process with a live progress bar and loss chart; the TrainResult, or None after showing why not.

    A click anywhere (Stop included) makes Streamlit end this script run at its next call; the `finally`
    then stops the training at the worker's next report, waits briefly for its final weights, and leaves
    them for the next run to keep as a stopped run (see runs.recover_interrupted_training).

    With `resume` (a finished or stopped TrainResult), training continues it up to `config.epochs` in all, and the
    chart continues its curve. `guess` (the student's, before training) goes with a run kept after a click.

    With `pace_seconds` (class speed), the view shows the training as if it took at least that long: epoch
    `total × elapsed / pace_seconds` or the newest reported, whichever is earlier, with the model's next value at that
    epoch once the run's snapshots are in. Training itself is not slowed.
    """
    state = st.session_state
    continued_from = state.get("result_run") if resume is not None else None
    state.training = {"label": label, "signature": signature, "continued_from": continued_from, "guess": guess}
    state.partial = None
    try:
        training = engine.pool().train(series, config, resume=resume)
    except seqcore.InputError as exc:
        st.error(field_error(exc), icon=":material/error:")
        return None
    levels = naive_losses(series, config)  # the copying rule's loss: drawn from the first epoch, to be beaten
    ready = engine.pool().status().ready
    slots.progress.progress(0.0, text=engine.waiting_text(ready))
    # the chart's place is taken at once (by the curve so far, or an empty one): the page below never moves up and back
    figure = charts.loss_figure(
        resume.losses if resume else [],
        ((resume.val_losses if resume else None) or []) if levels.held_out is not None else None,
        config.epochs,
        live=True,
        levels=levels,
        resumed_at=resume.epochs_trained if resume else None,
        words=words(),
    )
    projector.chart(slots.chart, figure, steady_name=LOSS_CHART)
    outcome: Outcome | None = None
    began, redraw = time.monotonic(), PACED_REDRAW_SECONDS if pace_seconds else REDRAW_SECONDS
    pacer = Pacer(config.epochs, pace_seconds, began, start=resume.epochs_trained if resume is not None else 0)
    try:
        latest, drawn, next_draw = None, None, 0.0
        while outcome is None or not pacer.caught_up(latest):
            event = training.next_event(timeout=POLL_SECONDS)
            # everything that came in since the last look: the newest progress wins, and an outcome ends the loop
            # only after that progress is drawn, so the chart always ends on the last report
            while event is not None:
                if isinstance(event, Outcome):
                    outcome = event
                    break
                if isinstance(event, Progress):
                    if latest is None:  # the class's seconds start with the first epoch, not with preparing the model
                        pacer.began = time.monotonic()
                    latest = event
                elif isinstance(event, Queued) and latest is None:
                    slots.progress.progress(0.0, text=queued_text(event.ahead, event.seconds))
                elif isinstance(event, Preparing) and latest is None:
                    slots.progress.progress(0.0, text=event.text)
                event = training.next_event(timeout=0)
            # touching session state is where a click ends this run
            state.partial = latest.result if latest is not None and latest.result is not None else state.get("partial")
            if outcome is not None and outcome.result is not None:
                state.partial = outcome.result  # finished: a click while the paced view catches up keeps the whole run
                pacer.finished(outcome.result)
            shown = pacer.shown(latest)
            if shown is not None and shown != drawn and (time.monotonic() >= next_draw or outcome is not None):
                drawn, next_draw = shown, time.monotonic() + redraw
                slots.progress.progress(shown.epoch / latest.total, text=pacer.text(shown))
                charts.refresh_live_loss(figure, shown.losses, shown.val_losses)
                if pace_seconds and shown.next_value is not None:  # what the class is watching for, in the chart's big title
                    title = f"Epoch {shown.epoch} · next value after {shown.recent}: {shown.next_value:.2f}"
                    figure.update_layout(title_text=" <br>".join(charts.title_lines(title)))  # wrapped as every title is
                projector.chart(slots.chart, figure, steady_name=LOSS_CHART)
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


@dataclass(frozen=True)
class Shown:
    """What a live view draws: the curves up to `epoch`, and the model's next value then (None until known)."""

    epoch: int
    losses: tuple[float, ...]
    val_losses: tuple[float, ...] | None
    next_value: float | None
    recent: str


class Pacer:
    """Which epoch a live view shows: the newest reported, or at class speed no further than the clock allows."""

    def __init__(self, total: int, seconds: float | None, began: float, clock=time.monotonic, start: int = 0):
        self.total, self.seconds, self.began, self.clock, self.start = total, seconds, began, clock, start
        self.frames = None

    def finished(self, result) -> None:
        if self.seconds and self.frames is None:
            played = replay(result)
            self.frames = played if played is not None else False

    def due(self) -> int:
        if not self.seconds:
            return self.total
        return max(self.start + 1, self.start + int((self.total - self.start) * (self.clock() - self.began) / self.seconds))

    def caught_up(self, latest: Progress | None) -> bool:
        return latest is None or min(latest.epoch, self.due()) >= latest.epoch

    def shown(self, latest: Progress | None) -> Shown | None:
        if latest is None:
            return None
        epoch = min(latest.epoch, self.due())
        frames = self.frames or None
        frame = frames.at(epoch) if frames is not None else None
        recent = ", ".join(f"{v:g}" for v in frames.recent) if frames is not None else ""
        val = latest.val_losses[:epoch] if latest.val_losses is not None else None
        return Shown(epoch, latest.losses[:epoch], val, frame.next_value if frame is not None else None, recent)

    def text(self, shown: Shown) -> str:
        text = f"Epoch {shown.epoch} of {self.total} · loss {shown.losses[-1]:.3g}"
        if self.seconds and shown.next_value is not None:
            text += f" · next value after {shown.recent}: {shown.next_value:.2f}"
        return text


def queued_text(ahead: int, seconds: float | None = None) -> str:
    """The queue in words, with the pool's estimate of when this training starts (`seconds`; None: no estimate)."""
    when = f" It should start {about(seconds)} (an estimate from the trainings running now)." if seconds is not None else ""
    if ahead == 0:
        return "Waiting for a free training process: yours starts next." + when
    return f"Every training process is busy: {ahead} training{'s' if ahead > 1 else ''} ahead of yours." + when


def about(seconds: float) -> str:
    """A wait in round words: "in a few seconds", "in about 40 s", "in about 3 min"."""
    if seconds < 8:
        return "in a few seconds"
    if seconds < 90:
        return f"in about {max(10, 5 * round(seconds / 5))} s"
    return f"in about {round(seconds / 60)} min"
