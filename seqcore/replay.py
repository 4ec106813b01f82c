"""A training played back: at each kept epoch, the model's guesses over the series and its next value.

Built from a run's snapshots (seqcore.snapshots) with the NumPy forward pass, so a stored run replays
without TensorFlow. The work grows with snapshots × windows × the model's size; past WORK_LIMIT the replay
keeps fewer epochs (the first and last always) and says so with `skipped`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .explain import most_active, pass_work
from .forward import look_inside, predict
from .scaling import scaled, unscaled
from .windows import make_windows

if TYPE_CHECKING:
    from .result import TrainResult
    from .snapshots import Snapshots

WORK_LIMIT = 3e9  # multiply-adds of the forward passes one replay may take
MEMORY_UNITS = 8  # the memory panel shows the last layer's most active units (at the end of training)
MEMORY_STEPS = 20  # and the window's last steps


@dataclass(frozen=True)
class Frame:
    epoch: int  # 0: before training
    loss: float | None  # the training loss of that epoch (None before training)
    predicted: np.ndarray  # the one-step guess for every window, series units
    next_value: float  # the guess after the series' last window
    memory: np.ndarray  # the last layer's hidden state while reading that window: (units shown, steps shown)


@dataclass(frozen=True)
class Replay:
    frames: list[Frame]
    positions: np.ndarray  # where each guessed value sits in the series
    series: pd.Series  # the whole series, series units (with its time axis when it has one)
    recent: np.ndarray  # the window behind `next_value`
    skipped: int  # snapshots left out to keep the work bounded
    memory_units: list[int]  # which units `Frame.memory` shows (0-based)
    memory_steps: int  # how many of the window's last steps it shows

    def at(self, epoch: int) -> Frame:
        """The last frame at or before `epoch`."""
        return [f for f in self.frames if f.epoch <= epoch][-1]


def replay(result: TrainResult, snapshots: Snapshots | None = None) -> Replay | None:
    """The run's training as frames, one per kept snapshot (`snapshots`, else the result's own); None when there are none."""
    snapshots = snapshots if snapshots is not None else result.snapshots
    if snapshots is None or len(snapshots) < 2:
        return None
    config = result.config
    values = result.series.to_numpy()
    x, y = make_windows(values, config.window)
    recent = values[-config.window :]
    inputs = scaled(np.concatenate([x, recent[None, :, None]]), config).astype(np.float32)
    fits = max(2, int(WORK_LIMIT // max(pass_work(config) * len(inputs), 1.0)))
    chosen = np.unique(np.round(np.linspace(0, len(snapshots) - 1, min(fits, len(snapshots)))).astype(int))
    seen = inputs[-1, :, 0]
    final = look_inside(config, snapshots.weights(len(snapshots) - 1), seen, gradient=False).layers[-1]
    units = most_active(final, MEMORY_UNITS)
    steps = min(MEMORY_STEPS, config.window)
    frames = []
    for index in chosen:
        epoch = snapshots.epochs[index]
        weights = snapshots.weights(index)
        guesses = unscaled(predict(config, weights, inputs), config)
        loss = result.losses[epoch - 1] if 0 < epoch <= len(result.losses) else None
        hidden = look_inside(config, weights, seen, gradient=False).layers[-1].states["hidden"]
        frames.append(Frame(epoch, loss, guesses[:-1], float(guesses[-1]), hidden[-steps:, units].T))
    positions = np.arange(config.window, config.window + len(y))
    return Replay(frames, positions, result.series, recent, len(snapshots) - len(chosen), units, steps)
