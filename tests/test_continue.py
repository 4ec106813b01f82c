"""Continuing a run (seqcore.continuing, `train(resume=...)`, the pool): the curve goes on as if training had never ended."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

import seqcore
from seqcore import TrainConfig, continuing, cost
from seqcore.pool import Outcome
from seqcore.result import Progress
from seqcore.snapshots import MAX_BYTES, plan, weight_count
from seqcore.windows import prepare_windows

FAST = TrainConfig(epochs=20, units=8)
# mini-batches: 57 windows, 11 of them held out, so 46 train in 6 batches of 8, in a new order every epoch
MINIBATCH = TrainConfig(epochs=60, units=8, batch_size=8, val_fraction=0.2)


def epochs(config: TrainConfig, count: int) -> TrainConfig:
    return dataclasses.replace(config, epochs=count)


def same_arrays(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)) and len(a) == len(b)


@pytest.fixture(scope="module")
def notebook_twice(ramp, notebook_result):
    """The notebook's 500 epochs continued by 500, and one straight run of 1,000 with the same seed."""
    return seqcore.train(ramp, epochs(TrainConfig(), 1000), resume=notebook_result), seqcore.train(ramp, epochs(TrainConfig(), 1000))


@pytest.fixture(scope="module")
def short(ramp):
    return seqcore.train(ramp, FAST)


def test_500_epochs_then_500_more_are_one_run_of_1000(notebook_result, notebook_twice):
    continued, straight = notebook_twice
    assert continued.losses == straight.losses  # exact: the same compiled steps on the same float32 state
    assert continued.losses[:500] == notebook_result.losses
    assert same_arrays(continued.weights, straight.weights)
    assert continued.optimizer.steps == straight.optimizer.steps == 1000  # one full batch: one step an epoch
    assert same_arrays(continued.optimizer.momentums, straight.optimizer.momentums)
    assert same_arrays(continued.optimizer.velocities, straight.optimizer.velocities)
    assert continued.config.epochs == 1000 and not continued.stopped and continued.val_losses is None
    assert continued.seconds > notebook_result.seconds


def test_mini_batches_shuffled_by_seed_and_epoch_continue_exactly_too():
    sine = seqcore.get_dataset("sine", length=60)
    first = seqcore.train(sine, epochs(MINIBATCH, 25))
    continued = seqcore.train(sine, MINIBATCH, resume=first)
    straight = seqcore.train(sine, MINIBATCH)
    assert continued.losses == straight.losses and continued.val_losses == straight.val_losses
    assert continued.val_losses[:25] == first.val_losses
    assert same_arrays(continued.weights, straight.weights)
    assert continued.optimizer.steps == straight.optimizer.steps == 60 * 6


def test_every_result_keeps_adams_state_as_float32_arrays_shaped_like_the_weights(short):
    adam = short.optimizer
    assert adam.steps == 20
    for arrays in (adam.momentums, adam.velocities):
        assert [a.shape for a in arrays] == [w.shape for w in short.weights]
        assert all(a.dtype == np.float32 for a in arrays)


def test_a_stopped_run_continues_to_its_total_as_if_never_stopped(ramp):
    config = epochs(FAST, 80)
    stopped = seqcore.train(ramp, config, on_progress=lambda p: p.epoch < 30, report_every=0)  # a report after every call
    assert stopped.stopped and stopped.epochs_trained == 30 and stopped.optimizer.steps == 30
    reports: list[Progress] = []
    continued = seqcore.train(ramp, config, on_progress=reports.append, resume=stopped)
    straight = seqcore.train(ramp, config)
    assert continued.losses == straight.losses and same_arrays(continued.weights, straight.weights)
    assert not continued.stopped and continued.optimizer.steps == 80
    first = reports[0]
    assert first.epoch == 31 and first.total == 80 and first.losses[:30] == tuple(stopped.losses)
    assert reports[-1].epoch == 80 and list(reports[-1].losses) == continued.losses
    assert reports[-1].result.optimizer is None  # reports go out often and carry no Adam state; the result does


def test_continuing_a_continued_run_again(ramp, short):
    twice = seqcore.train(ramp, epochs(FAST, 45), resume=seqcore.train(ramp, epochs(FAST, 30), resume=short))
    assert twice.losses == seqcore.train(ramp, epochs(FAST, 45)).losses


@pytest.mark.parametrize(
    "change",
    [
        dict(units=9),
        dict(seed=1),
        dict(learning_rate=0.01),
        dict(scale=50.0),
        dict(batch_size=2),
        dict(val_fraction=0.25),
        dict(cell="gru"),
        dict(window=2),
        dict(layers=2),
        dict(offset=1.0),
    ],
)
def test_other_settings_than_epochs_are_refused_naming_the_field(ramp, short, change):
    (name,) = change
    with pytest.raises(seqcore.InputError, match=f"^{name} is .* continue it with its own settings") as info:
        seqcore.train(ramp, dataclasses.replace(FAST, epochs=40, **change), resume=short)
    assert info.value.field == name


def test_a_run_without_optimizer_state_cannot_be_continued(ramp, short):
    with pytest.raises(seqcore.InputError, match="kept no optimizer state, so it cannot be continued; train it again"):
        seqcore.train(ramp, epochs(FAST, 40), resume=dataclasses.replace(short, optimizer=None))


@pytest.mark.parametrize("total", [10, 20])
def test_the_new_total_must_exceed_the_epochs_trained(ramp, short, total):
    with pytest.raises(seqcore.InputError, match="must be more than the 20 epochs this run has trained; ask for at least 21") as info:
        seqcore.train(ramp, epochs(FAST, total), resume=short)
    assert info.value.field == "epochs"


def test_another_series_is_refused(short):
    with pytest.raises(seqcore.InputError, match=r"the series is not the one this run trained on \(8 values against its 7\)"):
        seqcore.train(np.arange(1.0, 9.0), epochs(FAST, 40), resume=short)
    with pytest.raises(seqcore.InputError, match=r"not the one this run trained on \(other values\)"):
        seqcore.train(np.arange(2.0, 9.0), epochs(FAST, 40), resume=short)


def test_the_cost_limit_judges_only_the_epochs_still_to_train(ramp, short):
    big = TrainConfig(units=512, epochs=10_000)  # 10,000 epochs of it are over the limit for one training; 100 are not
    with pytest.raises(seqcore.InputError, match="epochs would take about"):
        cost.check(big, 4)
    nearly_done = dataclasses.replace(short, config=epochs(big, 9_900), losses=[0.1] * 9_900)
    assert continuing.remaining(big, nearly_done).epochs == 100
    assert prepare_windows(ramp, continuing.remaining(big, nearly_done)).n_train == 4


def test_a_continued_run_keeps_the_old_snapshots_and_plans_the_new_epochs(notebook_result, notebook_twice):
    continued, straight = notebook_twice
    snapshots, old = continued.snapshots, notebook_result.snapshots
    fresh = plan(1000, weight_count(continued.weights))
    assert list(snapshots.epochs) == sorted(set(snapshots.epochs)) and snapshots.epochs[0] == 0 and snapshots.epochs[-1] == 1000
    assert len(snapshots) <= len(fresh) and snapshots.nbytes <= MAX_BYTES
    assert [e for e in snapshots.epochs if e > 500] == [e for e in fresh if e > 500]  # the new part: a fresh run's plan
    # the old part: the old run's own rows (its end included), about where a fresh run of 1,000 keeps them
    assert 500 in snapshots.epochs and set(e for e in snapshots.epochs if e <= 500) <= set(old.epochs)
    for index, epoch in enumerate(snapshots.epochs):
        if epoch <= 500:
            np.testing.assert_array_equal(snapshots.flat[index], old.flat[old.epochs.index(epoch)])
        if epoch in straight.snapshots.epochs:  # the same training: the same weights wherever both kept them
            np.testing.assert_array_equal(snapshots.flat[index], straight.snapshots.flat[straight.snapshots.epochs.index(epoch)])
    assert same_arrays(snapshots.weights(len(snapshots) - 1), continued.weights)


def test_a_short_run_continued_far_keeps_its_snapshots_where_a_fresh_run_of_the_total_would(ramp, short):
    continued = seqcore.train(ramp, epochs(FAST, 400), resume=short)
    fresh = plan(400, weight_count(short.weights))
    assert short.snapshots.epochs == tuple(range(21))  # every epoch: more than a fresh run of 400 keeps in its first 20
    # the plan's epochs up to 20, its last there moved to 20 (the old end), then the plan's later epochs
    assert continued.snapshots.epochs == (*[e for e in fresh if e <= 20][:-1], 20, *[e for e in fresh if e > 20])
    assert len(continued.snapshots) <= len(fresh)


def test_a_continued_run_whose_old_run_kept_no_snapshots_keeps_none(ramp, short):
    assert seqcore.train(ramp, epochs(FAST, 30), resume=dataclasses.replace(short, snapshots=None)).snapshots is None


# ---- through the worker pool, as the dashboard continues a run ----


def test_a_continuation_lost_before_new_weights_gives_back_the_old_run_whole(ramp, short):
    from seqcore import messages
    from seqcore.handles import Training, _Lost, _Task

    task = _Task(1, "train", None, FAST.architecture)
    training = Training(None, task, short.series, epochs(FAST, 60), short.n_train, short)
    task.events.put(_Lost())
    kept = training.next_event(timeout=1).result
    assert kept.stopped and kept.config.epochs == 60 and kept.losses == short.losses and kept.optimizer is short.optimizer
    task.events.put(messages.Report(1, 21, [0.5], None, 2.0, short.weights))  # new weights: cut there, no optimizer state
    assert training.next_event(timeout=1).losses == (*short.losses, 0.5)
    task.events.put(_Lost())
    kept = training.next_event(timeout=1).result
    assert kept.epochs_trained == 21 and kept.optimizer is None


def events_of(training, timeout=120.0) -> list:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = training.next_event(timeout=1.0)
        if event is not None:
            seen.append(event)
            if isinstance(event, Outcome):
                return seen
    raise AssertionError(f"no outcome within {timeout} s; saw {[type(e).__name__ for e in seen]}")


def test_the_pool_continues_a_run_as_training_here_does_and_its_chart_goes_on_from_the_old_curve(ramp, short, pool):
    config = epochs(FAST, 60)
    events = events_of(pool.train(ramp, config, resume=short))
    progress = [e for e in events if isinstance(e, Progress)]
    outcome = events[-1]
    assert outcome.error is None and outcome.problem is None and not outcome.result.stopped
    here = seqcore.train(ramp, config, resume=short)
    np.testing.assert_allclose(outcome.result.losses, here.losses, rtol=1e-6)
    assert outcome.result.losses[:20] == short.losses
    assert progress[0].epoch > 20 and progress[0].total == 60 and progress[0].losses[:20] == tuple(short.losses)
    assert list(progress[-1].losses) == outcome.result.losses and progress[-1].epoch == 60
    assert outcome.result.optimizer.steps == 60 and outcome.result.seconds > short.seconds
    assert outcome.result.snapshots.epochs[-1] == 60


def test_a_run_stopped_in_the_pool_keeps_adams_state_and_continues_there(ramp, pool):
    config = epochs(FAST, 10_000)  # far longer than the test waits for
    training = pool.train(ramp, config)
    while not isinstance(event := training.next_event(timeout=60), Progress) or event.epoch < 30:
        assert not isinstance(event, Outcome)
    training.stop()
    stopped = training.wait(30).result
    done = stopped.epochs_trained
    assert stopped.stopped and 30 <= done < 10_000 and stopped.optimizer.steps == done
    total = done + 20
    continued = pool.train(ramp, epochs(config, total), resume=stopped).wait(120).result
    assert continued.epochs_trained == total and continued.losses[:done] == stopped.losses
    np.testing.assert_allclose(continued.losses, seqcore.train(ramp, epochs(config, total)).losses, rtol=1e-6)


def test_the_pool_refuses_a_continuation_at_once(ramp, short, pool):
    with pytest.raises(seqcore.InputError, match="must be more than the 20 epochs") as info:
        pool.train(ramp, FAST, resume=short)
    assert info.value.field == "epochs"
    with pytest.raises(seqcore.InputError, match="kept no optimizer state"):
        pool.train(ramp, epochs(FAST, 30), resume=dataclasses.replace(short, optimizer=None))
