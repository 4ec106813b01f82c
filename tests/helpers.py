"""Runs with hand-set weights (a model whose every guess is known in advance), and a database that cannot be used."""

import contextlib

import numpy as np
import pandas as pd

import seqcore
from seqcore.result import TrainResult
from seqcore.windows import split_index


def rule_result(series, step: float = 0.0, window: int = 3, val_fraction: float = 0.0, scale: float = 1.0, offset: float = 0.0):
    """A linear one-unit SimpleRNN that guesses the window's last value plus `step` (series units), exactly.

    With a zero recurrent weight the last hidden state is the last scaled input; Dense adds `step / scale`.
    """
    series = series if isinstance(series, pd.Series) else pd.Series(series, dtype=float)
    config = seqcore.TrainConfig(
        cell="rnn", units=1, activation="linear", window=window, val_fraction=val_fraction, scale=scale, offset=offset, epochs=1
    )
    weights = [np.ones((1, 1)), np.zeros((1, 1)), np.zeros(1), np.ones((1, 1)), np.array([step / scale])]
    n_train = split_index(len(series) - window, val_fraction)
    return TrainResult(config, series, [1.0], [1.0] if n_train < len(series) - window else None, weights, False, 0.0, n_train)


@contextlib.contextmanager
def unwritable_database(tmp_path, monkeypatch):
    """While inside, the dashboard's run database sits under a file, where no folder can be made: every save fails."""
    from pages.lab import workspace

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LAB_DB_PATH", str(blocker / "runs.sqlite3"))
    workspace._open_store.clear()
    try:
        yield
    finally:
        monkeypatch.undo()
        workspace._open_store.clear()
