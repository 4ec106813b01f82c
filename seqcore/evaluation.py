"""Is the model any good? Its errors beside the simple rules', in the series' units, on the windows it trained on and
on the ones held out; where its training data ends; how its error grows with steps ahead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .baselines import CLASSICAL, NAIVE, RULE, Baseline, baselines, detect_period
from .config import CELLS, TrainConfig
from .forecasting import forecast_many, one_step_predictions
from .timeaxis import unit
from .windows import prepare_windows, training_values

if TYPE_CHECKING:
    from .result import TrainResult

MODEL = "model"
HORIZON = 10  # steps ahead in the rolling-origin check


@dataclass(frozen=True)
class Errors:
    """Mean absolute and root-mean-square error over `count` windows, in the series' units."""

    mae: float
    rmse: float
    count: int


def errors(actual, predicted) -> Errors | None:
    """The errors of `predicted` against `actual` (both `(samples,)`), skipping NaN guesses; None if none is left."""
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    known = np.isfinite(predicted)
    if not known.any():
        return None
    miss = predicted[known] - actual[known]
    miss[np.abs(miss) <= 1e-9 * np.abs(actual).max()] = 0.0  # float rounding, not an error anyone could see
    return Errors(float(np.mean(np.abs(miss))), float(np.sqrt(np.mean(miss**2))), int(known.sum()))


@dataclass(frozen=True)
class Score:
    """One predictor (the model or a rule) on the training windows and on the held-out ones (None: none held out)."""

    name: str
    description: str
    train: Errors | None
    held_out: Errors | None
    kind: str = RULE  # baselines.RULE or CLASSICAL; the model's own score is a RULE too (it is scores[0])
    predicted: np.ndarray | None = field(default=None, repr=False, compare=False)  # (windows,), NaN: no answer


@dataclass(frozen=True)
class Evaluation:
    """The model and every simple rule on the same windows. `scores[0]` is the model."""

    model: str  # the cell's name, as sentences use it
    scores: tuple[Score, ...]
    n_train: int
    n_held_out: int
    period: int | None
    unit: str  # what one value is: "year" or "value"
    actual: np.ndarray | None = field(default=None, repr=False, compare=False)  # the value after every window
    # MASE's denominators (Hyndman & Koehler 2006): the last-value and seasonal-naive rules' in-sample MAE on the
    # training part; None when the training part is too short for them (or no period is known)
    naive_scale: float | None = None
    seasonal_scale: float | None = None

    @property
    def part(self) -> str:
        """The part a verdict judges: the held-out one whenever there is one."""
        return "held_out" if self.n_held_out else "train"

    def score(self, name: str) -> Score:
        return next(s for s in self.scores if s.name == name)

    def judged(self, name: str) -> Errors | None:
        return getattr(self.score(name), self.part)

    @property
    def relative_mae(self) -> float:
        """The model's MAE over the last-value rule's on the same judged windows (below 1: the model misses less).
        Not MASE, which scales by the last-value rule's error on the training part."""
        model, naive = self.judged(MODEL), self.judged(NAIVE)
        return model.mae / naive.mae if naive.mae > 0 else float("inf") if model.mae > 0 else 1.0

    def mase(self, name: str) -> float | None:
        """MASE of one predictor: its MAE on the judged part over the last-value rule's in-sample MAE on the training
        part (below 1: it misses less than copying did, one step at a time, on the values it learned from). None when
        it has no judged answers or the training part never changes."""
        return _scaled(self.judged(name), self.naive_scale)

    def seasonal_mase(self, name: str) -> float | None:
        """Seasonal MASE: scaled by the seasonal-naive rule's in-sample MAE on the training part (None: no period)."""
        return _scaled(self.judged(name), self.seasonal_scale)

    def best_rule(self) -> Score:
        """The simple rule with the lowest MAE on the judged part."""
        return self._best(RULE)

    @property
    def classical(self) -> tuple[Score, ...]:
        """The classical forecasters' scores (none when none was fitted)."""
        return tuple(s for s in self.scores if s.kind == CLASSICAL)

    def best_classical(self) -> Score | None:
        """The classical forecaster (ETS, ARIMA) with the lowest MAE on the judged part; None when none was fitted."""
        return self._best(CLASSICAL)

    def _best(self, kind: str) -> Score | None:
        scores = [s for s in self.scores[1:] if s.kind == kind and self.judged(s.name) is not None]
        return min(scores, key=lambda s: self.judged(s.name).mae, default=None)


def _scaled(judged: Errors | None, scale: float | None) -> float | None:
    return judged.mae / scale if judged is not None and scale else None


def naive_scale(train, lag: int = 1) -> float | None:
    """The in-sample MAE of guessing each value of `train` `(length,)` by the one `lag` steps before it: mean
    |y_t - y_{t-lag}|, MASE's denominator. None when `train` has no value `lag` steps after another."""
    values = np.asarray(train, dtype=float)
    if len(values) <= lag:
        return None
    miss = np.abs(values[lag:] - values[:-lag])
    miss[miss <= 1e-9 * np.abs(values).max()] = 0.0  # float rounding: an exact season repeats exactly, scale 0
    return float(np.mean(miss))


def series_period(result: TrainResult) -> int | None:
    """The series' period: known for a generated sine, else detected on the training part (None when it has none)."""
    if "period" in result.series.attrs:
        return int(result.series.attrs["period"])
    config = result.config
    return detect_period(training_values(result.series, config.window, config.val_fraction))


def evaluate(result: TrainResult, period: int | None = None, classical: list[Baseline] = ()) -> Evaluation:
    """Score the model, the simple rules and any `classical` forecasters' guesses (`period`: for the seasonal rule;
    None detects it)."""
    period = period or series_period(result)
    frame = one_step_predictions(result)
    actual, train = frame["actual"].to_numpy(), np.arange(len(frame)) < result.n_train
    guesses = [Baseline(MODEL, f"the trained {CELLS[result.config.cell]}", frame["predicted"].to_numpy())]
    guesses += baselines(result.series, result.config.window, result.n_train, period) + list(classical)
    scores = tuple(
        Score(
            g.name,
            g.description,
            errors(actual[train], g.predicted[train]),
            errors(actual[~train], g.predicted[~train]) if (~train).any() else None,
            g.kind,
            g.predicted,
        )
        for g in guesses
    )
    held_out = int((~train).sum())
    trained = trained_range_values(result)
    scales = naive_scale(trained), naive_scale(trained, period) if period else None
    return Evaluation(CELLS[result.config.cell], scores, result.n_train, held_out, period, unit(result.series), actual, *scales)


@dataclass(frozen=True)
class LossLevels:
    """The last-value rule's loss as training measures it (MSE on scaled values): on the training and held-out windows."""

    train: float
    held_out: float | None


def baseline_losses(result: TrainResult) -> LossLevels:
    return naive_losses(result.series, result.config)


def naive_losses(series, config: TrainConfig) -> LossLevels:
    """The last-value rule's loss for `series` cut and split as `config` says: known before any training, so a live
    loss chart can draw it from the first epoch."""
    windows = prepare_windows(series, config, check_cost=False)
    # a window's last scaled input is the rule's scaled guess; the offset cancels in the difference
    train = float(np.mean((windows.x_train[:, -1, 0] - windows.y_train) ** 2))
    held_out = float(np.mean((windows.x_val[:, -1, 0] - windows.y_val) ** 2)) if len(windows.y_val) else None
    return LossLevels(train, held_out)


def beats_from(losses, level: float) -> int | None:
    """The epoch (from 1) from which every loss is below `level`; None if the last one is not."""
    losses = np.asarray(losses, dtype=float)
    if not len(losses) or losses[-1] >= level:
        return None
    above = np.flatnonzero(losses >= level)
    return int(above[-1]) + 2 if len(above) else 1


@dataclass(frozen=True)
class Copying:
    """How far the model's guesses are from the window's last value, and from the value they should predict (MAE)."""

    to_last: float
    to_actual: float


def copying(result: TrainResult) -> Copying | None:
    """A Copying when the model's guesses sit closer to the last value it saw than to the truth, else None.

    Judged on the held-out windows when there are any. A one-step chart of such a model looks good,
    because it draws the series shifted by one step.
    """
    frame = one_step_predictions(result)
    part = frame[frame["part"] == ("validation" if (frame["part"] == "validation").any() else "train")]
    last = result.series.to_numpy()[part["position"] - 1]
    to_last = float(np.mean(np.abs(part["predicted"] - last)))
    to_actual = float(np.mean(np.abs(part["predicted"] - part["actual"])))
    # guesses pulled towards the average sit near the last value too, when the series stays near its mean: that is
    # not copying (the Nile)
    mean = trained_range_values(result).mean()
    to_mean = float(np.mean(np.abs(part["predicted"] - mean)))
    return Copying(to_last, to_actual) if to_last < to_actual and to_last < to_mean else None


@dataclass(frozen=True)
class ValueRange:
    """The lowest and highest values the model trained on (inputs and targets)."""

    low: float
    high: float

    def beyond(self, values) -> str | None:
        """A short note when any of `values` lies outside the range, else None."""
        values = np.asarray(values, dtype=float)
        above, below = values.max() > self.high, values.min() < self.low
        if not (above or below):
            return None
        side = "above" if above and not below else "below" if below and not above else "outside"
        edge = f"{self.high:.4g}" if side == "above" else f"{self.low:.4g}" if side == "below" else f"{self.low:.4g} to {self.high:.4g}"
        return (
            f"the model has never seen values {side} {edge}: it trained on values from {self.low:.4g} to {self.high:.4g}, "
            "so here it can only guess"
        )


def trained_range_values(result: TrainResult) -> np.ndarray:
    """The values the training windows cover, `(n_train + window,)`."""
    return result.series.to_numpy()[: result.n_train + result.config.window]


def trained_range(result: TrainResult) -> ValueRange:
    train = trained_range_values(result)
    return ValueRange(float(train.min()), float(train.max()))


@dataclass(frozen=True)
class StepErrors:
    """MAE at 1, 2, … steps ahead over `origins` forecasts on the held-out part: the model's and the last value's."""

    model: np.ndarray  # (horizon,)
    naive: np.ndarray  # (horizon,)
    origins: int

    @property
    def steps(self) -> np.ndarray:
        return np.arange(1, len(self.model) + 1)


def errors_by_steps_ahead(result: TrainResult, horizon: int | None = None) -> StepErrors | None:
    """Rolling origin: forecast from every start whose next `horizon` values are all held out, feeding each guess back.

    None when nothing is held out. By default the horizon is HORIZON, or half the held-out length when that is
    shorter, so that several starts fit; a given horizon shrinks only to the held-out length.
    """
    values, window = result.series.to_numpy(), result.config.window
    first = result.n_train + window  # the first held-out position
    held_out = len(values) - first
    if held_out < 1:
        return None
    horizon = min(HORIZON, max(1, held_out // 2)) if horizon is None else min(horizon, held_out)
    origins = np.arange(first, len(values) - horizon + 1)
    windows = np.stack([values[o - window : o] for o in origins])
    guesses = forecast_many(result, windows, horizon)
    truth = np.stack([values[o : o + horizon] for o in origins])
    naive = np.abs(truth - values[origins - 1][:, None])
    return StepErrors(np.abs(guesses - truth).mean(axis=0), naive.mean(axis=0), len(origins))
