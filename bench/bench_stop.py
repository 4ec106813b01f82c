"""Stop on the largest trainings the cost check allows: how soon the worker answers, and the gaps between reports.

Run: .venv/bin/python bench/bench_stop.py   (about two minutes on a 2-core machine)
For each configuration near the cost limit (seqcore/cost.py), a one-worker pool (seqcore.pool, never
replacing its worker for memory here) compiles it once, then trains it again: it prints the seconds to the
first progress report, the longest gap between reports, and the seconds from `stop()` to the stopped
result. Closing a tab ends the page's script run the same way a Stop click does, so it takes the same path.
Targets: first report <= 0.5 s after the start (once compiled), reports at least every 0.5 s, stop
honoured within 0.5 s.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore import cost  # noqa: E402
from seqcore.pool import Outcome, TrainingPool  # noqa: E402
from seqcore.result import Progress  # noqa: E402
from seqcore.worker import Limits  # noqa: E402

SINE_1000 = np.sin(np.arange(1000) / 7) * 50 + 100
SINE_10000 = np.sin(np.arange(10000) / 7) * 50 + 100
CASES = {
    "LSTM 512 units x 3 layers, the notebook's 4 windows": (np.arange(1.0, 8.0), dict(units=512, layers=3, scale=100)),
    "LSTM 80 units, window 50, 950 windows": (SINE_1000, dict(units=80, window=50, scale=200)),
    "GRU 64 x 2 layers, window 20, 980 windows": (SINE_1000, dict(cell="gru", units=64, layers=2, window=20, scale=200)),
    "SimpleRNN 16 units, window 70, 9930 windows": (SINE_10000, dict(cell="rnn", units=16, window=70, scale=200)),
}


def main() -> None:
    pool = TrainingPool(workers=1, limits=Limits(architectures=1000, growth_mib=1e9))  # no replacement mid-bench
    pool.wait_ready()
    print(f"{'configuration':52} {'est. s/epoch':>12} {'first report':>12} {'longest gap':>11} {'stop took':>9}  epochs")
    for name, (series, settings) in CASES.items():
        config = seqcore.TrainConfig(epochs=10_000, **settings)
        windows = len(series) - config.window
        most = max(1, int(cost.MAX_TRAINING_SECONDS / cost.estimate(config, windows).epoch_seconds))
        config = seqcore.TrainConfig(**{**config.__dict__, "epochs": min(most, 10_000)})
        cost.check(config, windows)  # allowed, and near the limit
        pool.train(series, seqcore.TrainConfig(**{**config.__dict__, "epochs": 1})).wait(600)  # compile
        training = pool.train(series, config)
        started, last, gaps, first = time.perf_counter(), None, [], None
        while True:
            event = training.next_event(timeout=5)
            now = time.perf_counter()
            if isinstance(event, Progress):
                first = first if first is not None else now - started
                if last is not None:
                    gaps.append(now - last)
                last = now
                if now - started > 4:
                    break
        asked = time.perf_counter()
        training.stop()
        outcome = training.wait(30)
        took = time.perf_counter() - asked
        assert isinstance(outcome, Outcome) and outcome.result.stopped
        print(f"{name:52} {cost.estimate(config, windows).epoch_seconds:12.3f} {first:11.2f}s {max(gaps, default=0):10.2f}s "
              f"{took:8.2f}s  {outcome.result.epochs_trained} of {config.epochs}")  # fmt: skip
    pool.close()


if __name__ == "__main__":
    main()
