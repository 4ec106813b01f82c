"""Calibrates and checks the training cost limit (seqcore/cost.py): seconds per epoch against the estimate.

Run: .venv/bin/python bench/bench_cost.py   (a few minutes on a 2-core machine)
For each configuration: compile (warm_up on the real series), then time a training of a few epochs, and print
the measured seconds per epoch beside seqcore.cost's estimate. Configurations the cost check refuses are
timed too (with the check lifted), to show what the limit spares a class.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore import cost  # noqa: E402
from seqcore.training import train  # noqa: E402

CASES = [
    dict(units=30, window=3, length=7, layers=1, cell="lstm"),
    dict(units=64, window=20, length=500, layers=1, cell="lstm"),
    dict(units=128, window=50, length=1000, layers=1, cell="lstm"),
    dict(units=256, window=50, length=1000, layers=1, cell="lstm"),
    dict(units=128, window=100, length=2000, layers=2, cell="gru"),
    dict(units=512, window=20, length=200, layers=1, cell="lstm"),
    dict(units=64, window=200, length=2000, layers=3, cell="rnn"),
    dict(units=32, window=10, length=10000, layers=1, cell="lstm"),
    dict(units=256, window=100, length=2000, layers=2, cell="lstm"),
    dict(units=16, window=200, length=10000, layers=1, cell="rnn"),
    dict(units=512, window=3, length=7, layers=3, cell="lstm"),
    dict(units=100, window=30, length=3000, layers=1, cell="gru", batch_size=256),
]


def main() -> None:
    print(f"{'config':58} {'windows':>7} {'estimate s/epoch':>16} {'measured s/epoch':>16} {'ratio':>6}  allowed?")
    for case in CASES:
        length = case.pop("length")
        series = np.sin(np.arange(length) / 7.0) * 50 + 100
        config = seqcore.TrainConfig(epochs=1, scale=200, **case)
        windows = length - config.window
        estimate = cost.estimate(config, windows)
        allowed = True
        try:
            cost.check(config, windows)
        except seqcore.InputError as exc:
            allowed = f"no: {exc}"[:90]
        train(series, config, check_cost=False)  # compiles (one epoch)
        epochs = max(1, min(20, int(2.0 / max(estimate.epoch_seconds, 1e-4))))
        timed = seqcore.TrainConfig(**{**config.__dict__, "epochs": epochs})
        began = time.perf_counter()
        train(series, timed, check_cost=False)
        measured = (time.perf_counter() - began) / epochs
        name = ", ".join(f"{k}={v}" for k, v in case.items())
        print(f"{name:58} {windows:7} {estimate.epoch_seconds:16.4f} {measured:16.4f} {measured / estimate.epoch_seconds:6.2f}  {allowed}")


if __name__ == "__main__":
    main()
