"""What a caller of `seqcore.pool` holds: a `Training` or `Seeds` handle, and the events it reads from it.

The pool's thread for a worker puts the worker's records into a handle's queue; the handle turns them into
events a page can show (`Queued`, `Preparing`, `Progress`, `Outcome`; `SeedRun`, `SeedsOutcome`).
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import messages
from .config import InputError, TrainConfig
from .result import DivergedError, Progress, TrainResult

if TYPE_CHECKING:
    from .pool import TrainingPool

LOST = (
    "the training process ended unexpectedly (it may have run out of memory), so this run stopped here; "
    "a new one has been started, so press Train to try again, perhaps with fewer units, layers or a shorter window"
)


@dataclass(frozen=True)
class Queued:
    """All workers are busy: `ahead` trainings will start before this one, in about `seconds` (an estimate from the
    running trainings' progress and the cost estimates of those ahead; None when nothing running says how long)."""

    ahead: int
    seconds: float | None = None


@dataclass(frozen=True)
class Preparing:
    """No worker has this model ready: `text` says what is being prepared."""

    text: str


@dataclass(frozen=True)
class Outcome:
    """The training's end: a result (finished or stopped), or an error to show (and a partial result, if any)."""

    result: TrainResult | None
    error: InputError | None = None
    problem: str | None = None  # not the user's doing: a lost worker, or a bug in the worker


@dataclass(frozen=True)
class _Abandoned:
    """The worker did not answer a stop request in time and was replaced."""


@dataclass(frozen=True)
class _Lost:
    """The worker process died during the job."""


@dataclass(eq=False)
class _Task:
    id: int
    kind: str  # "train", "warm" or "export"
    message: object
    architecture: tuple | None
    not_before: float = 0.0  # a warm-up waits until then
    estimate: float = 1.0  # seconds it should take (seqcore.cost's estimate), for the queue's estimates
    share_done: float = 0.0  # how much of it is done (epochs, or seeds), reported by the worker
    started: float | None = None  # time.monotonic() when a worker took it
    retried: bool = False  # given to a second worker once, after the first died before answering
    events: queue.Queue = field(default_factory=queue.Queue)
    stop_requested: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    answer: object = None

    def share(self, report) -> float:
        """How much of the job is done after `report` (a Report or SeedDone), from 0 to 1."""
        if isinstance(report, messages.SeedDone):
            return (report.index + 1) / len(self.message.configs)
        job = self.message
        first = job.resume.epochs_trained if job.resume is not None else 0
        return (report.epoch - first) / max(1, job.config.epochs - first)

    def left(self, now: float) -> float:
        """Seconds this running job should still take: its pace so far once it has reported, else its estimate."""
        elapsed = now - (self.started if self.started is not None else now)
        if self.share_done > 0:
            return elapsed * (1 - self.share_done) / self.share_done
        return max(0.0, self.estimate - elapsed)


class Training:
    """One training in the pool: read `events`; `stop()` ends it and keeps what it learned.

    A continued run (`resume`, the run it goes on from) reports the whole run: its `Progress` curves begin with the old
    epochs, so a live chart continues from the old curve.
    """

    def __init__(
        self, pool: TrainingPool, task: _Task, series: pd.Series, config: TrainConfig, n_train: int, resume: TrainResult | None = None
    ):
        self._pool, self._task = pool, task
        self.series, self.config, self.n_train = series, config, n_train
        self.resume = resume
        self._losses: list[float] = []
        self._val_losses: list[float] | None = [] if n_train < len(series) - config.window else None
        self._weights: list[np.ndarray] | None = None
        self._weights_epoch = 0
        self._seconds = 0.0
        if resume is not None:
            self._losses = list(resume.losses)
            self._val_losses = list(resume.val_losses) if resume.val_losses is not None else None
            self._weights, self._weights_epoch, self._seconds = resume.weights, resume.epochs_trained, resume.seconds

    def stop(self) -> None:
        self._task.stop_requested.set()
        self._pool._forget(self._task)  # a queued training never starts

    @property
    def finished(self) -> bool:
        return self._task.done.is_set()

    def next_event(self, timeout: float | None = None) -> Queued | Preparing | Progress | Outcome | None:
        """The next thing to show: Queued, Preparing, Progress, and last an Outcome; None if nothing came in `timeout`."""
        try:
            event = self._task.events.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(event, messages.Report):
            return self._progress(event)
        if isinstance(event, messages.Finished):
            return self._finished(event)
        if isinstance(event, messages.Failed):
            return self._failed(event)
        if isinstance(event, _Abandoned):
            return Outcome(self._so_far())
        if isinstance(event, _Lost):
            return Outcome(self._so_far(), problem=LOST)
        return event

    def wait(self, timeout: float | None = None) -> Outcome | None:
        """The outcome, once the worker has answered (None on timeout); other events before it are dropped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            event = self.next_event(timeout=left)
            if event is None or isinstance(event, Outcome):
                return event

    # ---- called by the pool's thread for this training ----

    def _progress(self, report: messages.Report) -> Progress:
        self._losses.extend(report.losses)
        if self._val_losses is not None and report.val_losses is not None:
            self._val_losses.extend(report.val_losses)
        if report.weights is not None:
            self._weights, self._weights_epoch = report.weights, report.epoch
        self._seconds = report.seconds
        return Progress(
            epoch=len(self._losses),
            total=self.config.epochs,
            loss=self._losses[-1],
            val_loss=self._val_losses[-1] if self._val_losses else None,
            losses=tuple(self._losses),
            val_losses=tuple(self._val_losses) if self._val_losses is not None else None,
            seconds=report.seconds,
            result=self._so_far(),
        )

    def _so_far(self) -> TrainResult | None:
        """What was reported, cut to the epoch of the latest weights (a run's curve and weights always agree); without
        optimizer state or snapshots, except a continued run with no new weights yet: the old run, whole, stopped."""
        if self._weights is None:
            return None
        epochs = self._weights_epoch
        if self.resume is not None and epochs == self.resume.epochs_trained:
            return dataclasses.replace(self.resume, config=self.config, series=self.series, stopped=True)
        val = self._val_losses[:epochs] if self._val_losses is not None else None
        return TrainResult(self.config, self.series, self._losses[:epochs], val, self._weights, True, self._seconds, self.n_train)

    def _finished(self, answer: messages.Finished) -> Outcome:
        return Outcome(
            TrainResult(
                self.config,
                self.series,
                list(answer.losses),
                answer.val_losses,
                answer.weights,
                answer.stopped,
                answer.seconds,
                self.n_train,
                answer.snapshots,
                answer.optimizer,
            )
        )

    def _failed(self, answer: messages.Failed) -> Outcome:
        if not answer.input_error:
            return Outcome(self._so_far(), problem=f"training failed: {answer.message}")
        if answer.diverged:
            return Outcome(None, DivergedError(answer.message, answer.losses))
        return Outcome(None, InputError(answer.message, answer.field_name))


@dataclass(frozen=True)
class SeedRun:
    """One of several seeds has finished: `index` into the seeds asked for."""

    index: int
    result: TrainResult


@dataclass(frozen=True)
class SeedsOutcome:
    """The end of a `Seeds` job: every seed's result that finished (in order), and an error or problem if it ended early."""

    results: list[TrainResult]
    error: InputError | None = None
    problem: str | None = None


class Seeds:
    """The same settings trained with several seeds, one after another in one worker: read `next_event()`; `stop()`."""

    def __init__(self, pool: TrainingPool, task: _Task, series: pd.Series, configs: list[TrainConfig], n_train: int):
        self._pool, self._task = pool, task
        self.series, self.configs, self.n_train = series, configs, n_train
        self.results: list[TrainResult] = []

    def stop(self) -> None:
        self._task.stop_requested.set()
        self._pool._forget(self._task)

    def next_event(self, timeout: float | None = None) -> Queued | Preparing | SeedRun | SeedsOutcome | None:
        try:
            event = self._task.events.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(event, messages.SeedDone):
            result = TrainResult(
                self.configs[event.index], self.series, list(event.losses), event.val_losses, event.weights, event.stopped,
                event.seconds, self.n_train,
            )  # fmt: skip
            self.results.append(result)
            return SeedRun(event.index, result)
        if isinstance(event, messages.Failed):
            if not event.input_error:
                return SeedsOutcome(self.results, problem=f"training failed: {event.message}")
            error = DivergedError(event.message, []) if event.diverged else InputError(event.message, event.field_name)
            return SeedsOutcome(self.results, error)
        if isinstance(event, (messages.Finished, _Abandoned)):
            return SeedsOutcome(self.results)
        if isinstance(event, _Lost):
            return SeedsOutcome(self.results, problem=LOST)
        if isinstance(event, Outcome):  # stopped before it started
            return SeedsOutcome(self.results)
        return event

    def wait(self, timeout: float | None = None) -> SeedsOutcome | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            event = self.next_event(timeout=left)
            if event is None or isinstance(event, SeedsOutcome):
                return event
