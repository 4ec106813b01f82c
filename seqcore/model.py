"""The network: recurrent layer(s) then Dense(1), and a seeded re-initialisation that reuses its variables."""

from __future__ import annotations

import numpy as np

from ._tf import keras
from .config import CELLS, TrainConfig


def build_model(config: TrainConfig):
    """`keras.Sequential`: input `(batch, timesteps, 1)` -> `layers` x cell(`units`) -> Dense(1) -> `(batch, 1)`.

    The time axis is left open (None) so one model, and one traced trainer, serves every window length.
    """
    layer_class = getattr(keras.layers, CELLS[config.cell])
    stack = [keras.Input(shape=(None, 1))]
    for i in range(config.layers):
        # every layer but the last hands its whole output sequence to the next
        stack.append(layer_class(config.units, activation=config.activation, return_sequences=i < config.layers - 1))
    stack.append(keras.layers.Dense(1))
    return keras.Sequential(stack)


def initial_weights(model, seed: int) -> list[np.ndarray]:
    """Fresh weights for `model` as its own initialisers would draw them, fully decided by `seed`.

    Returns one array per `model.weights` entry, in that order. Using this for every
    run (first or reused model alike) is what makes a seed mean the same weights
    whether or not a traced trainer was reused.
    """
    values = []
    for index, variable in enumerate(model.weights):
        layer, kind = _owner(model, variable)
        shape, dtype = tuple(variable.shape), variable.dtype
        if kind == "bias" and getattr(layer, "unit_forget_bias", False):
            # keras' LSTM default: forget-gate bias starts at 1 so the cell remembers early on
            units = shape[0] // 4
            values.append(np.concatenate([np.zeros(units), np.ones(units), np.zeros(2 * units)]).astype(dtype))
            continue
        initializer = getattr(layer, {"recurrent_kernel": "recurrent_initializer"}.get(kind, f"{kind}_initializer"))
        config = initializer.get_config()
        if "seed" in config:
            config["seed"] = int(np.random.SeedSequence([seed, index]).generate_state(1)[0] >> 1)
        values.append(np.asarray(type(initializer).from_config(config)(shape, dtype=dtype)))
    return values


def _owner(model, variable):
    """The layer or RNN cell that holds `variable`, and which of its weights it is."""
    for layer in model.layers:
        holder = getattr(layer, "cell", layer)
        for kind in ("kernel", "recurrent_kernel", "bias"):
            if getattr(holder, kind, None) is variable:
                return holder, kind
    raise RuntimeError(f"unexpected weight {variable.path}")
