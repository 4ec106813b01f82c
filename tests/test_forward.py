"""The NumPy forward pass against Keras' own outputs, for every cell, activation and depth the dashboard offers."""

import numpy as np
import pytest

from seqcore import TrainConfig
from seqcore.config import ACTIVATIONS, CELLS
from seqcore.forward import predict
from seqcore.model import build_model, initial_weights


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("cell", CELLS)
def test_the_numpy_forward_pass_gives_what_keras_gives(cell, activation, layers):
    config = TrainConfig(cell=cell, activation=activation, layers=layers, units=7, seed=3)
    model = build_model(config)
    rng = np.random.default_rng(0)
    # initial weights are small; widen them so every gate and the activation's curved parts are used
    weights = [w * 3 + rng.normal(0, 0.3, w.shape).astype(w.dtype) for w in initial_weights(model, config.seed)]
    model.set_weights(weights)
    x = rng.normal(0, 1.5, (16, 5, 1)).astype(np.float32)  # (samples, timesteps, features)
    # keras computes in float32: its rounding, not a difference of method, sets the tolerance
    expected = model.predict(x, verbose=0)[:, 0]
    np.testing.assert_allclose(predict(config, weights, x), expected, rtol=5e-5, atol=1e-5)


def test_the_trained_notebook_run_predicts_the_same_in_numpy(notebook_result):
    x = np.array([[[0.05], [0.06], [0.07]]], dtype=np.float32)
    keras_says = notebook_result.model.predict(x, verbose=0)[0, 0]
    assert predict(notebook_result.config, notebook_result.weights, x)[0] == pytest.approx(keras_says, rel=1e-5)
    assert predict(notebook_result.config, notebook_result.weights, x)[0] * 100 == pytest.approx(8.01, abs=0.02)


def test_predicting_from_a_stored_run_needs_no_tensorflow(tmp_path, notebook_result):
    """A run brought back from the database answers without TensorFlow (the server will not load it for this)."""
    import subprocess
    import sys

    from seqcore.store import RunStore, new_workspace_id

    path, workspace = tmp_path / "runs.sqlite3", new_workspace_id()
    run_id = RunStore(path).save_run(workspace, notebook_result, "ramp", [], None)
    code = (
        "import sys; from seqcore.store import RunStore; import seqcore\n"
        f"result = RunStore({str(path)!r}).load_result({workspace!r}, {run_id})\n"
        "print(round(seqcore.predict_next(result, [5, 6, 7]), 2), len(seqcore.one_step_predictions(result)), 'tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["8.01", "4", "False"], out.stderr[-2000:]
