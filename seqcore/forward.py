"""The trained network run forward in NumPy, from a run's weights: predictions without TensorFlow.

It follows Keras 3's own definitions: LSTM gates in the order input, forget, candidate, output; GRU with
`reset_after=True` (two bias rows, the reset gate applied after the recurrent product) and gates in the order
update, reset, candidate; a sigmoid recurrent activation; stacked layers handing on every timestep; Dense(1).
"""

from __future__ import annotations

import numpy as np

from .config import TrainConfig

_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda v: np.maximum(v, 0.0),
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "linear": lambda v: v,
}


def predict(config: TrainConfig, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The model's outputs `(samples,)` for scaled inputs `x` `(samples, timesteps, 1)`.

    `weights` are the run's arrays in `model.weights` order: for each recurrent layer its kernel,
    recurrent kernel and bias, then the Dense kernel and bias.
    """
    activation = _ACTIVATIONS[config.activation]
    step = {"lstm": _lstm_layer, "gru": _gru_layer, "rnn": _rnn_layer}[config.cell]
    sequence = np.asarray(x, dtype=np.float64)  # (samples, timesteps, features)
    for layer in range(config.layers):
        kernel, recurrent, bias = (np.asarray(w, dtype=np.float64) for w in weights[3 * layer : 3 * layer + 3])
        sequence = step(sequence, kernel, recurrent, bias, activation)
    dense_kernel, dense_bias = (np.asarray(w, dtype=np.float64) for w in weights[3 * config.layers :])
    return (sequence[:, -1, :] @ dense_kernel + dense_bias)[:, 0]


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return _ACTIVATIONS["sigmoid"](v)


def _lstm_layer(sequence, kernel, recurrent, bias, activation) -> np.ndarray:
    """Every timestep's hidden state `(samples, timesteps, units)`."""
    samples, timesteps, _ = sequence.shape
    units = recurrent.shape[0]
    h, c = np.zeros((samples, units)), np.zeros((samples, units))
    inputs = sequence @ kernel + bias  # the input's part of every gate, for all timesteps at once
    out = np.empty((samples, timesteps, units))
    for t in range(timesteps):
        z = inputs[:, t] + h @ recurrent
        i, f, g, o = (z[:, k * units : (k + 1) * units] for k in range(4))
        c = _sigmoid(f) * c + _sigmoid(i) * activation(g)
        h = _sigmoid(o) * activation(c)
        out[:, t] = h
    return out


def _gru_layer(sequence, kernel, recurrent, bias, activation) -> np.ndarray:
    samples, timesteps, _ = sequence.shape
    units = recurrent.shape[0]
    h = np.zeros((samples, units))
    inputs = sequence @ kernel + bias[0]
    out = np.empty((samples, timesteps, units))
    for t in range(timesteps):
        inner = h @ recurrent + bias[1]
        x_z, x_r, x_h = (inputs[:, t, k * units : (k + 1) * units] for k in range(3))
        i_z, i_r, i_h = (inner[:, k * units : (k + 1) * units] for k in range(3))
        z, r = _sigmoid(x_z + i_z), _sigmoid(x_r + i_r)
        h = z * h + (1.0 - z) * activation(x_h + r * i_h)
        out[:, t] = h
    return out


def _rnn_layer(sequence, kernel, recurrent, bias, activation) -> np.ndarray:
    samples, timesteps, _ = sequence.shape
    h = np.zeros((samples, recurrent.shape[0]))
    inputs = sequence @ kernel + bias
    out = np.empty((samples, timesteps, recurrent.shape[0]))
    for t in range(timesteps):
        h = activation(inputs[:, t] + h @ recurrent)
        out[:, t] = h
    return out
