import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FAST

import seqcore
from seqcore import DivergedError, InputError, TrainConfig, predict_next, train

ROOT = Path(__file__).resolve().parents[1]


def test_reproduces_the_notebook(notebook_result):
    assert notebook_result.epochs_trained == 500 and not notebook_result.stopped
    assert abs(predict_next(notebook_result, [5, 6, 7]) - 8.0) < 0.1
    assert notebook_result.losses[-1] < notebook_result.losses[0] / 1000


def test_matches_keras_fit_from_the_same_initial_weights(ramp):
    """The reference: keras' own fit, given our initial weights, must trace the same loss curve."""
    from seqcore._tf import keras
    from seqcore.model import build_model, initial_weights

    config = TrainConfig(epochs=30)
    ours = train(ramp, config).losses
    model = build_model(config)
    model.set_weights(initial_weights(model, config.seed))
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="mse")
    x, y = seqcore.make_windows(ramp, 3)
    history = model.fit(x / 100, y / 100, epochs=30, batch_size=32, shuffle=False, verbose=0)
    np.testing.assert_allclose(ours, history.history["loss"], rtol=1e-4)


def test_same_seed_same_losses_and_a_new_seed_differs(ramp):
    first = train(ramp, FAST).losses
    assert first[-1] < first[0]  # it learned: a reset that zeroed the learning rate would not
    train(ramp, TrainConfig(epochs=20, units=8, learning_rate=0.05, seed=9))  # dirty the reused trainer
    assert train(ramp, FAST).losses == first
    assert train(ramp, TrainConfig(epochs=20, units=8, seed=1)).losses != first


def test_same_losses_in_a_fresh_process(ramp):
    """A reused trainer (here, after other runs) must start exactly where a new process starts."""
    config = TrainConfig(epochs=25, units=8, learning_rate=0.01, seed=3)
    train(ramp, TrainConfig(epochs=5, units=8, learning_rate=0.2, seed=4))
    here = train(ramp, config).losses
    assert here[-1] < here[0] / 2
    code = (
        "import json, seqcore; "
        "r = seqcore.train(seqcore.get_dataset('ramp'), seqcore.TrainConfig(epochs=25, units=8, learning_rate=0.01, seed=3)); "
        "print(json.dumps(r.losses))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == here


def test_progress_reports_start_early_and_cover_every_epoch(ramp):
    reports = []
    result = train(ramp, TrainConfig(epochs=300, units=8), on_progress=reports.append, report_every=0)  # a report per call
    assert reports[0].epoch <= 4  # a live chart gets its first point straight away
    assert len(reports) >= 3
    assert [r.epoch for r in reports] == sorted({r.epoch for r in reports})
    assert reports[-1].epoch == reports[-1].total == 300
    assert list(reports[-1].losses) == result.losses and reports[-1].val_losses is None


def test_returning_false_stops_and_keeps_the_curve_so_far(ramp):
    result = train(ramp, TrainConfig(epochs=5000, units=8), on_progress=lambda p: p.epoch < 40, report_every=0)
    assert result.stopped
    assert 40 <= result.epochs_trained < 5000
    assert np.isfinite(predict_next(result, [5, 6, 7]))


def test_an_exception_in_the_callback_propagates_unchanged(ramp):
    class Clicked(Exception):
        pass

    def on_progress(progress):
        raise Clicked("stop")

    with pytest.raises(Clicked):
        train(ramp, FAST, on_progress=on_progress)
    assert train(ramp, FAST).epochs_trained == 20  # and the next training works


def test_validation_split_reports_a_validation_loss_per_epoch():
    series = seqcore.get_dataset("sine", length=60)
    result = train(series, TrainConfig(epochs=30, units=8, val_fraction=0.2, scale=100))
    assert len(result.val_losses) == len(result.losses) == 30
    assert np.isfinite(result.val_losses).all()
    assert result.n_train == 46  # 57 windows, the last 11 validate


def test_mini_batches_on_a_longer_series_learn():
    series = seqcore.get_dataset("sunspots")
    result = train(series, TrainConfig(epochs=15, units=8, window=5, scale=1000, batch_size=32))
    assert result.losses[-1] < result.losses[0]


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_other_cells_and_stacked_layers_train(ramp, cell):
    result = train(ramp, TrainConfig(epochs=10, units=8, cell=cell, layers=2))
    assert len(result.losses) == 10 and np.isfinite(result.losses).all()


def test_a_loss_that_blows_up_stops_with_a_clear_message():
    series = seqcore.get_dataset("arithmetic", length=120)
    config = TrainConfig(cell="rnn", activation="linear", learning_rate=1.0, window=50, scale=4, epochs=50, units=16)
    with pytest.raises(DivergedError, match="the loss became nan at epoch .*raise scale or lower learning_rate") as info:
        train(series, config)
    assert isinstance(info.value, InputError)
    assert np.isfinite(info.value.losses).all()


@pytest.mark.parametrize(
    "series, config, words",
    [
        ([1, 2, 3], TrainConfig(window=3), "window is 3 but the series has only 3 values"),
        ([1, 2, float("nan"), 4, 5], TrainConfig(), "missing or infinite"),
        ([1e6, 2e6, 3e6, 4e6, 5e6], TrainConfig(), "scale 100 is too small"),
        ("1,2,3,4,5", TrainConfig(), "must be a list of numbers"),
        (None, TrainConfig(), "must be a list of numbers"),
        ([[1, 2], [3, 4]], TrainConfig(window=1), "one-dimensional"),
        (range(20_000), TrainConfig(scale=1e5), "the limit is 10,000"),
        ([1, 2, 3, 4, 5], {"units": 3}, "config must be a TrainConfig"),
    ],
)
def test_series_that_do_not_fit_the_config(series, config, words):
    with pytest.raises(InputError, match=words):
        train(series, config)


def test_result_model_is_a_standalone_keras_model(notebook_result):
    prediction = notebook_result.model.predict(np.array([5, 6, 7]).reshape(1, 3, 1) / 100, verbose=0)
    assert float(prediction[0, 0]) * 100 == pytest.approx(predict_next(notebook_result, [5, 6, 7]), abs=1e-4)


def test_each_progress_report_carries_a_usable_partial_result(ramp):
    """What a dashboard keeps when a click interrupts training: the curve and weights so far."""
    reports = []
    train(ramp, TrainConfig(epochs=400, units=8), on_progress=lambda p: reports.append(p) or p.epoch < 50, report_every=0)
    partial = reports[-1].result
    assert partial.stopped and partial.losses == list(reports[-1].losses) and partial.epochs_trained >= 50
    assert np.isfinite(predict_next(partial, [5, 6, 7]))


def test_warm_up_compiles_once_and_the_next_training_reuses_it(ramp):
    from seqcore import trainers

    config = TrainConfig(units=5, epochs=10)
    assert seqcore.warm_up(config) is True
    assert seqcore.warm_up(config) is False  # nothing left to do: another session, or this one, did it
    trainer = trainers.trainer_for(config)
    loops, compiled = dict(trainer._loops), set(trainer._compiled)
    train(ramp, config)
    assert trainers.trainer_for(config) is trainer and trainer._loops == loops and trainer._compiled == compiled


def test_warm_up_for_a_series_compiles_the_loop_that_series_needs():
    from seqcore import trainers
    from seqcore.windows import prepare_windows

    config, series = TrainConfig(units=7, epochs=3, batch_size=8), np.arange(100.0)  # 97 windows: mini-batches
    trainer = trainers.trainer_for(config)
    data = trainers.Padded.of(prepare_windows(series, config))
    assert not trainer.ready(data, config)
    seqcore.warm_up(config, series)
    assert trainer.ready(data, config)
    loops, compiled = dict(trainer._loops), set(trainer._compiled)
    train(series, config)
    assert trainer._loops == loops and trainer._compiled == compiled


def test_padding_changes_nothing_a_user_sees():
    """Windows padded to a compiled size must train exactly as the real windows alone: same losses as Keras' mean."""
    from seqcore import trainers
    from seqcore.windows import prepare_windows

    series = np.sin(np.arange(40) / 3) + 2
    for val_fraction, batch_size in [(0.0, 32), (0.2, 32), (0.0, 8), (0.25, 5)]:
        config = TrainConfig(units=11, epochs=5, scale=1, val_fraction=val_fraction, batch_size=batch_size)
        windows = prepare_windows(series, config)
        data = trainers.Padded.of(windows)
        assert len(data.y) == trainers.bucket(windows.n_train) > windows.n_train  # 37 windows or fewer: padded
        result = train(series, config)
        trainer = trainers.trainer_for(config)
        state = trainer.start(config)
        # the loss of the first epoch is the loss of the initial weights: a plain NumPy mean over the real windows
        from seqcore.forward import predict

        first = np.mean((predict(config, state.numpy_weights(), windows.x_train) - windows.y_train) ** 2)
        if batch_size >= windows.n_train:
            assert result.losses[0] == pytest.approx(first, rel=1e-5)
        assert np.isfinite(result.losses).all() and result.losses[-1] < result.losses[0]


def test_concurrent_trainings_share_one_trace_and_match_lone_ones(ramp):
    """A class pressing Train at once: one trace serves every thread, and nobody's weights leak into another's run."""
    import threading

    from seqcore import trainers

    configs = [TrainConfig(units=6, epochs=60, seed=seed, learning_rate=0.01 if seed % 2 else 0.001) for seed in range(4)]
    results = {}
    threads = [threading.Thread(target=lambda c=c: results.__setitem__(c.seed, train(ramp, c))) for c in configs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(trainers.trainer_for(configs[0])._loops) == 1
    for config in configs:
        assert results[config.seed].losses == train(ramp, config).losses


def test_without_xla_the_same_loop_trains_to_the_same_curve(ramp):
    """SEQCORE_XLA=0 (or XLA failing) runs the same loop unjitted: the curve agrees to float32 rounding."""
    config = TrainConfig(epochs=60, units=8, seed=5)
    code = (
        "import json, seqcore; "
        "r = seqcore.train(seqcore.get_dataset('ramp'), seqcore.TrainConfig(epochs=60, units=8, seed=5)); "
        "print(json.dumps(r.losses))"
    )
    env = {**__import__("os").environ, "SEQCORE_XLA": "0"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    np.testing.assert_allclose(json.loads(out.stdout.strip().splitlines()[-1]), train(ramp, config).losses, rtol=1e-4)


def test_a_failing_xla_compile_falls_back_to_the_plain_loop(ramp, monkeypatch):
    from seqcore import trainers
    from seqcore._tf import tf

    config = TrainConfig(epochs=30, units=19)
    trainer = trainers.trainer_for(config)
    real = trainer._loop

    def refuse_xla(variant, xla):
        if xla:
            raise tf.errors.InvalidArgumentError(None, None, "XLA cannot compile this here")
        return real(variant, xla)

    monkeypatch.setattr(trainer, "_loop", refuse_xla)
    result = train(ramp, config)
    assert trainer.xla is False and result.epochs_trained == 30 and result.losses[-1] < result.losses[0]


def test_should_stop_ends_training_early_without_reports(ramp):
    asked = []

    def should_stop() -> bool:
        asked.append(1)
        return len(asked) >= 2

    result = seqcore.train(ramp, seqcore.TrainConfig(epochs=5000, units=8), should_stop=should_stop)
    assert result.stopped and len(asked) == 2 and 0 < result.epochs_trained < 5000


def test_a_training_that_must_not_wait_reports_while_its_program_compiles_and_its_continuation_compiles_nothing(monkeypatch):
    """The dashboard's workers: a new series' first training runs on the plain loop while XLA compiles in the background."""
    import dataclasses
    import threading

    from seqcore import trainers

    series = np.sin(np.arange(80) / 3) * 40 + 100  # 77 windows, 20 % held out, mini-batches of 8
    config = TrainConfig(units=17, epochs=40, offset=100, scale=50, val_fraction=0.2, batch_size=8)
    trainer = trainers.trainer_for(config)
    assert trainers.background.wait(120)
    released = threading.Event()
    real_run = trainer.run

    def run(*args, **kwargs):
        if threading.current_thread().name == "seqcore-background-compile" and kwargs.get("xla", True):
            assert released.wait(120), "the test never let the compile go on"  # held until the training has ended
        return real_run(*args, **kwargs)

    monkeypatch.setattr(trainer, "run", run)
    reports = []
    first = train(series, config, on_progress=lambda p: reports.append((p.epoch, trainer.compiles)), wait_for_compile=False)
    # the whole training ran, and reported, while its program waited to compile
    assert first.epochs_trained == 40 and reports[0] == (1, 0) and reports[-1] == (40, 0) and len(trainer._compiling) == 1
    released.set()
    assert trainers.background.wait(120) and trainer.compiles == 1 and not trainer._compiling
    # the plain loop and XLA's program are the same steps (the same shuffle too): equal to float32 rounding
    np.testing.assert_allclose(first.losses, train(series, config).losses, rtol=1e-4)
    programs = trainers.programs()
    continued = train(series, dataclasses.replace(config, epochs=80), resume=first, wait_for_compile=False)
    assert continued.losses[:40] == first.losses and continued.epochs_trained == 80
    assert trainer.compiles == 1 and trainers.programs() == programs and not trainer._compiling  # nothing compiled again
