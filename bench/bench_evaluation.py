"""What judging a run costs the web server: the evaluation (model and rules), the copying check, the baseline loss
and the steps-ahead check, all computed in NumPy from the run's weights after each training.

Run: .venv/bin/python bench/bench_evaluation.py   (under a minute)
Runs with random weights (the cost does not depend on what was learned) of sizes near the cost limit
(seqcore/cost.py); prints the seconds each part takes, once per run (the pages keep the results).
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore import evaluation  # noqa: E402
from seqcore.result import TrainResult  # noqa: E402
from seqcore.windows import split_index  # noqa: E402

CASES = {
    "the notebook (4 windows, LSTM 30)": (np.arange(1.0, 8.0), dict(scale=100)),
    "sine 1,000, window 50, LSTM 80": (np.sin(np.arange(1000) / 7) * 50 + 100, dict(units=80, window=50, scale=50, offset=100)),
    "sine 10,000, window 70, SimpleRNN 16": (np.sin(np.arange(10000) / 7) * 50 + 100, dict(cell="rnn", units=16, window=70, scale=50)),
    "notebook ramp, LSTM 512 x 3 layers": (np.arange(1.0, 8.0), dict(units=512, layers=3, scale=100)),
}


def random_weights(config: seqcore.TrainConfig, rng) -> list[np.ndarray]:
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[config.cell]
    weights, inputs = [], 1
    for _ in range(config.layers):
        bias = (2, gates * config.units) if config.cell == "gru" else (gates * config.units,)
        weights += [rng.normal(0, 0.1, (inputs, gates * config.units)), rng.normal(0, 0.1, (config.units, gates * config.units))]
        weights.append(np.zeros(bias))
        inputs = config.units
    return weights + [rng.normal(0, 0.1, (config.units, 1)), np.zeros(1)]


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'run':40} {'evaluate':>9} {'copying':>8} {'loss line':>9} {'steps ahead':>11}")
    for name, (values, settings) in CASES.items():
        config = seqcore.TrainConfig(val_fraction=0.2 if len(values) > 30 else 0.0, **settings)
        n_train = split_index(len(values) - config.window, config.val_fraction)
        result = TrainResult(
            config, seqcore.timeaxis.as_series(values, values), [1.0], None, random_weights(config, rng), False, 0, n_train
        )
        times = []
        for part in (evaluation.evaluate, evaluation.copying, evaluation.baseline_losses, evaluation.errors_by_steps_ahead):
            start = time.perf_counter()
            part(result)
            times.append(time.perf_counter() - start)
        print(f"{name:40} {times[0]:9.3f} {times[1]:8.3f} {times[2]:9.3f} {times[3]:11.3f}")


if __name__ == "__main__":
    main()
