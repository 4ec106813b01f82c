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
# peaks closer than this to the highest are a tie (about the autocorrelation's sampling error, 1/sqrt(length), at a
# hundred values): the shortest period wins over its multiples and over neighbours the data cannot tell apart
NEAR_TIE = 0.1


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


def detrended(values) -> np.ndarray:
    """`values` `(length,)` less their least-squares straight line: a trend no longer hides a season."""
    values = np.asarray(values, dtype=float)
    steps = np.arange(len(values))
    return values - np.polyval(np.polyfit(steps, values, 1), steps)


def autocorrelation(values, lags: int) -> np.ndarray:
    """The sample autocorrelation of `values` `(length,)` at lags 0 .. `lags`, `(lags + 1,)`: the textbook estimator
    (each lag's sum over the whole series' variance), as statsmodels' `acf` computes it."""
    values = np.asarray(values, dtype=float)
    values = values - values.mean()
    n = len(values)
    return np.array([values[: n - lag] @ values[lag:] for lag in range(lags + 1)]) / float(values @ values)


def detect_period(train) -> int | None:
    """The period of a repeating pattern in `train` `(length,)`, from the autocorrelation of its detrended values;
    None when it has none.

    Candidates are the lags where that autocorrelation, after dipping below 0, peaks at MIN_PEAK or more, among lags
    that fit MIN_CYCLES times into the data; of the candidates within NEAR_TIE of the highest, the shortest wins. A
    random walk or white noise rarely dips and peaks that high again, so it has none.
    """
    values = np.asarray(train, dtype=float)
    n = len(values)
    if n < 8:
        return None
    rest = detrended(values)
    # a straight line leaves only float rounding behind: no pattern at all
    if rest @ rest <= 1e-12 * max(float(np.sum((values - values.mean()) ** 2)), np.finfo(float).tiny):
        return None
    longest = n // MIN_CYCLES
    acf = autocorrelation(rest, longest + 1)
    dipped, peaks = False, {}
    for lag in range(2, longest + 1):
        dipped = dipped or acf[lag] < 0
        if dipped and acf[lag] >= MIN_PEAK and acf[lag] >= acf[lag - 1] and acf[lag] >= acf[lag + 1]:
            peaks[lag] = acf[lag]
    if not peaks:
        return None
    highest = max(peaks.values())
    return min(lag for lag, peak in peaks.items() if peak >= highest - NEAR_TIE)
