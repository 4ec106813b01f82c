"""The settings sidebar, the same on every page, and what it reads: a `Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd
import streamlit as st

import seqcore
from pages.lab import sources
from pages.lab.runs import Signature, load_workspace, recover_interrupted_training
from pages.lab.text import CELL_NAMES, LABELS, field_error
from pages.lab.workspace import use_workspace

# every widget's starting value: the notebook's config (TrainConfig's defaults), the first dataset at
# get_dataset's defaults, and the pages' own display settings
DEFAULTS = {
    "data_source": sources.SOURCES[0],
    "length": sources.DATASET_DEFAULTS["length"],
    "noise": seqcore.DATASETS[sources.SOURCES[0]].noise,
    "data_seed": sources.DATASET_DEFAULTS["seed"],
    **{f.name: f.default for f in fields(seqcore.TrainConfig)},
    "forecast_steps": 5,
    "period": 0,
    "show_naive": True,
    "log_scale": True,
    "smoothing": 0.0,
}


@dataclass
class Settings:
    """The sidebar's reading: the series and config to train, or what is wrong with them."""

    series: pd.Series | None = None
    label: str = ""
    config: seqcore.TrainConfig | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # settings that work, but badly (the scaling)
    signature: Signature = Signature("", None, None)

    @property
    def ready(self) -> bool:
        return self.series is not None and self.config is not None and not self.errors


def settings_sidebar() -> Settings:
    """Draw the settings sidebar (same keys on every page, kept for the session) and read it."""
    state = st.session_state
    # streamlit forgets a widget's value when a page without it runs; assigning the key
    # before the widget is drawn keeps settings across pages (the documented pattern)
    for key, value in DEFAULTS.items():
        state[key] = state.get(key, value)
    for key in ("column", "predict_input"):
        if key in state:
            state[key] = state[key]
    use_workspace(load_workspace)
    recover_interrupted_training()
    if "store_problem" in state:
        st.warning(state.store_problem, icon=":material/cloud_off:")
    out = Settings()
    limits = seqcore.config
    with st.sidebar:
        st.subheader("Series")
        source = st.selectbox(
            "Data",
            sources.SOURCES,
            key="data_source",
            on_change=sources.on_source_change,
            format_func=lambda s: "Upload a CSV…" if s == "upload" else seqcore.DATASETS[s].label,
        )
        chosen = sources.series_widgets(source)
        out.series, out.label = chosen.series, chosen.label
        out.errors += [chosen.error] if chosen.error else []
        out.notes += [chosen.note] if chosen.note else []
        st.subheader("Model")
        st.selectbox(
            LABELS["cell"],
            list(CELL_NAMES),
            key="cell",
            format_func=CELL_NAMES.get,
            help="LSTM and GRU have gates that decide what to remember; SimpleRNN has none.",
        )
        st.number_input(
            LABELS["window"], 1, limits.MAX_WINDOW, key="window", help="How many past values the model reads to predict the next one."
        )
        st.number_input(LABELS["units"], 1, limits.MAX_UNITS, key="units", help="Size of the recurrent layer's memory.")
        st.subheader("Training")
        st.number_input(LABELS["epochs"], 1, limits.MAX_EPOCHS, step=50, key="epochs", help="Passes over all windows.")
        st.slider(
            LABELS["val_fraction"],
            0.0,
            limits.MAX_VAL_FRACTION,
            step=0.05,
            key="val_fraction",
            help="The last share of windows is held out (in time order): the model is judged on values it never trained on.",
        )
        scale_box, offset_box = st.columns(2)
        scale_box.number_input(
            LABELS["scale"],
            min_value=limits.MIN_SCALE,
            max_value=limits.MAX_SCALE,
            key="scale",
            format="%g",
            help="The network sees (value − offset) ÷ scale; its outputs are turned back the same way.",
        )
        offset_box.number_input(
            LABELS["offset"],
            -limits.MAX_OFFSET,
            limits.MAX_OFFSET,
            key="offset",
            format="%g",
            help="Subtracted before dividing by the scale. 0 is the notebook's plain divide.",
        )
        state.fit_series = out.series
        st.button(
            "Fit offset and scale to the training part",
            key="fit_scaling",
            on_click=sources.fit_to_training_part,
            disabled=out.series is None,
            width="stretch",
            help="Centres the training values and spreads them over about −1 to 1. Held-out values are not looked at.",
        )
        st.number_input(
            LABELS["learning_rate"],
            limits.MIN_LEARNING_RATE,
            limits.MAX_LEARNING_RATE,
            key="learning_rate",
            format="%g",
            step=0.001,
            help="Adam's step size.",
        )
        st.number_input(LABELS["seed"], 0, limits.MAX_SEED, key="seed", help="Decides the initial weights.")
        with st.expander("More settings"):
            st.selectbox(LABELS["activation"], list(limits.ACTIVATIONS), key="activation")
            st.number_input(LABELS["batch_size"], 1, limits.MAX_BATCH_SIZE, key="batch_size")
            st.number_input(LABELS["layers"], 1, limits.MAX_LAYERS, key="layers", help="Stacked recurrent layers.")
            st.number_input(
                "Period (seasonal rule)",
                0,
                seqcore.data.MAX_SERIES_LENGTH // 2,
                key="period",
                help="Steps per cycle for the 'same value one period earlier' rule; 0 finds it from the training part.",
            )
    try:
        out.config = seqcore.TrainConfig(**{name: state[name] for name in LABELS})
    except seqcore.InputError as exc:
        out.errors.append(field_error(exc))
    if out.series is not None and out.config is not None:
        try:
            from seqcore.windows import prepare_windows

            prepare_windows(out.series, out.config)
            config = out.config
            advice = seqcore.scale_advice(out.series, config.scale, config.offset, config.window, config.val_fraction)
            if advice:
                out.warnings.append(f"**Scale**: {advice}")
        except seqcore.InputError as exc:
            out.errors.append(field_error(exc))
    out.signature = Signature.of(out.label, out.series, out.config)
    return out


def show_problems(settings: Settings) -> None:
    for error in settings.errors:
        st.error(error, icon=":material/error:")
    for warning in settings.warnings:
        st.warning(warning, icon=":material/straighten:")
    for note in settings.notes:
        st.caption(note)
