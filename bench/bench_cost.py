"""Calibrates and checks the training cost limit (seqcore/cost.py): seconds per epoch against the estimate.

Run: .venv/bin/python bench/bench_cost.py   (about ten minutes on a 2-core machine)
For each configuration and each of the two loops a training can run on (the XLA program, and the plain traced loop
a worker uses while that program compiles, seqcore.trainers): prepare the loop with one epoch, then time a training
of a few epochs, and print the measured seconds per epoch beside seqcore.cost's estimate; the ratio is the slower
loop's. Configurations the cost check refuses are timed too (with the check lifted), to show what the limit spares a
class. The last rows are the cases the estimate once ran 1.5-2x low on (issue 18): long windows with few units, and
many small batches. Each time is printed as wall-clock seconds and as this process's CPU seconds: on a machine that
others load, the wall clock counts their work too, and CPU time is what a quiet laptop's wall clock would show (these
loops run one op at a time).
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore import cost, trainers  # noqa: E402
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
    dict(units=4, window=200, length=2000, layers=1, cell="lstm"),
    dict(units=8, window=100, length=2000, layers=1, cell="gru"),
    dict(units=4, window=60, length=10000, layers=1, cell="rnn"),
    dict(units=16, window=10, length=2000, layers=1, cell="lstm", batch_size=1),
    dict(units=30, window=3, length=3000, layers=1, cell="lstm", batch_size=4),
    dict(units=8, window=20, length=5000, layers=2, cell="gru", batch_size=8),
]


def seconds_per_epoch(series, config, estimate: float, xla: bool) -> tuple[float, float]:
    trainers.trainer_for(config).xla = xla
    try:
        train(series, config, check_cost=False)  # prepares the loop (one epoch)
        epochs = max(1, min(20, int(2.0 / max(estimate, 1e-4))))
        timed = seqcore.TrainConfig(**{**config.__dict__, "epochs": epochs})
        began, cpu = time.perf_counter(), time.process_time()
        train(series, timed, check_cost=False)
        return (time.perf_counter() - began) / epochs, (time.process_time() - cpu) / epochs
    finally:
        trainers.trainer_for(config).xla = True


def main() -> None:
    print("s/epoch: estimated, then measured for the XLA loop and the plain one, wall clock / CPU; ratio: the slower loop's / estimate")
    print(f"{'config':58} {'windows':>7} {'estimate':>8} {'XLA wall/cpu':>15} {'plain wall/cpu':>15} {'ratio wall/cpu':>14}  allowed?")
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
        xla, plain = (seconds_per_epoch(series, config, estimate.epoch_seconds, loop) for loop in (True, False))
        ratios = [max(xla[i], plain[i]) / estimate.epoch_seconds for i in (0, 1)]
        name = ", ".join(f"{k}={v}" for k, v in case.items())
        times = f"{xla[0]:7.4f}/{xla[1]:.4f} {plain[0]:7.4f}/{plain[1]:.4f} {ratios[0]:7.2f}/{ratios[1]:.2f}"
        print(f"{name:58} {windows:7} {estimate.epoch_seconds:8.4f} {times}  {allowed}", flush=True)


if __name__ == "__main__":
    main()
