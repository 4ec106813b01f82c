"""Runs kept on disk: a small SQLite database (WAL) of workspaces, their finished or stopped runs, and classes' boards."""

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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .config import TrainConfig
from .data import MAX_FILE_BYTES as MAX_UPLOAD_BYTES
from .snapshots import Snapshots
from .timeaxis import from_json, to_json

# 2: runs.snapshots (the weights at some epochs, for a replay); 3: run numbers per workspace, Adam's state, guesses, classes;
# 4: a class member's rejoin token (its hash) and a name the teacher freed; 5: a workspace's uploaded file
SCHEMA_VERSION = 5
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "runs.sqlite3"
PATH_VARIABLE = "LAB_DB_PATH"  # set it to keep runs elsewhere
# what one workspace may keep: a class's laptops and a shared server's disk stay within bounds
MAX_RUNS = 200
MAX_RUN_BYTES = 32 * 2**20
MAX_WORKSPACE_BYTES = 512 * 2**20
# the columns a run's size counts: one list for the check before saving and the workspace's sum in SQL
_PAYLOAD = ("weights", "series", "losses", "val_losses", "predictions", "snapshots", "optimizer", "guess")
_STORED_BYTES = " + ".join(f"COALESCE(LENGTH({column}), 0)" for column in _PAYLOAD)

_RUN_TABLES = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    next_run INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
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
    snapshots BLOB,
    optimizer BLOB,
    continued_from INTEGER,
    guess TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS runs_by_number ON runs(workspace, number);
"""

# seqcore.classroom reads and writes these; a member who moved to another class keeps their name on the old board
_CLASS_TABLES = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY,
    teacher_key TEXT NOT NULL,
    created REAL NOT NULL,
    closed REAL,
    hide_names INTEGER NOT NULL DEFAULT 0,
    lesson TEXT
);
CREATE TABLE IF NOT EXISTS class_members (
    class_code TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
    workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    joined REAL NOT NULL,
    moved REAL,
    rejoin TEXT,
    freed REAL,
    PRIMARY KEY (class_code, workspace)
);
CREATE UNIQUE INDEX IF NOT EXISTS one_class_per_workspace ON class_members(workspace) WHERE moved IS NULL;
CREATE TABLE IF NOT EXISTS class_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    class_code TEXT NOT NULL,
    workspace TEXT NOT NULL,
    run_number INTEGER NOT NULL,
    created REAL NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    FOREIGN KEY (class_code, workspace) REFERENCES class_members(class_code, workspace) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS class_entry_per_run ON class_entries(class_code, workspace, run_number);
CREATE INDEX IF NOT EXISTS class_board ON class_entries(class_code, removed, id);
"""

_TO_SCHEMA_3 = (
    # ALTER TABLE adds a NOT NULL column only with a default; every row gets its real number below
    "ALTER TABLE runs ADD COLUMN number INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE runs ADD COLUMN optimizer BLOB",
    "ALTER TABLE runs ADD COLUMN continued_from INTEGER",
    "ALTER TABLE runs ADD COLUMN guess TEXT",
    "ALTER TABLE workspaces ADD COLUMN next_run INTEGER NOT NULL DEFAULT 1",
    # each workspace's runs become 1..n in the order they were saved (the global id's order)
    "UPDATE runs SET number = (SELECT COUNT(*) FROM runs AS earlier WHERE earlier.workspace = runs.workspace AND earlier.id <= runs.id)",
    "UPDATE workspaces SET next_run = 1 + (SELECT COALESCE(MAX(number), 0) FROM runs WHERE runs.workspace = workspaces.id)",
    "DROP INDEX IF EXISTS runs_by_workspace",
    "CREATE UNIQUE INDEX runs_by_number ON runs(workspace, number)",
)

# a workspace keeps its last uploaded file, so that reloading its address brings the series back (a second upload
# replaces it); a browser cannot be asked for the file again, and a file input forgets it at every reload
_UPLOAD_TABLES = """
CREATE TABLE IF NOT EXISTS uploads (
    workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    column_name TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (workspace, sha256)
);
"""

_TO_SCHEMA_4 = ("ALTER TABLE class_members ADD COLUMN rejoin TEXT", "ALTER TABLE class_members ADD COLUMN freed REAL")

_LISTED = (
    "number, created, status, label, config, series_name, series_hash, losses, val_losses, prediction, seconds,"
    " continued_from, guess, optimizer IS NOT NULL AS can_continue"
)


@dataclass(frozen=True)
class StoredUpload:
    """A workspace's uploaded file as it arrived: its (shortened) name, the SHA-256 of its bytes, and the column chosen in it."""

    name: str
    sha256: str
    data: bytes = field(repr=False)
    column: str | None = None


class StoreError(RuntimeError):
    """The database cannot be read or written (read-only folder, full disk, corrupt file)."""


class StoreFull(StoreError):
    """The run, or the workspace with it, would pass what a workspace may keep; older runs are never dropped to make room."""


def default_path() -> Path:
    """Where runs are kept: `LAB_DB_PATH`, else data/runs.sqlite3 in the project."""
    return Path(os.environ.get(PATH_VARIABLE) or DEFAULT_PATH)


def new_workspace_id() -> str:
    """An unguessable id (128 random bits) that names a workspace in a URL."""
    return secrets.token_urlsafe(16)


def valid_workspace_id(text) -> bool:
    """Whether `text` can be a workspace id (checked before a URL's value reaches the database)."""
    return isinstance(text, str) and 16 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


def series_hash(values) -> str:
    """The SHA-256 of the series' float64 values: equal series, equal hash."""
    return hashlib.sha256(np.asarray(values, dtype=np.float64).tobytes()).hexdigest()


def to_json_text(value) -> str:
    """`value` as JSON text; numpy numbers and arrays become plain ones."""
    return json.dumps(value, default=lambda v: v.tolist() if isinstance(v, np.generic | np.ndarray) else _unencodable(v))


def _unencodable(value):
    raise TypeError(f"a {type(value).__name__} cannot be kept as JSON")


class RunStore:
    """Opens one short-lived connection per call, so any thread (any user's session) may use it."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()
        try:
            self._create()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot use the run database at {self.path}: {exc}") from None

    def _create(self) -> None:
        """Make the folder, the file and the tables where they are missing; bring an older schema up to date; refuse a newer one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # closing, not sqlite3's own context manager, which commits but leaves the connection open: one left
        # open keeps the files open for the server's life, and SQLite then also defers closing every later
        # connection's file (POSIX locks belong to the process)
        with contextlib.closing(self._connect()) as db:
            if self._refuse_newer(db) == SCHEMA_VERSION:
                return
            db.execute("PRAGMA journal_mode=WAL")
            # one transaction: two servers opening one old file migrate it once, and a failed migration leaves it as it was
            db.execute("BEGIN IMMEDIATE")
            if self._refuse_newer(db) < SCHEMA_VERSION:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if "runs" in tables:
                    _migrate(db)
                else:
                    _execute_all(db, _RUN_TABLES)
                _execute_all(db, _CLASS_TABLES)
                _execute_all(db, _UPLOAD_TABLES)  # schema 5: new in a new file and in an older one alike
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")

    def _refuse_newer(self, db: sqlite3.Connection) -> int:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer version (schema {version})")
        return version

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
        """`work(db)` on a connection of its own, closed after; SQLite's errors become a StoreError in words."""
        try:
            db = self._connect()
            try:
                return work(db)
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise StoreError(f"the run database at {self.path} cannot be used: {_in_words(exc)}") from None

    def _write(self, work):
        """`work(db)` in one BEGIN IMMEDIATE transaction: committed when it returns, rolled back when it raises."""

        def transaction(db):
            db.execute("BEGIN IMMEDIATE")  # the write lock first: checks made in `work` still hold at the commit
            try:
                value = work(db)
            except BaseException:
                if db.in_transaction:  # sqlite rolls back by itself after some errors (a full disk)
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return value

        return self._run(transaction)

    def ensure_workspace(self, workspace: str) -> None:
        """Record the workspace (if it is new), so that a link to it opens before it has runs."""
        self._run(lambda db: db.execute("INSERT OR IGNORE INTO workspaces (id, created) VALUES (?, ?)", (workspace, time.time())))

    def save_run(
        self,
        workspace: str,
        result,
        label: str,
        predictions: list[float],
        prediction: float | None,
        continued_from: int | None = None,
        guess: dict | None = None,
    ) -> int:
        """Keep a finished or stopped run; returns its number in the workspace (1, 2, 3…, never reused there).

        `continued_from` is the number of the run in this workspace whose training this one went on from;
        `guess` is what the student guessed before training (any JSON-able dict), given back by `runs` and `run`.
        """
        values = result.series.to_numpy()
        columns = {
            "workspace": workspace,
            "created": time.time(),
            "status": "stopped" if result.stopped else "finished",
            "label": label,
            "config": json.dumps(asdict(result.config)),
            "series_name": result.series.name,
            "series_hash": series_hash(values),
            "series": json.dumps(to_json(result.series)),
            "losses": json.dumps(result.losses),
            "val_losses": json.dumps(result.val_losses) if result.val_losses is not None else None,
            "predictions": json.dumps(list(predictions)),
            "prediction": prediction,
            "seconds": result.seconds,
            "n_train": result.n_train,
            "weights": _arrays_bytes(result.weights),
            "snapshots": _snapshot_bytes(result.snapshots),
            "optimizer": _optimizer_bytes(result.optimizer),
            "continued_from": int(continued_from) if continued_from is not None else None,
            "guess": to_json_text(guess) if guess is not None else None,
        }
        size = sum(len(columns[column] or b"") for column in _PAYLOAD)
        if size > MAX_RUN_BYTES:
            raise StoreFull(
                f"this run takes {size / 2**20:.0f} MB (its weights, mostly), more than the {MAX_RUN_BYTES / 2**20:.0f} MB "
                "a saved run may take; fewer units or layers make a smaller model"
            )

        def insert(db):
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
            db.execute("INSERT OR IGNORE INTO workspaces (id, created) VALUES (?, ?)", (workspace, time.time()))
            # the workspace's counter, not the runs' highest number: a deleted run's number is not given again
            (number,) = db.execute("SELECT next_run FROM workspaces WHERE id = ?", (workspace,)).fetchone()
            db.execute("UPDATE workspaces SET next_run = ? WHERE id = ?", (number + 1, workspace))
            row = {**columns, "number": number}
            db.execute(f"INSERT INTO runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
            return number

        if not self.path.exists():
            # the file or its folder was removed while the server ran (a cleaned-up data/ folder):
            # start a new one, so that saving goes on once it can
            try:
                self._create()
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot save to the run database at {self.path}: {exc}") from None
        return self._write(insert)

    def save_upload(self, workspace: str, name: str, data: bytes, column: str | None = None) -> str:
        """Keep `data`, a file uploaded in the workspace (named `name`), in place of any it kept before; returns its SHA-256.

        StoreFull when it is larger than an upload may be (the same limit as the upload itself).
        """
        if len(data) > MAX_UPLOAD_BYTES:
            raise StoreFull(f"the file takes {len(data) / 1e6:.1f} MB, more than the {MAX_UPLOAD_BYTES / 1e6:g} MB an upload may take")
        digest = hashlib.sha256(data).hexdigest()

        def replace(db):
            db.execute("INSERT OR IGNORE INTO workspaces (id, created) VALUES (?, ?)", (workspace, time.time()))
            db.execute("DELETE FROM uploads WHERE workspace = ? AND sha256 != ?", (workspace, digest))
            db.execute(
                "INSERT INTO uploads (workspace, sha256, name, data, column_name, created) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (workspace, sha256) DO UPDATE SET name = excluded.name, column_name = excluded.column_name,"
                " created = excluded.created",
                (workspace, digest, name, data, column, time.time()),
            )

        self._write(replace)
        return digest

    def upload(self, workspace: str) -> StoredUpload | None:
        """The file the workspace keeps (its last upload), or None."""
        row = self._run(
            lambda db: db.execute(
                "SELECT name, sha256, data, column_name FROM uploads WHERE workspace = ? ORDER BY created DESC LIMIT 1", (workspace,)
            ).fetchone()
        )
        return StoredUpload(row[0], row[1], bytes(row[2]), row[3]) if row is not None else None

    def set_upload_column(self, workspace: str, sha256: str, column: str | None) -> None:
        """Remember which column of the kept file (`sha256`) is the series; nothing if the workspace keeps another file."""
        self._run(
            lambda db: db.execute("UPDATE uploads SET column_name = ? WHERE workspace = ? AND sha256 = ?", (column, workspace, sha256))
        )

    def runs(self, workspace: str) -> list[dict]:
        """The workspace's runs, oldest first, each a dict with the stored fields decoded (weights left out).

        Each has its `number` in the workspace, `continued_from` (a run number, or None), `guess` (a dict, or None)
        and `can_continue` (whether Adam's state was kept, which continuing its training needs).
        """

        def select(db):
            db.row_factory = sqlite3.Row
            rows = db.execute(f"SELECT {_LISTED} FROM runs WHERE workspace = ? ORDER BY number", (workspace,)).fetchall()
            return [_decode(dict(r)) for r in rows]

        return self._run(select)

    def run(self, workspace: str, number: int) -> dict | None:
        """One run of the workspace as `runs` lists it (its guess included), or None if it has no run of that number."""

        def select(db):
            db.row_factory = sqlite3.Row
            return db.execute(f"SELECT {_LISTED} FROM runs WHERE workspace = ? AND number = ?", (workspace, number)).fetchone()

        row = self._run(select)
        return _decode(dict(row)) if row is not None else None

    def load_result(self, workspace: str, number: int, snapshots: bool = True):
        """The workspace's run of that number as a `TrainResult` (weights and Adam's state included), or None if there is none.

        Without `snapshots` the result leaves them out (`load_snapshots` reads them when needed).
        """
        from .result import TrainResult

        def select(db):
            return db.execute(
                f"SELECT config, series_name, series, losses, val_losses, status, seconds, n_train, weights, optimizer, "
                f"{'snapshots' if snapshots else 'NULL'} FROM runs WHERE workspace = ? AND number = ?",
                (workspace, number),
            ).fetchone()

        row = self._run(select)
        if row is None:
            return None
        config, name, series, losses, val_losses, status, seconds, n_train, weights, optimizer, snapshots = row
        weights = _arrays_from(weights)
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
            optimizer=_optimizer_from(optimizer),
        )

    def load_snapshots(self, workspace: str, number: int) -> Snapshots | None:
        """The run's snapshots (None if it kept none, or the workspace has no run of that number)."""

        def select(db):
            return db.execute("SELECT weights, snapshots FROM runs WHERE workspace = ? AND number = ?", (workspace, number)).fetchone()

        row = self._run(select)
        if row is None or row[1] is None:
            return None
        return _snapshots_from(row[1], _arrays_from(row[0]))

    def delete_run(self, workspace: str, number: int) -> bool:
        """Delete the workspace's run of that number; False if it had none. Its number is not given to a later run."""
        deleted = self._run(lambda db: db.execute("DELETE FROM runs WHERE workspace = ? AND number = ?", (workspace, number)).rowcount)
        return deleted > 0

    def clear(self, workspace: str) -> int:
        """Delete all the workspace's runs; returns how many. Numbering goes on after the last one."""
        return self._run(lambda db: db.execute("DELETE FROM runs WHERE workspace = ?", (workspace,)).rowcount)

    def runs_csv(self, workspace: str) -> str:
        """One row per run (its number in the workspace): its settings, results and per-epoch losses (as a ;-separated list)."""
        out = io.StringIO()
        fields = [f.name for f in TrainConfig.__dataclass_fields__.values()]
        writer = csv.writer(out)
        results = ["final_loss", "final_val_loss", "prediction", "seconds", "losses", "continued_from"]
        writer.writerow(["run", "created_utc", "status", "data", *fields, *results])
        for run in self.runs(workspace):
            created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(run["created"]))
            writer.writerow(
                [
                    run["number"],
                    created,
                    run["status"],
                    _cell(run["label"]),
                    *[run["config"][f] for f in fields],
                    run["losses"][-1] if run["losses"] else "",
                    run["val_losses"][-1] if run["val_losses"] else "",
                    run["prediction"],
                    round(run["seconds"], 3),
                    ";".join(f"{v:.6g}" for v in run["losses"]),
                    run["continued_from"] if run["continued_from"] is not None else "",
                ]
            )
        return out.getvalue()


def _execute_all(db: sqlite3.Connection, script: str) -> None:
    # one statement at a time: executescript would first commit the open transaction
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a schema 1, 2, 3 or 4 database's tables to schema 5, keeping every run, class and member (the uploads
    table, new in 5, is made with the others)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    if "snapshots" not in columns:  # a schema 1 database: its runs keep no replay
        db.execute("ALTER TABLE runs ADD COLUMN snapshots BLOB")
    if "number" not in columns:
        for statement in _TO_SCHEMA_3:
            db.execute(statement)
    class_columns = {row[1] for row in db.execute("PRAGMA table_info(classes)")}
    if class_columns and "lesson" not in class_columns:  # schema 3 as first written had no lesson
        db.execute("ALTER TABLE classes ADD COLUMN lesson TEXT")
    member_columns = {row[1] for row in db.execute("PRAGMA table_info(class_members)")}
    if member_columns and "rejoin" not in member_columns:  # members who joined before have no token: a teacher may free their name
        for statement in _TO_SCHEMA_4:
            db.execute(statement)


def _arrays_bytes(arrays: list[np.ndarray]) -> bytes:
    out = io.BytesIO()
    np.savez(out, *arrays)
    return out.getvalue()


def _arrays_from(data: bytes) -> list[np.ndarray]:
    arrays = np.load(io.BytesIO(data))
    return [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


def _optimizer_bytes(state) -> bytes | None:
    """Adam's state as one npz: its moments, then its velocities (`arr_0…`), and the step count; None stays None."""
    if state is None:
        return None
    out = io.BytesIO()
    np.savez(out, *state.momentums, *state.velocities, steps=np.float64(state.steps))
    return out.getvalue()


def _optimizer_from(data: bytes | None):
    from .result import AdamState

    if data is None:
        return None
    arrays = np.load(io.BytesIO(data))
    count = (len(arrays.files) - 1) // 2
    ordered = [arrays[f"arr_{i}"] for i in range(2 * count)]
    return AdamState(momentums=ordered[:count], velocities=ordered[count:], steps=float(arrays["steps"]))


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
    row["guess"] = json.loads(row["guess"]) if row["guess"] is not None else None
    row["can_continue"] = bool(row["can_continue"])
    return row


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
