"""What the server and a training worker process say to each other over their pipe: small picklable records.

Server to worker: `TrainJob`, `SeedsJob`, `StopJob`, `WarmJob`, `ExportJob`, and None to end the worker.
Worker to server: `Ready` once, then for each job some `Preparing`, `Report` (or `SeedDone`) records and one final record
(`Finished`, `Failed`, `Warmed` or `Exported`) that says which architectures the worker holds and whether it
should be replaced (it built too many, or passed its memory ceiling).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .config import TrainConfig
from .result import AdamState, TrainResult
from .snapshots import Snapshots


@dataclass(frozen=True)
class TrainJob:
    """Train `config` on `values` `(length,)`: a fresh run, or `resume` continued to `config.epochs` in all (a
    `TrainResult` sent without its series, which `values` are)."""

    job: int
    values: np.ndarray
    config: TrainConfig
    resume: TrainResult | None = None


@dataclass(frozen=True)
class SeedsJob:
    """Train `configs` (the same settings with different seeds) one after another, without tracing again."""

    job: int
    values: np.ndarray
    configs: list[TrainConfig]


@dataclass(frozen=True)
class StopJob:
    job: int


@dataclass(frozen=True)
class WarmJob:
    """Compile `config`'s loop for `values`' shapes (None: the notebook's), with no real epoch."""

    job: int
    config: TrainConfig
    values: np.ndarray | None = None


@dataclass(frozen=True)
class ExportJob:
    job: int
    config: TrainConfig
    weights: list[np.ndarray]


@dataclass(frozen=True)
class Ready:
    architectures: frozenset


@dataclass(frozen=True)
class Preparing:
    """The job's loop is being compiled first; `text` says so in a user's words."""

    job: int
    text: str


@dataclass(frozen=True)
class Report:
    """Progress: the losses of the epochs since the last report, and, now and then, the weights after `epoch`."""

    job: int
    epoch: int
    losses: list[float]
    val_losses: list[float] | None
    seconds: float
    weights: list[np.ndarray] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SeedDone:
    """One training of a `SeedsJob` has ended: `index` into its configs."""

    job: int
    index: int
    losses: list[float]
    val_losses: list[float] | None
    weights: list[np.ndarray] = field(repr=False)
    stopped: bool
    seconds: float


@dataclass(frozen=True)
class Done:
    """Every job's last record."""

    job: int
    architectures: frozenset
    retire: bool  # the worker is ending (a bug, too many architectures, or far past its memory limit)
    growth_mib: float = 0.0  # resident memory gained since the worker was ready
    programs: int = 0  # XLA programs the worker has compiled or is compiling in the background (seqcore.trainers.programs)


@dataclass(frozen=True)
class Finished(Done):
    losses: list[float] = field(default_factory=list)
    val_losses: list[float] | None = None
    weights: list[np.ndarray] = field(default_factory=list, repr=False)
    stopped: bool = False
    seconds: float = 0.0
    n_train: int = 0
    snapshots: Snapshots | None = field(default=None, repr=False)
    optimizer: AdamState | None = field(default=None, repr=False)  # None for a `SeedsJob`, whose runs are never continued


@dataclass(frozen=True)
class Failed(Done):
    """An `InputError` (a setting or series that cannot train, `field_name` naming it) or, if not `input_error`, a bug."""

    message: str = ""
    field_name: str | None = None
    input_error: bool = True
    diverged: bool = False  # the loss stopped being finite; `losses` holds the finite epochs before it
    losses: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Warmed(Done):
    pass


@dataclass(frozen=True)
class Exported(Done):
    data: bytes = b""
