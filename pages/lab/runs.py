"""The session's runs: kept in the workspace's database (or in the tab when it cannot be), shown, and recovered."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields

import streamlit as st

import seqcore
import seqcore.store
from pages.lab.sources import restore_upload
from pages.lab.text import CELL_NAMES, LABELS, describe
from pages.lab.workspace import run_store, store_problem

RESULT_KEYS = ("result", "result_signature", "result_label", "result_run", "predict_input", "result_guess", "result_continued_from")


@dataclass(frozen=True)
class Signature:
    """What decides a run's outcome: the data's label, the series' content and the config. Results are stale when it changes."""

    label: str
    series_hash: str | None
    config: seqcore.TrainConfig | None

    @classmethod
    def of(cls, label: str, series, config) -> Signature:
        return cls(label, seqcore.store.series_hash(series) if series is not None else None, config)

    def differs(self, new: Signature, ignore_epochs: bool = False) -> str | None:
        """What differs from `new`, in words, or None when nothing does (`ignore_epochs`: a continued run's epochs)."""
        if ignore_epochs and self.config is not None and new.config is not None:
            new = dataclasses.replace(new, config=dataclasses.replace(new.config, epochs=self.config.epochs))
        return None if self == new else self.changes(new)

    def changes(self, new: Signature) -> str:
        """What differs from `new`, in words."""
        words = []
        if (self.label, self.series_hash) != (new.label, new.series_hash):
            words.append("series")
        if self.config is not None and new.config is not None:
            for f in fields(new.config):
                old_value, new_value = getattr(self.config, f.name), getattr(new.config, f.name)
                if old_value != new_value:
                    words.append(f"{f.name.replace('_', ' ')} {old_value} → {new_value}")
        return ", ".join(words) or "settings"


def load_workspace(workspace: str) -> None:
    """Bring back a workspace's runs and its uploaded file (after a reload, a server restart, or from a shared link)."""
    state = st.session_state
    state.runs = []
    for key in RESULT_KEYS:
        state.pop(key, None)
    access = run_store()
    if access.store is None:
        store_problem(access.problem)
        return
    restore_upload(workspace)
    try:
        rows = access.store.runs(workspace)
        for row in rows:
            config = seqcore.TrainConfig(**row["config"])
            state.runs.append(
                _record(
                    row["number"],
                    row["label"],
                    config,
                    row["losses"],
                    row["val_losses"],
                    row["prediction"],
                    row["seconds"],
                    row["status"],
                    guess=row["guess"],
                    continued_from=row["continued_from"],
                )
            )
        if rows:
            result = access.store.load_result(workspace, rows[-1]["number"], snapshots=False)
            _show_result(result, rows[-1]["label"], rows[-1]["number"], rows[-1]["guess"], rows[-1]["continued_from"])
        store_problem(None)
    except seqcore.store.StoreError as exc:
        store_problem(str(exc))


def open_run(number: int) -> str | None:
    """Make a saved run of this workspace the one the Train and Learn pages show; None, or why it cannot be opened."""
    state = st.session_state
    access = run_store()
    if access.store is None:
        return access.problem
    row = next((r for r in state.get("runs", []) if r["run"] == number), None)
    try:
        result = access.store.load_result(state.workspace, number, snapshots=False)
    except seqcore.store.StoreError as exc:
        return str(exc)
    if result is None or row is None:
        return f"run {number} is not saved in this workspace"
    _show_result(result, row["data"], number, row["guess"], row["continued_from"])
    return None


def _record(
    number,
    label,
    config,
    losses,
    val_losses,
    prediction,
    seconds,
    status,
    not_saved: str | None = None,
    full: bool = False,
    guess: dict | None = None,
    continued_from: int | None = None,
) -> dict:
    """A run as the Compare page lists it; `not_saved` says why it is not in the database (`full`: the workspace is);
    `guess` is what the student guessed before it, `continued_from` the run it went on from."""
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
        "full": full,
        "losses": losses,
        "guess": guess,
        "continued_from": continued_from,
    }


def _show_result(result, label: str, number: int, guess: dict | None = None, continued_from: int | None = None) -> None:
    state = st.session_state
    state.pop("prediction_cache", None)
    state.result_guess, state.result_continued_from = guess, continued_from
    state.result = result
    state.result_signature = Signature.of(label, result.series, result.config)
    state.result_label = label
    state.result_run = number
    state.predict_input = ", ".join(f"{v:g}" for v in result.series.to_numpy()[-result.config.window :])


def forget_result() -> None:
    for key in RESULT_KEYS:
        st.session_state.pop(key, None)


def record_run(
    result, label: str, signature: Signature, guess: dict | None = None, continued_from: int | None = None, show: bool = True
) -> dict:
    """Keep a finished or stopped run: in the workspace's database, for the Compare page, and (`show`) as the run the
    Train and Learn pages show.

    `guess`: what the student guessed before training; `continued_from`: the run this one's training went on from.

    When the database cannot take it, the run is kept in this tab and its record says why (`not_saved`),
    so the page can say so next to the result at once; a later run that is saved clears the warning.
    """
    state = st.session_state
    runs = state.setdefault("runs", [])
    prediction = seqcore.predict_next(result, result.series.to_numpy()[-result.config.window :])
    number, not_saved, full = None, None, False
    access = run_store()
    if access.store is None:
        not_saved = access.problem
    else:
        try:
            predictions = seqcore.one_step_predictions(result)["predicted"].tolist()
            number = access.store.save_run(
                state.workspace, result, label, predictions, prediction, continued_from=continued_from, guess=guess
            )
        except seqcore.store.StoreError as exc:
            not_saved, full = str(exc), isinstance(exc, seqcore.store.StoreFull)
    newest = max((r["run"] for r in runs), default=0)
    if number is None:
        number = newest + 1
    else:
        # the workspace's counter never gives a number twice within one database, so a tab run with this number is
        # either one kept in this tab only, or one whose database was removed since: either way, not in the database
        for run in runs:
            if run["run"] == number:
                run["not_saved"] = run["not_saved"] or "the database that held it was removed"
                run["run"] = newest = max(newest, number) + 1
                run["name"] = f"run {run['run']}" + run["name"][run["name"].index(" ·") :]
    if not_saved is None or full:
        store_problem(None)  # the database works (again): no more warning at the top of the page
    status = "stopped" if result.stopped else "finished"
    record = _record(
        number,
        label,
        result.config,
        result.losses,
        result.val_losses,
        prediction,
        result.seconds,
        status,
        not_saved,
        full,
        guess,
        continued_from,
    )
    runs.append(record)
    if not show:
        return record
    if not_saved is None:  # the snapshots wait in the database until a replay or the Learn page asks (a class's memory)
        result = dataclasses.replace(result, snapshots=None)
    _show_result(result, label, number, guess, continued_from)
    state.result_signature = signature
    return record


def recover_interrupted_training() -> None:
    """A click during training ends that script run; keep what it had learned as a stopped run, and say why it stopped."""
    state = st.session_state
    training = state.pop("training", None)
    partial = state.pop("partial", None)
    if training is not None and partial is not None and partial.epochs_trained:
        record = record_run(
            partial, training["label"], training["signature"], guess=training.get("guess"), continued_from=training.get("continued_from")
        )
        if not partial.stopped:
            state.notice = "Training had already finished; the class-speed view was cut short. The whole run is kept."
            return
        where = f"Training stopped at epoch {partial.epochs_trained} of {partial.config.epochs}"
        kept = f"the curve so far is kept as run {record['run']}."
        if state.get("stop"):
            state.notice = f"{where}, as you asked; {kept}"
            return
        config = training["signature"].config
        changed = [
            label
            for name, label in LABELS.items()
            if state.get(name) != getattr(config, name) and not (name == "epochs" and training.get("continued_from"))
        ]
        if changed:
            state.notice = (
                f"{where} because {', '.join(changed)} changed: changing a setting ends a training, so that it never trains "
                f"with settings you no longer see. {kept[:1].upper()}{kept[1:]} Press Train to train with the new settings."
            )
        else:
            state.notice = f"{where} because the page was used during it (any click ends a training); {kept}"


def snapshots_of(result, run):
    """The run's snapshots: its own, or read from the database once per run (None if it kept none)."""
    if result.snapshots is not None:
        return result.snapshots

    def read():
        access = run_store()
        try:
            return access.store.load_snapshots(st.session_state.workspace, run) if access.store is not None else None
        except seqcore.store.StoreError:
            return None

    return remembered("snapshots", (run, id(result)), read)


def remembered(name: str, key, build):
    """The figure `build()` makes, built once per `key` in this session: every widget change reruns the page, and
    building a figure is most of a rerun's cost (py-spy under bench/bench_class.py), so unchanged ones are reused."""
    memo = st.session_state.setdefault("figures", {})
    if memo.get(name, (None,))[0] != key:
        memo[name] = (key, build())
    return memo[name][1]
