"""A finished or stopped training run: what it learned and how; kept apart from training so that using a run needs no TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .config import InputError, TrainConfig
from .snapshots import Snapshots


@dataclass(frozen=True)
class AdamState:
    """Adam's state after some epochs: one moment and one velocity array per `model.weights` entry (same shapes),
    and the number of update steps taken (mini-batches count one each)."""

    momentums: list[np.ndarray]
    velocities: list[np.ndarray]
    steps: float


@dataclass
class TrainResult:
    """A finished (or stopped) training run.

    `losses` has one training MSE (in scaled units) per epoch trained, `val_losses`
    likewise when `config.val_fraction > 0` (else None). `weights` are the trained
    values, one array per `model.weights` entry. The first `n_train` windows trained;
    the rest validated. `snapshots` holds the weights at some epochs, for a replay (None: not kept).
    `optimizer` is Adam's state after the last epoch, which a continued training starts from (None: not kept,
    so the run cannot be continued).
    """

    config: TrainConfig
    series: pd.Series
    losses: list[float]
    val_losses: list[float] | None
    weights: list[np.ndarray] = field(repr=False)
    stopped: bool
    seconds: float
    n_train: int
    snapshots: Snapshots | None = field(default=None, repr=False)
    optimizer: AdamState | None = field(default=None, repr=False)

    @property
    def epochs_trained(self) -> int:
        return len(self.losses)

    @cached_property
    def model(self):
        """A standalone Keras model holding the trained weights (built on first use)."""
        from .model import build_model

        model = build_model(self.config)
        model.set_weights(self.weights)
        return model


@dataclass(frozen=True)
class Progress:
    """What `on_progress` receives after each stretch of epochs.

    `losses` / `val_losses` hold every epoch so far (val_losses is None without a validation split).
    `result` is the run as it stands (weights included, `stopped=True`): what a caller that gets
    interrupted mid-training can keep.
    """

    epoch: int
    total: int
    loss: float
    val_loss: float | None
    losses: tuple[float, ...]
    val_losses: tuple[float, ...] | None
    seconds: float
    result: TrainResult


class DivergedError(InputError):
    """The loss became NaN or infinite. `losses` holds the finite epochs before it."""

    def __init__(self, message: str, losses: list[float]):
        super().__init__(message)
        self.losses = losses
