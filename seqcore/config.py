"""The one home of hyperparameters: `TrainConfig`, its bounds, and `InputError`."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

import numpy as np

CELLS = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")

# upper bounds keep one training within seconds on a 2-core laptop and the
# traced graphs small; every message names the bound it hit.
MAX_UNITS = 512
MAX_EPOCHS = 10_000
MAX_WINDOW = 200
MAX_LAYERS = 3
MAX_BATCH_SIZE = 4096
MAX_SEED = 2**31 - 1
# the scale is a divisor: the smallest brings values of 1e-14 up to 0.01, the largest brings the largest
# series a user may give (data.MAX_MAGNITUDE) down to 1; a dashboard's Scale box offers exactly this range
MIN_SCALE = 1e-12
MAX_SCALE = 1e15
MAX_OFFSET = 1e15  # the largest series value a user may give (data.MAX_MAGNITUDE)
MIN_LEARNING_RATE = 1e-6  # three orders of magnitude below Adam's usual 1e-3
MAX_LEARNING_RATE = 1.0
MAX_VAL_FRACTION = 0.5
QUOTE_CHARACTERS = 40  # how much of a user's value a message repeats


class InputError(ValueError):
    """Something a user supplied (a setting, a series, a file) cannot be used.

    The message names the field, row or file and says how to fix it; `field` is the
    TrainConfig field at fault, when there is one (a UI can point at its widget).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run. Defaults are the reference notebook's."""

    units: int = 30  # notebook: LSTM(30)
    epochs: int = 500  # notebook: fit(..., epochs=500)
    window: int = 3  # notebook: [1,2,3] -> 4, i.e. three values in, one out
    scale: float = 100.0  # notebook: x / 100 and y / 100
    offset: float = 0.0  # subtracted before dividing by scale; the notebook has none
    learning_rate: float = 0.001  # keras Adam's default, which the notebook uses
    cell: str = "lstm"  # "gru" and "rnn" (SimpleRNN) let students test the notebook's claim
    activation: str = "tanh"  # notebook: activation="tanh"
    seed: int = 0  # same seed, same initial weights, same losses
    val_fraction: float = 0.0  # last share of windows held out, in time order; 0 = notebook
    batch_size: int = 32  # keras fit's default; four windows make one full batch
    layers: int = 1  # stacked recurrent layers; the notebook has one

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "int":
                object.__setattr__(self, f.name, as_int(f.name, value))
            elif f.type == "float":
                object.__setattr__(self, f.name, as_float(f.name, value))
            elif f.type == "str":
                if not isinstance(value, str):
                    raise InputError(f"{f.name} must be text, got {quote(value)}", f.name)
                object.__setattr__(self, f.name, value.strip().lower())
        check_range("units", self.units, 1, MAX_UNITS)
        check_range("epochs", self.epochs, 1, MAX_EPOCHS)
        check_range("window", self.window, 1, MAX_WINDOW)
        check_range("layers", self.layers, 1, MAX_LAYERS)
        check_range("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        check_range("seed", self.seed, 0, MAX_SEED)
        if not self.scale > 0:
            raise InputError(f"scale must be a positive number (the series is divided by it), got {self.scale:g}", "scale")
        if not MIN_SCALE <= self.scale <= MAX_SCALE:
            raise InputError(
                f"scale must be between {MIN_SCALE:g} and {MAX_SCALE:g} (the series is divided by it), got {self.scale:g}", "scale"
            )
        if not abs(self.offset) <= MAX_OFFSET:
            raise InputError(
                f"offset must be between {-MAX_OFFSET:g} and {MAX_OFFSET:g} (it is subtracted from the series), got {self.offset:g}",
                "offset",
            )
        if not MIN_LEARNING_RATE <= self.learning_rate <= MAX_LEARNING_RATE:
            raise InputError(
                f"learning_rate must be between {MIN_LEARNING_RATE:g} and {MAX_LEARNING_RATE:g} (Adam's usual is 0.001), "
                f"got {self.learning_rate:g}",
                "learning_rate",
            )
        if not 0 <= self.val_fraction <= MAX_VAL_FRACTION:
            raise InputError(
                f"val_fraction must be between 0 and {MAX_VAL_FRACTION:g} (a share of the windows), got {self.val_fraction:g}",
                "val_fraction",
            )
        if self.cell not in CELLS:
            raise InputError(f"cell must be one of {', '.join(CELLS)}, got {quote(self.cell)}", "cell")
        if self.activation not in ACTIVATIONS:
            raise InputError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {quote(self.activation)}", "activation")

    @property
    def architecture(self) -> tuple:
        """What decides the model's variables; runs that share it can share one traced trainer."""
        return (self.cell, self.units, self.layers, self.activation)


def quote(value: object, limit: int = QUOTE_CHARACTERS) -> str:
    """A user's value as a message repeats it: its repr, cut to `limit` characters, and never a huge number in full."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)).bit_length() > 64:
        digits = int(abs(int(value)).bit_length() * math.log10(2)) + 1  # str() of such an int can even be refused
        return f"a whole number of about {digits:,} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_int(name: str, value: object) -> int:
    """A whole number from an int, a NumPy integer, an integral float or text; InputError naming `name` otherwise."""
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be a whole number, got {quote(value)}", name)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        return int(float(value))
    if isinstance(value, str) and len(value) <= 100:
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise InputError(f"{name} must be a whole number, got {quote(value)}", name)


def as_float(name: str, value: object) -> float:
    """A finite number from an int, float, NumPy scalar or text; InputError naming `name` otherwise."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (complex, np.complexfloating)):
        raise InputError(f"{name} must be a number, got {quote(value)}", name)
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an int too large for a float
        raise InputError(f"{name} must be a finite number, got {quote(value)}", name) from None
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {quote(value)}", name) from None
    if not math.isfinite(number):
        raise InputError(f"{name} must be a finite number, got {quote(value)}", name)
    return number


def check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        shown = f"{value:,}" if abs(value) < 10**18 else quote(value)
        raise InputError(f"{name} must be between {low:,} and {high:,}, got {shown}", name)
