"""A lecturer's first trainings on their own data: how soon the first progress comes, with no program compiled for it.

Run: .venv/bin/python bench/bench_first_train.py   (about a minute on a 2-core machine; `experiment`: that part only)
A fresh pool of two workers (as `make run` starts on 2 cores) with an empty XLA disk cache, so nothing is compiled
for the new series. A new 150-value monthly-like series (trend, a 12-month season, noise) with the sidebar's
defaults for it (offset and scale fitted on the training part, 20 % held out), trained at once after the pool is
ready, as a click right after an upload would: seconds from the call to the first Progress event and to the
result; then the same run continued to 1,000 epochs; then a second training of the same setup (seed 1). Last, the
Compare page's experiment: LSTM, GRU and SimpleRNN with five seeds each, one cell after another, as the page runs it.
Target: the first Progress within 1 s, and no continuation that waits for a compile.
"""

import dataclasses
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore.pool import Outcome, Preparing, SeedsOutcome, TrainingPool  # noqa: E402
from seqcore.result import Progress  # noqa: E402
from seqcore.scaling import fit_scaling  # noqa: E402
from seqcore.windows import default_val_fraction  # noqa: E402

CELLS = ("lstm", "gru", "rnn")
SEEDS = 5


def monthly(length: int = 150, seed: int = 18) -> np.ndarray:
    """`(length,)` values: a rising trend, a 12-month season and noise, like a monthly CSV."""
    months = np.arange(length)
    noise = np.random.default_rng(seed).normal(0.0, 3.0, length)
    return 200 + 1.3 * months + 25 * np.sin(2 * np.pi * months / 12) + noise


def timed(training) -> tuple[float | None, float, bool, Outcome]:
    """Seconds from now to the first Progress event and to the Outcome, and whether it said it was preparing."""
    began, first, preparing = time.perf_counter(), None, False
    while True:
        event = training.next_event(timeout=300)
        if isinstance(event, Preparing):
            preparing = True
        if isinstance(event, Progress) and first is None:
            first = time.perf_counter() - began
        if isinstance(event, Outcome):
            return first, time.perf_counter() - began, preparing, event


def main() -> None:
    os.environ["LAB_XLA_CACHE"] = tempfile.mkdtemp(prefix="xla-cache-")  # nothing compiled before: new data
    series = monthly()
    window = seqcore.TrainConfig().window
    val_fraction = default_val_fraction(series, window)
    scaling = fit_scaling(series, window, val_fraction)
    config = seqcore.TrainConfig(offset=scaling.offset, scale=scaling.scale, val_fraction=val_fraction)
    started = time.perf_counter()
    pool = TrainingPool(workers=2)
    assert pool.wait_ready(), "the workers did not start"
    print(f"pool of 2 ready in {time.perf_counter() - started:.1f} s; series of {len(series)} values, {config}")
    print(f"{'training':44} {'first progress':>14} {'result':>8}  said 'preparing'?  next value")
    rows = [
        ("first training (500 epochs)", config, False),
        ("continued to 1,000 epochs", dataclasses.replace(config, epochs=1000), True),
        ("a second training (seed 1)", dataclasses.replace(config, seed=1), False),
    ]
    first_run = None
    for name, row_config, continues in rows if "experiment" not in sys.argv[1:] else []:
        first, total, preparing, outcome = timed(pool.train(series, row_config, resume=first_run if continues else None))
        assert outcome.error is None and outcome.problem is None, outcome
        first_run = first_run or outcome.result
        after = seqcore.predict_next(outcome.result, series[-window:])
        print(f"{name:44} {first:13.2f}s {total:7.2f}s  {'yes' if preparing else 'no':17}  {after:.2f}")
    began = time.perf_counter()
    for cell in CELLS:
        cell_began = time.perf_counter()
        outcome = pool.train_seeds(series, dataclasses.replace(config, cell=cell), range(SEEDS)).wait(600)
        assert isinstance(outcome, SeedsOutcome) and len(outcome.results) == SEEDS, outcome
        print(f"experiment: {cell} x {SEEDS} seeds {time.perf_counter() - cell_began:24.2f}s")
    print(f"experiment: 3 cells x {SEEDS} seeds in all {time.perf_counter() - began:15.2f}s")
    pool.close()


if __name__ == "__main__":
    main()
