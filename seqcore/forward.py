"""The trained network run forward in NumPy, from a run's weights: predictions without TensorFlow, and, for a look
inside, every intermediate of the cell and the prediction's derivative with respect to each input value.

It follows Keras 3's own definitions: LSTM gates in the order input, forget, candidate, output; GRU with
`reset_after=True` (two bias rows, the reset gate applied after the recurrent product) and gates in the order
update, reset, candidate; a sigmoid recurrent activation; stacked layers handing on every timestep; Dense(1).

The derivative is carried forward with the values (forward-mode differentiation): next to each array goes its
derivative with respect to every input value, one more leading axis of length timesteps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .config import TrainConfig


def _sigmoid(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))  # the same function as 1 / (1 + e^-v), without overflowing for large -v


# each activation with its derivative written in terms of (input, output)
_ACTIVATIONS = {
    "tanh": (np.tanh, lambda v, out: 1.0 - out**2),
    "relu": (lambda v: np.maximum(v, 0.0), lambda v, out: (v > 0).astype(np.float64)),
    "sigmoid": (_sigmoid, lambda v, out: out * (1.0 - out)),
    "linear": (lambda v: v, lambda v, out: np.ones_like(v)),
}
_SIGMOID = _ACTIVATIONS["sigmoid"]

# what each cell computes at a timestep, in Keras' gate order (the kernels' column blocks)
GATES = {"lstm": ("input", "forget", "candidate", "output"), "gru": ("update", "reset", "candidate"), "rnn": ("candidate",)}
STATES = {"lstm": ("cell", "hidden"), "gru": ("hidden",), "rnn": ("hidden",)}


@dataclass(frozen=True)
class Gate:
    """One gate of one layer over a window, each `(timesteps, units)`: `value` = squash(`input_part` + `memory_part` +
    `bias`), where `input_part` comes from this timestep's input and `memory_part` from the previous hidden state."""

    input_part: np.ndarray
    memory_part: np.ndarray
    bias: np.ndarray
    value: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.input_part + self.memory_part + self.bias


@dataclass(frozen=True)
class LayerPass:
    """One recurrent layer over one window: what it read `(timesteps, features)`, its gates and its states."""

    inputs: np.ndarray
    gates: dict[str, Gate]
    states: dict[str, np.ndarray]  # "hidden" (and the LSTM's "cell"), each (timesteps, units)


@dataclass(frozen=True)
class Pass:
    """The network over one window of scaled inputs: every layer, the Dense layer and the scaled output."""

    layers: list[LayerPass]
    dense_kernel: np.ndarray  # (units,)
    dense_bias: float
    output: float
    gradient: np.ndarray | None = field(default=None)  # d output / d input value at each timestep (scaled units)


def predict(config: TrainConfig, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The model's outputs `(samples,)` for scaled inputs `x` `(samples, timesteps, 1)`.

    `weights` are the run's arrays in `model.weights` order: for each recurrent layer its kernel,
    recurrent kernel and bias, then the Dense kernel and bias.
    """
    sequence = np.asarray(x, dtype=np.float64)  # (samples, timesteps, features)
    for layer in range(config.layers):
        sequence, _, _ = _layer(config, _layer_weights(weights, layer), sequence)
    dense_kernel, dense_bias = (np.asarray(w, dtype=np.float64) for w in weights[3 * config.layers :])
    return (sequence[:, -1, :] @ dense_kernel + dense_bias)[:, 0]


def look_inside(config: TrainConfig, weights: list[np.ndarray], window, gradient: bool = True) -> Pass:
    """Every intermediate for one window of scaled inputs `(timesteps,)`, and the output's gradient with respect to it."""
    values = np.asarray(window, dtype=np.float64).reshape(1, -1, 1)
    steps = values.shape[1]
    tangent = np.eye(steps).reshape(steps, 1, steps, 1) if gradient else None  # one direction per input value
    sequence, layers = values, []
    for layer in range(config.layers):
        inputs = sequence[0]
        sequence, tangent, kept = _layer(config, _layer_weights(weights, layer), sequence, tangent, keep=True)
        layers.append(LayerPass(inputs, *kept))
    dense_kernel, dense_bias = (np.asarray(w, dtype=np.float64) for w in weights[3 * config.layers :])
    output = float(sequence[0, -1] @ dense_kernel[:, 0] + dense_bias[0])
    grad = tangent[:, 0, -1] @ dense_kernel[:, 0] if tangent is not None else None
    return Pass(layers, dense_kernel[:, 0], float(dense_bias[0]), output, grad)


def _layer_weights(weights, layer: int) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(w, dtype=np.float64) for w in weights[3 * layer : 3 * layer + 3])


def _layer(config: TrainConfig, layer_weights, sequence, tangent=None, keep: bool = False):
    """Run one recurrent layer over `sequence` `(samples, timesteps, features)`.

    Returns every timestep's hidden state `(samples, timesteps, units)`, its derivative (`tangent` has a leading axis
    of directions, or is None), and, with `keep`, the first sample's gates and states (else None).
    """
    kernel, recurrent, bias = layer_weights
    cell = config.cell
    act, act_slope = _ACTIVATIONS[config.activation]
    samples, timesteps, _ = sequence.shape
    units = recurrent.shape[0]
    # a GRU's second bias row belongs to the memory part (reset_after); the other cells have one bias
    input_bias, memory_bias = (bias[0], bias[1]) if cell == "gru" else (bias, 0.0)
    from_input = sequence @ kernel  # every timestep's input part of every gate at once
    d_from_input = tangent @ kernel if tangent is not None else None
    h = np.zeros((samples, units))
    c = np.zeros((samples, units))
    dh = dc = np.zeros((tangent.shape[0], samples, units)) if tangent is not None else None
    out = np.empty((samples, timesteps, units))
    d_out = np.empty((tangent.shape[0], samples, timesteps, units)) if tangent is not None else None
    kept = {name: np.empty((4, timesteps, units)) for name in GATES[cell]} if keep else None
    states = {name: np.empty((timesteps, units)) for name in STATES[cell]} if keep else None

    def block(array, k):
        return array[..., k * units : (k + 1) * units]

    for t in range(timesteps):
        memory = h @ recurrent + memory_bias
        d_memory = dh @ recurrent if tangent is not None else None
        parts = {}  # gate -> (input part, memory part, bias, value, derivative of value)
        for k, name in enumerate(GATES[cell]):
            x_part, m_part, b = block(from_input[:, t], k), block(memory, k), block(input_bias, k)
            d_total = block(d_from_input[:, :, t], k) + block(d_memory, k) if tangent is not None else None
            if cell == "gru" and name == "candidate":  # reset_after: the reset gate scales the whole memory part
                r, dr = parts["reset"][3], parts["reset"][4]
                if tangent is not None:
                    d_total = block(d_from_input[:, :, t], k) + dr * m_part + r * block(d_memory, k)
                m_part = r * m_part
            total = x_part + m_part + b
            squash, slope = (act, act_slope) if name == "candidate" else _SIGMOID
            value = squash(total)
            d_value = slope(total, value) * d_total if tangent is not None else None
            parts[name] = (x_part, m_part, b, value, d_value)
            if keep:
                kept[name][:, t] = (x_part[0], m_part[0], b, value[0])
        if cell == "lstm":
            i, f, g, o = (parts[name][3] for name in GATES[cell])
            c_new = f * c + i * g
            c_out = act(c_new)
            h_new = o * c_out
            if tangent is not None:
                di, df, dg, do = (parts[name][4] for name in GATES[cell])
                dc = df * c + f * dc + di * g + i * dg
                dh = do * c_out + o * act_slope(c_new, c_out) * dc
            c = c_new
        elif cell == "gru":
            z, hh = parts["update"][3], parts["candidate"][3]
            h_new = z * h + (1.0 - z) * hh
            if tangent is not None:
                dz, dhh = parts["update"][4], parts["candidate"][4]
                dh = dz * h + z * dh - dz * hh + (1.0 - z) * dhh
        else:
            h_new = parts["candidate"][3]
            if tangent is not None:
                dh = parts["candidate"][4]
        h = h_new
        out[:, t] = h
        if tangent is not None:
            d_out[:, :, t] = dh
        if keep:
            states["hidden"][t] = h[0]
            if cell == "lstm":
                states["cell"][t] = c[0]
    gates = {name: Gate(*kept[name]) for name in GATES[cell]} if keep else None
    return out, d_out, (gates, states) if keep else None
