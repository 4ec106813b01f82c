import re
import subprocess
import sys

import pytest

import seqcore
from seqcore.export import keras_code, parameter_count


def run_code(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, check=True).stdout


def test_generated_keras_code_runs_and_learns_the_ramp():
    code = keras_code(seqcore.TrainConfig(epochs=300), range(1, 8))
    assert "keras.layers.LSTM(30, activation='tanh')" in code and "epochs=300" in code
    out = run_code(code)
    value = float(re.search(r"next value: ([\d.]+)", out).group(1))
    assert 7.0 < value < 9.0


def test_generated_code_follows_the_settings():
    config = seqcore.TrainConfig(cell="gru", layers=2, units=4, epochs=2, window=2, val_fraction=0.25, scale=10)
    code = keras_code(config, range(1, 12))
    assert "keras.layers.GRU(4, activation='tanh', return_sequences=True)" in code
    assert "validation_data=(x_val, y_val)" in code and "window, scale, offset = 2, 10, 0" in code
    assert "next value:" in run_code(code)


@pytest.mark.parametrize("cell, layers, units", [("lstm", 1, 30), ("gru", 2, 7), ("rnn", 3, 5)])
def test_parameter_count_matches_keras(cell, layers, units):
    from seqcore.model import build_model

    config = seqcore.TrainConfig(cell=cell, layers=layers, units=units)
    assert parameter_count(config) == build_model(config).count_params()


def test_the_keras_file_loads_and_predicts_like_the_run(tmp_path):
    from seqcore._tf import keras
    from seqcore.export import keras_file

    result = seqcore.train(seqcore.get_dataset("ramp"), seqcore.TrainConfig(epochs=20, units=8))
    path = tmp_path / "model.keras"
    path.write_bytes(keras_file(result))
    model = keras.models.load_model(path)
    x = (seqcore.make_windows([5, 6, 7, 0], 3)[0] / 100).astype("float32")
    assert float(model.predict(x, verbose=0)[0, 0]) * 100 == pytest.approx(seqcore.predict_next(result, [5, 6, 7]), abs=1e-4)
