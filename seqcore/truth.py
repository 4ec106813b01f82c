"""The true next value where it is known (the ramp and the generated series), and how far an answer is from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .datasets import MAX_NOISE, formula
from .numbers import number

if TYPE_CHECKING:
    from .result import TrainResult

WINDOW_DIGITS = 1e-5  # a window typed back as "%g" prints it (6 significant digits) is still the series' own

# what a sentence calls each built-in series whose next value can be told
NAMES = {
    "ramp": "the ramp",
    "arithmetic": "the arithmetic progression",
    "sine": "the sine wave",
    "noisy_sine": "the sine wave",
    "random_walk": "the random walk",
}


@dataclass(frozen=True)
class Truth:
    """The next value of a built-in series: `value` is the true one when `noise` is 0, else the formula's value without
    its noise (the best answer any model can give; the actual value lies about ±`noise` from it). For a random walk
    (`known` False) nobody can know it: `value` is only the best possible answer, its last value."""

    value: float
    name: str  # the series in a sentence: "the ramp"
    noise: float = 0.0
    known: bool = True


@dataclass(frozen=True)
class Distances:
    """The model's and copying's answers after the series' last window, and how far each is from `truth.value`."""

    truth: Truth
    model: float
    copying: float

    @property
    def model_off(self) -> float:
        return abs(self.model - self.truth.value)

    @property
    def copying_off(self) -> float:
        return abs(self.copying - self.truth.value)

    @property
    def closer_than_copying(self) -> bool:
        """The model's answer is nearer the truth than copying's (never for a random walk: copying is its best answer)."""
        return self.truth.known and self.model_off < self.copying_off

    @property
    def text(self) -> str:
        """One plain sentence: "The ramp goes on with 8. Your model says 5.88, off by 2.12; copying says 7, off by 1." """
        truth, model = self.truth, number(self.model)
        name = truth.name[:1].upper() + truth.name[1:]
        if not truth.known:
            return (
                f"{name}'s next step is chance, so nobody can know its next value: the best possible answer is its last "
                f"value, {number(truth.value)} (what copying says), and the actual value lands about ±{about(truth.noise)} "
                f"from it. Your model says {model}, {number(self.model_off)} away from that best answer."
            )
        copying = f"copying says {number(self.copying)}, off by {number(self.copying_off)}"
        answers = f"Your model says {model}, off by {number(self.model_off)}; {copying}."
        if truth.noise == 0:
            return f"{name} goes on with {number(truth.value)}. {answers}"
        return (
            f"Without its noise, {truth.name} goes on with {number(truth.value)}: the best answer any model can give; the "
            f"noise moves the actual value about ±{about(truth.noise)} from it. {answers}"
        )


def about(noise: float) -> str:
    """A noise's size in a sentence, 2 significant digits: "4.5", "1,000"."""
    return number(float(f"{noise:.2g}"))


def truth_of(series: pd.Series) -> Truth | None:
    """The value after `series` `(length,)`, where it is known: the ramp, and the generated series (their formula);
    None for real and uploaded series.

    A built-in series says what it is in `series.attrs` (set by `get_dataset`); one brought back from the run database
    has only its name and values, and is taken for the built-in one only when its values fit the formula."""
    name = series.attrs.get("dataset")
    values = series.to_numpy(dtype=float)
    if name is not None:
        noise = float(series.attrs.get("noise", 0.0))
    elif "column" in series.attrs or series.name not in NAMES:
        return None  # an upload (a column of a file), whatever its name
    else:
        name = series.name
        noise = _fitted_noise(name, values)
        if noise is None:
            return None
    if name not in NAMES:
        return None
    if name == "ramp":
        return Truth(float(len(values) + 1), NAMES[name])
    if name == "random_walk":  # without noise it never moves: then its next value is known
        return Truth(float(values[-1]), NAMES[name], noise, known=noise == 0)
    return Truth(float(formula(name, [len(values)])[0]), NAMES[name], noise)


def truth_for(result: TrainResult) -> Truth | None:
    """The true next value after the run's series (None: not known)."""
    return truth_of(result.series)


def distances_for(result: TrainResult, window, prediction: float) -> Distances | None:
    """How far `prediction`, the model's answer after `window`, and copying's (its last value) are from the truth; None
    when the truth is not known or `window` is not the series' own last window (an edited window has no known answer)."""
    truth = truth_for(result)
    size = result.config.window
    own = result.series.to_numpy(dtype=float)[-size:]
    window = np.asarray(window, dtype=float).reshape(-1)[-size:]
    # the page's box shows the window to 6 significant digits: that is still the series' own window
    if truth is None or len(window) != len(own) or not np.allclose(window, own, rtol=WINDOW_DIGITS, atol=0):
        return None
    return Distances(truth, float(prediction), float(own[-1]))


def _fitted_noise(name: str, values: np.ndarray) -> float | None:
    """The noise of a stored series named after a built-in one, or None when its values are not that series'."""
    if name == "ramp":
        return 0.0 if np.array_equal(values, np.arange(1.0, len(values) + 1)) and len(values) == 7 else None
    steps = np.diff(values) if name == "random_walk" else values - formula(name, np.arange(len(values)))
    noise = float(np.std(steps))
    if noise <= 1e-9 * max(1.0, float(np.abs(values).max())):
        return 0.0
    if noise > MAX_NOISE or len(steps) < 8:
        return None
    # generated noise is independent from value to value: other data left over by the formula is not (it has a shape)
    centred = steps - steps.mean()
    lag_one = float(np.sum(centred[1:] * centred[:-1]) / np.sum(centred**2))
    bound = 4 / np.sqrt(len(steps))
    return noise if abs(lag_one) < bound and abs(steps.mean()) < bound * noise else None
