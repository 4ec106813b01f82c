"""Traced trainers, kept in a small pool per architecture so that tracing and model building happen once.

Why a pool: tracing the training loop costs ~0.7 s and each new Keras model plus
traced function keeps ~11-13 MiB that TensorFlow never gives back (bench_train.py
--architectures 10). A trainer is
handed to one training (or prediction) at a time, so concurrent users never
share variables, and returned afterwards with its weights reset by the next user.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import partial

import numpy as np

from ._tf import keras, tf
from .config import TrainConfig
from .model import build_model, initial_weights
from .windows import Windows

MAX_IDLE = 6  # idle trainers kept across all architectures (least recently used dropped first)

_SERIES = tf.TensorSpec([None, None, 1], tf.float32)  # (samples, timesteps, features)
_TARGETS = tf.TensorSpec([None], tf.float32)  # (samples,)
_INT = tf.TensorSpec([], tf.int32)


class Trainer:
    """One model, its Adam optimizer, and the traced functions that train and run it."""

    def __init__(self, config: TrainConfig):
        self.architecture = config.architecture
        self.model = build_model(config)
        self.optimizer = keras.optimizers.Adam(learning_rate=config.learning_rate)
        self.optimizer.build(self.model.trainable_variables)
        self._variants = {}  # (minibatch, validate) -> traced loop; each traced on first use only
        self._predict = tf.function(lambda x: self.model(x, training=False)[:, 0], input_signature=[_SERIES], autograph=False)

    def reset(self, config: TrainConfig) -> None:
        """Fresh seeded weights and a fresh optimizer, without creating variables (so nothing is retraced)."""
        for variable, value in zip(self.model.weights, initial_weights(self.model, config.seed), strict=True):
            variable.assign(value)
        for variable in self.optimizer.variables:
            # adam's moments and step counter back to zero; the learning rate is a variable too
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
        self.optimizer.learning_rate = config.learning_rate

    def run(self, windows: Windows, start: int, epochs: int, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
        """Train `epochs` epochs from epoch index `start`; per-epoch training and validation MSE, each `(epochs,)`."""
        variant = (len(windows.y_train) > config.batch_size, len(windows.y_val) > 0)
        if variant not in self._variants:
            loop = partial(self._epochs, minibatch=variant[0], validate=variant[1])
            signature = [_SERIES, _TARGETS, _SERIES, _TARGETS] + [_INT] * 4
            self._variants[variant] = tf.function(loop, input_signature=signature, autograph=False)
        losses, val_losses = self._variants[variant](
            windows.x_train, windows.y_train, windows.x_val, windows.y_val,
            np.int32(start), np.int32(epochs), np.int32(config.batch_size), np.int32(config.seed),
        )  # fmt: skip
        return losses.numpy(), val_losses.numpy()

    def predict(self, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
        """Outputs `(samples,)` for scaled inputs `x` `(samples, timesteps, 1)` with the given weights."""
        for variable, value in zip(self.model.weights, weights, strict=True):
            variable.assign(value)
        return self._predict(np.asarray(x, dtype=np.float32)).numpy()

    def weights(self) -> list[np.ndarray]:
        return [np.array(v.numpy()) for v in self.model.weights]

    def _mse(self, x, y, training=False):
        return tf.reduce_mean(tf.square(self.model(x, training=training)[:, 0] - y))

    def _step(self, x, y):
        """One Adam update on a batch; the batch's MSE before the update."""
        with tf.GradientTape() as tape:
            loss = self._mse(x, y, training=True)
        variables = self.model.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    def _epochs(self, x, y, x_val, y_val, start, epochs, batch_size, seed, *, minibatch: bool, validate: bool):
        # written with explicit tf.while_loop and traced with autograph off: autograph's
        # source rewriting was half of the first training's time
        samples = tf.shape(x)[0]
        samples_f = tf.cast(samples, tf.float32)
        batches = (samples + batch_size - 1) // batch_size

        def minibatch_epoch(i):
            # a new order of the windows every epoch, decided by (seed, epoch) alone
            order = tf.argsort(tf.random.stateless_uniform([samples], seed=tf.stack([seed, start + i])))

            def body(b, total):
                batch = order[b * batch_size : tf.minimum((b + 1) * batch_size, samples)]
                size = tf.cast(tf.size(batch), tf.float32)
                return b + 1, total + self._step(tf.gather(x, batch), tf.gather(y, batch)) * size

            _, total = tf.while_loop(lambda b, _: b < batches, body, (tf.constant(0), tf.constant(0.0)))
            return total / samples_f

        def epoch(i, losses, val_losses):
            # one full batch (the notebook's case) needs no order and no gathering
            loss = minibatch_epoch(i) if minibatch else self._step(x, y)
            # validation after the epoch's updates, as keras' fit reports it
            val_loss = self._mse(x_val, y_val) if validate else tf.constant(np.nan)
            return i + 1, losses.write(i, loss), val_losses.write(i, val_loss)

        _, losses, val_losses = tf.while_loop(
            lambda i, *_: i < epochs,
            epoch,
            (tf.constant(0), tf.TensorArray(tf.float32, size=epochs), tf.TensorArray(tf.float32, size=epochs)),
        )
        return losses.stack(), val_losses.stack()


_idle: OrderedDict[tuple, list[Trainer]] = OrderedDict()
_warming: dict[tuple, threading.Event] = {}  # architectures a warm_up is building right now
_lock = threading.Lock()


def acquire(config: TrainConfig) -> Trainer:
    """A trainer for `config`'s architecture that no one else is using; built (and traced later) if none is idle."""
    with _lock:
        warming = _warming.get(config.architecture)
    if warming is not None:
        # a warm-up is tracing this very architecture: waiting for it beats tracing a second copy
        warming.wait(timeout=30)
    with _lock:
        stack = _idle.get(config.architecture)
        if stack:
            return stack.pop()
    return Trainer(config)


def release(trainer: Trainer) -> None:
    """Hand a trainer back for reuse."""
    with _lock:
        _idle.setdefault(trainer.architecture, []).append(trainer)
        _idle.move_to_end(trainer.architecture)
        while sum(len(s) for s in _idle.values()) > MAX_IDLE:
            oldest = next(iter(_idle))
            _idle[oldest].pop(0)
            if not _idle[oldest]:
                del _idle[oldest]


def warm_up(config: TrainConfig = TrainConfig()) -> None:
    """Build and trace a trainer for `config`'s architecture now, so a user's first training starts at once.

    Meant for a background thread; a training that asks for this architecture meanwhile waits for it.
    """
    done = threading.Event()
    with _lock:
        if config.architecture in _warming or _idle.get(config.architecture):
            return
        _warming[config.architecture] = done
    try:
        trainer = Trainer(config)
        x = np.zeros((2, config.window, 1), np.float32)
        y = np.zeros(2, np.float32)
        # the variants a first training is most likely to use: one full batch, with and without validation
        trainer.run(Windows(x, y, x[:0], y[:0], 2), 0, 1, config)
        trainer.run(Windows(x, y, x[:1], y[:1], 2), 0, 1, config)
        trainer.predict(trainer.weights(), x)
        release(trainer)
    finally:
        with _lock:
            del _warming[config.architecture]
        done.set()
