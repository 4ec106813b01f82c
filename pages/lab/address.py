"""Settings in the page address: every sidebar setting as a short query parameter, the series' own defaults left out.

A reload, or a link sent to someone, brings back the same series and settings. What is not a setting (the workspace
`ws`, a `lesson`, a class to `join`) stays in the address beside them. A value that cannot be used (typed by hand,
cut short, tampered with) falls back to its default, and the page says which and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

import seqcore
from pages.lab import sources
from seqcore import config as limits


@dataclass(frozen=True)
class Field:
    """One sidebar setting: its session-state key, its query parameter, and the values it may take."""

    key: str
    param: str
    kind: type  # int, float, str (one of `choices`) or bool
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    label: str = ""

    def parse(self, text: str):
        """The value `text` stands for; ValueError, in words, when it cannot be one."""
        text = text.strip()
        if self.kind is bool:
            if text not in ("0", "1"):
                raise ValueError("must be 0 or 1")
            return text == "1"
        if self.kind is str:
            if text not in self.choices:
                raise ValueError(f"must be one of {', '.join(self.choices)}")
            return text
        try:
            value = self.kind(text)
        except ValueError:
            raise ValueError("must be a whole number" if self.kind is int else "must be a number") from None
        if not self.low <= value <= self.high:  # a NaN fails here too
            raise ValueError(f"must be between {self.low:g} and {self.high:g}")
        return value

    def show(self, value) -> str:
        """`value` as the address holds it: short, and read back exactly."""
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is float:
            text = repr(float(value))
            return text[:-2] if text.endswith(".0") else text
        return str(value)


def _fields() -> tuple[Field, ...]:
    from pages.lab.text import LABELS

    datasets = seqcore.datasets
    return (
        Field("data_source", "data", str, choices=tuple(sources.SOURCES), label="Data"),
        Field("length", "length", int, datasets.MIN_LENGTH, seqcore.data.MAX_SERIES_LENGTH, label="Length"),
        Field("noise", "noise", float, 0.0, datasets.MAX_NOISE, label="Noise"),
        Field("data_seed", "dseed", int, 0, datasets.MAX_DATA_SEED, label="Series seed"),
        Field("cell", "cell", str, choices=tuple(limits.CELLS), label=LABELS["cell"]),
        Field("window", "window", int, 1, limits.MAX_WINDOW, label=LABELS["window"]),
        Field("units", "units", int, 1, limits.MAX_UNITS, label=LABELS["units"]),
        Field("epochs", "epochs", int, 1, limits.MAX_EPOCHS, label=LABELS["epochs"]),
        Field("val_fraction", "held", float, 0.0, limits.MAX_VAL_FRACTION, label=LABELS["val_fraction"]),
        Field("scale", "scale", float, limits.MIN_SCALE, limits.MAX_SCALE, label=LABELS["scale"]),
        Field("offset", "offset", float, -limits.MAX_OFFSET, limits.MAX_OFFSET, label=LABELS["offset"]),
        Field("learning_rate", "lr", float, limits.MIN_LEARNING_RATE, limits.MAX_LEARNING_RATE, label=LABELS["learning_rate"]),
        Field("seed", "seed", int, 0, limits.MAX_SEED, label=LABELS["seed"]),
        Field("activation", "act", str, choices=limits.ACTIVATIONS, label=LABELS["activation"]),
        Field("batch_size", "batch", int, 1, limits.MAX_BATCH_SIZE, label=LABELS["batch_size"]),
        Field("layers", "layers", int, 1, limits.MAX_LAYERS, label=LABELS["layers"]),
        Field("period", "period", int, 0, seqcore.data.MAX_SERIES_LENGTH // 2, label="Period (seasonal rule)"),
        Field("large_text", "big", bool, label="Large text"),
    )


FIELDS = {f.key: f for f in _fields()}
PARAMS = {f.param: f for f in FIELDS.values()}


def defaults() -> dict:
    """Every sidebar setting's starting value: the notebook's config and the first series at its own defaults."""
    from pages.lab.sidebar import DEFAULTS

    return {key: DEFAULTS[key] for key in FIELDS}


# the settings the others' defaults follow from: each is left out of the address when it is the notebook's
ANCHORS = ("data_source", "length", "data_seed", "window")


def baseline(values: dict) -> dict:
    """The settings a user gets by choosing `values`' series in the sidebar (its noise, held-out share and scaling
    follow from the series, its length and seed, and the window); what the address leaves out."""
    base = defaults()
    for key in ANCHORS:
        base[key] = values.get(key, base[key])
    name = base["data_source"]
    if name == "upload":
        return base
    base["noise"] = seqcore.DATASETS[name].noise
    noise = values.get("noise", base["noise"])  # the series it scales is the one with this noise
    try:
        base |= sources.suited_to(name, int(base["length"]), noise, int(base["data_seed"]), int(base["window"]))
    except seqcore.InputError:
        pass  # a window too long for the series: the sidebar says so; the address keeps every value
    return base


def encode(values: dict) -> dict[str, str]:
    """The query parameters for `values` (session-state keys to values): those that differ from the baseline."""
    base = baseline(values) | {key: value for key, value in defaults().items() if key in ANCHORS}
    return {f.param: f.show(values[key]) for key, f in FIELDS.items() if key in values and values[key] != base[key]}


@dataclass
class Decoded:
    """Settings read from an address: every sidebar value, and a note for each parameter that could not be used."""

    values: dict
    notes: list[str] = field(default_factory=list)


def decode(params: dict[str, str], keys=None) -> Decoded:
    """The settings `params` stand for (the baseline of their series where they say nothing); `keys`, when given,
    limits which settings the parameters may set (a lesson's student may set only some)."""
    read, notes = {}, []
    for param, f in PARAMS.items():
        if param not in params or (keys is not None and f.key not in keys):
            continue
        try:
            read[f.key] = f.parse(str(params[param]))
        except ValueError as why:
            notes.append(f"{f.label} in the address ({_quoted(params[param])}) {why}, so it starts at its default.")
    return Decoded(baseline(read) | read, notes)


def _quoted(text) -> str:
    text = str(text)
    return repr(text if len(text) <= 20 else text[:19] + "…")


def read_address(keys=None) -> Decoded:
    """The settings in this page's address."""
    return decode({name: st.query_params.get(name) for name in PARAMS if name in st.query_params}, keys)


def write_address(wanted: dict[str, str], keys=None) -> None:
    """Keep the address in step with the sidebar: set `wanted` (`encode`'s parameters), drop the other settings.

    `keys` limits which settings the address carries (a lesson's fixed ones live in its signed part)."""
    for param, f in PARAMS.items():
        carried = keys is None or f.key in keys
        if carried and param in wanted:
            if st.query_params.get(param) != wanted[param]:
                st.query_params[param] = wanted[param]
        elif param in st.query_params:
            del st.query_params[param]


def setup_link(wanted: dict[str, str]) -> str:
    """A link that opens `wanted` (`encode`'s parameters) in a new workspace (no `ws`), on this server's address as the
    browser sees it."""
    from urllib.parse import urlencode

    base = (st.context.url or "http://localhost:8501").split("?")[0]
    query = urlencode(wanted)
    return f"{base}?{query}" if query else base


def fixed_words(values: dict, open_keys) -> str:
    """The settings a lesson fixes, in words ("Data Sine wave, Window 3, …"): every one but `open_keys`, leaving out
    those that do not apply (a built-in series' length, the seasonal period when it is found by itself). `values`
    must make a valid TrainConfig (the sidebar's, once it can train)."""
    from pages.lab.text import LABELS, setting

    config = seqcore.TrainConfig(**{name: values[name] for name in LABELS})
    name = values["data_source"]
    generated = name != "upload" and seqcore.DATASETS[name].generated
    words = []
    for key, f in FIELDS.items():
        if key in open_keys or key == "large_text" or (key in ("length", "noise", "data_seed") and not generated):
            continue
        if key == "period" and not values[key]:
            continue
        if key in LABELS:
            words.append(setting(config, key))
        elif key == "data_source":
            words.append(f"{f.label} {seqcore.DATASETS[name].label if name != 'upload' else 'an uploaded file'}")
        else:
            words.append(f"{f.label} {values[key]:g}")
    return ", ".join(words)
