import contextlib
import csv
import io
import os
import shutil
import sqlite3
import threading

import pytest
from conftest import FAST

import seqcore
from seqcore.store import SCHEMA_VERSION, RunStore, StoreError, new_workspace_id, valid_workspace_id


@pytest.fixture(scope="module")
def result():
    return seqcore.train(seqcore.get_dataset("ramp"), FAST)


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "runs.sqlite3")


def save(store, workspace, result, label="ramp"):
    return store.save_run(workspace, result, label, [4.0, 5.0], 8.0)


def test_a_saved_run_comes_back_whole(store, result):
    workspace = new_workspace_id()
    run_id = save(store, workspace, result)
    (row,) = store.runs(workspace)
    assert row["id"] == run_id and row["status"] == "finished" and row["config"]["units"] == 8
    assert row["losses"] == result.losses and row["prediction"] == 8.0
    restored = store.load_result(workspace, run_id)
    assert restored.config == result.config and restored.losses == result.losses
    assert seqcore.predict_next(restored, [5, 6, 7]) == pytest.approx(seqcore.predict_next(result, [5, 6, 7]))


def test_workspaces_see_only_their_own_runs(store, result):
    a, b = new_workspace_id(), new_workspace_id()
    save(store, a, result)
    run_b = save(store, b, result)
    assert [r["id"] for r in store.runs(b)] == [run_b]
    assert store.load_result(a, run_b) is None  # an id from another workspace is not found
    assert not store.delete_run(a, run_b) and len(store.runs(b)) == 1


def test_delete_and_clear(store, result):
    workspace = new_workspace_id()
    first = save(store, workspace, result)
    save(store, workspace, result)
    assert store.delete_run(workspace, first)
    assert len(store.runs(workspace)) == 1
    assert store.clear(workspace) == 1 and store.runs(workspace) == []


def test_csv_export_has_settings_results_and_no_live_formulas(store, result):
    workspace = new_workspace_id()
    save(store, workspace, result, label="=cmd|' /C calc'!A0")
    rows = list(csv.DictReader(io.StringIO(store.runs_csv(workspace))))
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
    assert errors == [] and len(store.runs(workspace)) == 100


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
    run_id = save(store, workspace, result)
    assert [r["id"] for r in store.runs(workspace)] == [run_id]


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
    assert [r["id"] for r in store.runs(workspace)] == kept  # nothing dropped, nothing half-written
    save(store, new_workspace_id(), result)  # another workspace is not affected
    store.delete_run(workspace, kept[0])
    save(store, workspace, result)  # room again


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
