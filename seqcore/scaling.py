"""Scaling: the network sees `(value - offset) / scale`; checking a scale, suggesting one, and fitting one on the
training part only."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .config import MAX_SCALE, MIN_SCALE, InputError, TrainConfig
from .windows import training_values

# beyond this, scaled targets are too far from what a freshly initialised
# network outputs (about 0) for Adam to get there in any sensible number of epochs.
MAX_SCALED_MAGNITUDE = 100.0


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


@dataclass(frozen=True)
class Scaling:
    """An offset and a scale: the network sees `(value - offset) / scale`."""

    offset: float
    scale: float


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
