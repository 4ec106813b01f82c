"""Compiled training loops, one set per architecture, shared by every training of that architecture.

Why shared: building and compiling a loop costs CPU and memory that TensorFlow never gives back
(see BENCHMARKS.md), so each architecture is built once per process. The loops are stateless: a
training's weights and Adam's moments go in as tensors and come out updated, and the model's own
variables are never written, so trainings of one architecture can run side by side.

Why XLA, and why padded data: an XLA program is compiled for fixed shapes. The loop writes its
per-epoch losses into a TensorArray of a fixed CHUNK length (a call trains up to CHUNK epochs), and
the windows are padded to a power-of-two count with a 0/1 mask, so that one compiled program serves
every epoch count and every series of a similar length. Padded windows carry no weight in the loss,
its gradient or the shuffling, so the numbers are those of the unpadded data.

Why a plain loop too: compiling an XLA program for new shapes takes seconds (more on a loaded machine), and the
plain traced loop (the same graph without XLA, traced once per architecture and variant for every shape) is ready
after a fraction of that. A training that must not wait (`train(..., wait_for_compile=False)`, the dashboard's
workers) runs on the plain loop when its XLA program is not compiled yet, and that program is compiled on a
background thread; the training moves to it at the next call once it is ready. The two loops run the same steps
(the shuffle is integer arithmetic, the same in both) and agree to float32 rounding, not to the bit.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import snapshots
from ._tf import tf
from .config import TrainConfig
from .model import build_model, initial_weights
from .result import AdamState
from .windows import Windows, prepare_windows

CHUNK = 50  # the most epochs one call trains; calls of fewer epochs run the same compiled program
# a call of the loop can hand back the weights after some of its epochs (a replay's snapshots, seqcore.snapshots), in a
# buffer of at most this size: a large model's call keeps fewer, and training ends a call once its buffer is full
RECORD_BYTES = 4 * 2**20
XLA_VARIABLE = "SEQCORE_XLA"  # set to 0 to train without XLA

# keras.optimizers.Adam's defaults; the update in `Trainer._step` is Keras' own, written on tensors
# because the TensorFlow backend has no stateless optimizer step
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7

_SERIES = tf.TensorSpec([None, None, 1], tf.float32)  # (samples, timesteps, features)
_VECTOR = tf.TensorSpec([None], tf.float32)  # (samples,): targets and masks
_INT = tf.TensorSpec([], tf.int32)
_ENDS = tf.TensorSpec([CHUNK], tf.int32)  # where a call's segments end (see Trainer.run)
_FLOAT = tf.TensorSpec([], tf.float32)


_MASK32 = (1 << 32) - 1
_LAST = tf.constant(1 << 62, tf.int64)  # sorts after every key shuffle_keys makes


def _mix(x):
    """A 32-bit integer hash (murmur-style finaliser, multipliers below 2**31 so int64 products never overflow)."""
    for multiplier in (0x7FEB352D, 0x5BD1E995):
        x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))
        x = tf.bitwise.bitwise_and(x * multiplier, _MASK32)
    return tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 15))


def shuffle_keys(count, seed, epoch):
    """`(count,)` distinct int64 sort keys, a hash of (seed, epoch, index): a window order that depends on nothing else.

    Integer arithmetic, so the loop with XLA and the plain one shuffle alike (TensorFlow's stateless random ops draw
    other numbers under XLA than without). The index in the low bits keeps keys distinct (at most 2**14 windows).
    """
    index = tf.range(count, dtype=tf.int64)
    seed, epoch = (tf.bitwise.bitwise_and(tf.cast(n, tf.int64), _MASK32) for n in (seed, epoch))
    start = _mix(tf.bitwise.bitwise_xor(_mix(tf.bitwise.bitwise_xor(seed, 0x9E3779B9)), epoch))  # 0 is _mix's fixed point
    return tf.bitwise.left_shift(_mix(tf.bitwise.bitwise_xor(start, index)), 14) + index


def bucket(samples: int) -> int:
    """How many windows a compiled program holds for `samples` real ones: the next power of two, at least 4."""
    return max(4, 1 << max(samples - 1, 0).bit_length())


@dataclass(frozen=True)
class Padded:
    """Windows padded to `bucket` sizes; `mask` / `val_mask` are 1 for real windows and 0 for padding."""

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    val_mask: np.ndarray

    @classmethod
    def of(cls, windows: Windows) -> Padded:
        x, y, mask = _pad(windows.x_train, windows.y_train)
        x_val, y_val, val_mask = _pad(windows.x_val, windows.y_val) if len(windows.y_val) else (x[:0], y[:0], mask[:0])
        return cls(x, y, mask, x_val, y_val, val_mask)

    @property
    def shape(self) -> tuple:
        """What an XLA program is compiled for (besides the architecture and the loop's variant)."""
        return self.x.shape, self.x_val.shape


def _pad(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = bucket(len(y))
    padding = size - len(y)
    mask = np.concatenate([np.ones(len(y), np.float32), np.zeros(padding, np.float32)])
    x = np.concatenate([x, np.zeros((padding, *x.shape[1:]), np.float32)])
    return x, np.concatenate([y, np.zeros(padding, np.float32)]), mask


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

    def adam(self) -> AdamState:
        """Adam's moments and velocities as float32 arrays (each shaped like its weight) and the steps taken."""
        return AdamState(
            [np.array(m, np.float32) for m in self.momentums], [np.array(v, np.float32) for v in self.velocities], float(self.steps)
        )


@dataclass(frozen=True)
class Kept:
    """The weights after some epochs: row k of `flat` is every weight after epoch `epochs[k]`, flattened."""

    epochs: tuple[int, ...]
    flat: np.ndarray


@dataclass(frozen=True)
class Chunk:
    """What one call of the loop gives back: per-epoch training and validation MSE, each `(epochs,)`, the state after
    them, and the weights after the epochs asked for (None when none were, or the trainer does not record)."""

    losses: np.ndarray
    val_losses: np.ndarray
    state: State
    kept: Kept | None


def xla_wanted() -> bool:
    return os.environ.get(XLA_VARIABLE, "1") != "0"


class Trainer:
    """One architecture's model (used only for its structure) and the compiled loops that train it."""

    def __init__(self, config: TrainConfig):
        self.architecture = config.architecture
        self.model = build_model(config)
        self.xla = xla_wanted()  # turned off for good if XLA fails to compile this architecture
        self._weight_specs = [tf.TensorSpec(v.shape, v.dtype) for v in self.model.weights]
        self.weight_count = sum(int(np.prod(v.shape)) for v in self.model.weights)
        self.records = snapshots.enabled() and snapshots.snapshot_count(CHUNK, self.weight_count) > 0  # else none are kept
        self.slots = max(1, min(CHUNK, RECORD_BYTES // (4 * self.weight_count)))  # epochs one call can keep
        self._loops = {}  # (minibatch, validate, batch size, xla) -> tf.function, traced on first use
        self._tracing = {}  # the same keys -> a lock held while that loop is traced: one trace never waits for another
        self._compiled = set()  # (variant, data shapes) an XLA program exists for
        self._compiling = set()  # the same, waiting for or under a background compile
        self.compiles = 0  # XLA programs made ready (compiled, or loaded from the disk cache) by this trainer
        self._lock = threading.Lock()

    def start(self, config: TrainConfig) -> State:
        """Seeded initial weights and a fresh Adam (zero moments, no steps taken)."""
        weights = [tf.constant(w) for w in initial_weights(self.model, config.seed)]
        zeros = [tf.zeros_like(w) for w in weights]
        return State(weights, zeros, zeros, tf.constant(0.0), tf.constant(config.learning_rate, tf.float32))

    def resume(self, config: TrainConfig, weights, adam: AdamState) -> State:
        """The state of a run to continue: its `weights` (one array per `model.weights` entry) and Adam's state after them."""
        shapes = [tuple(v.shape) for v in self.model.weights]
        for name, arrays in (("weights", weights), ("momentums", adam.momentums), ("velocities", adam.velocities)):
            if [tuple(np.shape(a)) for a in arrays] != shapes:
                raise ValueError(f"the run's {name} do not fit a {config.cell} with these settings")
        tensors = [[tf.constant(np.asarray(a, np.float32)) for a in arrays] for arrays in (weights, adam.momentums, adam.velocities)]
        return State(*tensors, tf.constant(adam.steps, tf.float32), tf.constant(config.learning_rate, tf.float32))

    def run(self, state: State, data: Padded, start: int, epochs: int, config: TrainConfig, keep=(), xla: bool = True) -> Chunk:
        """Train `epochs` (at most CHUNK) epochs from epoch index `start`; when the trainer records, the weights after
        each epoch number in `keep` (counted from 1) that this call trains come back in `kept`. `xla=False` runs the
        plain traced loop (so does a trainer whose XLA failed)."""
        if not 1 <= epochs <= CHUNK:
            raise ValueError(f"a call trains 1 to {CHUNK} epochs, not {epochs}")
        variant = self.variant(data, config)
        key = (variant, data.shape)
        xla = xla and self.xla
        # the call trains in segments, each ending on an epoch to keep (and the last on the call's last epoch): the
        # loop writes the weights once per segment, never on the epochs in between
        kept = [epoch for epoch in keep if start < epoch <= start + epochs] if self.records else []
        if len(kept) > self.slots:
            raise ValueError(f"a call keeps at most {self.slots} epochs' weights, not {len(kept)}")
        ends = np.zeros(CHUNK, np.int32)
        segments = sorted({*(epoch - start for epoch in kept), epochs})
        ends[: len(segments)] = segments
        try:
            out = self._loop(variant, xla)(
                data.x, data.y, data.mask, data.x_val, data.y_val, data.val_mask,
                np.int32(start), np.int32(config.seed), ends, np.int32(len(segments)),
                state.weights, state.momentums, state.velocities, state.steps, state.learning_rate,
            )  # fmt: skip
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError, tf.errors.InternalError, tf.errors.NotFoundError):
            if not xla:
                raise
            self.xla = False  # XLA cannot compile this loop here: today's plain traced loop does the same work
            return self.run(state, data, start, epochs, config, keep, xla=False)
        if xla and key not in self._compiled:
            with self._lock:
                self.compiles += key not in self._compiled
                self._compiled.add(key)
        losses, val_losses, weights, momentums, velocities, steps, *recorded = out
        return Chunk(
            losses.numpy()[:epochs],
            val_losses.numpy()[:epochs],
            State(weights, momentums, velocities, steps, state.learning_rate),
            Kept(tuple(kept), recorded[0].numpy()[[segments.index(e - start) for e in kept]]) if kept else None,
        )

    def variant(self, data: Padded, config: TrainConfig) -> tuple[bool, bool, int]:
        """Which loop trains this data: (mini-batches?, validation?, batch size or 0)."""
        minibatch = int(data.mask.sum()) > config.batch_size
        return minibatch, len(data.y_val) > 0, config.batch_size if minibatch else 0

    def ready(self, data: Padded, config: TrainConfig, wait_for_compile: bool = True) -> bool:
        """Whether training this data starts at once: its XLA program is compiled (or, with XLA off or when the training
        need not wait for a compile, its plain loop is traced)."""
        variant = self.variant(data, config)
        if self.xla and (variant, data.shape) in self._compiled:
            return True
        return (not self.xla or not wait_for_compile) and (*variant, False) in self._loops

    def uses_xla(self, data: Padded, config: TrainConfig, wait_for_compile: bool = True) -> bool:
        """Which loop a run of this data starts on: True for XLA.

        Waiting (the default, where the same settings must always give the same bits): XLA whenever it works here,
        compiled at the first call if need be. Not waiting: XLA only if its program is compiled already; otherwise
        the plain loop, and the program is compiled in the background (the run moves to it once `ready`).
        """
        if not self.xla:
            return False
        if wait_for_compile or (self.variant(data, config), data.shape) in self._compiled:
            return True
        self.compile_later(data, config)
        return False

    def compile_later(self, data: Padded, config: TrainConfig) -> bool:
        """Compile this data's XLA program on the background thread, unless it is compiled or queued; True if queued."""
        key = (self.variant(data, config), data.shape)
        with self._lock:
            if not self.xla or key in self._compiled or key in self._compiling:
                return False
            self._compiling.add(key)

        def compile_now() -> None:
            try:
                self.run(self.zeros(), data, 0, 1, config, xla=True)  # one epoch from zero weights: the values do not matter
            finally:
                with self._lock:
                    self._compiling.discard(key)

        background.submit(compile_now)
        return True

    def trace_plain(self, data: Padded, config: TrainConfig) -> bool:
        """Trace this data's plain loop and run it once (its first call prepares the graph), unless done; True if it was."""
        if (*self.variant(data, config), False) in self._loops:
            return False
        self.run(self.zeros(), data, 0, 1, config, xla=False)
        return True

    def zeros(self) -> State:
        """A state of zero weights, for preparing a loop: what it computes is thrown away."""
        zeros = [tf.zeros(v.shape, v.dtype) for v in self.model.weights]
        return State(zeros, zeros, zeros, tf.constant(0.0), tf.constant(0.0))

    def _loop(self, variant: tuple[bool, bool, int], xla: bool):
        key = (*variant, xla)
        with self._lock:
            if key in self._loops:
                return self._loops[key]
            tracing = self._tracing.setdefault(key, threading.Lock())
        with tracing:  # a second caller of the same loop waits for this trace; callers of other loops do not
            if key not in self._loops:
                minibatch, validate, batch_size = variant

                def loop(*args):
                    return self._epochs(*args, minibatch=minibatch, validate=validate, batch_size=batch_size)

                state_specs = [self._weight_specs, self._weight_specs, self._weight_specs, _FLOAT, _FLOAT]
                signature = [_SERIES, _VECTOR, _VECTOR, _SERIES, _VECTOR, _VECTOR, _INT, _INT, _ENDS, _INT, *state_specs]
                # the concrete function: calling it skips the signature matching a tf.function does on every call
                traced = tf.function(loop, input_signature=signature, autograph=False, jit_compile=xla).get_concrete_function()
                with self._lock:
                    self._loops[key] = traced
            return self._loops[key]

    def _outputs(self, weights, x, training=False):
        seeds = [v.value for v in self.model.non_trainable_variables]  # dropout's seed state: read, never advanced
        outputs, _ = self.model.stateless_call(weights, seeds, x, training=training)
        return outputs[:, 0]

    def _mse(self, weights, x, y, mask, training=False):
        """Mean squared error over the real windows (mask 1); padding adds nothing to it or its gradient."""
        return tf.reduce_sum(mask * tf.square(self._outputs(weights, x, training) - y)) / tf.reduce_sum(mask)

    def _step(self, x, y, mask, weights, momentums, velocities, steps, learning_rate):
        """One Adam update on a batch: the batch's MSE before the update, and the state after it."""
        with tf.GradientTape() as tape:
            tape.watch(weights)
            loss = self._mse(weights, x, y, mask, training=True)
        gradients = tape.gradient(loss, weights)
        steps = steps + 1.0
        alpha = learning_rate * tf.sqrt(1.0 - BETA_2**steps) / (1.0 - BETA_1**steps)
        momentums = [m + (g - m) * (1.0 - BETA_1) for m, g in zip(momentums, gradients, strict=True)]
        velocities = [v + (tf.square(g) - v) * (1.0 - BETA_2) for v, g in zip(velocities, gradients, strict=True)]
        weights = [w - m * alpha / (tf.sqrt(v) + EPSILON) for w, m, v in zip(weights, momentums, velocities, strict=True)]
        return loss, weights, momentums, velocities, steps

    def _epochs(self, x, y, mask, x_val, y_val, val_mask, start, seed, ends, segments, *state, minibatch, validate, batch_size):
        # explicit tf.while_loop, traced with autograph off: autograph's source rewriting was half of a first trace
        weights, momentums, velocities, steps, learning_rate = state
        padded = tf.shape(x)[0]
        samples = tf.cast(tf.reduce_sum(mask), tf.int32)

        def minibatch_epoch(i, adam):
            # a new order of the real windows every epoch, decided by (seed, epoch) alone; padding sorts last
            order = tf.argsort(tf.where(mask > 0, shuffle_keys(padded, seed, start + i), _LAST))
            batches = (samples + batch_size - 1) // batch_size

            def body(b, total, adam):
                positions = b * batch_size + tf.range(batch_size)
                batch = tf.gather(order, tf.minimum(positions, padded - 1))
                real = tf.cast(positions < samples, tf.float32)  # the last batch may be short
                loss, *adam = self._step(tf.gather(x, batch), tf.gather(y, batch), real, *adam, learning_rate)
                return b + 1, total + loss * tf.reduce_sum(real), adam

            _, total, adam = tf.while_loop(lambda b, *_: b < batches, body, (tf.constant(0), tf.constant(0.0), adam))
            return total / tf.cast(samples, tf.float32), adam

        def epoch(i, losses, val_losses, adam):
            if minibatch:
                loss, adam = minibatch_epoch(i, adam)
            else:  # one full batch (the notebook's case) needs no order and no gathering
                loss, *adam = self._step(x, y, mask, *adam, learning_rate)
            # validation after the epoch's updates, as keras' fit reports it
            val_loss = self._mse(adam[0], x_val, y_val, val_mask) if validate else tf.constant(np.nan)
            return i + 1, losses.write(i, loss), val_losses.write(i, val_loss), adam

        def segment(k, i, losses, val_losses, adam, recorded):
            end = ends[k]
            i, losses, val_losses, adam = tf.while_loop(
                lambda i, *_: i < end, epoch, (i, losses, val_losses, adam), maximum_iterations=CHUNK
            )
            if self.records:  # the weights after the segment's last epoch, flattened in model.weights order (row k, at most slots)
                recorded = [tf.tensor_scatter_nd_update(recorded[0], [[k]], [tf.concat([tf.reshape(w, [-1]) for w in adam[0]], 0)])]
            return k + 1, i, losses, val_losses, adam, recorded

        empty = tf.TensorArray(tf.float32, size=CHUNK)
        adam = [list(weights), list(momentums), list(velocities), steps]
        recorded = [tf.zeros([self.slots + 1, self.weight_count])] if self.records else []  # the last row: a call's end
        loop = (tf.constant(0), tf.constant(0), empty, empty, adam, recorded)
        _, _, losses, val_losses, adam, recorded = tf.while_loop(lambda k, *_: k < segments, segment, loop, maximum_iterations=CHUNK)
        return (losses.stack(), val_losses.stack(), *adam, *recorded)


_trainers: dict[tuple, Trainer] = {}
_lock = threading.Lock()


def trainer_for(config: TrainConfig) -> Trainer:
    """The shared trainer for `config`'s architecture, built on first use (compiled on its first run).

    Trainers are never dropped: TensorFlow does not give back what a dropped one held, so dropping
    would only make the next use of it build again. A process that has built many is replaced
    instead (the dashboard's workers, `seqcore.workers`).
    """
    with _lock:
        trainer = _trainers.get(config.architecture)
        if trainer is None:
            trainer = _trainers[config.architecture] = Trainer(config)
        return trainer


def programs() -> int:
    """How many XLA programs this process has compiled or is compiling (queued ones included), every trainer's."""
    with _lock:
        trainers = list(_trainers.values())
    return sum(len(trainer._compiled | trainer._compiling) for trainer in trainers)


def architectures() -> int:
    """How many architectures this process has built."""
    return len(_trainers)


def warm_up(config: TrainConfig = TrainConfig(), series=None, wait_for_compile: bool = True) -> bool:
    """Compile `config`'s loop now, so that a training with it starts at once; True if there was work to do.

    With `series`, compiles for exactly the shapes training `series` will use; without, for the
    notebook's (four windows, no validation split). One call of the loop on zeros does it: no real
    epoch runs. Skips what is compiled already. With `wait_for_compile=False`, traces the plain loop
    now (a fraction of a second) and leaves the XLA program to the background thread.
    """
    trainer = trainer_for(config)
    if series is not None:
        data = Padded.of(prepare_windows(series, config))
    else:
        data = _zero_data(config.window, 4, 0)
    if not wait_for_compile:
        traced = trainer.trace_plain(data, config)
        return trainer.compile_later(data, config) or traced
    if trainer.ready(data, config):
        return False
    trainer.run(trainer.start(config), data, 0, 1, config)
    return True


def trace_plain_later(config: TrainConfig, shapes) -> None:
    """Trace `config`'s plain loops on the background thread for data of each (windows, held-out windows) in `shapes`:
    one trace serves every series length and window, so a few cover the variants a model can meet."""
    trainer = trainer_for(config)
    for samples, held_out in shapes:
        data = _zero_data(config.window, samples, held_out)
        background.submit(lambda data=data: trainer.trace_plain(data, config))


def _zero_data(window: int, samples: int, held_out: int) -> Padded:
    x, y = np.zeros((samples + held_out, window, 1), np.float32), np.zeros(samples + held_out, np.float32)
    return Padded.of(Windows(x[:samples], y[:samples], x[samples:], y[samples:], samples))


class Background:
    """One thread per process that prepares loops ahead of use, one job at a time, oldest first.

    One thread, not one per job: a compile takes a core for seconds, and a worker has a training to run beside it.
    """

    def __init__(self):
        self._jobs: deque[Callable[[], object]] = deque()
        self._cond = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], object]) -> None:
        with self._cond:
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="seqcore-background-compile", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every submitted job has run; False if `timeout` seconds passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def _serve(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._jobs)
                job = self._jobs.popleft()
                self._busy = True
            try:
                job()
            except Exception:  # noqa: BLE001 - a failed XLA compile has turned XLA off for its trainer (Trainer.run)
                pass
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


background = Background()
