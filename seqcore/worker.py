"""A training worker process: imports TensorFlow, compiles the notebook's model, then trains what the server sends.

Started by `seqcore.pool` with the spawn method (TensorFlow is not safe in a forked child). It answers over
one pipe (`seqcore.messages`). During a training it reads the pipe at every progress report, so a stop
request ends the training within one report. A training never waits here for an XLA compile: one whose program is
not compiled runs on the plain traced loop while a background thread compiles it (`seqcore.trainers`), and once
ready the worker traces, in that thread, the plain loops the default model meets on other series. Several seeds in
one job do wait for the compile: on the plain loop they would take longer than it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import sys
import time
import traceback
from dataclasses import dataclass

import pandas as pd

from . import continuing, messages
from .config import CELLS, InputError, TrainConfig
from .export import keras_bytes
from .result import DivergedError
from .windows import prepare_windows

WEIGHTS_SECONDS = 1.0  # weights large enough to be slow to send go with a report at most this often
SMALL_WEIGHTS = 250_000  # up to this many numbers, weights go with every report
STOP_CHECK_SECONDS = 0.1  # while training seeds (no reports), how often the pipe is read for a stop


@dataclass(frozen=True)
class Limits:
    """When a worker is replaced after its current job.

    Past `architectures` it ends itself, and past twice `growth_mib` (resident memory gained since it was
    ready). Past `growth_mib` the pool replaces it, unless trainings are waiting: a class is not made to
    wait for a restart, and the worker is replaced after a later job instead.
    """

    architectures: int
    growth_mib: float


def resident_mib() -> float:
    """This process's resident memory in MiB (0 where it cannot be read), after giving back to the system what the
    allocator holds free: a compile's scratch memory, freed but kept, would otherwise count or hide as growth."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc only; elsewhere nothing to do
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, AttributeError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the peak: KiB on Linux, bytes on macOS
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
    except (ImportError, OSError):
        return 0.0


def preparing_text(config: TrainConfig) -> str:
    layers = f"{config.layers} layers of " if config.layers > 1 else ""
    return f"Preparing an {CELLS[config.cell]} with {layers}{config.units} units (window {config.window})…"


NICENESS = 5  # workers yield the CPU to the web server, which must stay responsive while they train
# (windows, held-out windows) of the default model's plain loops traced after start: mini-batches and one full batch,
# each with the held-out part every series of 20 windows or more has by default (one trace serves every such series)
COMMON_SHAPES = ((64, 16), (24, 6))


def main(conn, limits: Limits) -> None:
    if hasattr(os, "nice"):  # not on Windows
        os.nice(NICENESS)
    from . import trainers  # imports TensorFlow: here, in the worker, never in the server

    trainers.warm_up(TrainConfig())
    baseline = resident_mib()
    conn.send(messages.Ready(_architectures()))
    trainers.trace_plain_later(TrainConfig(), COMMON_SHAPES)  # what they hold counts as growth (BENCHMARKS.md, issue 18)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            _exit()  # the server went away
        if job is None:
            _exit()
        if isinstance(job, messages.StopJob):
            continue  # for a training that has already ended
        try:
            final = _serve(conn, job)
        except Exception as exc:  # a bug: reported to the server, which shows it; this worker is replaced
            text = "".join(traceback.format_exception_only(exc)).strip()
            final = dict(cls=messages.Failed, message=text, input_error=False, force_retire=True)
        closing = final.pop("closing", False)
        growth = resident_mib() - baseline
        retire = final.pop("force_retire", False) or _must_retire(limits, growth)
        cls = final.pop("cls")
        programs = trainers.programs()
        conn.send(cls(job=job.job, architectures=_architectures(), retire=retire, growth_mib=growth, programs=programs, **final))
        if retire or closing:
            _exit()


def _exit() -> None:
    """End the process now: a compile may be under way on the background thread, and TensorFlow aborts noisily when
    the interpreter shuts down beneath it. Nothing here needs flushing (every answer went out whole over the pipe)."""
    os._exit(0)


def _architectures() -> frozenset:
    from . import trainers

    return frozenset(trainers._trainers)


def _must_retire(limits: Limits, growth: float) -> bool:
    from . import trainers

    return trainers.architectures() > limits.architectures or growth > 2 * limits.growth_mib


def _serve(conn, job) -> dict:
    from . import trainers
    from .training import train

    if isinstance(job, messages.WarmJob):
        try:
            trainers.warm_up(job.config, job.values, wait_for_compile=False)
        except InputError:
            pass  # settings that cannot train: the page says why; there is nothing to compile
        return dict(cls=messages.Warmed)
    if isinstance(job, messages.ExportJob):
        return dict(cls=messages.Exported, data=keras_bytes(job.config, job.weights))
    if isinstance(job, messages.SeedsJob):
        return _serve_seeds(conn, job)
    config = job.config
    try:
        resume = dataclasses.replace(job.resume, series=pd.Series(job.values, dtype=float)) if job.resume is not None else None
        data = trainers.Padded.of(prepare_windows(job.values, continuing.remaining(config, resume)))
        if not trainers.trainer_for(config).ready(data, config, wait_for_compile=False):
            conn.send(messages.Preparing(job.job, preparing_text(config)))
        sent = _Sender(conn, job.job, sent_epochs=resume.epochs_trained if resume is not None else 0)
        result = train(job.values, config, on_progress=sent.report, resume=resume, wait_for_compile=False)
    except InputError as exc:
        diverged = isinstance(exc, DivergedError)
        losses = list(exc.losses) if diverged else []
        return dict(cls=messages.Failed, message=str(exc), field_name=exc.field, diverged=diverged, losses=losses)
    return dict(
        cls=messages.Finished,
        losses=result.losses,
        val_losses=result.val_losses,
        weights=result.weights,
        stopped=result.stopped,
        seconds=result.seconds,
        n_train=result.n_train,
        snapshots=result.snapshots,
        optimizer=result.optimizer,
        closing=sent.closing,
    )


def _serve_seeds(conn, job: messages.SeedsJob) -> dict:
    """Each seed in turn, on one traced trainer; a stop request ends the current seed at its next check."""
    from . import trainers
    from .training import train

    sent = _Sender(conn, job.job)
    try:
        data = trainers.Padded.of(prepare_windows(job.values, job.configs[0]))
        trainer = trainers.trainer_for(job.configs[0])
        if not trainer.ready(data, job.configs[0]):
            conn.send(messages.Preparing(job.job, preparing_text(job.configs[0])))
            # several seeds on the plain loop cost more than waiting for the compile (BENCHMARKS.md, issue 18); one may be
            # under way on the background thread: let it finish rather than compile twice
            trainers.background.wait()
        for index, config in enumerate(job.configs):
            result = train(job.values, config, report_every=STOP_CHECK_SECONDS, should_stop=sent.stop_requested, snapshots=False)
            conn.send(messages.SeedDone(job.job, index, result.losses, result.val_losses, result.weights, result.stopped, result.seconds))
            if sent.stopped or sent.stop_requested():
                break
    except InputError as exc:
        diverged = isinstance(exc, DivergedError)
        return dict(cls=messages.Failed, message=str(exc), field_name=exc.field, diverged=diverged)
    return dict(cls=messages.Finished, stopped=sent.stopped, closing=sent.closing)


class _Sender:
    """Sends each progress report and reads the pipe for a stop request; returns False to stop training."""

    def __init__(self, conn, job: int, sent_epochs: int = 0):
        self.conn, self.job = conn, job
        self.sent_epochs = sent_epochs  # a continued run's old epochs: the server has them already
        self.weights_at = 0.0
        self.stopped = False
        self.closing = False  # the server asked this worker to end

    def report(self, progress) -> bool:
        new = slice(self.sent_epochs, progress.epoch)
        weights = None
        now = time.monotonic()
        if sum(w.size for w in progress.result.weights) <= SMALL_WEIGHTS or now - self.weights_at >= WEIGHTS_SECONDS:
            weights, self.weights_at = progress.result.weights, now
        val = list(progress.val_losses[new]) if progress.val_losses is not None else None
        self.conn.send(messages.Report(self.job, progress.epoch, list(progress.losses[new]), val, progress.seconds, weights))
        self.sent_epochs = progress.epoch
        return not self.stop_requested()

    def stop_requested(self) -> bool:
        """Reads every request that came in; True once this job was asked to stop (or the worker to end)."""
        while self.conn.poll():
            request = self.conn.recv()
            self.closing = self.closing or request is None
            if request is None or (isinstance(request, messages.StopJob) and request.job == self.job):
                self.stopped = True
        return self.stopped
