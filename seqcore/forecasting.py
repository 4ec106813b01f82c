"""Using a trained run: the next value, several steps ahead, and one-step predictions over the whole series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import trainers
from .config import InputError
from .training import TrainResult
from .windows import make_windows

MAX_FORECAST_STEPS = 1000


def predict_next(result: TrainResult, recent) -> float:
    """The value after `recent` (series units), from its last `window` values."""
    return float(forecast(result, recent, 1)[0])


def forecast(result: TrainResult, recent, steps: int) -> np.ndarray:
    """`steps` values after `recent`, shape `(steps,)`, each prediction fed back in as the newest input."""
    window, scale = result.config.window, result.config.scale
    values = _recent_values(recent, window)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_FORECAST_STEPS:
        raise InputError(f"steps must be a whole number between 1 and {MAX_FORECAST_STEPS}, got {steps!r}")
    history = list(values[-window:] / scale)
    out = []
    trainer = trainers.trainer_for(result.config)
    for _ in range(steps):
        x = np.asarray(history[-window:], dtype=np.float32).reshape(1, window, 1)
        step = float(trainer.predict(result.weights, x)[0])
        out.append(step)
        history.append(step)
    return np.asarray(out) * scale


def one_step_predictions(result: TrainResult) -> pd.DataFrame:
    """For every window of the training series: the actual next value and the model's prediction.

    Returns a frame with one row per window, `(samples, 4)`: `position` (index in the
    series of the predicted value), `actual`, `predicted` (series units) and `part`
    ("train" or "validation", in time order).
    """
    config = result.config
    x, y = make_windows(result.series.to_numpy(), config.window)
    predicted = trainers.trainer_for(config).predict(result.weights, x / config.scale) * config.scale
    parts = np.where(np.arange(len(y)) < result.n_train, "train", "validation")
    return pd.DataFrame({"position": np.arange(config.window, config.window + len(y)), "actual": y, "predicted": predicted, "part": parts})


def _recent_values(recent, window: int) -> np.ndarray:
    try:
        values = np.asarray(recent, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"the recent values must be numbers, got {recent!r}") from None
    if len(values) < window:
        raise InputError(f"the model reads {window} values at a time; give at least {window}, got {len(values)}")
    if not np.all(np.isfinite(values)):
        raise InputError("the recent values must be finite numbers (no NaN or infinity)")
    return values
