"""What a training costs before it starts, and the limit that keeps every allowed training affordable.

A worker must finish any training it accepts in about a minute, and report progress at least twice a
second so that Stop is quick: so one epoch may take at most MAX_EPOCH_SECONDS and the whole training
MAX_TRAINING_SECONDS. The estimate is linear in the work of one epoch (windows × window length ×
the recurrent layers' weights, plus a cost per timestep of each batch), with constants measured by
bench/bench_cost.py (figures in BENCHMARKS.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import CELLS, InputError, TrainConfig

MAX_EPOCH_SECONDS = 0.4
MAX_TRAINING_SECONDS = 60.0
SECONDS_PER_WEIGHT_STEP = 2.0e-9  # one recurrent weight, one timestep of one window, forward and backward
SECONDS_PER_BATCH_STEP = 1.0e-5  # one timestep of one batch, whatever its size
SECONDS_PER_EPOCH = 1.0e-4

_GATES = {"lstm": 4, "gru": 3, "rnn": 1}


@dataclass(frozen=True)
class Estimate:
    epoch_seconds: float
    seconds: float


def recurrent_weights(config: TrainConfig) -> int:
    total, inputs = 0, 1
    for _ in range(config.layers):
        total += _GATES[config.cell] * config.units * (inputs + config.units + 1)
        inputs = config.units
    return total


def estimate(config: TrainConfig, windows: int) -> Estimate:
    """Seconds for one epoch and for the whole training of `config` on `windows` windows."""
    batches = math.ceil(windows / config.batch_size)
    epoch = (
        SECONDS_PER_WEIGHT_STEP * windows * config.window * recurrent_weights(config)
        + SECONDS_PER_BATCH_STEP * batches * config.window * config.layers
        + SECONDS_PER_EPOCH
    )
    return Estimate(epoch, epoch * config.epochs)


def check(config: TrainConfig, windows: int) -> None:
    """InputError, naming the biggest factor and the limit, when the training would take too long."""
    guess = estimate(config, windows)
    if guess.epoch_seconds > MAX_EPOCH_SECONDS:
        field, advice = _biggest_factor(config, windows)
        raise InputError(
            f"one epoch of this training would take about {guess.epoch_seconds:.2g} s, and the limit is "
            f"{MAX_EPOCH_SECONDS:g} s so that Stop and the live chart stay quick; {advice}",
            field,
        )
    if guess.seconds > MAX_TRAINING_SECONDS:
        most = max(1, int(MAX_TRAINING_SECONDS / guess.epoch_seconds))
        raise InputError(
            f"{config.epochs:,} epochs would take about {guess.seconds:.0f} s, and the limit is {MAX_TRAINING_SECONDS:g} s: "
            f"use at most {most:,} epochs with these settings, or fewer units or a shorter window",
            "epochs",
        )


def _biggest_factor(config: TrainConfig, windows: int) -> tuple[str, str]:
    """The setting that grew the cost most against the notebook's (units count twice: weights grow as units²)."""
    notebook = TrainConfig()
    growth = {
        "units": (config.units / notebook.units) ** 2,
        "window": config.window / notebook.window,
        "layers": config.layers / notebook.layers,
    }
    field = max(growth, key=growth.get)
    if growth[field] <= 1 and windows > 4 * growth[field]:
        return "window", f"the series has {windows:,} windows: use a shorter series, or fewer units or a shorter window"
    for smaller in range(getattr(config, field) - 1, 0, -1):
        trial = TrainConfig(**{**config.__dict__, field: smaller})
        if estimate(trial, windows if field != "window" else windows).epoch_seconds <= MAX_EPOCH_SECONDS:
            word = {"units": "units", "window": "a window of", "layers": "layers"}[field]
            shown = f"at most {word} {smaller}" if field == "window" else f"at most {smaller} {word}"
            return field, f"the biggest factor is {field} ({getattr(config, field)} {CELLS[config.cell]} {field}): use {shown}"
    return field, f"the biggest factor is {field} ({getattr(config, field)}): lower it, or use a shorter series"
