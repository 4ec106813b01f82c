"""The simplest rules a model must beat, each guessing the value after every window, in the series' units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .windows import as_values

NAIVE = "last value"
MEAN = "training mean"
DRIFT = "drift"
SEASONAL = "seasonal naive"
RULE, CLASSICAL = "rule", "classical"  # a simple rule, or a classical forecaster (ETS, ARIMA) fitted to the training part
# a period must repeat at least this often within the training part to be trusted
MIN_CYCLES = 2
MIN_PEAK = 0.4  # the autocorrelation at a detected period, after it has dipped below 0


@dataclass(frozen=True)
class Baseline:
    """One rule's guess for the value after every window, `(samples,)`; NaN where the rule has no answer."""

    name: str
    description: str
    predicted: np.ndarray
    kind: str = RULE


def baselines(series, window: int, n_train: int, period: int | None = None) -> list[Baseline]:
    """Last value, training mean, drift and (with a `period`) seasonal naive, for every window of `series`.

    Window `i` covers positions `i .. i + window - 1` and its target is position `i + window`, as in
    `make_windows`. The mean and the drift's slope come from the training part only (the first
    `n_train + window` values), so nothing held out leaks into them.
    """
    values = as_values(series)
    targets = np.arange(window, len(values))
    last = values[targets - 1]
    train = values[: n_train + window]
    slope = (train[-1] - train[0]) / (len(train) - 1)
    rules = [
        Baseline(NAIVE, "copy the last value", last),
        Baseline(MEAN, f"always the training part's mean, {train.mean():.3g}", np.full(len(targets), train.mean())),
        Baseline(DRIFT, f"the last value plus the training part's average step, {slope:+.3g}", last + slope),
    ]
    if period:
        seasonal = np.full(len(targets), np.nan)
        known = targets >= period
        seasonal[known] = values[targets[known] - period]
        rules.append(Baseline(SEASONAL, f"the value one period ({period} steps) earlier", seasonal))
    return rules


def detect_period(train) -> int | None:
    """The period of a repeating pattern in `train` `(length,)`, from its autocorrelation; None when it has none.

    The first lag where the autocorrelation, after dipping below 0, peaks at MIN_PEAK or more, among lags that
    fit MIN_CYCLES times into the data. A trend or a random walk never dips and peaks again, so it has none.
    """
    values = np.asarray(train, dtype=float)
    values = values - values.mean()
    n = len(values)
    variance = float(values @ values)
    if n < 8 or variance == 0:
        return None
    longest = n // MIN_CYCLES
    acf = np.array([values[: n - lag] @ values[lag:] / variance for lag in range(longest + 2)])
    dipped = False
    for lag in range(2, longest + 1):
        dipped = dipped or acf[lag] < 0
        if dipped and acf[lag] >= MIN_PEAK and acf[lag] >= acf[lag - 1] and acf[lag] >= acf[lag + 1]:
            return lag
    return None
