"""Saving fails mid-session (read-only, a vanished folder, a full disk): the run says so at once, and stops saying so once saving works.

Each fault is made for real: a read-only bind mount, a removed folder, a small full tmpfs. Mounting needs
root on Linux; where it is not permitted the test is skipped and says why.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, figures, reopen, train

from pages.lab import workspace


def mount(*args: str) -> None:
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("making a read-only or full file system needs root on Linux (mount)")
    out = subprocess.run(["mount", *args], capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip(f"mount is not permitted here: {out.stderr.strip()}")


def unmount(folder) -> None:
    """Undo a mount; a process that just closed a file there can keep it busy for a moment."""
    for _ in range(20):
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    subprocess.run(["umount", "--lazy", str(folder)], check=True)


@contextlib.contextmanager
def read_only(folder):
    """`folder` becomes read-only for everyone, root included, until the block ends."""
    mount("--bind", str(folder), str(folder))
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        unmount(folder)


@contextlib.contextmanager
def small_disk(folder, size="2m"):
    """A tmpfs of `size` mounted at `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        unmount(folder)


def fill(folder) -> None:
    """Write into `folder` until the disk is full."""
    with open(folder / "filler", "wb") as filler:
        with contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()


@pytest.fixture
def app_with_database(tmp_path, monkeypatch):
    """The app on a database of its own in tmp_path/db/, which the tests break and mend."""
    folder = tmp_path / "db"
    folder.mkdir()
    monkeypatch.setenv("LAB_DB_PATH", str(folder / "runs.sqlite3"))
    workspace._open_store.clear()
    yield folder, AppTest.from_file(APP, default_timeout=120).run()
    workspace._open_store.clear()


def unsaved_warnings(at) -> list[str]:
    return [w.value for w in at.warning if "was not saved" in w.value]


def saved_runs(folder) -> int:
    with contextlib.closing(sqlite3.connect(folder / "runs.sqlite3")) as db:
        return db.execute("SELECT count(*) FROM runs").fetchone()[0]


def check_fault_and_recovery(at, folder, fault, mend) -> None:
    at = train(at, epochs=5, units=4)
    assert not unsaved_warnings(at) and saved_runs(folder) == 1
    with fault():
        at.button(key="train").click().run()
        assert not at.exception
        warnings = unsaved_warnings(at)  # on the very script run that trained it
        assert len(warnings) == 1 and "stays in this tab only" in warnings[0], [w.value for w in at.warning]
        assert "Loss per epoch (MSE on scaled values)" in figures(at)  # the result itself is shown
    mend()
    at.button(key="train").click().run()
    assert not at.exception and not unsaved_warnings(at)
    assert not any("cannot be used now" in w.value for w in at.warning)
    at.run()  # and on the next script run too
    assert not any("not saved" in w.value or "cannot be used now" in w.value for w in at.warning)
    numbers = [r["run"] for r in at.session_state["runs"]]
    assert len(numbers) == 3 and len(set(numbers)) == 3, numbers  # nothing lost from the tab, numbers distinct
    return ["no" if r["not_saved"] else "yes" for r in at.session_state["runs"]]


def test_a_read_only_database_is_reported_with_the_run(app_with_database):
    folder, at = app_with_database
    assert check_fault_and_recovery(at, folder, lambda: read_only(folder), lambda: None) == ["yes", "no", "yes"]
    assert saved_runs(folder) == 2


def test_a_vanished_folder_is_reported_then_made_again(app_with_database):
    folder, at = app_with_database

    @contextlib.contextmanager
    def vanished():
        shutil.rmtree(folder)
        folder.touch()  # a file where the folder was: the folder cannot be made again while it is there
        yield
        folder.unlink()

    # the first run went with its folder; the third is saved in a new database where the old one was
    assert check_fault_and_recovery(at, folder, vanished, lambda: None) == ["no", "no", "yes"]
    assert saved_runs(folder) == 1


def test_a_full_disk_is_reported_with_the_run(tmp_path, monkeypatch):
    folder = tmp_path / "db"
    with small_disk(folder):
        monkeypatch.setenv("LAB_DB_PATH", str(folder / "runs.sqlite3"))
        workspace._open_store.clear()
        try:
            at = AppTest.from_file(APP, default_timeout=120).run()

            @contextlib.contextmanager
            def full():
                fill(folder)
                yield

            saved = check_fault_and_recovery(at, folder, full, lambda: (folder / "filler").unlink())
            assert saved == ["yes", "no", "yes"] and saved_runs(folder) == 2
        finally:
            workspace._open_store.clear()


def test_a_run_kept_only_in_the_tab_can_be_deleted(app_with_database):
    folder, at = app_with_database
    at = train(at, epochs=5, units=4)
    with read_only(folder):
        at.button(key="train").click().run()
    unsaved = at.session_state["runs"][-1]["run"]
    at = at.switch_page("pages/compare.py").run()
    assert "saved" in at.dataframe[0].value.columns and at.dataframe[0].value["saved"].tolist() == ["yes", "no"]
    at.selectbox(key="delete_choice").set_value(unsaved)
    at.button(key="delete_run").click().run()
    assert not at.exception and [r["not_saved"] for r in at.session_state["runs"]] == [None]
    assert saved_runs(folder) == 1  # the saved run was not touched


def test_a_reload_while_the_database_cannot_be_read_says_so_and_loses_nothing(app_with_database):
    folder, at = app_with_database
    at = train(at, epochs=5, units=4)
    workspace = at.session_state["workspace"]
    with read_only(folder):
        again = reopen(workspace)
        assert not again.exception
        assert any("runs saved earlier cannot be shown" in w.value for w in again.warning), [w.value for w in again.warning]
    again = reopen(workspace)  # once the database can be used, the run is back
    assert len(again.session_state["runs"]) == 1 and not any("cannot be used now" in w.value for w in again.warning)
