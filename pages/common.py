"""What every page shares: the settings sidebar, the session's runs, and training with a live chart."""

from __future__ import annotations

import queue
import re
import threading
import time
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

import seqcore
import seqcore.store
from pages import charts
from seqcore.machine import available_cores

SOURCES = [*seqcore.DATASETS, "upload"]
LABELS = {"window": "Window", "units": "Units", "epochs": "Epochs", "scale": "Scale", "learning_rate": "Learning rate",
          "cell": "Cell", "seed": "Seed", "activation": "Activation", "val_fraction": "Validation share",
          "batch_size": "Batch size", "layers": "Layers"}  # fmt: skip
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
REDRAW_SECONDS = 0.4  # a live chart redrawn ~2.5 times a second; every redraw ships the whole figure
TRAINING_THREAD = "seqcore-train"
WARM_UP_DELAY = 1.0
CORES = available_cores()
_DEFAULTS = {
    "data_source": "ramp", "length": 60, "noise": 0.0, "data_seed": 0,
    "window": 3, "units": 30, "epochs": 500, "scale": 100.0, "learning_rate": 0.001, "cell": "lstm", "seed": 0,
    "activation": "tanh", "val_fraction": 0.0, "batch_size": 32, "layers": 1,
    "forecast_steps": 5, "log_scale": True, "smoothing": 0.0,
}  # fmt: skip


def run_signature(label: str, series, config) -> tuple:
    """What decides a run's outcome: data label, series content and config; results are stale when it changes."""
    return (label, seqcore.store.series_hash(series) if series is not None else None, config)


def plain(text: str) -> str:
    """Text shown literally in Streamlit markdown: user-supplied names never become markup or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])", r"\\\1", str(text))


@dataclass
class Settings:
    """The sidebar's reading: the series and config to train, or what is wrong with them."""

    series: pd.Series | None = None
    label: str = ""
    config: seqcore.TrainConfig | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature: tuple = ()

    @property
    def ready(self) -> bool:
        return self.series is not None and self.config is not None and not self.errors


def prepare_in_background(settings: Settings) -> None:
    """Trace the model for the current settings while the user reads, so that Train starts at once.

    Tracing a new architecture (cell, units, layers, activation) costs ~0.4-0.8 s of CPU alone
    and far more when a class is training. It starts WARM_UP_DELAY after the settings stop
    changing: a student stepping Units up five times traces one model, not five, and a first
    page reaches the browser before tensorflow is imported. seqcore skips what is traced already
    (by this session or any other), so most settings changes cost a thread that returns at once.
    """
    state = st.session_state
    if not settings.ready:
        return
    if state.get("prepared") == settings.signature:
        return
    state.prepared = settings.signature
    pending = state.get("preparing")
    if pending is not None:
        pending.cancel()
    series, config = settings.series, settings.config
    # a lambda: naming seqcore.warm_up here would import tensorflow in this script thread
    timer = threading.Timer(WARM_UP_DELAY, lambda: seqcore.warm_up(config, series))
    timer.name, timer.daemon = "seqcore-warm-up", True
    timer.start()
    state.preparing = timer


@st.cache_data(show_spinner=False, max_entries=64)
def _dataset(name: str, length: int, noise: float | None, seed: int) -> pd.Series:
    return seqcore.get_dataset(name, length=length, noise=noise, seed=seed)


@dataclass(frozen=True)
class Upload:
    """An uploaded file, parsed once when it arrives: its (shortened) name and its table, or what is wrong with it."""

    name: str
    table: seqcore.data.Table | None
    error: str | None = None


def _on_source_change() -> None:
    """A new series gets a scale and noise that suit it, so pressing Train just works."""
    state = st.session_state
    name = state.data_source
    state.pop("column", None)
    if name == "upload":
        return
    dataset = seqcore.DATASETS[name]
    state.noise = dataset.noise
    series = _dataset(name, int(state.length), state.noise, int(state.data_seed))
    state.scale = dataset.scale or seqcore.suggest_scale(series)


def _on_upload() -> None:
    """Parse a new file once, here; every rerun after it only picks a column from the parsed table."""
    state = st.session_state
    uploaded = state.get("upload_file")
    if uploaded is None:
        return
    state.pop("column", None)
    name = seqcore.data.short_name(uploaded.name)
    try:
        table = seqcore.data.read_table(uploaded.getvalue())
    except seqcore.InputError as exc:
        state.upload = Upload(name, None, str(exc))  # the sidebar shows it on this rerun
        return
    state.upload = Upload(name, table)
    try:
        state.scale = seqcore.suggest_scale(table.series())
    except seqcore.InputError:
        pass  # no usable column: the sidebar says why


def settings_sidebar() -> Settings:
    """Draw the settings sidebar (same keys on every page, kept for the session) and read it."""
    state = st.session_state
    # streamlit forgets a widget's value when a page without it runs; assigning the key
    # before the widget is drawn keeps settings across pages (the documented pattern)
    for key, value in _DEFAULTS.items():
        state[key] = state.get(key, value)
    for key in ("column", "predict_input"):
        if key in state:
            state[key] = state[key]
    use_workspace()
    recover_interrupted_training()
    if "store_problem" in state:
        st.warning(state.store_problem, icon=":material/cloud_off:")
    out = Settings()
    with st.sidebar:
        st.subheader("Series")
        source = st.selectbox("Data", SOURCES, key="data_source", on_change=_on_source_change,
                              format_func=lambda s: "Upload a CSV…" if s == "upload" else seqcore.DATASETS[s].label)  # fmt: skip
        out.series, out.label = _series_widgets(source, out)
        st.subheader("Model")
        st.selectbox("Cell", list(CELL_NAMES), key="cell", format_func=CELL_NAMES.get,
                     help="LSTM and GRU have gates that decide what to remember; SimpleRNN has none.")  # fmt: skip
        st.number_input("Window", 1, seqcore.config.MAX_WINDOW, key="window",
                        help="How many past values the model reads to predict the next one.")  # fmt: skip
        st.number_input("Units", 1, seqcore.config.MAX_UNITS, key="units", help="Size of the recurrent layer's memory.")
        st.subheader("Training")
        st.number_input("Epochs", 1, seqcore.config.MAX_EPOCHS, step=50, key="epochs", help="Passes over all windows.")
        st.number_input("Scale", min_value=seqcore.config.MIN_SCALE, max_value=seqcore.config.MAX_SCALE, key="scale", format="%g",
                        help="The series is divided by this before training, and predictions multiplied back.")  # fmt: skip
        st.number_input(
            "Learning rate",
            seqcore.config.MIN_LEARNING_RATE,
            seqcore.config.MAX_LEARNING_RATE,
            key="learning_rate",
            format="%g",
            step=0.001,
            help="Adam's step size.",
        )
        st.number_input("Seed", 0, seqcore.config.MAX_SEED, key="seed", help="Decides the initial weights.")
        with st.expander("More settings"):
            st.selectbox("Activation", list(seqcore.config.ACTIVATIONS), key="activation")
            st.slider("Validation share", 0.0, seqcore.config.MAX_VAL_FRACTION, step=0.05, key="val_fraction",
                      help="The last share of windows is held out (in time order) to test on unseen data.")  # fmt: skip
            st.number_input("Batch size", 1, seqcore.config.MAX_BATCH_SIZE, key="batch_size")
            st.number_input("Layers", 1, seqcore.config.MAX_LAYERS, key="layers", help="Stacked recurrent layers.")
    try:
        out.config = seqcore.TrainConfig(**{k: state[k] for k in LABELS})
    except seqcore.InputError as exc:
        out.errors.append(field_error(exc))
    if out.series is not None and out.config is not None:
        try:
            from seqcore.windows import prepare_windows

            prepare_windows(out.series, out.config)
            advice = seqcore.scale_advice(out.series, out.config.scale)
            if advice:
                out.notes.append(f"**Scale**: {advice}")
        except seqcore.InputError as exc:
            out.errors.append(field_error(exc))
    out.signature = run_signature(out.label, out.series, out.config)
    return out


def _series_widgets(source: str, out: Settings) -> tuple[pd.Series | None, str]:
    state = st.session_state
    if source == "upload":
        st.file_uploader("CSV file", type=["csv", "txt"], key="upload_file", on_change=_on_upload,
                         help="A header row and numeric columns, or one number per line.")  # fmt: skip
        upload = state.get("upload")
        if upload is None:
            out.errors.append("**Data**: choose a CSV file to upload, or pick a built-in series.")
            return None, ""
        try:
            if upload.table is None:
                raise seqcore.InputError(upload.error)
            series = upload.table.series(state.get("column"))
        except seqcore.InputError as exc:
            out.errors.append(f"**Data**: {plain(upload.name)}: {plain(exc)}")
            return None, ""
        columns = series.attrs["numeric_columns"]
        if len(columns) > 1:
            if state.get("column") not in columns:
                state.column = series.name
            st.selectbox("Column", columns, key="column")
        out.notes.append(f"{plain(upload.name)}: {plain(series.attrs['note'])}")
        return series, f"{upload.name} · {series.name}"
    if seqcore.DATASETS[source].generated:
        st.number_input("Length", seqcore.datasets.MIN_LENGTH, seqcore.data.MAX_SERIES_LENGTH, key="length")
        st.number_input("Noise", 0.0, seqcore.datasets.MAX_NOISE, key="noise", format="%g")
        st.number_input("Series seed", 0, seqcore.datasets.MAX_DATA_SEED, key="data_seed")
        series = _dataset(source, int(state.length), float(state.noise), int(state.data_seed))
        label = f"{seqcore.DATASETS[source].label} (length {state.length}, noise {state.noise:g}, seed {state.data_seed})"
        return series, label
    return _dataset(source, 60, None, 0), seqcore.DATASETS[source].label


def field_error(exc: seqcore.InputError) -> str:
    """An error message that names the widget to change."""
    label = LABELS.get(getattr(exc, "field", None) or "", "Settings")
    return f"**{label}**: {plain(exc)}"


def show_problems(settings: Settings) -> None:
    for error in settings.errors:
        st.error(error, icon=":material/error:")
    for note in settings.notes:
        st.caption(note)


# ---- runs of this session -------------------------------------------------------------------


def describe(config: seqcore.TrainConfig) -> str:
    return (
        f"{CELL_NAMES[config.cell]}({config.units}) ×{config.layers}, window {config.window}, "
        f"{config.epochs} epochs, scale {config.scale:g}, lr {config.learning_rate:g}, seed {config.seed}"
        + (f", validation {config.val_fraction:g}" if config.val_fraction else "")
    )


@st.cache_resource(show_spinner=False)
def _open_store() -> seqcore.store.RunStore:
    return seqcore.store.RunStore()  # a StoreError is not cached: the next script run tries again


def run_store() -> seqcore.store.RunStore | str:
    """The server's run database, or why it cannot be used now (the app then keeps runs for this tab only)."""
    try:
        return _open_store()
    except seqcore.store.StoreError as exc:
        return str(exc)


def store_problem(problem: str | None) -> None:
    """Say at the top of every page that the database cannot be used (None: it works again, say nothing)."""
    if problem is None:
        st.session_state.pop("store_problem", None)
    else:
        st.session_state.store_problem = (
            f"The run database cannot be used now: runs saved earlier cannot be shown, and new runs stay in this tab only. {problem}"
        )


def use_workspace() -> str:
    """The workspace named in the URL (a shared link wins), kept in the URL across pages; new on a first visit."""
    state = st.session_state
    in_url = st.query_params.get("ws")
    if seqcore.store.valid_workspace_id(in_url):
        state.workspace = in_url
    elif "workspace" not in state:
        state.workspace = seqcore.store.new_workspace_id()
    if in_url != state.workspace:
        st.query_params["ws"] = state.workspace
    if state.get("loaded_workspace") != state.workspace:
        state.loaded_workspace = state.workspace
        _load_workspace(state.workspace)
    return state.workspace


def _load_workspace(workspace: str) -> None:
    """Bring back a workspace's runs (after a reload, a server restart, or from a shared link)."""
    state = st.session_state
    state.runs = []
    for key in ("result", "result_signature", "result_label", "result_run", "predict_input"):
        state.pop(key, None)
    store = run_store()
    if isinstance(store, str):
        store_problem(store)
        return
    try:
        rows = store.runs(workspace)
        for row in rows:
            config = seqcore.TrainConfig(**row["config"])
            state.runs.append(_record(row["id"], row["label"], config, row["losses"], row["val_losses"],
                                      row["prediction"], row["seconds"], row["status"]))  # fmt: skip
        if rows:
            result = store.load_result(workspace, rows[-1]["id"])
            _show_result(result, rows[-1]["label"], rows[-1]["id"])
        store_problem(None)
    except seqcore.store.StoreError as exc:
        store_problem(str(exc))


def _record(number, label, config, losses, val_losses, prediction, seconds, status, not_saved: str | None = None) -> dict:
    """A run as the Compare page lists it; `not_saved` says why it is not in the database, when it is not."""
    return {
        "run": number,
        "data": label,
        "cell": CELL_NAMES[config.cell],
        "name": f"run {number} · {CELL_NAMES[config.cell]} · {len(losses)} epochs" + (" (stopped)" if status == "stopped" else ""),
        "settings": describe(config),
        "config": config,
        "epochs trained": len(losses),
        "final loss": losses[-1] if losses else float("nan"),
        "final val loss": val_losses[-1] if val_losses else None,
        "prediction": prediction,
        "seconds": seconds,
        "status": status,
        "not_saved": not_saved,
        "losses": losses,
    }


def _show_result(result, label: str, number: int) -> None:
    state = st.session_state
    state.pop("prediction_cache", None)
    state.result = result
    state.result_signature = run_signature(label, result.series, result.config)
    state.result_label = label
    state.result_run = number
    state.predict_input = ", ".join(f"{v:g}" for v in result.series.to_numpy()[-result.config.window :])


def record_run(result, label: str, signature: tuple) -> dict:
    """Keep a finished or stopped run: in the workspace's database, as the latest result, and for the Compare page.

    When the database cannot take it, the run is kept in this tab and its record says why (`not_saved`),
    so the page can say so next to the result at once; a later run that is saved clears the warning.
    """
    state = st.session_state
    runs = state.setdefault("runs", [])
    prediction = seqcore.predict_next(result, result.series.to_numpy()[-result.config.window :])
    number, not_saved = None, None
    store = run_store()
    if isinstance(store, str):
        not_saved = store
    else:
        try:
            predictions = seqcore.one_step_predictions(result)["predicted"].tolist()
            number = store.save_run(state.workspace, result, label, predictions, prediction)
        except seqcore.store.StoreError as exc:
            not_saved = str(exc)
    newest = max((r["run"] for r in runs), default=0)
    if number is None:
        number = newest + 1
    else:
        # ids are never reused within one database (AUTOINCREMENT), so a tab run with this number is either
        # one kept in this tab only, or one whose database was removed since: either way, not in the database
        for run in runs:
            if run["run"] == number:
                run["not_saved"] = run["not_saved"] or "the database that held it was removed"
                run["run"] = newest = max(newest, number) + 1
                run["name"] = f"run {run['run']}" + run["name"][run["name"].index(" ·") :]
    if not_saved is None:
        store_problem(None)  # saving works (again): no more warning at the top of the page
    status = "stopped" if result.stopped else "finished"
    record = _record(number, label, result.config, result.losses, result.val_losses, prediction, result.seconds, status, not_saved)
    runs.append(record)
    _show_result(result, label, number)
    state.result_signature = signature
    return record


def recover_interrupted_training() -> None:
    """A click during training ends that script run mid-epoch; keep what it had learned as a stopped run."""
    state = st.session_state
    training = state.pop("training", None)
    partial = state.pop("partial", None)
    if training is not None and partial is not None and partial.epochs_trained:
        record_run(partial, training["label"], training["signature"])
        state.notice = f"Training stopped at epoch {partial.epochs_trained} of {partial.config.epochs}; the curve so far is kept."


def redraw_interval() -> float:
    """Seconds between live redraws: REDRAW_SECONDS alone, longer when many users train at once.

    Each redraw costs the server ~10 ms of interpreter time (building and serialising the figure)
    and the browser a full chart render, so a class of thirty redrawing 2.5 times a second would
    spend its CPU on pictures instead of training. With more live trainings than cores, each
    chart redraws proportionally less often; every chart still ends with the full curve.
    """
    live = sum(thread.name == TRAINING_THREAD for thread in threading.enumerate())
    return REDRAW_SECONDS * max(1.0, live / CORES)


def train_live(series, config, label: str, signature: tuple, progress_slot, chart_slot):
    """Train with a live progress bar and loss chart; returns the TrainResult, or None after showing an error.

    seqcore trains in a worker thread while this script thread redraws, so drawing overlaps
    with training instead of pausing it. A click anywhere (Stop included) makes Streamlit end
    this script run at its next call; the `finally` then tells the worker to stop at its next
    report and waits for it, so no training outlives its page. The next run keeps the partial
    result (see recover_interrupted_training).
    """
    state = st.session_state
    state.training = {"label": label, "signature": signature}
    state.partial = None
    updates: queue.Queue = queue.Queue()
    stop = threading.Event()
    outcome: dict = {}

    def work() -> None:
        try:
            # reports as often as a quarter of the redraw interval: fewer calls of the traced loop under load
            report = lambda p: updates.put(p) or not stop.is_set()  # noqa: E731
            outcome["result"] = seqcore.train(series, config, on_progress=report, report_every=redraw_interval() / 4)
        except Exception as exc:  # handed to the script thread, which shows or re-raises it
            outcome["error"] = exc
        finally:
            updates.put(None)

    worker = threading.Thread(target=work, name=TRAINING_THREAD, daemon=True)
    worker.start()
    try:
        latest, drawn, next_draw, finished, figure = None, None, 0.0, False, None
        while not finished:
            try:
                item = updates.get(timeout=0.1)
                while item is not None and not updates.empty():
                    item = updates.get_nowait()  # only the newest report matters
                finished = item is None
                latest = item or latest
            except queue.Empty:
                pass
            if latest is None:
                state.partial = None  # touching session state is where a click ends this run
                continue
            state.partial = latest.result
            if latest is not drawn and (time.monotonic() >= next_draw or finished):
                drawn, next_draw = latest, time.monotonic() + redraw_interval()
                text = f"Epoch {latest.epoch} of {latest.total} · loss {latest.loss:.3g}"
                progress_slot.progress(latest.epoch / latest.total, text=text)
                if figure is None:
                    figure = charts.loss_figure(latest.losses, latest.val_losses, latest.total, live=True)
                else:
                    charts.refresh_live_loss(figure, latest.losses, latest.val_losses)
                chart_slot.plotly_chart(figure, width="stretch")
    finally:
        stop.set()
        worker.join(timeout=10)
    state.pop("training", None)
    state.pop("partial", None)
    error = outcome.get("error")
    if isinstance(error, seqcore.InputError):
        progress_slot.empty()
        st.error(field_error(error), icon=":material/error:")
        return None
    if error is not None:
        raise error
    return outcome["result"]
