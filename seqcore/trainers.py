"""Traced training loops, one set per architecture, shared by every training of that architecture at once.

Why shared: tracing the training loop costs ~0.4-0.7 s of CPU and each new Keras model plus
traced function keeps ~11-13 MiB that TensorFlow never gives back (bench_train.py
--architectures 10). The traced functions here are stateless: a training's weights and
Adam's moments go in as tensors and come out updated, and the model's own variables are
never written. So ten users training the same architecture at the same moment run one
trace side by side, instead of each building and tracing a copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial

import numpy as np

from ._tf import tf
from .config import TrainConfig
from .model import build_model, initial_weights
from .windows import Windows, prepare_windows

MAX_ARCHITECTURES = 6  # traced architectures kept (least recently used dropped first)

# keras.optimizers.Adam's defaults; the update in `Trainer._step` is Keras' own, written on tensors
# because the TensorFlow backend has no stateless optimizer step
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7

_SERIES = tf.TensorSpec([None, None, 1], tf.float32)  # (samples, timesteps, features)
_TARGETS = tf.TensorSpec([None], tf.float32)  # (samples,)
_INT = tf.TensorSpec([], tf.int32)
_FLOAT = tf.TensorSpec([], tf.float32)


@dataclass(frozen=True)
class State:
    """One training's weights (one tensor per `model.weights` entry), Adam's moments, steps taken and rate."""

    weights: list
    momentums: list
    velocities: list
    steps: tf.Tensor
    learning_rate: tf.Tensor

    def numpy_weights(self) -> list[np.ndarray]:
        return [np.array(w) for w in self.weights]


class Trainer:
    """One architecture's model (used only for its structure) and the traced functions that train and run it."""

    def __init__(self, config: TrainConfig):
        self.architecture = config.architecture
        self.model = build_model(config)
        self._weight_specs = [tf.TensorSpec(v.shape, v.dtype) for v in self.model.weights]
        self._variants = {}  # (minibatch, validate) -> traced loop; each traced on first use only
        self._lock = threading.Lock()

    def start(self, config: TrainConfig) -> State:
        """Seeded initial weights and a fresh Adam (zero moments, no steps taken)."""
        weights = [tf.constant(w) for w in initial_weights(self.model, config.seed)]
        zeros = [tf.zeros_like(w) for w in weights]
        return State(weights, zeros, zeros, tf.constant(0.0), tf.constant(config.learning_rate, tf.float32))

    def run(self, state: State, windows: Windows, start: int, epochs: int, config: TrainConfig):
        """Train `epochs` epochs from epoch index `start`.

        Returns per-epoch training and validation MSE, each `(epochs,)`, and the state after them.
        """
        variant = self.variant(windows, config)
        with self._lock:
            if variant not in self._variants:
                loop = partial(self._epochs, minibatch=variant[0], validate=variant[1])
                state_specs = [self._weight_specs, self._weight_specs, self._weight_specs, _FLOAT, _FLOAT]
                signature = [_SERIES, _TARGETS, _SERIES, _TARGETS] + [_INT] * 4 + state_specs
                self._variants[variant] = tf.function(loop, input_signature=signature, autograph=False)
            traced = self._variants[variant]
        losses, val_losses, weights, momentums, velocities, steps = traced(
            windows.x_train, windows.y_train, windows.x_val, windows.y_val,
            np.int32(start), np.int32(epochs), np.int32(config.batch_size), np.int32(config.seed),
            state.weights, state.momentums, state.velocities, state.steps, state.learning_rate,
        )  # fmt: skip
        return losses.numpy(), val_losses.numpy(), State(weights, momentums, velocities, steps, state.learning_rate)

    def variant(self, windows: Windows, config: TrainConfig) -> tuple[bool, bool]:
        """Which traced loop trains these windows: (mini-batches?, validation?)."""
        return len(windows.y_train) > config.batch_size, len(windows.y_val) > 0

    def traced(self, windows: Windows, config: TrainConfig) -> bool:
        """Whether the loop for these windows is traced (or being traced) already."""
        return self.variant(windows, config) in self._variants

    def _outputs(self, weights, x, training=False):
        seeds = [v.value for v in self.model.non_trainable_variables]  # dropout's seed state: read, never advanced
        outputs, _ = self.model.stateless_call(weights, seeds, x, training=training)
        return outputs[:, 0]

    def _mse(self, weights, x, y, training=False):
        return tf.reduce_mean(tf.square(self._outputs(weights, x, training) - y))

    def _step(self, x, y, weights, momentums, velocities, steps, learning_rate):
        """One Adam update on a batch: the batch's MSE before the update, and the state after it."""
        with tf.GradientTape() as tape:
            tape.watch(weights)
            loss = self._mse(weights, x, y, training=True)
        gradients = tape.gradient(loss, weights)
        steps = steps + 1.0
        alpha = learning_rate * tf.sqrt(1.0 - BETA_2**steps) / (1.0 - BETA_1**steps)
        momentums = [m + (g - m) * (1.0 - BETA_1) for m, g in zip(momentums, gradients, strict=True)]
        velocities = [v + (tf.square(g) - v) * (1.0 - BETA_2) for v, g in zip(velocities, gradients, strict=True)]
        weights = [w - m * alpha / (tf.sqrt(v) + EPSILON) for w, m, v in zip(weights, momentums, velocities, strict=True)]
        return loss, weights, momentums, velocities, steps

    def _epochs(self, x, y, x_val, y_val, start, epochs, batch_size, seed, *state, minibatch: bool, validate: bool):
        # written with explicit tf.while_loop and traced with autograph off: autograph's
        # source rewriting was half of the first training's time
        weights, momentums, velocities, steps, learning_rate = state
        samples = tf.shape(x)[0]
        samples_f = tf.cast(samples, tf.float32)
        batches = (samples + batch_size - 1) // batch_size

        def minibatch_epoch(i, adam):
            # a new order of the windows every epoch, decided by (seed, epoch) alone
            order = tf.argsort(tf.random.stateless_uniform([samples], seed=tf.stack([seed, start + i])))

            def body(b, total, adam):
                batch = order[b * batch_size : tf.minimum((b + 1) * batch_size, samples)]
                size = tf.cast(tf.size(batch), tf.float32)
                loss, *adam = self._step(tf.gather(x, batch), tf.gather(y, batch), *adam, learning_rate)
                return b + 1, total + loss * size, adam

            _, total, adam = tf.while_loop(lambda b, *_: b < batches, body, (tf.constant(0), tf.constant(0.0), adam))
            return total / samples_f, adam

        def epoch(i, losses, val_losses, adam):
            if minibatch:
                loss, adam = minibatch_epoch(i, adam)
            else:  # one full batch (the notebook's case) needs no order and no gathering
                loss, *adam = self._step(x, y, *adam, learning_rate)
            # validation after the epoch's updates, as keras' fit reports it
            val_loss = self._mse(adam[0], x_val, y_val) if validate else tf.constant(np.nan)
            return i + 1, losses.write(i, loss), val_losses.write(i, val_loss), adam

        empty = tf.TensorArray(tf.float32, size=epochs)
        adam = [list(weights), list(momentums), list(velocities), steps]
        _, losses, val_losses, adam = tf.while_loop(lambda i, *_: i < epochs, epoch, (tf.constant(0), empty, empty, adam))
        return (losses.stack(), val_losses.stack(), *adam)


_trainers: OrderedDict[tuple, Trainer] = OrderedDict()
_lock = threading.Lock()


def trainer_for(config: TrainConfig) -> Trainer:
    """The shared trainer for `config`'s architecture, built on first use (traced on its first run)."""
    with _lock:
        trainer = _trainers.get(config.architecture)
        if trainer is None:
            trainer = _trainers[config.architecture] = Trainer(config)
            while len(_trainers) > MAX_ARCHITECTURES:
                _trainers.popitem(last=False)  # trainings still using it keep their reference
        _trainers.move_to_end(config.architecture)
        return trainer


def warm_up(config: TrainConfig = TrainConfig(), series=None) -> None:
    """Trace `config`'s architecture now, so that a user's first training with it starts at once.

    With `series`, traces exactly what training `series` will use; without, the two variants a
    first training most likely uses (one full batch, with and without validation). Meant for a
    background thread; a training that needs a trace meanwhile waits for it (tf.function traces
    once even when called from several threads). Skips what is traced or being traced already.
    """
    trainer = trainer_for(config)
    x = np.zeros((2, config.window, 1), np.float32)
    y = np.zeros(2, np.float32)
    if series is not None:
        likely = [prepare_windows(series, config)]
    else:
        likely = [Windows(x, y, x[:0], y[:0], 2), Windows(x, y, x[:1], y[:1], 2)]
    pending = [windows for windows in likely if not trainer.traced(windows, config)]
    if not pending:
        return  # the usual case: another session (or this one, earlier) traced it all
    state = trainer.start(config)
    for windows in pending:
        trainer.run(state, windows, 0, 1, config)
