"""Training speed and memory against the reference notebook's own `model.fit`, in one process.

Run: .venv/bin/python bench/bench_train.py  (about a minute on a 2-core machine)
     .venv/bin/python bench/bench_train.py --concurrent 10  (ten trainings at once in threads, as ten users would)
     .venv/bin/python bench/bench_train.py --architectures 10  (memory kept by each new architecture's trainer)
Prints each figure and the ratios the project targets (first >= 20x with the XLA cache warm, second >= 250x, memory <= 30 MiB).
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore._tf import keras  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def notebook_fit() -> tuple[float, float]:
    """The notebook's cells, verbatim in substance: build, compile, fit 500 epochs, predict [5, 6, 7]."""
    x = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]], dtype=float).reshape(4, 3, 1) / 100
    y = np.array([4, 5, 6, 7], dtype=float) / 100
    start = time.perf_counter()
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(30, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=500, verbose=0)
    seconds = time.perf_counter() - start
    prediction = float(model.predict(np.array([5, 6, 7]).reshape(1, 3, 1) / 100, verbose=0)[0, 0] * 100)
    return seconds, prediction


def timed_train(config: seqcore.TrainConfig) -> tuple[float, float]:
    series = seqcore.get_dataset("ramp")
    start = time.perf_counter()
    result = seqcore.train(series, config)
    seconds = time.perf_counter() - start
    return seconds, seqcore.predict_next(result, [5, 6, 7])


def main() -> None:
    # ours first, so that any one-time TensorFlow warm-up is charged to us, not to fit
    first, first_pred = timed_train(seqcore.TrainConfig(seed=0))
    second, second_pred = timed_train(seqcore.TrainConfig(seed=1))
    fit, fit_pred = notebook_fit()
    print(f"notebook fit, 500 epochs:          {fit:7.3f} s  prediction {fit_pred:.2f}")
    print(f"seqcore first training (compiles):  {first:7.3f} s  prediction {first_pred:.2f}  {fit / first:6.1f}x (target >= 20x)")
    print(f"seqcore second training (seed 1):  {second:7.3f} s  prediction {second_pred:.2f}  {fit / second:6.1f}x (target >= 250x)")

    before = rss_mib()
    for seed in range(2, 32):
        timed_train(seqcore.TrainConfig(seed=seed))
    after = rss_mib()
    print(f"30 more trainings: resident memory {before:.0f} -> {after:.0f} MiB, growth {after - before:+.1f} MiB (target <= 30)")


def concurrent(n: int) -> None:
    """n trainings of the notebook's defaults started together in threads, each with its own seed and a live callback."""
    import threading

    series = seqcore.get_dataset("ramp")
    seqcore.train(series, seqcore.TrainConfig(seed=99))  # trace once, as the dashboard's warm-up does
    lone, _ = timed_train(seqcore.TrainConfig(seed=98))
    seconds: dict[int, float] = {}

    def user(i: int) -> None:
        start = time.perf_counter()
        config = seqcore.TrainConfig(seed=i, units=30 if i % 2 == 0 else 20)
        seqcore.train(series, config, on_progress=lambda p: p.result)
        seconds[i] = time.perf_counter() - start

    start = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    print(
        f"lone training {lone:.2f} s; {n} at once (half with 20 units, so one more architecture gets traced): "
        f"slowest {max(seconds.values()):.2f} s, all done in {wall:.2f} s, {max(seconds.values()) / lone:.0f}x the lone one"
    )


def architectures(n: int) -> None:
    """Resident memory kept by n trainings that each need a new architecture (units 31, 32, ...)."""
    timed_train(seqcore.TrainConfig(epochs=5))
    before = rss_mib()
    for units in range(31, 31 + n):
        timed_train(seqcore.TrainConfig(epochs=5, units=units))
    grown = rss_mib() - before
    print(f"{n} new architectures: resident memory {grown:+.1f} MiB, {grown / n:.1f} MiB each")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--concurrent":
        concurrent(int(sys.argv[2]))
    elif len(sys.argv) > 2 and sys.argv[1] == "--architectures":
        architectures(int(sys.argv[2]))
    else:
        main()
