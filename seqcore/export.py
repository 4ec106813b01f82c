"""Plain Keras code, ready to copy, that builds and trains the same model as a config."""

from __future__ import annotations

from .config import CELLS, TrainConfig


def keras_code(config: TrainConfig, values) -> str:
    """A standalone script: the series, windows, scaling, model, training and the next-value prediction.

    It uses Keras' own `fit`, so it is slower than seqcore and its random start differs, but it is the same model.
    """
    values = [float(v) for v in values]
    shown = ", ".join(f"{v:g}" for v in values)
    layer = CELLS[config.cell]
    stack = "\n".join(
        f"    keras.layers.{layer}({config.units}, activation={config.activation!r}"
        + (", return_sequences=True" if i < config.layers - 1 else "")
        + "),"
        for i in range(config.layers)
    )
    split = (
        f"n_val = max(1, round(len(y) * {config.val_fraction:g}))  # the latest windows validate\n"
        "x_train, y_train, x_val, y_val = x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:]\n"
        if config.val_fraction
        else "x_train, y_train = x, y\n"
    )
    validation = ", validation_data=(x_val, y_val)" if config.val_fraction else ""
    return f"""import numpy as np
import keras

keras.utils.set_random_seed({config.seed})

series = np.array([{shown}])
window, scale, offset = {config.window}, {config.scale:g}, {config.offset:g}

# every run of `window` values is an input; the value after it is the target
x = np.array([series[i : i + window] for i in range(len(series) - window)])
y = series[window:]
x = (x.reshape(len(x), window, 1) - offset) / scale  # (samples, timesteps, features)
y = (y - offset) / scale
{split}
model = keras.Sequential([
    keras.Input(shape=(window, 1)),
{stack}
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate={config.learning_rate:g}), loss="mse")
history = model.fit(x_train, y_train, epochs={config.epochs}, batch_size={config.batch_size}{validation}, verbose=0)

last = (series[-window:].reshape(1, window, 1) - offset) / scale
print("final loss:", history.history["loss"][-1])
print("next value:", float(model.predict(last, verbose=0)[0, 0]) * scale + offset)
"""


def parameter_count(config: TrainConfig) -> int:
    """Trainable weights of the model: the recurrent layers (keras' formulas) plus the Dense(1) head."""
    total, inputs = 0, 1
    for _ in range(config.layers):
        u = config.units
        # lstm: 4 gates; gru: 3 gates with two biases each (keras' reset_after); simple rnn: one
        total += {"lstm": 4 * u * (inputs + u + 1), "gru": 3 * u * (inputs + u + 2), "rnn": u * (inputs + u + 1)}[config.cell]
        inputs = u
    return total + config.units + 1


def keras_file(result) -> bytes:
    """The trained model as a `.keras` file (Keras' own format: architecture and weights)."""
    return keras_bytes(result.config, result.weights)


def keras_bytes(config: TrainConfig, weights) -> bytes:
    """A `.keras` file of `config`'s model holding `weights` (builds a Keras model: TensorFlow is imported)."""
    import tempfile
    from pathlib import Path

    from .model import build_model

    model = build_model(config)
    model.set_weights(weights)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()
