"""The classical forecasters (seqcore/classical.py) fitted in a background process, so that no page waits for a fit.

One process (spawned on first use, shared by every session) fits one series at a time; its answers are kept by
series, window, training part and period, so a class on the same series fits once. `classical_for` answers at once:
the forecasters, or None while they are being fitted; `show_fitting` draws a caption meanwhile and reruns the page
when they are ready. A failed fit gives no forecaster and a line in the log, never a page error.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from seqcore import classical
from seqcore.baselines import Baseline
from seqcore.store import series_hash
from seqcore.windows import as_values

log = logging.getLogger(__name__)

KEPT = 64  # fits remembered (finished ones; the oldest unused goes first)
CHECK_SECONDS = 1.0  # how often a page waiting for a fit looks again
FITTING_TEXT = "Fitting ETS (Holt-Winters) and ARIMA to the training part: on a long series this can take a minute…"
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class FitKey:
    """What a fit depends on: the series' values, the window, the training windows and the period."""

    series: str  # seqcore.store.series_hash of the values
    window: int
    n_train: int
    period: int | None


_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_fits: OrderedDict[FitKey, Future] = OrderedDict()


def key_of(series, window: int, n_train: int, period: int | None) -> FitKey:
    return FitKey(series_hash(as_values(series)), int(window), int(n_train), int(period) if period else None)


def fit(series, window: int, n_train: int, period: int | None = None) -> Future:
    """The fit of these forecasters, started now unless it has been already: a Future of `list[Baseline]`."""
    key = key_of(series, window, n_train, period)
    with _lock:
        if key in _fits:
            _fits.move_to_end(key)
            return _fits[key]
        future = _submit(as_values(series), key)
        _fits[key] = future
        _forget_old()
        return future


def classical_for(series, window: int, n_train: int, period: int | None = None) -> list[Baseline] | None:
    """The classical forecasters for these windows, or None while they are being fitted (the fit starts if it has not)."""
    future = fit(series, window, n_train, period)
    return outcome(future) if future.done() else None


def still_fitting(series, window: int, n_train: int, period: int | None = None) -> bool:
    """Whether the fit for these windows has been started and is not done."""
    with _lock:
        future = _fits.get(key_of(series, window, n_train, period))
    return future is not None and not future.done()


def outcome(future: Future) -> list[Baseline]:
    """A finished fit's forecasters; none when the job failed (the reason goes to the log)."""
    try:
        return future.result()
    except (Exception, CancelledError) as exc:  # a lost worker, a fit cancelled at shutdown: the page goes on without
        log.warning("classical forecasters not fitted: %s: %s", type(exc).__name__, exc)
        return []


def show_fitting(series, window: int, n_train: int, period: int | None = None) -> None:
    """A small caption while the fit for these windows runs; the page reruns once it is done. Call it where
    `classical_for` gave None."""
    _waiting(key_of(series, window, n_train, period))


@st.fragment(run_every=CHECK_SECONDS)
def _waiting(key: FitKey) -> None:
    with _lock:
        future = _fits.get(key)
    if future is None or future.done():
        st.rerun()  # the whole page, which now has the forecasters
    st.caption(FITTING_TEXT)


def _submit(values, key: FitKey) -> Future:
    global _executor
    for attempt in range(2):
        if _executor is None:
            # spawn: the server holds threads (Streamlit's, the training pool's) that a forked child would copy stuck
            _executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            _register_shutdown()
        try:
            # the process starts in its first submit and takes the environment as it is then
            with _single_threaded_blas():
                return _executor.submit(classical.forecasters, values, key.window, key.n_train, key.period)
        except RuntimeError as exc:  # a broken pool (its worker was killed) takes no more work: start another, once
            log.warning("classical forecasters' process %s: %s", "restarted" if not attempt else "not started", exc)
            _executor = None
    failed: Future = Future()
    failed.set_result([])
    return failed


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    # OpenBLAS threads on a busy machine made the fits' small matrix products 4-50x slower (BENCHMARKS.md); the
    # fitting process gains nothing from them. Read by OpenBLAS when a process loads it, so set for the child only.
    saved = {name: os.environ.get(name) for name in BLAS_THREADS}
    os.environ.update(dict.fromkeys(BLAS_THREADS, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _forget_old() -> None:
    finished = [k for k, f in _fits.items() if f.done()]
    for key in finished[: max(0, len(_fits) - KEPT)]:
        del _fits[key]


def shutdown() -> None:
    """Cancel waiting fits and end the fitting process without waiting for its fit."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
        for key in [k for k, f in _fits.items() if not f.done()]:
            del _fits[key]  # asked for again, they are fitted by the next process
    if executor is None:
        return
    executor.shutdown(wait=False, cancel_futures=True)
    # a fit runs for seconds and nobody waits for it any more: end it (Python 3.14 has terminate_workers for this)
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()


def _register_shutdown() -> None:
    # atexit would come too late: the interpreter first joins concurrent.futures' thread, which waits for every
    # queued fit. Hooks registered here run before that join (the same hook concurrent.futures itself uses).
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        register(shutdown)
    else:
        import atexit

        atexit.register(shutdown)
