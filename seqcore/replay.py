"""A training played back: at each kept epoch, the model's guesses over the series and its next value.

Built from a run's snapshots (seqcore.snapshots) with the NumPy forward pass, so a stored run replays
without TensorFlow. The work grows with snapshots × windows × the model's size; past WORK_LIMIT the replay
keeps fewer epochs (the first and last always) and says so with `skipped`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .forward import predict
from .scaling import scaled, unscaled
from .windows import make_windows

if TYPE_CHECKING:
    from .result import TrainResult
    from .snapshots import Snapshots

WORK_LIMIT = 3e9  # multiply-adds of the forward passes one replay may take


@dataclass(frozen=True)
class Frame:
    epoch: int  # 0: before training
    loss: float | None  # the training loss of that epoch (None before training)
    predicted: np.ndarray  # the one-step guess for every window, series units
    next_value: float  # the guess after the series' last window


@dataclass(frozen=True)
class Replay:
    frames: list[Frame]
    positions: np.ndarray  # where each guessed value sits in the series
    series: np.ndarray  # the whole series, series units
    recent: np.ndarray  # the window behind `next_value`
    skipped: int  # snapshots left out to keep the work bounded

    def at(self, epoch: int) -> Frame:
        """The last frame at or before `epoch`."""
        return [f for f in self.frames if f.epoch <= epoch][-1]


def work_per_snapshot(result: TrainResult, windows: int) -> float:
    config = result.config
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[config.cell]
    per_step = gates * config.units * (config.units + 1) * config.layers
    return float(windows * config.window * per_step)


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
    fits = max(2, int(WORK_LIMIT // max(work_per_snapshot(result, len(inputs)), 1.0)))
    chosen = np.unique(np.round(np.linspace(0, len(snapshots) - 1, min(fits, len(snapshots)))).astype(int))
    frames = []
    for index in chosen:
        epoch = snapshots.epochs[index]
        guesses = unscaled(predict(config, snapshots.weights(index), inputs), config)
        loss = result.losses[epoch - 1] if 0 < epoch <= len(result.losses) else None
        frames.append(Frame(epoch, loss, guesses[:-1], float(guesses[-1])))
    positions = np.arange(config.window, config.window + len(y))
    return Replay(frames, positions, values, recent, len(snapshots) - len(chosen))
