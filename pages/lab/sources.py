"""The series a user trains on: built-in datasets (cached) and uploaded files (parsed once, when they arrive)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import seqcore
import seqcore.store
from pages.lab.text import plain
from pages.lab.workspace import run_store, store_problem
from seqcore.scaling import fit_scaling
from seqcore.windows import default_val_fraction

SOURCES = [*seqcore.DATASETS, "upload"]
# the sidebar's series boxes start at get_dataset's own defaults
DATASET_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(seqcore.get_dataset).parameters.items()
    if parameter.default is not inspect.Parameter.empty
}


@st.cache_data(show_spinner=False, max_entries=64)
def dataset(name: str, length: int, noise: float | None, seed: int) -> pd.Series:
    return seqcore.get_dataset(name, length=length, noise=noise, seed=seed)


@dataclass(frozen=True)
class Upload:
    """An uploaded file, parsed once when it arrives: its (shortened) name and its table, or what is wrong with it;
    `sha256` names it in the workspace's database when it is kept there (None: this tab only)."""

    name: str
    table: seqcore.data.Table | None
    error: str | None = None
    sha256: str | None = None


NO_UPLOAD_IN_LINK = "A link cannot carry an uploaded file: choose the file again under Data."


def on_source_change() -> None:
    """A new series gets a noise, a held-out share and a scaling that suit it, so pressing Train just works."""
    state = st.session_state
    name = state.data_source
    state.pop("column", None)
    if name == "upload":
        return
    state.noise = seqcore.DATASETS[name].noise
    window = int(state.window) if isinstance(state.get("window"), int) else seqcore.TrainConfig().window
    state.update(suited_to(name, int(state.length), state.noise, int(state.data_seed), window))


def suited_to(name: str, length: int, noise: float | None, seed: int, window: int) -> dict:
    """The held-out share, scale and offset a built-in series starts with (what choosing it in the sidebar sets)."""
    return suited(dataset(name, length, noise, seed), window, seqcore.DATASETS[name].scale)


def suited(series: pd.Series, window: int, scale: float | None = None) -> dict:
    """Hold out data when the series is long enough, then fit offset and scale on the training part (or use `scale`
    with no offset: the notebook's ramp keeps its famous divide-by-100)."""
    val_fraction = default_val_fraction(series, window)
    if scale is not None:
        return {"val_fraction": val_fraction, "scale": scale, "offset": 0.0}
    fit = fit_scaling(series, window, val_fraction)
    return {"val_fraction": val_fraction, "scale": fit.scale, "offset": fit.offset}


def suit(series: pd.Series) -> None:
    """Settings that suit an uploaded series."""
    state = st.session_state
    window = int(state.window) if isinstance(state.get("window"), int) else seqcore.TrainConfig().window
    state.update(suited(series, window))


def fit_to_training_part() -> None:
    """The sidebar's "Fit" button: offset and scale from the training part of the current series and settings."""
    state = st.session_state
    series = state.get("fit_series")
    if series is not None:
        fit = fit_scaling(series, int(state.window), float(state.val_fraction))
        state.scale, state.offset = fit.scale, fit.offset


def on_upload() -> None:
    """Parse a new file once, here; every rerun after it only picks a column from the parsed table."""
    state = st.session_state
    uploaded = state.get("upload_file")
    if uploaded is None:
        return
    state.pop("column", None)
    name = seqcore.data.short_name(uploaded.name)
    data = uploaded.getvalue()
    try:
        table = seqcore.data.read_table(data)
    except seqcore.InputError as exc:
        state.upload = Upload(name, None, str(exc))  # the sidebar shows it on this rerun
        return
    state.upload = Upload(name, table, sha256=keep_upload(name, data))
    try:
        suit(table.series())
    except seqcore.InputError:
        pass  # no usable column: the sidebar says why


def keep_upload(name: str, data: bytes) -> str | None:
    """Keep a good file with the workspace (in place of its last one), so that reloading the address brings it back;
    its SHA-256, or None when the database cannot keep it (the page then says so at the top)."""
    access = run_store()
    if access.store is None:
        return None
    try:
        return access.store.save_upload(st.session_state.workspace, name, data)
    except seqcore.store.StoreError as exc:
        store_problem(str(exc))
        return None


def restore_upload(workspace: str) -> None:
    """A reload or a new tab of the workspace's address: the file it keeps is this tab's upload again (with the column
    chosen in it), so Train works without choosing the file again."""
    state = st.session_state
    access = run_store()
    if access.store is None:
        return
    try:
        kept = access.store.upload(workspace)
        if kept is None:
            return
        table = seqcore.data.read_table(kept.data)
    except (seqcore.store.StoreError, seqcore.InputError):
        return  # the tab asks for the file, as before
    state.upload = Upload(kept.name, table, sha256=kept.sha256)
    state.pop("column", None)
    if kept.column is not None:
        state.column = kept.column
    if NO_UPLOAD_IN_LINK in state.get("address_notes", []):  # this address does bring it back
        state.address_notes = [note for note in state.address_notes if note != NO_UPLOAD_IN_LINK]


def remember_column() -> None:
    """The column chosen in a kept file goes with it (a callback of the Column box)."""
    state = st.session_state
    upload = state.get("upload")
    access = run_store()
    if upload is None or upload.sha256 is None or access.store is None:
        return
    try:
        access.store.set_upload_column(state.workspace, upload.sha256, state.get("column"))
    except seqcore.store.StoreError as exc:
        store_problem(str(exc))


@dataclass(frozen=True)
class Chosen:
    """The series the sidebar chose, its label for run lists, and what to tell the user about it."""

    series: pd.Series | None
    label: str = ""
    error: str | None = None
    note: str | None = None


def series_widgets(source: str, can=lambda key: True) -> Chosen:
    """Draw the boxes for `source` (inside the sidebar) and read the series they choose; `can(key)` says which boxes
    this tab may change (a lesson fixes the others)."""
    state = st.session_state
    if source == "upload":
        st.file_uploader(
            "CSV file",
            type=["csv", "txt"],
            key="upload_file",
            on_change=on_upload,
            help="A header row and numeric columns, or one number per line.",
        )
        upload = state.get("upload")
        if upload is None:
            return Chosen(None, error="**Data**: choose a CSV file to upload, or pick a built-in series.")
        if state.get("upload_file") is None and upload.sha256 is not None:  # brought back with the workspace, not chosen here
            st.caption(f"Using {plain(upload.name)}, kept with this workspace. Choosing another file replaces it.")
        try:
            if upload.table is None:
                raise seqcore.InputError(upload.error)
            series = upload.table.series(state.get("column"))
        except seqcore.InputError as exc:
            return Chosen(None, error=f"**Data**: {plain(upload.name)}: {plain(exc)}")
        columns = series.attrs["numeric_columns"]
        if len(columns) > 1:
            if state.get("column") not in columns:
                state.column = series.name
            st.selectbox("Column", columns, key="column", on_change=remember_column)
        return Chosen(series, f"{upload.name} · {series.name}", note=f"{plain(upload.name)}: {plain(series.attrs['note'])}")
    if seqcore.DATASETS[source].generated:
        if can("length"):
            st.number_input(
                "Length",
                seqcore.datasets.MIN_LENGTH,
                seqcore.data.MAX_SERIES_LENGTH,
                key="length",
                help=f"How many values the series has ({seqcore.datasets.MIN_LENGTH} to {seqcore.data.MAX_SERIES_LENGTH:,}).",
            )
        if can("noise"):
            st.number_input(
                "Noise",
                0.0,
                seqcore.datasets.MAX_NOISE,
                key="noise",
                format="%g",
                help=f"Random wobble added to each value (0 to {seqcore.datasets.MAX_NOISE:g}).",
            )
        if can("data_seed"):
            st.number_input(
                "Series seed",
                0,
                seqcore.datasets.MAX_DATA_SEED,
                key="data_seed",
                help="Decides the random parts of the series: the same seed gives the same series.",
            )
        series = dataset(source, int(state.length), float(state.noise), int(state.data_seed))
        label = f"{seqcore.DATASETS[source].label} (length {state.length}, noise {state.noise:g}, seed {state.data_seed})"
        return Chosen(series, label)
    return Chosen(dataset(source, DATASET_DEFAULTS["length"], None, DATASET_DEFAULTS["seed"]), seqcore.DATASETS[source].label)
