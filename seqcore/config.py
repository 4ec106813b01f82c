"""The one home of hyperparameters: `TrainConfig`, its bounds, and `InputError`."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

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
                object.__setattr__(self, f.name, _as_int(f.name, value))
            elif f.type == "float":
                object.__setattr__(self, f.name, _as_float(f.name, value))
            elif f.type == "str":
                if not isinstance(value, str):
                    raise InputError(f"{f.name} must be text, got {value!r}", f.name)
                object.__setattr__(self, f.name, value.strip().lower())
        _check_range("units", self.units, 1, MAX_UNITS)
        _check_range("epochs", self.epochs, 1, MAX_EPOCHS)
        _check_range("window", self.window, 1, MAX_WINDOW)
        _check_range("layers", self.layers, 1, MAX_LAYERS)
        _check_range("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        _check_range("seed", self.seed, 0, MAX_SEED)
        if not self.scale > 0:
            raise InputError(f"scale must be a positive number (the series is divided by it), got {self.scale:g}", "scale")
        if not 0 < self.learning_rate <= 1:
            raise InputError(
                f"learning_rate must be above 0 and at most 1 (Adam's usual is 0.001), got {self.learning_rate:g}", "learning_rate"
            )
        if not 0 <= self.val_fraction <= 0.5:
            raise InputError(f"val_fraction must be between 0 and 0.5 (a share of the windows), got {self.val_fraction:g}", "val_fraction")
        if self.cell not in CELLS:
            raise InputError(f"cell must be one of {', '.join(CELLS)}, got {self.cell!r}", "cell")
        if self.activation not in ACTIVATIONS:
            raise InputError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {self.activation!r}", "activation")

    @property
    def architecture(self) -> tuple:
        """What decides the model's variables; runs that share it can share one traced trainer."""
        return (self.cell, self.units, self.layers, self.activation)


def _as_int(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise InputError(f"{name} must be a whole number, got {value!r}", name)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise InputError(f"{name} must be a whole number, got {value!r}", name)


def _as_float(name: str, value: object) -> float:
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, got {value!r}", name)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}", name) from None
    if not math.isfinite(number):
        raise InputError(f"{name} must be a finite number, got {value!r}", name)
    return number


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high:,}, got {value:,}", name)
