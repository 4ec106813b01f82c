"""What the classical forecasters cost (seqcore/classical.py): import time, fit time of ETS and ARIMA on a few series,
and the fitting process's peak memory, as the dashboard's background job runs them (pages/lab/classical_jobs.py).

Run: .venv/bin/python bench/bench_classical.py   (a few minutes on a loaded machine)
Each series is fitted in one spawned process, one after the other, as the job does (OpenBLAS single-threaded;
BLAS_THREADS=default leaves its threads on); window 3, 20 % held out.
"""

import multiprocessing
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from seqcore.baselines import detect_period  # noqa: E402
from seqcore.datasets import get_dataset  # noqa: E402
from seqcore.windows import split_index  # noqa: E402

WINDOW, HELD_OUT = 3, 0.2
ROOT = os.path.join(os.path.dirname(__file__), "..")


def monthly(n: int, seed: int = 0) -> np.ndarray:
    t = np.arange(n)
    return 100 + 0.8 * t + 10 * np.sin(2 * np.pi * t / 12) + 3 * np.random.default_rng(seed).standard_normal(n)


def cases() -> dict[str, tuple[np.ndarray, int | None]]:
    """name: (values, period); None detects the period on the training part, as the page does."""
    return {
        "monthly trend + season, 10,000 (the longest series the app takes)": (monthly(10000), 12),
        "monthly trend + season, 2,000": (monthly(2000), 12),
        "monthly trend + season, 150": (monthly(150), 12),
        "sunspots, 309": (get_dataset("sunspots").to_numpy(), None),
        "nile, 100": (get_dataset("nile").to_numpy(), None),
        "noisy sine, 60": (get_dataset("noisy_sine", length=60).to_numpy(), 20),
        "noisy sine, 120": (get_dataset("noisy_sine", length=120).to_numpy(), 20),
        "random walk, 60": (get_dataset("random_walk", length=60).to_numpy(), None),
        "random walk, 120": (get_dataset("random_walk", length=120).to_numpy(), None),
    }


def fit_in_worker(values: np.ndarray, period: int | None) -> tuple[list[tuple[str, float, float]], float, int | None]:
    """In the fitting process: (name, seconds, held-out MAE) of each forecaster, the process's peak RSS in MiB."""
    from seqcore.classical import _quiet, fit_arima, fit_ets, seasonal_fits

    samples = len(values) - WINDOW
    n_train = split_index(samples, HELD_OUT)
    train = values[: n_train + WINDOW]
    period = period or detect_period(train)
    season = period if period and seasonal_fits(len(train), period) else None
    found = []
    for fit in (fit_ets, fit_arima):
        start = time.perf_counter()
        with _quiet():
            fitted = fit(train, values, season)
        seconds = time.perf_counter() - start
        mae = float(np.nanmean(np.abs(fitted.predicted[len(train) :] - values[len(train) :])))
        found.append((fitted.name, seconds, mae))
    return found, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, period


def cold_import(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for label, statement in [
        ("import seqcore.classical", "import seqcore.classical"),
        (
            "... and the statsmodels parts a fit loads",
            "import seqcore.classical, statsmodels.tsa.exponential_smoothing.ets, statsmodels.tsa.statespace.sarimax, "
            "statsmodels.tsa.seasonal, statsmodels.tsa.stattools",
        ),
    ]:
        print(f"{label}: {min(cold_import(statement) for _ in range(3)):.2f} s (best of 3 cold processes)")
    naive_mae = {}
    # as pages/lab/classical_jobs.py starts its fitting process; BLAS_THREADS=default keeps OpenBLAS's own threads
    if os.environ.get("BLAS_THREADS") != "default":
        os.environ.update(dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        for name, (values, period) in cases().items():
            n_train = split_index(len(values) - WINDOW, HELD_OUT)
            first = n_train + WINDOW
            naive_mae[name] = float(np.mean(np.abs(values[first:] - values[first - 1 : -1])))
            found, peak, used = pool.submit(fit_in_worker, values, period).result()
            parts = "; ".join(f"{n} {s:.2f} s, MAE {m:.3g}" for n, s, m in found)
            print(
                f"{name} (period {used}, {len(values) - first} held out, last value MAE {naive_mae[name]:.3g}): {parts};",
                f"peak RSS {peak:.0f} MiB",
            )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
