"""Names and wording every page shares: field labels (derived from `TrainConfig`), cell names, run descriptions."""

from __future__ import annotations

import re
from dataclasses import fields

import seqcore

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
# only where a field's own name, spaced and capitalised, would not say it well
_LABEL_WORDS = {"val_fraction": "Held-out share"}
# one label per TrainConfig field, in its order: the sidebar's fields and its error messages use these
LABELS = {f.name: _LABEL_WORDS.get(f.name, f.name.replace("_", " ").capitalize()) for f in fields(seqcore.TrainConfig)}


def plain(text: str) -> str:
    """Text shown literally in Streamlit markdown: user-supplied names never become markup or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])", r"\\\1", str(text))


# one line for each word a first-time user meets on the main screen, said where it appears
EXPLAIN = {
    "mse": "MSE (mean squared error): the average of (guess − truth)², here on the scaled values. Lower is better.",
    "scaled": "Scaled values are what the network sees: (value − offset) ÷ scale, small numbers near −1 to 1.",
    "scale": "The network sees (value − offset) ÷ scale, small numbers it learns well from; its answers are turned back the same way.",
    "learning_rate": "How big a step Adam (the method that adjusts the weights) takes after each batch of windows. "
    f"Adam's usual is 0.001; between {seqcore.config.MIN_LEARNING_RATE:g} and {seqcore.config.MAX_LEARNING_RATE:g}.",
    "layers": "Recurrent layers stacked on top of each other, each reading the outputs of the one below "
    f"(1 to {seqcore.config.MAX_LAYERS}).",
    "seed": "The number that decides the random starting weights: the same seed gives the same run, another seed another run.",
}


def describe(config: seqcore.TrainConfig) -> str:
    layers = "1 layer" if config.layers == 1 else f"{config.layers} layers"
    return (
        f"{CELL_NAMES[config.cell]}({config.units} units), {layers}, window {config.window}, "
        f"{config.epochs} epochs, scale {config.scale:g}"
        + (f", offset {config.offset:g}" if config.offset else "")
        + f", learning rate {config.learning_rate:g}, seed {config.seed}"
        + (f", {config.val_fraction:.0%} held out" if config.val_fraction else "")
    )


def differences(configs: list[seqcore.TrainConfig]) -> list[str]:
    """The fields whose values differ between `configs`, in TrainConfig's order."""
    return [name for name in LABELS if len({getattr(c, name) for c in configs}) > 1]


def setting(config: seqcore.TrainConfig, name: str) -> str:
    """One setting as a legend shows it: "Units 16", "Cell GRU", "Held-out share 20%"."""
    value = getattr(config, name)
    shown = (
        CELL_NAMES[value]
        if name == "cell"
        else f"{value:.0%}"
        if name == "val_fraction"
        else f"{value:g}"
        if isinstance(value, float)
        else value
    )
    return f"{LABELS[name]} {shown}"


def field_error(exc: seqcore.InputError) -> str:
    """An error message that names the widget to change."""
    label = LABELS.get(getattr(exc, "field", None) or "", "Settings")
    return f"**{label}**: {plain(exc)}"
