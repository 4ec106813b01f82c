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


def _largest(series, offset: float = 0.0) -> float:
    """The largest distance from `offset` in the series (0 for an empty one)."""
    return float(np.max(np.abs(np.asarray(series, dtype=float) - offset))) if len(series) else 0.0


def scaled(values, config: TrainConfig) -> np.ndarray:
    """Series values as the network sees them: `(values - offset) / scale`, any shape."""
    return (np.asarray(values, dtype=float) - config.offset) / config.scale


def unscaled(values, config: TrainConfig) -> np.ndarray:
    """The network's outputs back in the series' units: `values * scale + offset`, any shape."""
    return np.asarray(values, dtype=float) * config.scale + config.offset


def check_scale(series, scale: float, offset: float = 0.0) -> None:
    """Refuse a scale so small that the scaled series cannot be learned."""
    largest = _largest(series, offset)
    if largest / scale > MAX_SCALED_MAGNITUDE:
        shifted = f" minus the offset {offset:g}" if offset else ""
        raise InputError(
            f"scale {scale:g} is too small for this series: its largest value{shifted} ({largest:g}) becomes "
            f"{largest / scale:g} after scaling, beyond the ±{MAX_SCALED_MAGNITUDE:g} a network can be trained to reach; "
            f"use a scale of at least {_power_of_ten(largest):g}",
            "scale",
        )


def suggest_scale(series) -> float:
    """The smallest power of ten at least as large as the series' largest magnitude (1 for an all-zero series).

    Always within TrainConfig's scale bounds, so it can be used as it is.
    """
    return _power_of_ten(_largest(series))


def _power_of_ten(largest: float) -> float:
    if not 0 < largest < math.inf:
        return 1.0
    exponent = math.ceil(math.log10(largest))
    return float(min(max(10.0 ** max(exponent, -300), MIN_SCALE), MAX_SCALE))


HOLD_OUT = 0.2  # the share held out by default, to judge a model on values it never trained on
MIN_WINDOWS_TO_HOLD_OUT = 20  # fewer windows than this (the notebook's 4) keep them all for training


def default_val_fraction(series, window: int) -> float:
    """HOLD_OUT when the series gives at least MIN_WINDOWS_TO_HOLD_OUT windows, else 0 (the notebook's ramp)."""
    return HOLD_OUT if len(series) - window >= MIN_WINDOWS_TO_HOLD_OUT else 0.0


@dataclass(frozen=True)
class Scaling:
    """An offset and a scale: the network sees `(value - offset) / scale`."""

    offset: float
    scale: float


def training_values(series, window: int, val_fraction: float) -> np.ndarray:
    """The part of the series the training windows cover, `(n_train + window,)`: inputs and targets alike."""
    values = as_values(series)
    samples = len(values) - window
    if samples < 1:
        return values
    return values[: split_index(samples, val_fraction) + window]


def fit_scaling(series, window: int, val_fraction: float) -> Scaling:
    """An offset and scale fitted on the training part only, spreading it over about -1..1.

    The offset is the middle of the training values (3 significant digits), the scale half their range
    rounded up to 1, 2 or 5 times a power of ten: numbers a student can read and reuse.
    """
    train = training_values(series, window, val_fraction)
    if not len(train):
        return Scaling(0.0, 1.0)
    low, high = float(np.min(train)), float(np.max(train))
    offset = float(f"{(low + high) / 2:.3g}")
    half = max(high - offset, offset - low)
    if half <= 0:  # a constant training part: nothing to spread
        return Scaling(offset, 1.0)
    step = 10.0 ** math.floor(math.log10(half))
    scale = next(m * step for m in (1, 2, 5, 10) if m * step >= half)
    return Scaling(offset, float(min(max(scale, MIN_SCALE), MAX_SCALE)))


# scaled training values wider than this sit on the flat ends of tanh and sigmoid; a spread narrower than
# SQUEEZED leaves the network almost nothing to tell apart (the random walk at scale 1000)
FLAT_BEYOND = 3.0
SQUEEZED = 0.05


def scale_advice(series, scale: float, offset: float = 0.0, window: int = 1, val_fraction: float = 0.0) -> str | None:
    """A hint when the scaling works but is far from ideal: values too large for the activation, squeezed into a
    narrow band, or too small; measured on the training part, as the network sees it."""
    train = training_values(series, window, val_fraction)
    largest = _largest(train)
    if not len(train) or not 0 < largest < math.inf:
        return None
    if largest / scale < 0.01 and suggest_scale(train) == MIN_SCALE:
        return (
            f"its values are tiny (the largest is {largest:.3g}), too small even for the smallest scale, {MIN_SCALE:g}; "
            "express the series in smaller units (e.g. thousandths or millionths)"
        )
    low, high = (float(np.min(train)) - offset) / scale, (float(np.max(train)) - offset) / scale
    fit = fit_scaling(series, window, val_fraction)
    better = f"try offset {fit.offset:g} and scale {fit.scale:g}"
    shown = f"after scaling the training values run from {low:.3g} to {high:.3g}"
    if max(abs(low), abs(high)) > FLAT_BEYOND:
        return f"{shown}, far out on the flat ends of tanh and sigmoid, where the network learns slowly; {better}"
    if high - low < SQUEEZED:
        return f"{shown}, a band only {high - low:.2g} wide: the network can hardly tell them apart; {better}"
    if max(abs(low), abs(high)) < 0.01:
        return f"{shown}, all very close to 0; {better}"
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
    check_scale(values, config.scale, config.offset)
    if check_cost:
        from . import cost

        cost.check(config, len(y))
    n_train = split_index(len(y), config.val_fraction)
    x, y = scaled(x, config).astype(np.float32), scaled(y, config).astype(np.float32)
    return Windows(x[:n_train], y[:n_train], x[n_train:], y[n_train:], n_train)
