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


def describe(config: seqcore.TrainConfig) -> str:
    return (
        f"{CELL_NAMES[config.cell]}({config.units}) ×{config.layers}, window {config.window}, "
        f"{config.epochs} epochs, scale {config.scale:g}"
        + (f", offset {config.offset:g}" if config.offset else "")
        + f", lr {config.learning_rate:g}, seed {config.seed}"
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
