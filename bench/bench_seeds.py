"""Ten seeds of the notebook's defaults through the worker pool: "is 8.01 luck?" must be answered at once.

Run: .venv/bin/python bench/bench_seeds.py   (about half a minute on a 2-core machine)
A one-worker pool (seqcore.pool) that has said Ready (so its notebook model is compiled, as on a running
server) trains seeds 0-9 of the notebook's settings in one job, five times; it prints the seconds from the
call to the last seed's result, and the spread of the ten next-value predictions.
Target: ten seeds in under 1 s.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import seqcore  # noqa: E402
from seqcore.pool import SeedsOutcome, TrainingPool  # noqa: E402

REPEATS = 5


def main() -> None:
    pool = TrainingPool(workers=1)
    pool.wait_ready()
    ramp = seqcore.get_dataset("ramp")
    took = []
    for repeat in range(REPEATS):
        start = time.perf_counter()
        seeds = pool.train_seeds(ramp, seqcore.TrainConfig(), range(10))
        outcome = seeds.wait(120)
        took.append(time.perf_counter() - start)
        assert isinstance(outcome, SeedsOutcome) and len(outcome.results) == 10, outcome
        predictions = [seqcore.predict_next(r, [5, 6, 7]) for r in outcome.results]
        spread = f"{min(predictions):.3f} to {max(predictions):.3f}"
        print(f"run {repeat + 1}: 10 seeds in {took[-1]:.2f} s; next value after 5, 6, 7 from {spread}")
    print(f"median {statistics.median(took):.2f} s, slowest {max(took):.2f} s (target: under 1 s)")
    pool.close()


if __name__ == "__main__":
    main()
