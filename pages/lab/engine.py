"""The training worker processes this server uses: one `seqcore.pool.TrainingPool` for every session.

`make run` starts it before Streamlit (pages/lab/serve.py), so the workers are warm when the first page
opens; under a plain `streamlit run app.py` the first page view starts it. The server process itself
never imports TensorFlow: everything after training is computed from a run's weights with NumPy.
"""

from __future__ import annotations

import atexit
import threading
import uuid

import streamlit as st

from seqcore.pool import TrainingPool

WARM_UP_DELAY = 1.0  # seconds the settings must stay unchanged before their model is compiled ahead of a click

_pool: TrainingPool | None = None
_lock = threading.Lock()


def pool() -> TrainingPool:
    """The server's pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = TrainingPool()
            atexit.register(_pool.close)
        return _pool


def prepare_in_background(settings) -> None:
    """Compile the model for the current settings while the user reads, so that Train starts at once.

    A warm-up runs in an idle worker WARM_UP_DELAY after the settings stop changing: a student stepping
    Units up five times compiles one model, not five. Each session has at most one warm-up waiting (a
    newer one replaces it), it runs no real epoch, and a worker skips what it has compiled already.
    """
    state = st.session_state
    if not settings.ready or state.get("prepared") == settings.signature:
        return
    state.prepared = settings.signature
    owner = state.setdefault("warm_owner", uuid.uuid4().hex)
    pool().warm(owner, settings.config, settings.series, delay=WARM_UP_DELAY)


def keras_file(result) -> bytes:
    """The run as a `.keras` file, written by a worker (Keras lives there, not in this process)."""
    return pool().export(result.config, result.weights)


def starting_up() -> bool:
    """Whether no training process has been ready yet since the server started (a worker replaced later does not count)."""
    return not pool().status().ever_ready


def waiting_text(ready: int | None = None) -> str:
    """What a training waiting for its first report says; `ready` is unused (the start-up is the pool's to say)."""
    if starting_up():
        return "Preparing the model… (the training processes are starting; this takes a few seconds after the server starts)"
    return "Preparing the model…"
