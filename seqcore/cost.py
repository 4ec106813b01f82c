"""What a training costs before it starts, and the limit that keeps every allowed training affordable.

A worker must finish any training it accepts in about a minute, and report progress at least twice a
second so that Stop is quick: so one epoch may take at most MAX_EPOCH_SECONDS and the whole training
MAX_TRAINING_SECONDS. The estimate is linear in the work of one epoch (windows × window length ×
the recurrent layers' weights, plus a cost per timestep of each batch), with constants measured by
bench/bench_cost.py (figures in BENCHMARKS.md).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .config import InputError, TrainConfig

# estimated seconds on the project's 2-core machine for the compiled (XLA) loop, where a training spends its time (a
# worker's plain loop, used only until that program is compiled, is slower for small models: BENCHMARKS.md). The
# estimate is meant never to run more than 1.2x low on bench/bench_cost.py's grid, so an estimate of 0.25 s keeps a
# real epoch within about 0.3 s
MAX_EPOCH_SECONDS = 0.25
MAX_TRAINING_SECONDS = 60.0
# a least-squares fit to bench/bench_cost.py's measurements, rounded up, then raised where the grid's long windows with
# few units, stacked SimpleRNNs and the smallest models ran over it (issue 18; BENCHMARKS.md)
SECONDS_PER_FIRST_LAYER_WEIGHT_STEP = 1.5e-10  # a first-layer weight, one timestep of one window, forward and back
SECONDS_PER_DEEPER_LAYER_WEIGHT_STEP = 4.2e-10  # the same for a stacked layer's weight
SECONDS_PER_BATCH_STEP = 1.3e-5  # one timestep of one batch in one layer, whatever the sizes
SECONDS_PER_BATCH_WEIGHT = 1.0e-8  # Adam's update of one weight, once per batch
SECONDS_PER_EPOCH = 8.0e-4

_GATES = {"lstm": 4, "gru": 3, "rnn": 1}


@dataclass(frozen=True)
class Estimate:
    epoch_seconds: float
    seconds: float


def layer_weights(config: TrainConfig) -> tuple[int, int]:
    """The recurrent weights of the first layer, and of all the stacked layers after it."""
    gates, units = _GATES[config.cell], config.units
    first = gates * units * (1 + units + 1)
    return first, (config.layers - 1) * gates * units * (units + units + 1)


def estimate(config: TrainConfig, windows: int) -> Estimate:
    """Seconds for one epoch and for the whole training of `config` on `windows` windows."""
    first, deeper = layer_weights(config)
    batches = math.ceil(windows / config.batch_size)
    steps = windows * config.window
    epoch = (
        SECONDS_PER_FIRST_LAYER_WEIGHT_STEP * steps * first
        + SECONDS_PER_DEEPER_LAYER_WEIGHT_STEP * steps * deeper
        + SECONDS_PER_BATCH_STEP * batches * config.window * config.layers
        + SECONDS_PER_BATCH_WEIGHT * batches * (first + deeper)
        + SECONDS_PER_EPOCH
    )
    return Estimate(epoch, epoch * config.epochs)


def check(config: TrainConfig, windows: int) -> None:
    """InputError, naming the biggest factor and the limit, when the training would take too long."""
    guess = estimate(config, windows)
    if guess.epoch_seconds > MAX_EPOCH_SECONDS:
        field, advice = _biggest_factor(config, windows)
        raise InputError(
            f"one epoch would take about {guess.epoch_seconds:.2g} s, over the {MAX_EPOCH_SECONDS:g} s limit that keeps Stop "
            f"and the live chart quick; {advice}",
            field,
        )
    if guess.seconds > MAX_TRAINING_SECONDS:
        most = max(1, int(MAX_TRAINING_SECONDS / guess.epoch_seconds))
        raise InputError(
            f"{config.epochs:,} epochs would take about {guess.seconds:.0f} s, over the {MAX_TRAINING_SECONDS:g} s limit "
            f"for one training: use at most {most:,} epochs with these settings, or fewer units or a shorter window",
            "epochs",
        )


def _biggest_factor(config: TrainConfig, windows: int) -> tuple[str, str]:
    """The model setting that grew the cost most against the notebook's (units count twice: weights grow as units²), and its limit."""
    notebook = TrainConfig()
    growth = {
        "units": (config.units / notebook.units) ** 2,
        "window": config.window / notebook.window,
        "layers": config.layers / notebook.layers,
    }
    factor = max(growth, key=growth.get)
    value = getattr(config, factor)
    fits = next((n for n in range(value - 1, 0, -1) if _affordable(dataclasses.replace(config, **{factor: n}), windows)), None)
    name = {"units": "Units", "window": "Window", "layers": "Layers"}[factor]
    if fits is None:
        others = " or ".join(f"{n.capitalize()} ({getattr(config, n):,})" for n in growth if n != factor and getattr(config, n) > 1)
        return factor, (
            f"the biggest factor is {name} ({value:,}), but lowering it alone is not enough: also lower "
            + (f"{others}, or use a shorter series ({windows:,} windows)" if others else f"the series' length ({windows:,} windows)")
        )
    return factor, f"the biggest factor is {name} ({value:,}): at most {fits:,} fits with these settings"


def _affordable(config: TrainConfig, windows: int) -> bool:
    guess = estimate(config, windows)
    return guess.epoch_seconds <= MAX_EPOCH_SECONDS and guess.seconds <= MAX_TRAINING_SECONDS


def check_many(config: TrainConfig, windows: int, trainings: int) -> None:
    """Refuse `trainings` runs of `config` (several seeds) whose estimated total passes MAX_TRAINING_SECONDS."""
    total = estimate(config, windows).seconds * trainings
    if total > MAX_TRAINING_SECONDS:
        raise InputError(
            f"{trainings} trainings with these settings would take about {total:.0f} s together, over the "
            f"{MAX_TRAINING_SECONDS:g} s limit; use fewer epochs or units, or a shorter window",
            "epochs",
        )
