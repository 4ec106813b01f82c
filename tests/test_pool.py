"""Training in worker processes (seqcore.pool): results, stop, lost and replaced workers, the queue, memory limits."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import seqcore
from seqcore.pool import Outcome, Preparing, Queued, TrainingPool
from seqcore.result import Progress
from seqcore.worker import Limits

ROOT = Path(__file__).resolve().parents[1]
RAMP = seqcore.get_dataset("ramp")
LONG = seqcore.TrainConfig(epochs=10_000, units=24)  # far longer than any test waits for


def events_until(training, stop_when, timeout=60.0) -> list:
    """Read a training's events until `stop_when(event)` is true (or it ends); returns them all."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = training.next_event(timeout=1.0)
        if event is None:
            continue
        seen.append(event)
        if isinstance(event, Outcome) or stop_when(event):
            return seen
    raise AssertionError(f"no such event within {timeout} s; saw {[type(e).__name__ for e in seen]}")


def test_the_notebook_in_a_worker_matches_training_here_and_predicts_8_01(pool):
    outcome = pool.train(RAMP, seqcore.TrainConfig()).wait(120)
    assert outcome.error is None and outcome.problem is None and not outcome.result.stopped
    here = seqcore.train(RAMP, seqcore.TrainConfig())
    np.testing.assert_allclose(outcome.result.losses, here.losses, rtol=1e-5)
    assert f"{seqcore.predict_next(outcome.result, [5, 6, 7]):.2f}" == "8.01"


def test_progress_streams_every_epoch_and_ends_with_the_result(pool):
    training = pool.train(RAMP, seqcore.TrainConfig(epochs=300, units=8))
    events = events_until(training, lambda e: False)
    progress = [e for e in events if isinstance(e, Progress)]
    outcome = events[-1]
    assert len(progress) >= 2 and progress[-1].epoch == 300
    assert [p.epoch for p in progress] == sorted({p.epoch for p in progress})
    assert list(progress[-1].losses) == outcome.result.losses


def test_stop_keeps_the_curve_and_weights_so_far(pool):
    training = pool.train(RAMP, LONG)
    events_until(training, lambda e: isinstance(e, Progress) and e.epoch >= 30)
    training.stop()
    outcome = training.wait(30)
    result = outcome.result
    assert outcome.problem is None and result.stopped and 30 <= result.epochs_trained < LONG.epochs
    assert np.isfinite(seqcore.predict_next(result, [5, 6, 7]))
    assert pool.train(RAMP, seqcore.TrainConfig(epochs=20, units=8)).wait(60).result.epochs_trained == 20


def test_a_worker_killed_mid_training_is_replaced_and_the_run_keeps_what_it_reported(pool):
    training = pool.train(RAMP, LONG)
    events_until(training, lambda e: isinstance(e, Progress) and e.epoch >= 30)
    (pid,) = pool.pids()
    os.kill(pid, signal.SIGKILL)
    outcome = training.wait(30)
    assert "ended unexpectedly" in outcome.problem and "press Train to try again" in outcome.problem
    assert outcome.result is not None and outcome.result.stopped and outcome.result.epochs_trained >= 1
    assert np.isfinite(seqcore.predict_next(outcome.result, [5, 6, 7]))
    after = pool.train(RAMP, seqcore.TrainConfig(epochs=20, units=8)).wait(120)
    assert after.problem is None and after.result.epochs_trained == 20
    assert pool.pids() != [pid]


def test_a_worker_killed_while_idle_does_not_cost_the_next_training(pool):
    (pid,) = pool.pids()
    os.kill(pid, signal.SIGKILL)
    outcome = pool.train(RAMP, seqcore.TrainConfig(epochs=20, units=8)).wait(120)
    assert outcome.problem is None and outcome.result.epochs_trained == 20


def test_a_worker_that_does_not_answer_a_stop_is_replaced():
    pool = TrainingPool(workers=1, grace=0.05)
    try:
        assert pool.wait_ready()
        before = pool.pids()
        # a new architecture compiles first, and a worker reads no stop request while it compiles
        training = pool.train(RAMP, seqcore.TrainConfig(units=57, layers=2, epochs=50))
        events_until(training, lambda e: isinstance(e, Preparing))
        training.stop()
        outcome = training.wait(30)
        assert outcome.problem is None and outcome.result is None  # nothing was reported: nothing to keep
        assert pool.wait_ready() and pool.pids() != before and pool.replaced == 1
        assert pool.train(RAMP, seqcore.TrainConfig(epochs=10, units=8)).wait(120).result.epochs_trained == 10
    finally:
        pool.close()


def test_when_the_worker_is_busy_trainings_queue_in_order_and_each_gets_its_own_run(pool):
    configs = [seqcore.TrainConfig(epochs=150, units=8, seed=seed) for seed in range(3)]
    first = pool.train(RAMP, LONG)
    events_until(first, lambda e: isinstance(e, Progress))
    waiting = [pool.train(RAMP, config) for config in configs]
    positions = [events_until(training, lambda e: isinstance(e, Queued))[-1].ahead for training in waiting]
    assert positions == [0, 1, 2]
    first.stop()
    outcomes = [training.wait(120) for training in waiting]
    for config, outcome in zip(configs, outcomes, strict=True):
        assert outcome.result.config == config
        np.testing.assert_allclose(outcome.result.losses, seqcore.train(RAMP, config).losses, rtol=1e-5)


def test_a_queued_training_stopped_before_it_starts_never_runs(pool):
    first = pool.train(RAMP, LONG)
    events_until(first, lambda e: isinstance(e, Progress))
    queued = pool.train(RAMP, seqcore.TrainConfig(epochs=20, units=8))
    queued.stop()
    assert queued.wait(5) == Outcome(None)
    first.stop()
    first.wait(30)


def test_bad_input_is_refused_before_it_reaches_a_worker(pool):
    with pytest.raises(seqcore.InputError, match="window is 10 but the series has only 7 values"):
        pool.train(RAMP, seqcore.TrainConfig(window=10))
    with pytest.raises(seqcore.InputError, match="over the 0.25 s limit") as info:
        pool.train(np.arange(10_000.0), seqcore.TrainConfig(units=512, window=200, scale=1e4))
    assert info.value.field in {"units", "window", "layers", "epochs"}


def test_a_loss_that_blows_up_in_a_worker_says_so(pool):
    series = seqcore.get_dataset("arithmetic", length=120)
    config = seqcore.TrainConfig(cell="rnn", activation="linear", learning_rate=1.0, window=50, scale=4, epochs=50, units=16)
    outcome = pool.train(series, config).wait(120)
    assert isinstance(outcome.error, seqcore.DivergedError) and "the loss became nan" in str(outcome.error)


def test_the_keras_file_from_a_worker_predicts_what_the_numpy_forward_pass_does(pool, tmp_path):
    from seqcore._tf import keras

    result = pool.train(RAMP, seqcore.TrainConfig(epochs=50, units=8)).wait(60).result
    path = tmp_path / "run.keras"
    path.write_bytes(pool.export(result.config, result.weights))
    model = keras.models.load_model(path)
    keras_says = float(model.predict(np.array([5, 6, 7]).reshape(1, 3, 1) / 100, verbose=0)[0, 0]) * 100
    assert keras_says == pytest.approx(seqcore.predict_next(result, [5, 6, 7]), abs=1e-4)


def test_a_worker_past_its_memory_growth_limit_is_replaced_after_its_job():
    pool = TrainingPool(workers=1, limits=Limits(architectures=100, growth_mib=0.0))  # any growth at all
    try:
        assert pool.wait_ready()
        first = pool.pids()
        outcome = pool.train(RAMP, seqcore.TrainConfig(epochs=5, units=33, layers=2)).wait(120)  # a new model: memory grows
        assert outcome.result.epochs_trained == 5  # the job itself finishes normally
        assert pool.wait_ready() and pool.replaced == 1 and pool.pids() != first
    finally:
        pool.close()


def test_a_worker_past_its_architecture_limit_is_replaced_after_its_job():
    pool = TrainingPool(workers=1, limits=Limits(architectures=2, growth_mib=1e9))
    try:
        assert pool.wait_ready()
        first = pool.pids()
        for units in (9, 10):  # the notebook's model plus two: one more than the limit
            assert pool.train(RAMP, seqcore.TrainConfig(epochs=5, units=units)).wait(120).result.epochs_trained == 5
        assert pool.wait_ready() and pool.replaced == 1 and pool.pids() != first
        assert pool.train(RAMP, seqcore.TrainConfig(epochs=5, units=11)).wait(120).result.epochs_trained == 5
    finally:
        pool.close()


def test_training_through_the_pool_never_imports_tensorflow_here(tmp_path):
    code = """
import json, sys
import seqcore
from seqcore.pool import TrainingPool
if __name__ == "__main__":
    pool = TrainingPool(workers=1)
    result = pool.train(seqcore.get_dataset("ramp"), seqcore.TrainConfig(epochs=50, units=8)).wait(120).result
    seqcore.predict_next(result, [5, 6, 7]); seqcore.forecast(result, [5, 6, 7], 5); seqcore.one_step_predictions(result)
    pool.close()
    print(json.dumps({"epochs": result.epochs_trained, "tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules}))
"""
    script = tmp_path / "pool_without_tf.py"  # a file, not -c: spawned workers import the main module
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"epochs": 50, "tensorflow": False, "keras": False}


def wait_for(condition, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_warm_up_compiles_ahead_so_the_training_starts_without_preparing(pool):
    config = seqcore.TrainConfig(units=13, epochs=30)
    training = pool.train(RAMP, config)  # not warmed: it says it is preparing the model first
    assert any(isinstance(e, Preparing) for e in events_until(training, lambda e: False))
    warmed = seqcore.TrainConfig(units=14, epochs=30)
    replaced = pool.replaced
    pool.warm("a session", seqcore.TrainConfig(window=10), RAMP)  # settings that cannot train: nothing to do
    pool.warm("a session", warmed, RAMP)  # replaces that session's pending warm-up
    wait_for(lambda: warmed.architecture in pool._slots[0].architectures)
    events = events_until(pool.train(RAMP, warmed), lambda e: False)
    assert not any(isinstance(e, Preparing) for e in events) and events[-1].result.epochs_trained == 30
    assert pool.replaced == replaced  # the refused warm-up cost no worker


def test_new_data_trains_at_once_and_its_continuation_compiles_nothing(pool):
    """A lecturer's own series: no compiled program for its shapes, yet the training reports; going on compiles nothing."""
    series = 300 + 40 * np.sin(np.arange(150) * np.pi / 6) + np.arange(150.0)  # a new length, 20 % held out: new shapes
    config = seqcore.TrainConfig(epochs=200, offset=380, scale=100, val_fraction=0.2)
    first = pool.train(series, config)
    events = events_until(first, lambda e: False)
    assert any(isinstance(e, Progress) for e in events) and events[-1].result.epochs_trained == 200
    programs = first._task.answer.programs  # the worker compiles (or has queued) the XLA program for these shapes
    continued = pool.train(series, dataclasses.replace(config, epochs=400), resume=events[-1].result)
    outcome = continued.wait(120)
    assert outcome.result.epochs_trained == 400 and outcome.result.losses[:200] == events[-1].result.losses
    assert continued._task.answer.programs == programs  # nothing compiled again, in the foreground or behind it


def test_ten_seeds_give_distinct_results_each_the_same_as_a_lone_training(pool):
    from seqcore.pool import SeedRun, SeedsOutcome

    seeds = pool.train_seeds(RAMP, seqcore.TrainConfig(), range(10))
    events = events_until(seeds, lambda e: isinstance(e, SeedsOutcome))
    assert [e.index for e in events if isinstance(e, SeedRun)] == list(range(10))
    outcome = events[-1]
    assert outcome.error is None and [r.config.seed for r in outcome.results] == list(range(10))
    predictions = [seqcore.predict_next(r, [5, 6, 7]) for r in outcome.results]
    assert len({round(p, 6) for p in predictions}) == 10  # every seed starts from other weights
    assert f"{predictions[0]:.2f}" == "8.01"
    again = pool.train(RAMP, seqcore.TrainConfig(seed=7)).wait(60).result
    np.testing.assert_allclose(outcome.results[7].losses, again.losses, rtol=1e-5)


def test_seeds_stop_and_keep_the_finished_ones(pool):
    from seqcore.pool import SeedRun, SeedsOutcome

    seeds = pool.train_seeds(RAMP, seqcore.TrainConfig(epochs=3000, units=24), range(10))
    events_until(seeds, lambda e: isinstance(e, SeedRun))
    seeds.stop()
    outcome = seeds.wait(10)
    assert isinstance(outcome, SeedsOutcome) and 1 <= len(outcome.results) < 10


def test_too_many_seeds_for_the_cost_limit_are_refused_at_once(pool):
    costly = seqcore.TrainConfig(units=32, window=10, epochs=3000)  # allowed alone, too much ten times over
    series = seqcore.get_dataset("sine", length=400)
    with pytest.raises(seqcore.InputError, match="10 trainings with these settings would take about"):
        pool.train_seeds(series, costly, range(10))
