import dataclasses

import pytest

from seqcore import InputError, TrainConfig


def test_defaults_are_the_notebooks():
    config = TrainConfig()
    assert (config.units, config.epochs, config.window, config.scale) == (30, 500, 3, 100.0)
    assert (config.learning_rate, config.cell, config.activation) == (0.001, "lstm", "tanh")
    assert config.val_fraction == 0 and config.layers == 1


def test_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainConfig().units = 5


def test_text_from_widgets_is_normalised():
    config = TrainConfig(units="12", epochs=40.0, cell=" GRU ", scale="50")
    assert (config.units, config.epochs, config.cell, config.scale) == (12, 40, "gru", 50.0)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("units", 0, "units must be between 1 and 512"),
        ("units", 10_000, "units must be between 1 and 512"),
        ("units", 2.5, "units must be a whole number"),
        ("units", True, "units must be a whole number"),
        ("units", None, "units must be a whole number"),
        ("epochs", -1, "epochs must be between 1 and 10,000"),
        ("epochs", "many", "epochs must be a whole number"),
        ("window", 0, "window must be between 1 and 200"),
        ("window", 500, "window must be between 1 and 200"),
        ("layers", 4, "layers must be between 1 and 3"),
        ("batch_size", 0, "batch_size must be between 1"),
        ("seed", -3, "seed must be between 0"),
        ("scale", 0, "scale must be a positive number"),
        ("scale", -100, "scale must be a positive number"),
        ("scale", float("nan"), "scale must be a finite number"),
        ("scale", "1e400", "scale must be a finite number"),
        ("scale", "abc", "scale must be a number"),
        ("learning_rate", 0, "learning_rate must be between 1e-06 and 1"),
        ("learning_rate", 5, "learning_rate must be between 1e-06 and 1"),
        ("val_fraction", 0.9, "val_fraction must be between 0 and 0.5"),
        ("cell", "transformer", "cell must be one of lstm, gru, rnn"),
        ("cell", 3, "cell must be text"),
        ("activation", "softmax", "activation must be one of"),
    ],
)
def test_bad_values_name_the_field_and_the_fix(field, value, words):
    with pytest.raises(InputError, match=words):
        TrainConfig(**{field: value})


def test_architecture_ignores_what_does_not_change_the_variables():
    assert TrainConfig(seed=1, epochs=5, window=7).architecture == TrainConfig().architecture
    assert TrainConfig(units=31).architecture != TrainConfig().architecture
