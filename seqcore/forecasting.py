"""Using a trained run: the next value, several steps ahead, and one-step predictions over the whole series."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .config import InputError, as_int, check_range, quote
from .data import MAX_MAGNITUDE
from .forward import predict
from .scaling import scaled, unscaled
from .windows import make_windows

if TYPE_CHECKING:  # only for annotations: predicting needs NumPy and the run's weights, not TensorFlow
    from .result import TrainResult

MAX_FORECAST_STEPS = 1000


def predict_next(result: TrainResult, recent) -> float:
    """The value after `recent` (series units), from its last `window` values."""
    return float(forecast(result, recent, 1)[0])


def forecast(result: TrainResult, recent, steps: int) -> np.ndarray:
    """`steps` values after `recent`, shape `(steps,)`, each prediction fed back in as the newest input."""
    window = result.config.window
    values = _recent_values(recent, window)
    steps = as_int("steps", steps)
    check_range("steps", steps, 1, MAX_FORECAST_STEPS)
    return forecast_many(result, values[-window:].reshape(1, window), steps)[0]


def forecast_many(result: TrainResult, windows: np.ndarray, steps: int) -> np.ndarray:
    """`steps` values after each of `windows` `(origins, window)` (series units), all at once: `(origins, steps)`."""
    config = result.config
    history = scaled(windows, config).astype(np.float32)
    out = np.empty((len(history), steps))
    for step in range(steps):
        out[:, step] = predict(config, result.weights, history[:, -config.window :, None])
        history = np.concatenate([history, out[:, step : step + 1].astype(np.float32)], axis=1)
    return unscaled(out, config)


def one_step_predictions(result: TrainResult) -> pd.DataFrame:
    """For every window of the training series: the actual next value and the model's prediction.

    Returns a frame with one row per window, `(samples, 4)`: `position` (index in the
    series of the predicted value), `actual`, `predicted` (series units) and `part`
    ("train" or "validation", in time order). Computed once per run (a run's weights never change).
    """
    if "_one_step" not in result.__dict__:
        result.__dict__["_one_step"] = _one_step(result)
    return result.__dict__["_one_step"].copy()


def _one_step(result: TrainResult) -> pd.DataFrame:
    config = result.config
    x, y = make_windows(result.series.to_numpy(), config.window)
    predicted = unscaled(predict(config, result.weights, scaled(x, config)), config)
    parts = np.where(np.arange(len(y)) < result.n_train, "train", "validation")
    return pd.DataFrame({"position": np.arange(config.window, config.window + len(y)), "actual": y, "predicted": predicted, "part": parts})


def _recent_values(recent, window: int) -> np.ndarray:
    try:
        if np.iscomplexobj(recent):
            raise TypeError("complex")
        values = np.asarray(recent, dtype=float).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"the recent values must be real numbers, got {quote(recent)}") from None
    if len(values) < window:
        raise InputError(f"the model reads {window} values at a time; give at least {window}, got {len(values)}")
    if not np.all(np.isfinite(values)):
        raise InputError("the recent values must be finite numbers (no NaN or infinity)")
    if np.any(np.abs(values) > MAX_MAGNITUDE):
        raise InputError(f"the recent values must be within ±{MAX_MAGNITUDE:g}; use smaller numbers")
    return values
