"""The settings sidebar, the same on every page, and what it reads: a `Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd
import streamlit as st

import seqcore
from pages.lab import address, lesson, projector, sources
from pages.lab.runs import Signature, load_workspace, recover_interrupted_training
from pages.lab.text import CELL_NAMES, EXPLAIN, LABELS, MORE_SETTINGS, PERIOD_LABEL, field_error, label, plain, words
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
    "large_text": False,
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


def ranged(name: str, high: int) -> str:
    """A box's label with its largest value: a number past it is refused by the box, which should say so first."""
    return f"{label(name)} (up to {high:,})"


def start_from_address(reading: lesson.Reading) -> None:
    """A tab's first run: its settings come from the address (a lesson's fixed ones from its signed part)."""
    state = st.session_state
    notes = []
    if reading.note is not None:  # a tampered lesson: plain defaults, whatever else the address says
        values = address.defaults()
        notes.append(reading.note)
    elif reading.lesson is not None:
        values = lesson_values(reading.lesson)
        mine = address.read_address(keys=reading.lesson.allowed)
        values |= {key: mine.values[key] for key in reading.lesson.allowed if address.FIELDS[key].param in st.query_params}
        notes += mine.notes
    else:
        decoded = address.read_address()
        values, notes = decoded.values, decoded.notes
    if values["data_source"] == "upload":
        notes.append(sources.NO_UPLOAD_IN_LINK)  # unless the address's workspace keeps one (sources.restore_upload)
    state.update(values)
    state.address_notes = notes


def lesson_values(given: lesson.Lesson) -> dict:
    return address.decode(given.settings).values


def settings_sidebar() -> Settings:
    """Draw the settings sidebar (same keys on every page, kept for the session) and read it."""
    state = st.session_state
    reading = lesson.current()
    if "address_read" not in state:
        state.address_read = True
        start_from_address(reading)
    # streamlit forgets a widget's value when a page without it runs; assigning the key
    # before the widget is drawn keeps settings across pages (the documented pattern)
    # a page's fragment (the class board, refreshed on a timer) can leave the sidebar's widget values behind when the
    # page is left during one of its runs: the settings as the last full run saw them fill any gap
    kept = state.get("kept_settings", {})
    for key, value in DEFAULTS.items():
        state[key] = state.get(key, kept.get(key, value))
    for key in ("column", "predict_input"):
        if key in state:
            state[key] = state[key]
    allowed = set(reading.lesson.allowed) if reading.lesson is not None else None
    if reading.lesson is not None:  # what the teacher fixed stays fixed, whatever reaches the session
        fixed = lesson_values(reading.lesson)
        for key in address.FIELDS:
            if key not in allowed and key != "large_text" and state[key] != fixed[key]:
                state[key] = fixed[key]

    def can(key: str) -> bool:
        return allowed is None or key in allowed

    use_workspace(load_workspace)
    recover_interrupted_training()
    projector.style(bool(state.large_text))
    for note in state.pop("address_notes", []):  # said once, when the address is read: the next click moves on
        st.warning(plain(note), icon=":material/link_off:")
    if "store_problem" in state:
        st.warning(state.store_problem, icon=":material/cloud_off:")
    out = Settings()
    limits = seqcore.config
    with st.sidebar:
        st.toggle("Large text (for a projector)", key="large_text", help="Bigger text everywhere, readable from the back of a room.")
        if reading.lesson is not None:
            st.markdown("**Lesson**: your teacher set the other settings.")
        st.subheader("Series")
        source = state.data_source
        if can("data_source"):
            source = st.selectbox(
                "Data",
                sources.SOURCES,
                key="data_source",
                on_change=sources.on_source_change,
                format_func=lambda s: "Upload a CSV…" if s == "upload" else seqcore.DATASETS[s].label,
            )
        chosen = sources.series_widgets(source, can)
        out.series, out.label = chosen.series, chosen.label
        if not can("data_source"):
            st.markdown(plain(chosen.label))
        out.errors += [chosen.error] if chosen.error else []
        out.notes += [chosen.note] if chosen.note else []
        st.subheader("Model")
        if can("cell"):
            st.selectbox(
                label("cell"),
                list(CELL_NAMES),
                key="cell",
                format_func=CELL_NAMES.get,
                help="LSTM and GRU have gates that decide what to remember; SimpleRNN has none.",
            )
        if can("window"):
            st.number_input(
                ranged("window", limits.MAX_WINDOW),
                1,
                limits.MAX_WINDOW,
                key="window",
                help=f"How many past values the model reads to predict the next one (1 to {limits.MAX_WINDOW}).",
            )
        if can("units"):
            st.number_input(
                ranged("units", limits.MAX_UNITS),
                1,
                limits.MAX_UNITS,
                key="units",
                help=f"Size of the recurrent layer's memory (1 to {limits.MAX_UNITS}).",
            )
        if can("layers"):
            st.number_input(ranged("layers", limits.MAX_LAYERS), 1, limits.MAX_LAYERS, key="layers", help=EXPLAIN["layers"])
        st.subheader("Training")
        if can("epochs"):
            st.number_input(
                ranged("epochs", limits.MAX_EPOCHS),
                1,
                limits.MAX_EPOCHS,
                step=50,
                key="epochs",
                help=f"Passes over all windows: 1 to {limits.MAX_EPOCHS:,}.",
            )
        if can("val_fraction"):
            st.slider(
                label("val_fraction"),
                0.0,
                limits.MAX_VAL_FRACTION,
                step=0.05,
                key="val_fraction",
                help=words().val_fraction_help,
            )
        scaling = [key for key in ("scale", "offset") if can(key)]
        boxes = dict(zip(scaling, st.columns(len(scaling)), strict=True)) if scaling else {}
        if "scale" in boxes:
            boxes["scale"].number_input(
                label("scale"),
                min_value=limits.MIN_SCALE,
                max_value=limits.MAX_SCALE,
                key="scale",
                format="%g",
                help=EXPLAIN["scale"],
            )
        if "offset" in boxes:
            boxes["offset"].number_input(
                label("offset"),
                -limits.MAX_OFFSET,
                limits.MAX_OFFSET,
                key="offset",
                format="%g",
                help="Subtracted before dividing by the scale. 0 is the notebook's plain divide.",
            )
        state.fit_series = out.series
        if can("scale") and can("offset"):
            st.button(
                "Fit offset and scale to the training part",
                key="fit_scaling",
                on_click=sources.fit_to_training_part,
                disabled=out.series is None,
                width="stretch",
                help=words().fit_help,
            )
        if can("learning_rate"):
            st.number_input(
                label("learning_rate"),
                limits.MIN_LEARNING_RATE,
                limits.MAX_LEARNING_RATE,
                key="learning_rate",
                format="%g",
                step=0.001,
                help=EXPLAIN["learning_rate"],
            )
        if can("seed"):
            st.number_input(label("seed"), 0, limits.MAX_SEED, key="seed", help=EXPLAIN["seed"])
        more = [key for key in ("activation", "batch_size", "period") if can(key)]
        if more:
            with st.expander(MORE_SETTINGS):
                if can("activation"):
                    st.selectbox(label("activation"), list(limits.ACTIVATIONS), key="activation")
                if can("batch_size"):
                    st.number_input(
                        label("batch_size"),
                        1,
                        limits.MAX_BATCH_SIZE,
                        key="batch_size",
                        help="How many windows each update of the weights looks at.",
                    )
                if can("period"):
                    st.number_input(
                        PERIOD_LABEL,
                        0,
                        seqcore.data.MAX_SERIES_LENGTH // 2,
                        key="period",
                        help="Steps per cycle for the 'same value one period earlier' rule; 0 finds it from the training part.",
                    )
    sidebar_end = st.sidebar.container()
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
    values = {key: state[key] for key in address.FIELDS}
    wanted = address.encode(values)  # once a run: the address and the share link both say it
    with sidebar_end:
        if reading.lesson is not None and out.config is not None:
            st.caption(f"Fixed by the lesson: {plain(address.fixed_words(values, allowed))}")
        share_and_reset(reading, wanted)
    state.kept_settings = {key: state[key] for key in DEFAULTS}
    address.write_address(wanted, keys=allowed)
    lesson.keep_in_address(reading)
    return out


def share_and_reset(reading: lesson.Reading, wanted: dict[str, str]) -> None:
    """A link to this setup (`wanted`: its address parameters), and the way back to where it started."""
    with st.expander("Share or start again"):
        if reading.lesson is None:
            st.caption("A link to this series and these settings, in a new workspace (your runs stay yours):")
            st.code(address.setup_link(wanted), language=None, wrap_lines=True)
            st.button(
                "Back to the notebook",
                key="back_to_notebook",
                on_click=reset,
                args=(address.defaults(),),
                width="stretch",
                help="Every setting back to the reference notebook's: the ramp 1..7, LSTM(30), 500 epochs, scale 100.",
            )
        else:
            start = lesson_values(reading.lesson)
            st.button("Back to the lesson's start", key="back_to_notebook", on_click=reset, args=(start,), width="stretch")


def reset(values: dict) -> None:
    """Every sidebar setting to `values` (a button callback: before the widgets are drawn)."""
    state = st.session_state
    for key in ("column", "upload", "upload_file"):
        state.pop(key, None)
    state.update({key: value for key, value in values.items() if key != "large_text"})
    state.pop("address_notes", None)


def show_problems(settings: Settings) -> None:
    for error in settings.errors:
        st.error(error, icon=":material/error:")
    for warning in settings.warnings:
        st.warning(warning, icon=":material/straighten:")
    for note in settings.notes:
        st.caption(note)
