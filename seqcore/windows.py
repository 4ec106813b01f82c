"""Cutting a series into (window -> next value) pairs, and splitting them in time order (scaling: `seqcore.scaling`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .config import InputError, TrainConfig, as_int
from .data import MAX_MAGNITUDE, MAX_SERIES_LENGTH


def make_windows(series, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Every run of `window` consecutive values, and the value that follows it.

    Args:
        series: 1-D sequence of numbers, shape `(length,)`.
        window: how many values the model sees at once (timesteps).

    Returns:
        `x` of shape `(samples, window, 1)` and `y` of shape `(samples,)`, where
        `samples = length - window`. For 1..7 and window 3: `x[0] = [[1],[2],[3]]`, `y[0] = 4`.
    """
    values = as_values(series)
    window = as_int("window", window)
    if window < 1:
        raise InputError(f"window must be a whole number of at least 1, got {window}", "window")
    if len(values) < 2:
        raise InputError(
            f"the series has {'only 1 value' if len(values) else 'no values'}; it needs at least 2 "
            "(a window and the value after it) — use a longer series",
            "window",
        )
    if len(values) <= window:
        raise InputError(
            f"window is {window} but the series has only {len(values)} values; "
            f"a window needs at least one more value after it, so use a window of at most {max(len(values) - 1, 1)} "
            "or a longer series",
            "window",
        )
    # the last window has no next value, so it is not a training pair
    x = sliding_window_view(values[:-1], window).copy()
    y = values[window:].copy()
    return x.reshape(-1, window, 1), y


def as_values(series) -> np.ndarray:
    """A series as a float array `(length,)`; InputError for anything that is not a flat list of real numbers."""
    try:
        complex_values = np.iscomplexobj(series)
    except ValueError:  # ragged nested lists
        complex_values = False
    if complex_values:
        raise InputError("the series must hold real numbers; it holds complex ones")
    try:
        values = np.asarray(series, dtype=float)
    except OverflowError:  # whole numbers too large for a float
        raise InputError(f"the series holds a number beyond ±{MAX_MAGNITUDE:g}; express it in larger units") from None
    except (TypeError, ValueError):
        raise InputError("the series must be a list of numbers") from None
    if values.ndim == 0:
        raise InputError("the series must be a list of numbers")
    if values.ndim != 1:
        raise InputError(f"the series must be one-dimensional (a single column of numbers), got shape {values.shape}")
    if len(values) > MAX_SERIES_LENGTH:
        raise InputError(f"the series has {len(values):,} values; the limit is {MAX_SERIES_LENGTH:,} — use a shorter excerpt")
    large = np.abs(values) > MAX_MAGNITUDE  # inf and NaN are told apart where training checks them
    if large.any():
        at = int(np.argmax(large))
        raise InputError(
            f"the series holds {values[at]:g} at position {at}, beyond ±{MAX_MAGNITUDE:g}, the largest size this lab "
            "trains on; express the series in larger units (thousands, millions)"
        )
    return values


def split_index(samples: int, val_fraction: float) -> int:
    """How many of `samples` windows (the earliest ones) are for training; the rest validate."""
    if val_fraction <= 0:
        return samples
    n_val = max(1, round(samples * val_fraction))
    n_train = samples - n_val
    if n_train < 1:
        raise InputError(
            f"val_fraction {val_fraction:g} leaves no window to train on ({samples} windows in all); "
            "lower val_fraction, shorten the window or use a longer series",
            "val_fraction",
        )
    return n_train


HOLD_OUT = 0.2  # the share held out by default, to judge a model on values it never trained on
MIN_WINDOWS_TO_HOLD_OUT = 20  # fewer windows than this (the notebook's 4) keep them all for training


def default_val_fraction(series, window: int) -> float:
    """HOLD_OUT when the series gives at least MIN_WINDOWS_TO_HOLD_OUT windows, else 0 (the notebook's ramp)."""
    return HOLD_OUT if len(series) - window >= MIN_WINDOWS_TO_HOLD_OUT else 0.0


def training_values(series, window: int, val_fraction: float) -> np.ndarray:
    """The part of the series the training windows cover, `(n_train + window,)`: inputs and targets alike."""
    values = as_values(series)
    samples = len(values) - window
    if samples < 1:
        return values
    return values[: split_index(samples, val_fraction) + window]


@dataclass(frozen=True)
class Windows:
    """The scaled training and validation pairs for one series and config.

    `x_train` `(train_samples, window, 1)`, `y_train` `(train_samples,)`, likewise
    `x_val`/`y_val` (zero samples when there is no validation split). `n_train` is
    the number of training windows; window `i` predicts series position `i + window`.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    n_train: int


def prepare_windows(series, config: TrainConfig, check_cost: bool = True) -> Windows:
    """Check the series against the config (and, with `check_cost`, what training it costs), window, scale and split it in time order."""
    if not isinstance(config, TrainConfig):
        raise InputError(f"config must be a TrainConfig, got {type(config).__name__}")
    values = as_values(series)
    if not np.all(np.isfinite(values)):
        raise InputError("the series contains missing or infinite values; remove them before training")
    x, y = make_windows(values, config.window)
    from .scaling import check_scale, scaled

    check_scale(values, config.scale, config.offset)
    if check_cost:
        from . import cost

        cost.check(config, len(y))
    n_train = split_index(len(y), config.val_fraction)
    x, y = scaled(x, config).astype(np.float32), scaled(y, config).astype(np.float32)
    return Windows(x[:n_train], y[:n_train], x[n_train:], y[n_train:], n_train)
