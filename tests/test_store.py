import contextlib
import csv
import dataclasses
import io
import os
import shutil
import sqlite3
import threading

import numpy as np
import pytest
from conftest import FAST

import seqcore
from seqcore.result import AdamState
from seqcore.store import SCHEMA_VERSION, RunStore, StoreError, StoreFull, new_workspace_id, valid_workspace_id


@pytest.fixture(scope="module")
def result():
    return seqcore.train(seqcore.get_dataset("ramp"), FAST)


def save(store, workspace, result, label="ramp", **extra):
    return store.save_run(workspace, result, label, [4.0, 5.0], 8.0, **extra)


def numbers(store, workspace):
    return [r["number"] for r in store.runs(workspace)]


def adam_state(weights, scale=1.0):
    """An optimizer state shaped like `weights`, with values no training would give by chance."""
    rng = np.random.default_rng(7)
    return AdamState(
        momentums=[(scale * rng.standard_normal(w.shape)).astype(np.float32) for w in weights],
        velocities=[(scale * rng.random(w.shape)).astype(np.float32) for w in weights],
        steps=123.0,
    )


def test_a_saved_run_comes_back_whole(store, result):
    workspace = new_workspace_id()
    number = save(store, workspace, result)
    (row,) = store.runs(workspace)
    assert number == row["number"] == 1 and "id" not in row
    assert row["status"] == "finished" and row["config"]["units"] == 8
    assert row["losses"] == result.losses and row["prediction"] == 8.0
    assert row["guess"] is None and row["continued_from"] is None
    restored = store.load_result(workspace, number)
    assert restored.config == result.config and restored.losses == result.losses
    assert seqcore.predict_next(restored, [5, 6, 7]) == pytest.approx(seqcore.predict_next(result, [5, 6, 7]))


def test_workspaces_see_only_their_own_runs(store, result):
    a, b = new_workspace_id(), new_workspace_id()
    save(store, a, result, label="a's")
    save(store, b, result, label="b's")
    assert [r["label"] for r in store.runs(b)] == ["b's"]
    save(store, a, result, label="a's second")
    assert store.load_result(b, 2) is None  # a's run 2 is not b's
    assert not store.delete_run(b, 2) and numbers(store, a) == [1, 2]


def test_each_workspace_numbers_its_runs_from_one(store, result):
    a, b = new_workspace_id(), new_workspace_id()
    saved = [save(store, workspace, result, label=f"{name}{i}") for i in (1, 2, 3) for workspace, name in ((a, "a"), (b, "b"))]
    assert saved == [1, 1, 2, 2, 3, 3]
    assert [(r["number"], r["label"]) for r in store.runs(a)] == [(1, "a1"), (2, "a2"), (3, "a3")]
    assert [(r["number"], r["label"]) for r in store.runs(b)] == [(1, "b1"), (2, "b2"), (3, "b3")]
    assert store.load_result(b, 3).losses == result.losses and store.load_snapshots(a, 2) is not None


def test_a_deleted_runs_number_is_not_given_again(store, result):
    workspace = new_workspace_id()
    for _ in range(3):
        save(store, workspace, result)
    assert store.delete_run(workspace, 3) and store.delete_run(workspace, 1)
    assert save(store, workspace, result) == 4  # not 3, the highest number left plus one, nor 1
    assert store.load_result(workspace, 3) is None and store.load_result(workspace, 1) is None
    assert store.clear(workspace) == 2 and store.runs(workspace) == []
    assert save(store, workspace, result) == 5


def test_delete_and_clear(store, result):
    workspace = new_workspace_id()
    first = save(store, workspace, result)
    save(store, workspace, result)
    assert store.delete_run(workspace, first)
    assert numbers(store, workspace) == [2]
    assert store.clear(workspace) == 1 and store.runs(workspace) == []


def test_adams_state_comes_back_with_the_run_so_it_can_be_continued(store, result):
    workspace = new_workspace_id()
    state = adam_state(result.weights)
    save(store, workspace, dataclasses.replace(result, optimizer=state))
    save(store, workspace, dataclasses.replace(result, optimizer=None))
    kept, missing = store.load_result(workspace, 1).optimizer, store.load_result(workspace, 2).optimizer
    assert missing is None and kept.steps == 123.0
    for restored, original in ((kept.momentums, state.momentums), (kept.velocities, state.velocities)):
        assert len(restored) == len(result.weights)
        for a, b in zip(restored, original, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)
    assert [r["can_continue"] for r in store.runs(workspace)] == [True, False]


def test_a_continued_run_names_the_run_it_went_on_from(store, result):
    workspace = new_workspace_id()
    save(store, workspace, result)
    save(store, workspace, result, continued_from=1)
    assert [r["continued_from"] for r in store.runs(workspace)] == [None, 1]
    store.delete_run(workspace, 1)  # the number still names it: it is never given to another run
    assert store.run(workspace, 2)["continued_from"] == 1
    rows = list(csv.DictReader(io.StringIO(store.runs_csv(workspace))))
    assert [(r["run"], r["continued_from"]) for r in rows] == [("2", "1")]


def test_a_guess_comes_back_with_the_run(store, result):
    workspace = new_workspace_id()
    guess = {"next_value": np.float64(8.5), "confidence": "quite sure", "words": "it keeps going up, ça monte"}
    save(store, workspace, result, guess=guess)
    save(store, workspace, result)
    assert [r["guess"] for r in store.runs(workspace)] == [{**guess, "next_value": 8.5}, None]
    assert store.run(workspace, 1)["guess"]["words"] == "it keeps going up, ça monte"
    assert store.run(workspace, 3) is None and store.run(new_workspace_id(), 1) is None


def test_csv_export_has_settings_results_and_no_live_formulas(store, result):
    workspace = new_workspace_id()
    save(store, workspace, result, label="=cmd|' /C calc'!A0")
    save(store, workspace, result)
    rows = list(csv.DictReader(io.StringIO(store.runs_csv(workspace))))
    assert [r["run"] for r in rows] == ["1", "2"] and rows[0]["continued_from"] == ""
    assert rows[0]["units"] == "8" and rows[0]["status"] == "finished"
    assert rows[0]["data"].startswith("'=")
    assert len(rows[0]["losses"].split(";")) == 20


def test_database_is_wal_with_a_schema_version(store):
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_schema_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "runs.sqlite3"
    RunStore(path)
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version"):
        RunStore(path)


def test_an_unwritable_place_is_a_store_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot use the run database"):
        RunStore(blocker / "runs.sqlite3")


def test_concurrent_writers_lose_nothing(store, result):
    workspace = new_workspace_id()
    errors = []

    def writer():
        try:
            for _ in range(25):
                save(store, workspace, result)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and numbers(store, workspace) == list(range(1, 101))  # none lost, none given twice


def test_workspace_ids_are_long_random_and_checked():
    ids = {new_workspace_id() for _ in range(100)}
    assert len(ids) == 100 and all(valid_workspace_id(i) and len(i) >= 20 for i in ids)
    assert not valid_workspace_id("short") and not valid_workspace_id("<script>alert(1)</script>xxxxxxxx")


def test_saving_after_the_folder_vanished_starts_a_new_database_there(tmp_path, result):
    folder = tmp_path / "db"
    store = RunStore(folder / "runs.sqlite3")
    workspace = new_workspace_id()
    save(store, workspace, result)
    shutil.rmtree(folder)
    assert save(store, workspace, result) == 1  # a new database numbers from one again
    assert numbers(store, workspace) == [1]


def test_a_read_only_database_refuses_a_run_until_it_is_writable_again(tmp_path, result):
    from test_saving import read_only

    folder = tmp_path / "db"
    store = RunStore(folder / "runs.sqlite3")
    workspace = new_workspace_id()
    save(store, workspace, result)
    with read_only(folder), pytest.raises(StoreError, match="readonly|read-only|unable to open"):
        save(store, workspace, result)
    save(store, workspace, result)
    assert len(store.runs(workspace)) == 2


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists open files through Linux's /proc")
def test_no_file_stays_open_between_calls(tmp_path, result):
    """A store that kept its files open would pin the folder (no unmounting it, and no moving it on Windows)."""

    def open_files():
        names = []
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                names.append(os.readlink(f"/proc/self/fd/{fd}"))
        return [n for n in names if n.startswith(str(tmp_path))]

    store = RunStore(tmp_path / "runs.sqlite3")
    workspace = new_workspace_id()
    save(store, workspace, result)
    store.runs(workspace)
    assert open_files() == []


def test_a_full_workspace_refuses_a_new_run_and_keeps_every_old_one(store, result, monkeypatch):
    from seqcore import store as store_module

    monkeypatch.setattr(store_module, "MAX_RUNS", 3)
    workspace = new_workspace_id()
    kept = [save(store, workspace, result) for _ in range(3)]
    with pytest.raises(store_module.StoreFull, match="keeps 3 runs, the most it may; delete old runs on the Compare page"):
        save(store, workspace, result)
    assert numbers(store, workspace) == kept == [1, 2, 3]  # nothing dropped, nothing half-written, no number used up
    save(store, new_workspace_id(), result)  # another workspace is not affected
    store.delete_run(workspace, kept[0])
    assert save(store, workspace, result) == 4  # room again


def test_a_run_or_workspace_past_its_size_is_refused_with_its_size(store, result, monkeypatch):
    from seqcore import store as store_module

    workspace = new_workspace_id()
    monkeypatch.setattr(store_module, "MAX_RUN_BYTES", 1000)
    with pytest.raises(store_module.StoreFull, match=r"this run takes \d+ MB .*fewer units or layers"):
        save(store, workspace, result)
    monkeypatch.setattr(store_module, "MAX_RUN_BYTES", 2**30)
    save(store, workspace, result)
    monkeypatch.setattr(store_module, "MAX_WORKSPACE_BYTES", 1000)
    with pytest.raises(store_module.StoreFull, match="delete old runs on the Compare page"):
        save(store, workspace, result)
    assert len(store.runs(workspace)) == 1


def test_adams_state_counts_in_what_a_run_and_a_workspace_may_take(store, result, monkeypatch):
    from seqcore import store as store_module

    workspace = new_workspace_id()
    big = dataclasses.replace(result, optimizer=adam_state([np.zeros(2**18, np.float32)]))  # 2 MB of moments and velocities
    monkeypatch.setattr(store_module, "MAX_RUN_BYTES", 2**20)
    save(store, workspace, result)
    with pytest.raises(StoreFull, match=r"this run takes 2 MB"):
        save(store, workspace, big)
    monkeypatch.setattr(store_module, "MAX_RUN_BYTES", 2**30)
    save(store, workspace, big)
    monkeypatch.setattr(store_module, "MAX_WORKSPACE_BYTES", 2**20)  # more than the two runs without their optimizer take
    with pytest.raises(StoreFull, match="this workspace's runs take 2 MB"):
        save(store, workspace, result)
    assert numbers(store, workspace) == [1, 2]


# the tables exactly as schema 2 (git history: the commit before run numbers) wrote them
SCHEMA_2 = """
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
SCHEMA_2_COLUMNS = (
    "created, status, label, config, series_name, series_hash, series, losses, val_losses, predictions, prediction, seconds,"
    " n_train, weights, snapshots"
)


def old_database(path, donor, runs, version=2):
    """A schema 2 (or 1: no snapshots) file of `runs` ((workspace, label) in id order), each `donor`'s run with its own label."""
    schema, columns = SCHEMA_2, SCHEMA_2_COLUMNS
    if version == 1:
        schema, columns = schema.replace(",\n    snapshots BLOB", ""), columns.replace(", snapshots", "")
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(schema)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("ATTACH DATABASE ? AS donor", (str(donor.path),))
        (workspace,) = db.execute("SELECT workspace FROM donor.runs").fetchone()
        for owner, label in runs:
            db.execute("INSERT OR IGNORE INTO workspaces VALUES (?, 1.0)", (owner,))
            db.execute(
                f"INSERT INTO runs (workspace, {columns}) SELECT ?, {columns} FROM donor.runs WHERE workspace = ?",
                (owner, workspace),
            )
            db.execute("UPDATE runs SET label = ? WHERE id = last_insert_rowid()", (label,))
        db.commit()


@pytest.mark.parametrize("version", [2, 1])
def test_an_older_database_numbers_each_workspaces_runs_in_their_old_order(tmp_path, result, version):
    donor = RunStore(tmp_path / "donor.sqlite3")
    save(donor, new_workspace_id(), dataclasses.replace(result, optimizer=None))
    a, b = new_workspace_id(), new_workspace_id()
    path = tmp_path / "old.sqlite3"
    old_database(path, donor, [(a, "a first"), (b, "b first"), (a, "a second"), (a, "a third"), (b, "b second")], version)
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert [row[0] for row in db.execute("SELECT id FROM runs ORDER BY id")] == [1, 2, 3, 4, 5]

    store = RunStore(path)
    assert [(r["number"], r["label"]) for r in store.runs(a)] == [(1, "a first"), (2, "a second"), (3, "a third")]
    assert [(r["number"], r["label"]) for r in store.runs(b)] == [(1, "b first"), (2, "b second")]
    restored = store.load_result(a, 3)  # global id 4
    assert restored.losses == result.losses and restored.optimizer is None
    assert seqcore.predict_next(restored, [5, 6, 7]) == pytest.approx(seqcore.predict_next(result, [5, 6, 7]))
    assert (store.load_snapshots(b, 2) is not None) == (version == 2) and store.load_result(b, 3) is None
    assert [r["guess"] for r in store.runs(a)] == [None] * 3 and not any(r["can_continue"] for r in store.runs(b))
    assert save(store, a, result) == 4 and save(store, b, result, continued_from=2) == 3  # numbering goes on
    assert store.delete_run(b, 3) and save(store, b, result) == 4
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert RunStore(path).runs(b)[-1]["number"] == 4  # opening it again migrates nothing twice


# the class tables exactly as schema 3 first wrote them (git history: d7a51d9, before classes had a lesson); its run tables are today's
SCHEMA_3_CLASSES = """
CREATE TABLE classes (
    code TEXT PRIMARY KEY,
    teacher_key TEXT NOT NULL,
    created REAL NOT NULL,
    closed REAL,
    hide_names INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE class_members (
    class_code TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
    workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    joined REAL NOT NULL,
    moved REAL,
    PRIMARY KEY (class_code, workspace)
);
CREATE UNIQUE INDEX one_class_per_workspace ON class_members(workspace) WHERE moved IS NULL;
CREATE TABLE class_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    class_code TEXT NOT NULL,
    workspace TEXT NOT NULL,
    run_number INTEGER NOT NULL,
    created REAL NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    FOREIGN KEY (class_code, workspace) REFERENCES class_members(class_code, workspace) ON DELETE CASCADE
);
CREATE UNIQUE INDEX class_entry_per_run ON class_entries(class_code, workspace, run_number);
CREATE INDEX class_board ON class_entries(class_code, removed, id);
"""


def test_a_schema_3_class_keeps_its_members_and_board_and_gains_rejoin_and_freeing(tmp_path, result):
    from seqcore.classroom import Classroom
    from seqcore.store import _RUN_TABLES

    path, ada, bob = tmp_path / "v3.sqlite3", new_workspace_id(), new_workspace_id()
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(_RUN_TABLES + SCHEMA_3_CLASSES)
        db.execute("INSERT INTO classes (code, teacher_key, created) VALUES ('ABCDEF', 'the-key', 1.0)")
        for number, (workspace, name) in enumerate(((ada, "Ada"), (bob, "Bob")), 1):
            db.execute("INSERT INTO workspaces (id, created) VALUES (?, 1.0)", (workspace,))
            db.execute("INSERT INTO class_members VALUES ('ABCDEF', ?, ?, ?, NULL)", (workspace, name, float(number)))
        db.execute("PRAGMA user_version = 3")
        db.commit()
    store = RunStore(path)
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    rooms = Classroom(store)
    save(store, ada, result)
    assert rooms.post_entry("ABCDEF", ada, 1, {"error": 0.5}) is not None
    assert [(e.name, e.joined) for e in rooms.board("ABCDEF")] == [("Ada", 1)]
    info = rooms.class_info("ABCDEF")
    assert (info.members, info.posted) == (2, 1)
    # a member who joined before rejoin tokens keeps the name: it is taken without a token, and the teacher can free it
    with pytest.raises(seqcore.InputError, match="'Ada' is taken"):
        rooms.join_class("ABCDEF", new_workspace_id(), "Ada", token="anything")
    assert rooms.free_name("ABCDEF", "the-key", "Ada")
    again = new_workspace_id()
    assert rooms.join_class("ABCDEF", again, "Ada").workspace == again
    assert [m.name for m in rooms.members("ABCDEF", "the-key")] == ["Bob", "Ada"]
    rooms.set_lesson("ABCDEF", "the-key", "payload.signature")  # the lesson column schema 3 first lacked
    assert rooms.lesson_of("ABCDEF") == "payload.signature"
    assert RunStore(path).runs(ada)[0]["number"] == 1  # opening it again migrates nothing twice


def test_a_workspace_keeps_its_last_upload_and_a_second_replaces_it(store):
    workspace, other = new_workspace_id(), new_workspace_id()
    assert store.upload(workspace) is None
    first = b"month,passengers\n1949-01,112\n1949-02,118\n"
    digest = store.save_upload(workspace, "air.csv", first)
    kept = store.upload(workspace)
    assert (kept.name, kept.data, kept.sha256, kept.column) == ("air.csv", first, digest, None)
    store.set_upload_column(workspace, digest, "passengers")
    assert store.upload(workspace).column == "passengers"
    assert store.upload(other) is None  # a workspace sees only its own file
    second = b"v\n1\n2\n3\n"
    store.save_upload(workspace, "v.csv", second)
    assert store.upload(workspace).data == second and store.upload(workspace).column is None
    with contextlib.closing(sqlite3.connect(store.path)) as db:
        assert db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0] == 1  # the first file is gone, not kept beside it
    store.set_upload_column(workspace, digest, "passengers")  # the replaced file's column: nothing to change
    assert store.upload(workspace).column is None


def test_an_upload_past_the_upload_limit_is_refused_and_the_kept_one_stays(store):
    from seqcore.data import MAX_FILE_BYTES

    workspace = new_workspace_id()
    store.save_upload(workspace, "small.csv", b"v\n1\n2\n")
    with pytest.raises(StoreFull, match="more than the 2 MB an upload may take"):
        store.save_upload(workspace, "big.csv", b"1\n" * (MAX_FILE_BYTES // 2 + 1))
    assert store.upload(workspace).name == "small.csv"


def test_a_schema_4_database_gains_the_uploads_table_and_keeps_its_runs_and_classes(tmp_path, result):
    from seqcore.classroom import Classroom
    from seqcore.store import _CLASS_TABLES, _RUN_TABLES

    path, workspace = tmp_path / "v4.sqlite3", new_workspace_id()
    with contextlib.closing(sqlite3.connect(path)) as db:  # schema 4 as it was written: today's run and class tables
        db.executescript(_RUN_TABLES + _CLASS_TABLES)
        db.execute("PRAGMA user_version = 4")
        db.commit()
    old = RunStore(tmp_path / "donor.sqlite3")
    save(old, workspace, result)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("ATTACH DATABASE ? AS donor", (str(old.path),))
        db.execute("INSERT INTO workspaces SELECT * FROM donor.workspaces")
        db.execute("INSERT INTO runs SELECT * FROM donor.runs")
        db.execute("INSERT INTO classes (code, teacher_key, created) VALUES ('ABCDEF', 'the-key', 1.0)")
        db.execute("INSERT INTO class_members (class_code, workspace, name, joined) VALUES ('ABCDEF', ?, 'Ada', 1.0)", (workspace,))
        db.commit()
        assert "uploads" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    store = RunStore(path)
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert [r["number"] for r in store.runs(workspace)] == [1]
    assert [m.name for m in Classroom(store).members("ABCDEF", "the-key")] == ["Ada"]
    store.save_upload(workspace, "flow.csv", b"v\n1\n2\n")
    assert RunStore(path).upload(workspace).name == "flow.csv"  # opening it again migrates nothing twice
