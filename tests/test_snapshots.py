"""Snapshots for a replay: which epochs are kept, that they are the weights of those epochs, and that they are kept."""

import sqlite3

import numpy as np
import pytest

import seqcore
from seqcore import TrainConfig, trainers
from seqcore.replay import replay
from seqcore.snapshots import MAX_BYTES, TARGET_COUNT, plan
from seqcore.store import SCHEMA_VERSION, RunStore, new_workspace_id
from seqcore.trainers import CHUNK

NOTEBOOK_WEIGHTS = 4 * 30 * (1 + 30 + 1) + 31


def test_the_plan_is_dense_early_and_ends_on_the_last_epoch():
    epochs = plan(500, NOTEBOOK_WEIGHTS)
    assert len(epochs) == TARGET_COUNT and epochs[0] == 0 and epochs[-1] == 500
    assert list(epochs) == sorted(set(epochs))
    assert epochs[:11] == tuple(range(11))  # the fast early changes, epoch by epoch
    assert plan(5, NOTEBOOK_WEIGHTS) == (0, 1, 2, 3, 4, 5)


def test_large_models_keep_fewer_snapshots_and_huge_ones_none():
    weights = MAX_BYTES // 4 // 10
    assert len(plan(500, weights)) == 10
    assert plan(500, MAX_BYTES // 4) == ()


def final_weights_equal(snapshots, weights) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(snapshots.weights(len(snapshots) - 1), weights, strict=True))


def test_each_snapshot_is_the_model_as_it_was_at_its_epoch(ramp, notebook_result):
    snapshots = notebook_result.snapshots
    assert snapshots.epochs == plan(500, NOTEBOOK_WEIGHTS)
    assert final_weights_equal(snapshots, notebook_result.weights)
    frames = replay(notebook_result)
    for epoch in (0, 12, 131):
        shorter = seqcore.train(ramp, TrainConfig(epochs=epoch)) if epoch else None
        index = snapshots.epochs.index(epoch)
        if shorter is not None:
            np.testing.assert_allclose(np.concatenate([w.ravel() for w in shorter.weights]), snapshots.flat[index], rtol=1e-5, atol=1e-7)
            assert frames.at(epoch).next_value == pytest.approx(seqcore.predict_next(shorter, [5, 6, 7]), rel=1e-4)
    assert frames.frames[-1].next_value == pytest.approx(seqcore.predict_next(notebook_result, [5, 6, 7]), rel=1e-9)
    assert frames.frames[-1].loss == notebook_result.losses[-1] and frames.frames[0].loss is None


def test_snapshots_a_call_cannot_hold_are_kept_over_several_calls(ramp, monkeypatch):
    weights = 4 * 111 * 113 + 112  # 111 units: an architecture no other test builds, so its trainer is made here
    monkeypatch.setattr(trainers, "RECORD_BYTES", 4 * weights * 3)  # a call keeps at most 3 epochs' weights
    assert 3 < len(plan(30, weights)) - 1 < CHUNK
    result = seqcore.train(ramp, TrainConfig(units=111, epochs=30))
    assert trainers.trainer_for(TrainConfig(units=111)).slots == 3
    snapshots = result.snapshots
    assert snapshots.epochs == plan(30, weights) and final_weights_equal(snapshots, result.weights)
    middle = len(snapshots) // 2
    shorter = seqcore.train(ramp, TrainConfig(units=111, epochs=snapshots.epochs[middle]))
    np.testing.assert_allclose(np.concatenate([w.ravel() for w in shorter.weights]), snapshots.flat[middle], rtol=1e-5, atol=1e-7)


def test_a_stopped_run_keeps_the_snapshots_up_to_its_last_epoch(ramp):
    calls = []
    result = seqcore.train(ramp, TrainConfig(epochs=400, units=8), should_stop=lambda: calls.append(1) or len(calls) >= 3)
    assert result.stopped and result.snapshots.epochs[-1] == result.epochs_trained
    assert all(e <= result.epochs_trained for e in result.snapshots.epochs)
    assert final_weights_equal(result.snapshots, result.weights)


def test_snapshots_are_saved_with_the_run_and_replay_after_loading(tmp_path, notebook_result):
    store, workspace = RunStore(tmp_path / "runs.sqlite3"), new_workspace_id()
    run = store.save_run(workspace, notebook_result, "ramp", [], None)
    loaded = store.load_result(workspace, run)
    assert loaded.snapshots.epochs == notebook_result.snapshots.epochs
    np.testing.assert_array_equal(loaded.snapshots.flat, notebook_result.snapshots.flat)
    assert [f.next_value for f in replay(loaded).frames] == [f.next_value for f in replay(notebook_result).frames]


SCHEMA_1 = """
CREATE TABLE workspaces (id TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    created REAL NOT NULL, status TEXT NOT NULL CHECK (status IN ('finished', 'stopped')), label TEXT NOT NULL,
    config TEXT NOT NULL, series_name TEXT, series_hash TEXT NOT NULL, series TEXT NOT NULL, losses TEXT NOT NULL,
    val_losses TEXT, predictions TEXT NOT NULL, prediction REAL, seconds REAL NOT NULL, n_train INTEGER NOT NULL,
    weights BLOB NOT NULL
);
CREATE INDEX runs_by_workspace ON runs(workspace, id);
PRAGMA user_version = 1;
"""


def test_a_schema_1_database_opens_keeps_its_runs_and_saves_snapshots(tmp_path, notebook_result):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_1)
    old.close()
    RunStore(path).save_run("w" * 22, notebook_result, "ramp", [], None)  # written without snapshots first, below
    db = sqlite3.connect(path)
    db.execute("UPDATE runs SET snapshots = NULL")
    db.commit()
    store = RunStore(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.load_result("w" * 22, 1).snapshots is None  # an old run: no replay, but it loads
    second = store.save_run("w" * 22, notebook_result, "ramp", [], None)
    assert store.load_result("w" * 22, second).snapshots is not None


def test_the_replay_memory_is_the_hidden_state_of_its_epoch(notebook_result):
    from seqcore.forward import look_inside

    played = replay(notebook_result)
    for frame in (played.frames[0], played.frames[30], played.frames[-1]):
        weights = notebook_result.snapshots.weights(notebook_result.snapshots.epochs.index(frame.epoch))
        hidden = look_inside(notebook_result.config, weights, np.array([5, 6, 7]) / 100, gradient=False).layers[0].states["hidden"]
        np.testing.assert_allclose(frame.memory, hidden[:, played.memory_units].T, rtol=1e-6)
    assert len(played.memory_units) == 8 and played.memory_steps == 3
