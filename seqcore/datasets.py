"""Built-in series: the notebook's ramp, generated ones, and two classic real series shipped as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import InputError, as_float, as_int, check_range, quote
from .data import MAX_SERIES_LENGTH, load_series
from .timeaxis import with_time

_HERE = Path(__file__).parent / "datasets"
MIN_LENGTH = 4  # the shortest generated series that still gives a few windows
MAX_NOISE = 1000.0
MAX_DATA_SEED = 2**32 - 1
SINE_PERIOD = 20  # steps per cycle of the generated sine series  # numpy's default_rng takes any; this keeps the box's number short


@dataclass(frozen=True)
class Dataset:
    """A named built-in series. `generated` ones take `length`, `noise` and `seed`."""

    name: str
    label: str
    description: str
    generated: bool = False
    scale: float | None = None  # None: choose from the data (see scaling.suggest_scale)
    noise: float = 0.0  # a generated series' default noise


DATASETS = {
    d.name: d
    for d in [
        Dataset("ramp", "Ramp 1..7 (notebook)", "The reference notebook's series: 1, 2, 3, 4, 5, 6, 7.", scale=100.0),
        Dataset("arithmetic", "Arithmetic progression", "Start at 1 and add 2 each step, plus optional noise.", True),
        Dataset("sine", "Sine wave", "50 + 40·sin, a period of 20 steps, plus optional noise.", True),
        Dataset("noisy_sine", "Noisy sine wave", "The sine wave with Gaussian noise (default 5) on every value.", True, noise=5.0),
        Dataset("random_walk", "Random walk", "Start at 100; each step adds a Gaussian step of size noise (default 1).", True, noise=1.0),
        Dataset("sunspots", "Sunspots, yearly 1700–2008", "Yearly mean sunspot activity (NGDC/NOAA), 309 values."),
        Dataset("nile", "Nile flow, yearly 1871–1970", "Annual Nile flow at Aswan in 10⁸ m³ (Cobb 1978), 100 values."),
    ]
}


# a generated series' default length: 120 values hold out 23, on which the verdict agrees from seed to seed (with 60,
# 11 held out, it changed with the seed; bench/bench_verdict_stability.py)
def get_dataset(name: str, length: int = 120, noise: float | None = None, seed: int = 0) -> pd.Series:
    """The built-in series `name`, shape `(length,)`, named after the dataset.

    `length`, `noise` and `seed` apply to generated series only (noise=None means
    the dataset's own default: 0 for the clean ones, 5 for the noisy sine, 1 for the walk).
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise InputError(f"no dataset named {quote(name)}; choose one of {', '.join(DATASETS)}")
    dataset = DATASETS[name]
    if name == "ramp":
        values = np.arange(1.0, 8.0)
    elif dataset.generated:
        values = _generate(name, length, noise, seed)
    else:
        loaded = load_series(_HERE / f"{name}.csv")
        values = loaded.to_numpy()
    series = pd.Series(values, name=name, dtype=float)
    if not dataset.generated and name != "ramp":
        series = with_time(series, "year", loaded.index)  # the shipped files are yearly
    series.attrs["label"] = dataset.label
    # which built-in series this is, and its noise: what truth.truth_of needs to know the next value
    series.attrs["dataset"] = name
    if dataset.generated:
        series.attrs["noise"] = dataset.noise if noise is None else float(noise)
    if name in ("sine", "noisy_sine"):
        series.attrs["period"] = SINE_PERIOD
    return series


def _generate(name: str, length: int, noise: float | None, seed: int) -> np.ndarray:
    length = as_int("length", length)
    check_range("length", length, MIN_LENGTH, MAX_SERIES_LENGTH)
    noise = as_float("noise", DATASETS[name].noise if noise is None else noise)
    if not 0 <= noise <= MAX_NOISE:
        raise InputError(f"noise must be a number between 0 and {MAX_NOISE:g}, got {noise:g}", "noise")
    seed = as_int("seed", seed)
    check_range("seed", seed, 0, MAX_DATA_SEED)
    rng = np.random.default_rng(seed)
    if name == "random_walk":  # a cumulative sum of gaussian steps
        return 100.0 + np.cumsum(noise * rng.standard_normal(length))
    return formula(name, np.arange(length, dtype=float)) + noise * rng.standard_normal(length)


def formula(name: str, steps) -> np.ndarray:
    """A generated series' values at positions `steps` `(n,)` without its noise (not for the random walk, which has none)."""
    steps = np.asarray(steps, dtype=float)
    if name == "arithmetic":
        return 1.0 + 2.0 * steps
    if name in ("sine", "noisy_sine"):
        return 50.0 + 40.0 * np.sin(2 * np.pi * steps / SINE_PERIOD)
    raise ValueError(f"{name} has no formula")
