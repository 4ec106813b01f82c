"""The cost check: every training a worker accepts is affordable, and a refusal names the setting to lower."""

import dataclasses

import numpy as np
import pytest

import seqcore
from seqcore import cost


def test_the_notebook_and_every_built_in_series_at_its_defaults_are_allowed():
    cost.check(seqcore.TrainConfig(), 4)
    cost.check(seqcore.TrainConfig(epochs=seqcore.config.MAX_EPOCHS), 4)  # the notebook at the most epochs
    for name, spec in seqcore.DATASETS.items():
        series = seqcore.get_dataset(name)
        config = seqcore.TrainConfig(scale=spec.scale or seqcore.suggest_scale(series))
        seqcore.windows.prepare_windows(series, config)  # raises if refused


def test_the_largest_settings_on_a_long_series_are_refused_naming_the_biggest_factor():
    series = np.arange(2000.0)
    config = seqcore.TrainConfig(units=512, layers=3, window=200, scale=1e4)
    with pytest.raises(seqcore.InputError, match=r"over the 0\.25 s limit.*biggest factor is Units \(512\)") as info:
        seqcore.train(series, config)
    assert info.value.field == "units"


@pytest.mark.parametrize(
    "config, windows, field",
    [
        (seqcore.TrainConfig(units=128, window=50), 950, "units"),
        (seqcore.TrainConfig(units=30, window=200), 9800, "window"),
        (seqcore.TrainConfig(units=30, window=3, layers=3, cell="lstm"), 20_000, "layers"),
    ],
)
def test_the_suggested_value_is_the_largest_that_fits(config, windows, field):
    with pytest.raises(seqcore.InputError, match=r"at most ([\d,]+) fits") as info:
        cost.check(config, windows)
    assert info.value.field == field
    fits = int(str(info.value).rsplit("at most ", 1)[1].split(" ")[0].replace(",", ""))
    cost.check(dataclasses.replace(config, **{field: fits}), windows)
    with pytest.raises(seqcore.InputError):
        cost.check(dataclasses.replace(config, **{field: fits + 1}), windows)


def test_too_many_epochs_are_refused_with_the_most_that_fit():
    config = seqcore.TrainConfig(units=64, window=20, epochs=10_000)
    with pytest.raises(seqcore.InputError, match=r"10,000 epochs would take about \d+ s, over the 60 s limit") as info:
        cost.check(config, 480)
    assert info.value.field == "epochs"
    most = int(str(info.value).split("use at most ")[1].split(" ")[0].replace(",", ""))
    cost.check(dataclasses.replace(config, epochs=most), 480)
    with pytest.raises(seqcore.InputError):
        cost.check(dataclasses.replace(config, epochs=most + 1), 480)


def test_the_estimate_grows_with_every_factor():
    base = seqcore.TrainConfig(units=16, window=10)
    seconds = cost.estimate(base, 100).epoch_seconds
    for change in ({"units": 32}, {"window": 20}, {"layers": 2}, {"batch_size": 8}):
        assert cost.estimate(dataclasses.replace(base, **change), 100).epoch_seconds > seconds
    assert cost.estimate(base, 200).epoch_seconds > seconds
    assert cost.estimate(dataclasses.replace(base, epochs=1000), 100).seconds == pytest.approx(1000 * seconds)


def test_the_dashboard_shows_a_refusal_before_train_is_pressed():
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.selectbox(key="data_source").set_value("sine").run()
    at.sidebar.number_input(key="length").set_value(2000).run()
    at.sidebar.number_input(key="units").set_value(512).run()
    at.sidebar.number_input(key="window").set_value(200).run()
    errors = [e.value.replace("\\", "") for e in at.error]  # markdown escapes removed
    assert any("**Units**" in e and "over the 0.25 s limit" in e for e in errors), errors
    assert at.button(key="train").disabled
