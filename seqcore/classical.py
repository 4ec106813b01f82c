"""Classical forecasters beside the simple rules: exponential smoothing (ETS) and ARIMA, each chosen by AICc on the
training part, then guessing the value after every window one step ahead with its parameters fixed, as the model does.

statsmodels is imported inside the fitting functions: it takes about a second to import, and the dashboard's server
only hands series to a background process that fits (pages/lab/classical_jobs.py), so it never needs it.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from .baselines import CLASSICAL, MIN_CYCLES, Baseline
from .windows import as_values

log = logging.getLogger(__name__)

MIN_VALUES = 10  # statsmodels' heuristic start of ETS needs 10 values; a shorter training part fits no forecaster
MAX_SEASON = 24  # a longer period is left out of the models: R's ets refuses it, and a seasonal ARIMA's state grows with it
SEASONAL_STRENGTH = 0.64  # above this STL seasonal strength ARIMA differences seasonally (Hyndman & Athanasopoulos, fpp3)
MAX_DIFFERENCES = 2  # as R's auto.arima
MAX_P = MAX_Q = 5
MAX_SEASONAL_P = MAX_SEASONAL_Q = 1  # R's: 2; a second seasonal lag doubles the state, and a fit takes several times longer
MAX_MODELS = 20  # ARIMA candidates fitted at most in one stepwise search (R's: 94): a seasonal one takes seconds
# an ARIMA's few parameters are fitted to at most this many of the latest training values: longer series cost seconds
# per candidate and change little
MAX_ARIMA_VALUES = 600


@dataclass(frozen=True)
class Fitted:
    """One chosen forecaster's one-step guess for every position of the series, `(length,)`; NaN where it has none."""

    name: str
    description: str
    predicted: np.ndarray


def forecasters(series, window: int, n_train: int, period: int | None = None) -> list[Baseline]:
    """ETS and ARIMA, each chosen automatically, guessing the value after every window of `series`, `(samples,)` each.

    Both are fitted to the training part only (the first `n_train + window` values, which the training windows
    cover); each window's guess is their one-step prediction from every value before its target, with the fitted
    parameters. A `period` (2 to MAX_SEASON, at least MIN_CYCLES cycles in the training part) lets them model a
    season. A forecaster that cannot be fitted is left out, with a line in the log: never an exception.
    """
    values = as_values(series)
    train = values[: n_train + window]
    if len(train) < MIN_VALUES or np.ptp(train) == 0:
        reason = f"only {len(train)} training values" if len(train) < MIN_VALUES else "the training values are all equal"
        log.info("no classical forecaster: %s", reason)
        return []
    season = period if period and seasonal_fits(len(train), period) else None
    found = []
    for fit in (fit_ets, fit_arima):
        try:
            with _quiet():
                fitted = fit(train, values, season)
        except Exception as exc:  # statsmodels fails in many ways on odd series; a missing forecaster is no error
            log.warning("classical forecaster left out (%s): %s: %s", fit.__name__, type(exc).__name__, exc)
            continue
        if fitted is not None:
            found.append(Baseline(fitted.name, fitted.description, fitted.predicted[window:], CLASSICAL))
    return found


def seasonal_fits(n: int, period: int) -> bool:
    """Whether a season of `period` can be fitted to `n` training values (statsmodels' heuristic start needs
    10 values of seasonally adjusted level too)."""
    return 2 <= period <= MAX_SEASON and n >= max(MIN_CYCLES * period, MIN_VALUES + 2 * (period // 2))


def aicc(loglike: float, parameters: int, n: int) -> float:
    """The corrected Akaike information criterion of a fit with `parameters` free parameters to `n` values."""
    return -2 * loglike + 2 * parameters + 2 * parameters * (parameters + 1) / (n - parameters - 1)


@contextmanager
def _quiet() -> Iterator[None]:
    # convergence and start-value warnings say nothing a user can act on: the best candidate by AICc is kept
    # statsmodels' exceptions module puts "always" filters for its warnings first when it is imported: before ours
    import statsmodels.tools.sm_exceptions  # noqa: F401

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# exponential smoothing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EtsSpec:
    """One ETS model: additive or multiplicative errors, trend (damped or not) and season; None: none."""

    error: str  # "add" or "mul"
    trend: str | None
    damped: bool
    seasonal: str | None
    period: int | None

    @property
    def code(self) -> str:
        letter = {"add": "A", "mul": "M", None: "N"}
        return f"{letter[self.error]},{letter[self.trend]}{'d' if self.damped else ''},{letter[self.seasonal]}"

    @property
    def name(self) -> str:
        return f"Holt-Winters (ETS {self.code})" if self.trend and self.seasonal else f"ETS ({self.code})"

    @property
    def description(self) -> str:
        parts = ["the level"] + (["a damped trend" if self.damped else "a trend"] if self.trend else [])
        parts += [f"a {self.period}-step season"] if self.seasonal else []
        listed = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
        return f"exponential smoothing of {listed}; chosen by AICc on the training part"

    def options(self) -> dict:
        return dict(
            error=self.error,
            trend=self.trend,
            damped_trend=self.damped,
            seasonal=self.seasonal,
            seasonal_periods=self.period if self.seasonal else None,
        )

    def parameters(self) -> int:
        """Free parameters as Hyndman counts them: smoothing weights, damping, initial states and the variance."""
        weights = 1 + bool(self.trend) + bool(self.seasonal) + self.damped
        states = 1 + bool(self.trend) + (self.period - 1 if self.seasonal else 0)
        return weights + states + 1


def ets_candidates(train: np.ndarray, season: int | None) -> list[EtsSpec]:
    """The models R's ets() considers by default: no multiplicative trend, no multiplicative season with additive
    errors (numerically unstable), multiplicative parts only for positive data."""
    positive = bool(train.min() > 0)
    errors = ("add", "mul") if positive else ("add",)
    seasons = (None, "add", "mul") if season and positive else (None, "add") if season else (None,)
    trends = ((None, False), ("add", False), ("add", True))
    return [
        EtsSpec(error, trend, damped, seasonal, season)
        for error in errors
        for trend, damped in trends
        for seasonal in seasons
        if not (error == "add" and seasonal == "mul")
    ]


def fit_ets(train: np.ndarray, values: np.ndarray, season: int | None) -> Fitted | None:
    """The ETS model with the lowest AICc on `train`, smoothing all of `values` with its parameters and start."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    best = None
    for spec in ets_candidates(train, season):
        k = spec.parameters()
        if len(train) <= k + 3:  # R's ets skips a model with fewer than 4 values per parameter beyond its own
            continue
        try:
            # the heuristic start (Hyndman & Athanasopoulos 8.6) reads the first values: a fit optimises only the
            # smoothing weights, much faster than with optimised starting states
            result = ETSModel(train, initialization_method="heuristic", **spec.options()).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError) as exc:
            log.debug("ETS (%s) not fitted: %s", spec.code, exc)
            continue
        score = aicc(result.llf, k, len(train))
        if not math.isnan(score) and (best is None or score < best[0]):
            best = (score, spec, result)
    if best is None:
        return None
    _, spec, result = best
    start = result.model
    # the same starting states, not the heuristic again on the whole series: that would take in held-out values
    full = ETSModel(
        values,
        initialization_method="known",
        initial_level=start.initial_level,
        initial_trend=start.initial_trend,
        initial_seasonal=start.initial_seasonal,
        **spec.options(),
    )
    predicted = np.asarray(full.smooth(result.params).fittedvalues, dtype=float)
    return Fitted(spec.name, spec.description, np.where(np.isfinite(predicted), predicted, np.nan))


# ARIMA -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArimaOrder:
    """The orders a stepwise search varies (differences are chosen before it), and whether a constant is included."""

    p: int
    q: int
    P: int = 0
    Q: int = 0
    constant: bool = False


@dataclass(frozen=True)
class ArimaSpec:
    """A full ARIMA(p,d,q)(P,D,Q)s model, with a constant (the drift when differenced once)."""

    order: ArimaOrder
    d: int
    D: int
    period: int | None

    @property
    def name(self) -> str:
        o = self.order
        seasonal = f"({o.P},{self.D},{o.Q}){self.period}" if self.period and (o.P or self.D or o.Q) else ""
        return f"ARIMA({o.p},{self.d},{o.q}){seasonal}"

    @property
    def description(self) -> str:
        constant = ("with drift" if self.d + self.D == 1 else "with a constant") if self.order.constant else "no constant"
        return f"ARIMA, {constant}; orders chosen by AICc on the training part"

    def model(self, endog: np.ndarray):
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        o = self.order
        return SARIMAX(
            endog,
            order=(o.p, self.d, o.q),
            seasonal_order=(o.P, self.D, o.Q, self.period) if self.period else (0, 0, 0, 0),
            trend="c" if o.constant else None,
            # differencing before the fit: faster than a diffuse start of the differenced states,
            # and every candidate of one search loses the same first values
            simple_differencing=True,
            concentrate_scale=True,
        )

    @property
    def lost(self) -> int:
        """The first values differencing takes, for which there is no prediction."""
        return self.d + self.D * (self.period or 0)


def fit_arima(train: np.ndarray, values: np.ndarray, season: int | None) -> Fitted | None:
    """Hyndman–Khandakar: seasonal differencing when the season is strong, then differences until KPSS finds the
    series stationary, then a stepwise search over the orders by AICc; the chosen model filters all of `values`."""
    from statsmodels.tsa.statespace.tools import diff

    recent = train[-MAX_ARIMA_VALUES:]
    D = int(bool(season) and seasonal_strength(recent, season) > SEASONAL_STRENGTH)
    d = differences(diff(recent, k_diff=0, k_seasonal_diff=D, seasonal_periods=season) if D else recent)
    search = StepwiseSearch(recent, d, D, season)
    spec, params = search.run()
    if params is None:
        return None
    full = spec.model(values).filter(params, cov_type="none")
    predicted = np.full(len(values), np.nan)
    # the fit predicts the differenced series; the rest of each value is known one step before it
    differenced = diff(values, k_diff=spec.d, k_seasonal_diff=spec.D, seasonal_periods=spec.period or 1)
    predicted[spec.lost :] = np.asarray(full.fittedvalues, dtype=float) + values[spec.lost :] - differenced
    return Fitted(spec.name, spec.description, np.where(np.isfinite(predicted), predicted, np.nan))


def seasonal_strength(train: np.ndarray, period: int) -> float:
    """1 - Var(remainder) / Var(season + remainder) of an STL decomposition, from 0 (no season) to 1."""
    from statsmodels.tsa.seasonal import STL

    parts = STL(train, period=period).fit()
    whole = np.var(parts.seasonal + parts.resid)
    return max(0.0, 1 - np.var(parts.resid) / whole) if whole > 0 else 0.0


def differences(x: np.ndarray) -> int:
    """How many times `x` must be differenced for the KPSS test (5 %) to stop rejecting stationarity."""
    from statsmodels.tsa.stattools import kpss

    d = 0
    while d < MAX_DIFFERENCES and len(x) >= MIN_VALUES and np.ptp(x) > 0:
        # the short lag R's forecast::ndiffs uses
        statistic, _, _, critical = kpss(x, regression="c", nlags=int(3 * math.sqrt(len(x)) / 13))
        if statistic <= critical["5%"]:
            break
        x, d = np.diff(x), d + 1
    return d


class StepwiseSearch:
    """Hyndman & Khandakar's (2008) stepwise search: four starting models, then move to any neighbour (one order up or
    down, p and q or P and Q together, the constant in or out) with a lower AICc, until none is lower."""

    def __init__(self, train: np.ndarray, d: int, D: int, period: int | None):
        self.train, self.d, self.D, self.period = train, d, D, period
        self.fits: dict[ArimaOrder, tuple[float, np.ndarray | None]] = {}  # AICc and parameters: a result holds megabytes

    def spec(self, order: ArimaOrder) -> ArimaSpec:
        return ArimaSpec(order, self.d, self.D, self.period)

    def run(self) -> tuple[ArimaSpec, np.ndarray | None]:
        constant = self.d + self.D <= 1
        s = 1 if self.period else 0
        starts = [ArimaOrder(2, 2, s, s, constant), ArimaOrder(0, 0, 0, 0, constant)]
        starts += [ArimaOrder(1, 0, s, 0, constant), ArimaOrder(0, 1, 0, s, constant)]
        starts += [ArimaOrder(0, 0, 0, 0, False)] if constant else []
        best = min(dict.fromkeys(o for o in starts if self.allowed(o)), key=self.score)
        moved = True
        while moved:
            moved = False
            for order in self.neighbours(best):
                if self.score(order) < self.score(best):
                    best, moved = order, True
                    break
        return self.spec(best), self.fits[best][1]

    def allowed(self, o: ArimaOrder) -> bool:
        return (
            0 <= o.p <= MAX_P
            and 0 <= o.q <= MAX_Q
            and 0 <= o.P <= (MAX_SEASONAL_P if self.period else 0)
            and 0 <= o.Q <= (MAX_SEASONAL_Q if self.period else 0)
            and (not o.constant or self.d + self.D <= 1)  # a constant differenced twice away is no parameter
        )

    def neighbours(self, o: ArimaOrder) -> list[ArimaOrder]:
        steps = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]
        moved = [replace(o, P=o.P + a, Q=o.Q + b) for a, b in steps] + [replace(o, p=o.p + a, q=o.q + b) for a, b in steps]
        moved.append(replace(o, constant=not o.constant))
        return [m for m in moved if self.allowed(m)]

    def score(self, order: ArimaOrder) -> float:
        """The AICc of `order`, fitted once; infinite when it cannot be fitted or MAX_MODELS have been."""
        if order not in self.fits:
            if len(self.fits) >= MAX_MODELS:
                return math.inf
            self.fits[order] = self._fit(order)
        return self.fits[order][0]

    def _fit(self, order: ArimaOrder) -> tuple[float, np.ndarray | None]:
        model = self.spec(order).model(self.train)
        n, k = model.nobs, model.k_params + 1  # the variance, concentrated out of the fit, is a parameter too
        if n <= k + 3:
            return math.inf, None
        try:
            result = model.fit(disp=False, cov_type="none") if model.k_params else model.filter([], cov_type="none")
        except (ValueError, np.linalg.LinAlgError) as exc:
            log.debug("%s not fitted: %s", self.spec(order).name, exc)
            return math.inf, None
        score = aicc(result.llf, k, n)
        return (score, np.asarray(result.params)) if not math.isnan(score) else (math.inf, None)
