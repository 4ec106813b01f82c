"""Inside the cell: every intermediate of the NumPy pass against Keras, and the gradient against finite differences."""

import numpy as np
import pytest

from seqcore import TrainConfig
from seqcore._tf import keras
from seqcore.config import ACTIVATIONS, CELLS
from seqcore.forward import GATES, look_inside, predict
from seqcore.model import build_model, initial_weights


def widened(config: TrainConfig) -> list[np.ndarray]:
    """Seeded weights, widened so that every gate and the activation's curved parts are used."""
    rng = np.random.default_rng(1)
    return [w * 3 + rng.normal(0, 0.3, w.shape).astype(w.dtype) for w in initial_weights(build_model(config), config.seed)]


def keras_sequences(config: TrainConfig, weights, window) -> tuple[np.ndarray, np.ndarray | None]:
    """Keras' own hidden state at every timestep of the first layer, and (LSTM) its final cell state."""
    layer_class = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}[config.cell]
    layer = layer_class(config.units, activation=config.activation, return_sequences=True, return_state=True)
    inputs = keras.Input(shape=(len(window), 1))
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights(weights[:3])
    out = model.predict(np.asarray(window, np.float32).reshape(1, -1, 1), verbose=0)
    return out[0][0], (out[2][0] if config.cell == "lstm" else None)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


@pytest.mark.parametrize("cell", CELLS)
def test_states_and_prediction_equal_keras(cell):
    config = TrainConfig(cell=cell, units=6, seed=2)
    weights, window = widened(config), [0.3, -0.8, 1.1, 0.5]
    inside = look_inside(config, weights, window)
    hidden, cell_state = keras_sequences(config, weights, window)
    layer = inside.layers[0]
    np.testing.assert_allclose(layer.states["hidden"], hidden, rtol=1e-4, atol=1e-5)
    if cell_state is not None:
        np.testing.assert_allclose(layer.states["cell"][-1], cell_state, rtol=1e-4, atol=1e-5)
    model = build_model(config)
    model.set_weights(weights)
    keras_says = model.predict(np.asarray(window, np.float32).reshape(1, -1, 1), verbose=0)[0, 0]
    assert inside.output == pytest.approx(float(keras_says), rel=1e-4, abs=1e-5)
    assert inside.output == pytest.approx(float(predict(config, weights, np.reshape(window, (1, -1, 1)))[0]), rel=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_gates_rebuilt_from_the_keras_weights_in_keras_gate_order(cell):
    """Keras documents the kernels' column blocks as LSTM: i, f, c, o; GRU (reset_after): z, r, h."""
    config = TrainConfig(cell=cell, units=5, seed=4)
    weights, window = widened(config), [0.2, 0.9, -0.4]
    hidden, _ = keras_sequences(config, weights, window)
    kernel, recurrent, bias = weights[:3]
    units = config.units
    inside = look_inside(config, weights, window).layers[0]
    previous = np.zeros(units)
    for t, x in enumerate(window):
        if cell == "gru":
            from_x, from_h = x * kernel[0] + bias[0], previous @ recurrent + bias[1]
            z = sigmoid(from_x[:units] + from_h[:units])
            r = sigmoid(from_x[units : 2 * units] + from_h[units : 2 * units])
            candidate = np.tanh(from_x[2 * units :] + r * from_h[2 * units :])
            expected = {"update": z, "reset": r, "candidate": candidate}
        else:
            total = x * kernel[0] + previous @ recurrent + bias
            blocks = [total[k * units : (k + 1) * units] for k in range(len(GATES[cell]))]
            if cell == "lstm":
                expected = {"input": sigmoid(blocks[0]), "forget": sigmoid(blocks[1]), "candidate": np.tanh(blocks[2])}
                expected["output"] = sigmoid(blocks[3])
            else:
                expected = {"candidate": np.tanh(blocks[0])}
        for name, value in expected.items():
            np.testing.assert_allclose(inside.gates[name].value[t], value, rtol=1e-4, atol=1e-5, err_msg=f"{name} at step {t}")
        previous = hidden[t]  # Keras' own hidden state feeds the next step
    for gate in inside.gates.values():  # each gate's parts add up to what was squashed
        squash = np.tanh if gate is inside.gates["candidate"] else sigmoid
        np.testing.assert_allclose(squash(gate.total), gate.value, rtol=1e-12)


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if a != "relu"])
@pytest.mark.parametrize("cell", CELLS)
def test_the_gradient_agrees_with_finite_differences(cell, activation, layers):
    config = TrainConfig(cell=cell, activation=activation, layers=layers, units=5, seed=5)
    weights, window = widened(config), np.array([0.1, -0.6, 0.7, 0.3, 0.9])
    gradient = look_inside(config, weights, window).gradient
    step = 1e-6
    differences = [
        (look_inside(config, weights, window + step * e, False).output - look_inside(config, weights, window - step * e, False).output)
        / (2 * step)
        for e in np.eye(len(window))
    ]
    np.testing.assert_allclose(gradient, differences, rtol=1e-5, atol=1e-8)


def test_on_the_notebook_run_moving_the_whole_window_by_one_moves_the_answer_by_about_one(notebook_result):
    """The ramp's windows all rise by 1 a step, so what the model must learn is the level: the inputs' slopes add up to ~1."""
    window = np.array([5, 6, 7]) / 100
    gradient = look_inside(notebook_result.config, notebook_result.weights, window).gradient
    assert gradient.sum() == pytest.approx(1.0, abs=0.2)
    assert (gradient > 0).all()


def test_the_ramp_gates_hardly_vary_and_the_suggested_series_makes_them_work(notebook_result):
    """The Learn page's 'where to look': on the notebook's run the gate heatmaps are nearly one colour; on the series
    it suggests (trained as the sidebar sets it up when chosen) they are not."""
    from dataclasses import replace

    from pages.lab.inside_view import MOST_UNITS, VARIED_SERIES
    from pages.lab.sources import suited_to
    from seqcore import get_dataset, train
    from seqcore.explain import FLAT_SHARE, gate_spreads, gates_flat, most_active
    from seqcore.scaling import scaled

    def spreads(result):
        config = result.config
        layer = look_inside(config, result.weights, scaled(result.series.to_numpy()[-config.window :], config), False).layers[0]
        return gate_spreads(layer, config.cell, most_active(layer, MOST_UNITS))

    ramp = spreads(notebook_result)
    assert gates_flat(ramp) and max(s.share for s in ramp) < FLAT_SHARE
    assert all(s.low <= s.high for s in ramp) and [s.name for s in ramp] == list(GATES["lstm"])
    sine = get_dataset(VARIED_SERIES)
    config = replace(TrainConfig(), **suited_to(VARIED_SERIES, len(sine), None, 0, TrainConfig().window))
    varied = spreads(train(sine, config))
    assert not gates_flat(varied) and max(s.share for s in varied) > 3 * max(s.share for s in ramp)
