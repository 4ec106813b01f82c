"""Cutting a series into (window -> next value) pairs, scaling them, and splitting them in time order."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .config import MAX_SCALE, MIN_SCALE, InputError, TrainConfig, as_int
from .data import MAX_MAGNITUDE, MAX_SERIES_LENGTH

# beyond this, scaled targets are too far from what a freshly initialised
# network outputs (about 0) for Adam to get there in any sensible number of epochs.
MAX_SCALED_MAGNITUDE = 100.0


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


def _largest(series) -> float:
    """The largest magnitude in the series (0 for an empty one)."""
    return float(np.max(np.abs(np.asarray(series, dtype=float)))) if len(series) else 0.0


def check_scale(series, scale: float) -> None:
    """Refuse a scale so small that the scaled series cannot be learned."""
    largest = _largest(series)
    if largest / scale > MAX_SCALED_MAGNITUDE:
        raise InputError(
            f"scale {scale:g} is too small for this series: its largest value {largest:g} becomes "
            f"{largest / scale:g} after scaling, beyond the ±{MAX_SCALED_MAGNITUDE:g} a network can be trained to reach; "
            f"use a scale of at least {suggest_scale(series):g}",
            "scale",
        )


def suggest_scale(series) -> float:
    """The smallest power of ten at least as large as the series' largest magnitude (1 for an all-zero series).

    Always within TrainConfig's scale bounds, so it can be used as it is.
    """
    largest = _largest(series)
    if not 0 < largest < math.inf:
        return 1.0
    exponent = math.ceil(math.log10(largest))
    return float(min(max(10.0 ** max(exponent, -300), MIN_SCALE), MAX_SCALE))


def scale_advice(series, scale: float) -> str | None:
    """A hint when the scale works but is far from ideal (scaled values outside about 0.01..10)."""
    largest = _largest(series)
    if not 0 < largest < math.inf:
        return None
    scaled = largest / scale
    if scaled < 0.01 and suggest_scale(series) == MIN_SCALE:
        return (
            f"its values are tiny (the largest is {largest:.3g}), too small even for the smallest scale, {MIN_SCALE:g}; "
            "express the series in smaller units (e.g. thousandths or millionths)"
        )
    if scaled > 10 or scaled < 0.01:
        return (
            f"after dividing by {scale:g} the largest value is {scaled:.3g}; networks learn best when "
            f"scaled values are roughly between 0.01 and 10 — try a scale of {suggest_scale(series):g}"
        )
    return None


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
    check_scale(values, config.scale)
    if check_cost:
        from . import cost

        cost.check(config, len(y))
    n_train = split_index(len(y), config.val_fraction)
    x, y = (x / config.scale).astype(np.float32), (y / config.scale).astype(np.float32)
    return Windows(x[:n_train], y[:n_train], x[n_train:], y[n_train:], n_train)
