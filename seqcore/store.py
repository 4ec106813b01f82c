"""Runs kept on disk: a small SQLite database (WAL) of workspaces and their finished or stopped runs."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import secrets
import sqlite3
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .config import TrainConfig
from .snapshots import Snapshots
from .timeaxis import from_json, to_json

SCHEMA_VERSION = 2  # 2: runs.snapshots (the weights at some epochs, for a replay)
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "runs.sqlite3"
PATH_VARIABLE = "LAB_DB_PATH"  # set it to keep runs elsewhere
# what one workspace may keep: a class's laptops and a shared server's disk stay within bounds
MAX_RUNS = 200
MAX_RUN_BYTES = 32 * 2**20
MAX_WORKSPACE_BYTES = 512 * 2**20
_STORED_BYTES = (
    "LENGTH(weights) + LENGTH(series) + LENGTH(losses) + COALESCE(LENGTH(val_losses), 0) + LENGTH(predictions)"
    " + COALESCE(LENGTH(snapshots), 0)"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('finished', 'stopped')),
    label TEXT NOT NULL,
    config TEXT NOT NULL,
    series_name TEXT,
    series_hash TEXT NOT NULL,
    series TEXT NOT NULL,
    losses TEXT NOT NULL,
    val_losses TEXT,
    predictions TEXT NOT NULL,
    prediction REAL,
    seconds REAL NOT NULL,
    n_train INTEGER NOT NULL,
    weights BLOB NOT NULL,
    snapshots BLOB
);
CREATE INDEX IF NOT EXISTS runs_by_workspace ON runs(workspace, id);
"""


class StoreError(RuntimeError):
    """The database cannot be read or written (read-only folder, full disk, corrupt file)."""


class StoreFull(StoreError):
    """The run, or the workspace with it, would pass what a workspace may keep; older runs are never dropped to make room."""


def default_path() -> Path:
    return Path(os.environ.get(PATH_VARIABLE) or DEFAULT_PATH)


def new_workspace_id() -> str:
    """An unguessable id (128 random bits) that names a workspace in a URL."""
    return secrets.token_urlsafe(16)


def valid_workspace_id(text) -> bool:
    return isinstance(text, str) and 16 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


def series_hash(values) -> str:
    return hashlib.sha256(np.asarray(values, dtype=np.float64).tobytes()).hexdigest()


class RunStore:
    """Opens one short-lived connection per call, so any thread (any user's session) may use it."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()
        try:
            self._create()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot use the run database at {self.path}: {exc}") from None

    def _create(self) -> None:
        """Make the folder, the file and the tables where they are missing; refuse a newer schema."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # closing, not sqlite3's own context manager, which commits but leaves the connection open: one left
        # open keeps the files open for the server's life, and SQLite then also defers closing every later
        # connection's file (POSIX locks belong to the process)
        with contextlib.closing(self._connect()) as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer version (schema {version})")
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
            if "snapshots" not in columns:  # a schema 1 database: its runs keep no replay
                db.execute("ALTER TABLE runs ADD COLUMN snapshots BLOB")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = NORMAL")  # with WAL: a crash loses at most the last commits, never corrupts
        except BaseException:
            db.close()
            raise
        return db

    def _run(self, work):
        try:
            db = self._connect()
            try:
                return work(db)
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise StoreError(f"the run database at {self.path} cannot be used: {_in_words(exc)}") from None

    def ensure_workspace(self, workspace: str) -> None:
        self._run(lambda db: db.execute("INSERT OR IGNORE INTO workspaces VALUES (?, ?)", (workspace, time.time())))

    def save_run(self, workspace: str, result, label: str, predictions: list[float], prediction: float | None) -> int:
        """Keep a finished or stopped run; returns its id."""
        weights = io.BytesIO()
        np.savez(weights, *result.weights)
        snapshots = _snapshot_bytes(result.snapshots)
        values = result.series.to_numpy()
        row = (
            workspace, time.time(), "stopped" if result.stopped else "finished", label,
            json.dumps(asdict(result.config)), result.series.name, series_hash(values), json.dumps(to_json(result.series)),
            json.dumps(result.losses), json.dumps(result.val_losses) if result.val_losses is not None else None,
            json.dumps(list(predictions)), prediction, result.seconds, result.n_train, weights.getvalue(), snapshots,
        )  # fmt: skip

        size = len(row[7]) + len(row[8]) + len(row[9] or "") + len(row[10]) + len(row[14]) + len(snapshots or b"")
        if size > MAX_RUN_BYTES:
            raise StoreFull(
                f"this run takes {size / 2**20:.0f} MB (its weights, mostly), more than the {MAX_RUN_BYTES / 2**20:.0f} MB "
                "a saved run may take; fewer units or layers make a smaller model"
            )

        def insert(db):
            db.execute("BEGIN IMMEDIATE")
            runs, stored = db.execute(
                f"SELECT COUNT(*), COALESCE(SUM({_STORED_BYTES}), 0) FROM runs WHERE workspace = ?", (workspace,)
            ).fetchone()
            if runs >= MAX_RUNS:
                raise StoreFull(f"this workspace keeps {runs} runs, the most it may; delete old runs on the Compare page to save new ones")
            if stored + size > MAX_WORKSPACE_BYTES:
                raise StoreFull(
                    f"this workspace's runs take {stored / 2**20:.0f} MB, and this one would pass the {MAX_WORKSPACE_BYTES / 2**20:.0f} MB "
                    "a workspace may keep; delete old runs on the Compare page to save new ones"
                )
            db.execute("INSERT OR IGNORE INTO workspaces VALUES (?, ?)", (workspace, time.time()))
            cursor = db.execute(
                "INSERT INTO runs (workspace, created, status, label, config, series_name, series_hash, series, losses,"
                " val_losses, predictions, prediction, seconds, n_train, weights, snapshots) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                row,
            )
            db.execute("COMMIT")
            return cursor.lastrowid

        if not self.path.exists():
            # the file or its folder was removed while the server ran (a cleaned-up data/ folder):
            # start a new one, so that saving goes on once it can
            try:
                self._create()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot save to the run database at {self.path}: {exc}") from None
        return self._run(insert)

    def runs(self, workspace: str) -> list[dict]:
        """The workspace's runs, oldest first, each a dict with the stored fields decoded (weights left out)."""

        def select(db):
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT id, created, status, label, config, series_name, series_hash, losses, val_losses, prediction, seconds"
                " FROM runs WHERE workspace = ? ORDER BY id",
                (workspace,),
            ).fetchall()
            return [_decode(dict(r)) for r in rows]

        return self._run(select)

    def load_result(self, workspace: str, run_id: int, snapshots: bool = True):
        """The stored run as a `TrainResult` (weights included), or None if it is not in this workspace.

        Without `snapshots` the result leaves them out (`load_snapshots` reads them when needed).
        """
        from .result import TrainResult

        def select(db):
            return db.execute(
                f"SELECT config, series_name, series, losses, val_losses, status, seconds, n_train, weights, "
                f"{'snapshots' if snapshots else 'NULL'} FROM runs WHERE workspace = ? AND id = ?",
                (workspace, run_id),
            ).fetchone()

        row = self._run(select)
        if row is None:
            return None
        config, name, series, losses, val_losses, status, seconds, n_train, weights, snapshots = row
        weights = _weights_from(weights)
        return TrainResult(
            config=TrainConfig(**json.loads(config)),
            series=from_json(json.loads(series), name),
            losses=json.loads(losses),
            val_losses=json.loads(val_losses) if val_losses else None,
            weights=weights,
            stopped=status == "stopped",
            seconds=seconds,
            n_train=n_train,
            snapshots=_snapshots_from(snapshots, weights),
        )

    def load_snapshots(self, workspace: str, run_id: int) -> Snapshots | None:
        """The run's snapshots (None if it kept none, or is not in this workspace)."""

        def select(db):
            return db.execute("SELECT weights, snapshots FROM runs WHERE workspace = ? AND id = ?", (workspace, run_id)).fetchone()

        row = self._run(select)
        if row is None or row[1] is None:
            return None
        return _snapshots_from(row[1], _weights_from(row[0]))

    def delete_run(self, workspace: str, run_id: int) -> bool:
        return self._run(lambda db: db.execute("DELETE FROM runs WHERE workspace = ? AND id = ?", (workspace, run_id)).rowcount) > 0

    def clear(self, workspace: str) -> int:
        return self._run(lambda db: db.execute("DELETE FROM runs WHERE workspace = ?", (workspace,)).rowcount)

    def runs_csv(self, workspace: str) -> str:
        """One row per run: its settings, results and per-epoch losses (as a ;-separated list)."""
        out = io.StringIO()
        fields = [f.name for f in TrainConfig.__dataclass_fields__.values()]
        writer = csv.writer(out)
        writer.writerow(
            ["run", "created_utc", "status", "data", *fields, "final_loss", "final_val_loss", "prediction", "seconds", "losses"]
        )
        for run in self.runs(workspace):
            writer.writerow([
                run["id"], time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(run["created"])), run["status"], _cell(run["label"]),
                *[run["config"][f] for f in fields], run["losses"][-1] if run["losses"] else "",
                run["val_losses"][-1] if run["val_losses"] else "", run["prediction"], round(run["seconds"], 3),
                ";".join(f"{v:.6g}" for v in run["losses"]),
            ])  # fmt: skip
        return out.getvalue()


def _weights_from(data: bytes) -> list[np.ndarray]:
    arrays = np.load(io.BytesIO(data))
    return [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


def _snapshot_bytes(snapshots: Snapshots | None) -> bytes | None:
    if snapshots is None:
        return None
    out = io.BytesIO()
    np.savez(out, epochs=np.asarray(snapshots.epochs, np.int64), flat=snapshots.flat)
    return out.getvalue()


def _snapshots_from(data: bytes | None, weights: list[np.ndarray]) -> Snapshots | None:
    if data is None:
        return None
    arrays = np.load(io.BytesIO(data))
    return Snapshots(tuple(int(e) for e in arrays["epochs"]), arrays["flat"], tuple(w.shape for w in weights))


def _in_words(exc: sqlite3.Error) -> str:
    """SQLite's reason in words a teacher can act on, with SQLite's own words after it."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return f"the disk or folder is read-only ({text})"
    if "disk is full" in text:
        return f"the disk is full ({text})"
    if "unable to open" in text:
        return f"the file cannot be opened: is its folder read-only, or gone? ({text})"
    return text


def _decode(row: dict) -> dict:
    row["config"] = json.loads(row["config"])
    row["losses"] = json.loads(row["losses"])
    row["val_losses"] = json.loads(row["val_losses"]) if row["val_losses"] else None
    return row


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
