"""Snapshots of the weights during training, for a replay: which epochs to keep, and the kept weights.

A replay plays a training back in a few seconds, so the epochs kept are dense where the weights change
fast (the first epochs) and sparse later. A run keeps at most MAX_BYTES of snapshots: a large model
keeps fewer of them, and a model too large for MIN_COUNT of them keeps none (the page says so).

A continued run (`Recorder` with `start`) keeps at most as many as a fresh run of its new total would, at about the same
epochs: that fresh run's planned epochs after the old end are recorded, and of the old run's own snapshots it keeps epoch
0, the old end, and the one nearest to each of that plan's epochs in between.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np

TARGET_COUNT = 60  # epoch 0 (the starting weights) included
MIN_COUNT = 3  # fewer than this is no replay
MAX_BYTES = 4 * 2**20  # per run; float32 weights
BYTES_PER_WEIGHT = 4
VARIABLE = "SEQCORE_SNAPSHOTS"  # set to 0 to keep none (bench/bench_replay.py measures what keeping them costs)


def enabled() -> bool:
    return os.environ.get(VARIABLE, "1") != "0"


def weight_count(weights) -> int:
    return int(sum(np.asarray(w).size for w in weights))


def snapshot_count(epochs: int, weights: int) -> int:
    """How many snapshots (epoch 0 included) a training of `epochs` epochs of a model with `weights` weights keeps."""
    count = min(TARGET_COUNT, MAX_BYTES // (BYTES_PER_WEIGHT * max(weights, 1)), epochs + 1)
    return count if count >= MIN_COUNT else 0


@functools.lru_cache(maxsize=256)
def plan(epochs: int, weights: int) -> tuple[int, ...]:
    """The epochs to keep, ascending: 0, then about geometrically spaced up to `epochs` (always kept); () for none."""
    count = snapshot_count(epochs, weights)
    if count == 0:
        return ()
    if count > epochs:
        return tuple(range(epochs + 1))

    def spaced(points: int) -> np.ndarray:
        return np.unique(np.round(np.geomspace(1, epochs, points)).astype(int))

    # rounding merges the first points (1, 1.1, 1.2 -> 1): ask for more until there are count - 1 distinct epochs
    points = count - 1
    while len(spaced(points + 1)) <= count - 1:
        points += 1
    return (0, *(int(e) for e in spaced(points)))


@dataclass(frozen=True)
class Snapshots:
    """The weights at `epochs` (ascending; 0 = before training): row k of `flat` is every weight after epoch `epochs[k]`,
    flattened in `model.weights` order, and `shapes` gives each array's shape to rebuild them."""

    epochs: tuple[int, ...]
    flat: np.ndarray  # (len(epochs), weights) float32
    shapes: tuple[tuple[int, ...], ...]

    def __len__(self) -> int:
        return len(self.epochs)

    @property
    def nbytes(self) -> int:
        return int(self.flat.nbytes)

    def weights(self, index: int) -> list[np.ndarray]:
        """The weights of snapshot `index`, one array per `model.weights` entry."""
        arrays, start = [], 0
        for shape in self.shapes:
            size = int(np.prod(shape, dtype=np.int64))
            arrays.append(self.flat[index, start : start + size].reshape(shape))
            start += size
        return arrays

    def cut(self, epochs: int) -> Snapshots:
        """Only the snapshots up to epoch `epochs` (a run stopped there)."""
        keep = sum(1 for e in self.epochs if e <= epochs)
        return Snapshots(self.epochs[:keep], self.flat[:keep], self.shapes)


def flatten(weights) -> np.ndarray:
    return np.concatenate([np.asarray(w, np.float32).ravel() for w in weights])


class Recorder:
    """Collects the planned snapshots as training goes, from what each call of the training loop kept.

    A fresh run (`start` 0) keeps `plan(epochs, …)`. A run continued from epoch `start` with `initial_weights` (the
    weights after it) and the old run's snapshots `earlier` records the epochs of `plan(epochs, …)` after `start`, and
    keeps in front of them, of the old snapshots up to `start` (its weights added if they were not kept), the first, the
    last and the one nearest to each epoch of the plan in between: never more snapshots than the plan has, so never more
    bytes than a fresh run of `epochs`. A continued run whose old run kept none keeps none.
    """

    def __init__(self, epochs: int, initial_weights, keep: bool = True, start: int = 0, earlier: Snapshots | None = None):
        self.shapes = tuple(tuple(np.shape(w)) for w in initial_weights)
        fresh = plan(epochs, weight_count(initial_weights)) if keep and enabled() else ()
        self.epochs: list[int] = []
        self.rows: list[np.ndarray] = []
        if start == 0:
            self.planned = fresh
            if fresh:
                self._keep(0, flatten(initial_weights))
            return
        if not fresh or earlier is None:
            self.planned = ()
            return
        self.planned = tuple(e for e in fresh if e > start)
        old = earlier.cut(start)
        rows = list(zip(old.epochs, old.flat, strict=True))
        if not rows or rows[-1][0] != start:
            rows.append((start, flatten(initial_weights)))
        kept = np.array([epoch for epoch, _ in rows])
        between = [e for e in fresh if 0 < e <= start][:-1]  # start takes the place of the plan's last epoch up to it
        chosen = {0, len(rows) - 1, *(int(np.abs(kept - e).argmin()) for e in between)}
        for index in sorted(chosen):
            self._keep(*rows[index])

    def due(self, after: int, count: int = 1) -> int | None:
        """The `count`-th planned epoch after epoch `after`, or None."""
        later = [e for e in self.planned if e > after]
        return later[count - 1] if len(later) >= count else None

    def add_kept(self, epochs, flat: np.ndarray) -> None:
        """`flat[k]` is every weight after epoch `epochs[k]`, flattened."""
        for epoch, row in zip(epochs, flat, strict=True):
            self._keep(epoch, row)

    def finish(self, epoch: int, weights) -> Snapshots | None:
        """The snapshots up to `epoch`, the last trained, which always ends on the final weights."""
        if not self.epochs:
            return None
        if self.epochs[-1] != epoch:
            self._keep(epoch, flatten(weights))
        return Snapshots(tuple(self.epochs), np.stack(self.rows), self.shapes)

    def _keep(self, epoch: int, row: np.ndarray) -> None:
        if self.epochs and self.epochs[-1] == epoch:
            return
        self.epochs.append(epoch)
        self.rows.append(np.array(row, np.float32))
