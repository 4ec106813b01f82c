"""Training: many full epochs per call of one traced TensorFlow function, with progress reported between calls."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from . import continuing, trainers
from .config import TrainConfig
from .result import DivergedError, Progress, TrainResult
from .snapshots import Recorder
from .timeaxis import as_series
from .windows import as_values, prepare_windows

# one call of the traced loop aims to take this long: short enough for a live
# chart to redraw several times a second, long enough that the ~1.3 ms cost of a
# call is noise
PROGRESS_SECONDS = 0.1
QUIET_SECONDS = 1.0  # with nobody watching, fewer and longer calls


def train(
    series,
    config: TrainConfig = TrainConfig(),
    on_progress: Callable[[Progress], object] | None = None,
    report_every: float = PROGRESS_SECONDS,
    check_cost: bool = True,
    should_stop: Callable[[], bool] | None = None,
    snapshots: bool = True,
    resume: TrainResult | None = None,
    wait_for_compile: bool = True,
) -> TrainResult:
    """Train a fresh model (initial weights decided by `config.seed`) on `series`, shape `(length,)`, or continue `resume`.

    `on_progress(Progress)` is called after the first epoch, then about every `report_every` seconds, and after
    the last epoch; returning False stops
    training and returns what was learned so far with `stopped=True`. Exceptions it
    raises propagate unchanged. Raises `InputError` for a series that does not fit the
    config, or a training too costly to allow (`seqcore.cost`; `check_cost=False` lifts that
    limit, for benchmarks), and `DivergedError` if the loss stops being finite. `should_stop()`, asked about every
    `report_every` seconds with no report built, ends training early when it returns True (cheaper than `on_progress`).
    With `snapshots`, the result keeps the weights at some epochs for a replay (`seqcore.snapshots`).
    The result's `optimizer` is Adam's state after its last epoch, so that any run can be continued (the runs in
    progress reports carry none: copying it at every report would cost large models time).

    With `resume` (a finished or stopped run), training goes on from its weights and Adam's state at epoch index
    `resume.epochs_trained`, as if it had never ended: `config.epochs` is the new total, and every other setting and the
    series must be the run's own (InputError naming the field otherwise, `seqcore.continuing.check`). The cost limit
    judges only the epochs still to train. The result's losses, seconds, snapshots (`snapshots.Recorder`) and the
    reports to `on_progress` (`epoch` and `total` too) cover the whole run, the old epochs first.

    With `wait_for_compile=False` (the dashboard's workers), a training whose XLA program is not compiled yet starts
    at once on the plain traced loop while the program is compiled in the background, and moves to it at the next
    call once it is ready (`seqcore.trainers`). The two loops run the same steps and agree to float32 rounding, not
    to the bit; the default, waiting, runs XLA from the first epoch, so the same settings give the same bits every
    time and a continued run exactly those of one longer run.
    """
    if resume is not None:
        continuing.check(series, config, resume)
    windows = prepare_windows(series, continuing.remaining(config, resume), check_cost)
    values = as_series(series, as_values(series))
    target = report_every if on_progress is not None or should_stop is not None else QUIET_SECONDS
    losses: list[float] = list(resume.losses) if resume is not None else []
    val_losses: list[float] = list(resume.val_losses or []) if resume is not None else []
    has_val = len(windows.y_val) > 0
    earlier_seconds = resume.seconds if resume is not None else 0.0
    start = time.perf_counter()
    trainer = trainers.trainer_for(config)
    data = trainers.Padded.of(windows)
    xla = trainer.uses_xla(data, config, wait_for_compile)
    if resume is None:
        state = trainer.start(config)
        recorder = Recorder(config.epochs, state.weights, keep=snapshots)
    else:
        state = trainer.resume(config, resume.weights, resume.optimizer)
        recorder = Recorder(config.epochs, resume.weights, snapshots, resume.epochs_trained, resume.snapshots)

    def result(stopped: bool, final: bool = True) -> TrainResult:
        weights = state.numpy_weights()
        return TrainResult(
            config=config,
            series=values,
            losses=list(losses),
            val_losses=list(val_losses) if has_val else None,
            weights=weights,
            stopped=stopped,
            seconds=earlier_seconds + time.perf_counter() - start,
            n_train=windows.n_train,
            snapshots=recorder.finish(len(losses), weights) if final else None,
            optimizer=state.adam() if final else None,  # a report goes out often: Adam's state is copied only at the end
        )

    chunk = 1 if on_progress is not None else trainers.CHUNK  # a first report after one epoch, however large the model
    reported = None  # when on_progress was last called: calls of the loop can be much shorter than report_every
    while len(losses) < config.epochs:
        n = min(chunk, config.epochs - len(losses), trainers.CHUNK)
        full = recorder.due(len(losses), trainer.slots)
        if full is not None:
            n = min(n, full - len(losses))  # end the call when its buffer of kept weights is full
        xla = xla or trainer.ready(data, config)  # the plain loop hands over once the program is compiled
        began = time.perf_counter()
        ran = trainer.run(state, data, len(losses), n, config, recorder.planned, xla=xla)
        elapsed = time.perf_counter() - began
        chunk_losses, chunk_val, state = ran.losses, ran.val_losses, ran.state
        finite = np.isfinite(chunk_losses)
        if not finite.all():
            good = int(np.argmin(finite))
            losses.extend(chunk_losses[:good].tolist())
            raise DivergedError(
                f"the loss became {chunk_losses[good]} at epoch {len(losses) + 1}, so training stopped; "
                "usually the scale is too small for this data (scaled values too large) or the "
                "learning_rate is too high — raise scale or lower learning_rate",
                losses,
            )
        if ran.kept is not None:
            recorder.add_kept(ran.kept.epochs, ran.kept.flat)
        losses.extend(chunk_losses.tolist())
        val_losses.extend(chunk_val.tolist())
        now = time.perf_counter()
        due = reported is None or now - reported >= report_every or len(losses) == config.epochs
        if on_progress is not None and due:
            reported = now
            snapshot = result(stopped=len(losses) < config.epochs, final=False)  # a report goes out without the snapshots
            report = Progress(
                epoch=len(losses),
                total=config.epochs,
                loss=losses[-1],
                val_loss=val_losses[-1] if has_val else None,
                losses=tuple(losses),
                val_losses=tuple(val_losses) if has_val else None,
                seconds=snapshot.seconds,
                result=snapshot,
            )
            if on_progress(report) is False:
                break
        if should_stop is not None and should_stop():
            break
        # grow or shrink the next call towards the target duration, at most 8x at a time (the first call compiles)
        chunk = max(1, min(n * 8, int(n * target / max(elapsed, 1e-6))))
    return result(stopped=len(losses) < config.epochs)
