"""Continuing a run ("train N more epochs"): whether a finished or stopped run may go on, checked without TensorFlow."""

from __future__ import annotations

import dataclasses

import numpy as np

from .config import InputError, TrainConfig, quote
from .result import TrainResult
from .windows import as_values


def check(series, config: TrainConfig, resume: TrainResult) -> None:
    """InputError, naming the field and the fix, unless `resume` can train on to `config.epochs` (the new total) on
    `series` `(length,)`: it must have kept Adam's state, and everything else that decides the run must be its own."""
    if not isinstance(resume, TrainResult):
        raise InputError(f"resume must be a TrainResult (a run to continue), got {type(resume).__name__}")
    if resume.optimizer is None:
        raise InputError("this run kept no optimizer state, so it cannot be continued; train it again")
    for field in dataclasses.fields(TrainConfig):
        new, old = getattr(config, field.name), getattr(resume.config, field.name)
        if field.name != "epochs" and new != old:
            raise InputError(
                f"{field.name} is {quote(new)}, but the run being continued trained with {quote(old)}; continue it with "
                "its own settings (only epochs, the new total, may change), or train a new run",
                field.name,
            )
    done = resume.epochs_trained
    if config.epochs <= done:
        raise InputError(
            f"epochs is the new total and must be more than the {done:,} epochs this run has trained; ask for at least {done + 1:,}",
            "epochs",
        )
    values, old_values = as_values(series), resume.series.to_numpy(dtype=float)
    if not np.array_equal(values, old_values):
        told = f"{len(values):,} values against its {len(old_values):,}" if len(values) != len(old_values) else "other values"
        raise InputError(f"the series is not the one this run trained on ({told}); continue it on its own series, or train a new run")


def remaining(config: TrainConfig, resume: TrainResult | None) -> TrainConfig:
    """`config` with only the epochs still to train (all of them without `resume`): what the cost limit judges."""
    if resume is None:
        return config
    return dataclasses.replace(config, epochs=max(1, config.epochs - resume.epochs_trained))
