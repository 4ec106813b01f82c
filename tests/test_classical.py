"""Classical forecasters (seqcore/classical.py) against statsmodels fitted directly, and their background job."""

import re
import warnings

import numpy as np
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.sarimax import SARIMAX

from seqcore.baselines import CLASSICAL, NAIVE, baselines
from seqcore.classical import forecasters

WINDOW = 3


def ar1(n=300, phi=0.7, mean=10.0, seed=0):
    rng = np.random.default_rng(seed)
    values = np.empty(n)
    values[0] = mean
    for t in range(1, n):
        values[t] = mean + phi * (values[t - 1] - mean) + rng.standard_normal()
    return values


def monthly(n=150, seed=0):
    """The issue's series: a trend of 0.8 per step, a 12-step season of amplitude 10, noise."""
    t = np.arange(n)
    return 100 + 0.8 * t + 10 * np.sin(2 * np.pi * t / 12) + 3 * np.random.default_rng(seed).standard_normal(n)


def n_train(values, held_out=0.2):
    samples = len(values) - WINDOW
    return samples - round(samples * held_out)


def by_name(found, prefix):
    return next(f for f in found if f.name.startswith(prefix))


def held_out_mae(predicted, values, train):
    return float(np.nanmean(np.abs(predicted[train:] - values[WINDOW:][train:])))


@pytest.fixture(scope="module")
def seasonal():
    values = monthly()
    train = n_train(values)
    return values, train, forecasters(values, WINDOW, train, 12)


def test_an_ar1_series_gets_arima_1_0_0_and_its_textbook_one_step_predictions():
    values = ar1()
    train = n_train(values)
    arima = by_name(forecasters(values, WINDOW, train), "ARIMA")
    assert arima.name == "ARIMA(1,0,0)" and arima.kind == CLASSICAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = SARIMAX(values[: train + WINDOW], order=(1, 0, 0), trend="c").fit(disp=False)
    constant, phi = reference.params[:2]
    textbook = constant + phi * values[WINDOW - 1 : -1]  # the value after each window, from the one before it
    assert np.allclose(arima.predicted, textbook, atol=1e-3 * values.std())


def test_a_random_walk_gets_arima_0_1_0():
    walk = 100 + np.cumsum(np.random.default_rng(3).standard_normal(300))
    arima = by_name(forecasters(walk, WINDOW, n_train(walk)), "ARIMA")
    assert arima.name == "ARIMA(0,1,0)"
    # without a drift, its guess is the last value: copying
    naive = baselines(walk, WINDOW, n_train(walk))[0]
    assert naive.name == NAIVE
    assert np.allclose(arima.predicted, naive.predicted, atol=1e-6) or "drift" in arima.description


def test_the_seasonal_forecasters_match_statsmodels_fitted_directly_with_their_spec(seasonal):
    values, train, found = seasonal
    fit_part = values[: train + WINDOW]
    ets = by_name(found, "Holt-Winters")
    error, trend, season = re.search(r"ETS (\w),(\w+),(\w)\)", ets.name).groups()
    kind = {"A": "add", "M": "mul", "N": None}
    spec = dict(error=kind[error], trend=kind[trend[0]], damped_trend=trend.endswith("d"), seasonal=kind[season], seasonal_periods=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = ETSModel(fit_part, initialization_method="heuristic", **spec).fit(disp=False)
    assert np.allclose(ets.predicted[:train], reference.fittedvalues[WINDOW:], rtol=1e-9)

    arima = by_name(found, "ARIMA")
    p, d, q, P, D, Q = map(int, re.fullmatch(r"ARIMA\((\d),(\d),(\d)\)\((\d),(\d),(\d)\)12", arima.name).groups())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SARIMAX(
            fit_part,
            order=(p, d, q),
            seasonal_order=(P, D, Q, 12),
            trend=None if "no constant" in arima.description else "c",
            simple_differencing=True,
        )
        direct = model.fit(disp=False)
    # a one-step guess of a value is the value less the fit's residual on the differenced series
    lost = d + 12 * D
    guesses = fit_part[lost:] - np.asarray(direct.resid)
    assert np.allclose(arima.predicted[lost - WINDOW : train], guesses, atol=0.01 * values.std())
    assert np.isnan(arima.predicted[: lost - WINDOW]).all()


def test_on_a_monthly_trend_and_season_both_miss_far_less_than_copying(seasonal):
    values, train, found = seasonal
    naive = held_out_mae(baselines(values, WINDOW, train, 12)[0].predicted, values, train)
    assert {f.name.split(" ")[0].split("(")[0] for f in found} == {"Holt-Winters", "ARIMA"}
    for forecaster in found:
        assert held_out_mae(forecaster.predicted, values, train) < 0.7 * naive, forecaster.name


def test_a_held_out_value_changes_only_the_guesses_after_it():
    values = ar1(n=120)
    train = n_train(values)
    changed = values.copy()
    position = train + WINDOW + 5  # a held-out value
    changed[position] += 50
    before, after = forecasters(values, WINDOW, train), forecasters(changed, WINDOW, train)
    assert [f.name for f in before] == [f.name for f in after]
    for a, b in zip(before, after, strict=True):
        up_to = position - WINDOW + 1  # guesses for targets up to the changed value itself
        # the same up to float rounding (a filter's sums run over the whole series)
        assert np.allclose(a.predicted[:up_to], b.predicted[:up_to], rtol=1e-12, atol=0, equal_nan=True), a.name
        assert not np.allclose(a.predicted[up_to:], b.predicted[up_to:]), a.name


@pytest.mark.parametrize(
    "values",
    [np.arange(1.0, 8.0), np.arange(1.0, 10.0), np.full(40, 5.0)],
    ids=["the notebook's ramp", "nine values", "all equal"],
)
def test_too_short_or_flat_series_get_no_forecaster_and_no_error(values):
    assert forecasters(values, WINDOW, len(values) - WINDOW) == []


@pytest.mark.parametrize(
    "values",
    [
        np.arange(1.0, 41.0),  # a perfect line: zero errors
        1.5 ** np.arange(40.0),  # growth over 7 orders of magnitude
        np.tile([0.0, 1e6], 20),  # jumps
        np.r_[np.zeros(30), 1.0],  # one spike
    ],
    ids=["line", "growth", "jumps", "spike"],
)
def test_odd_series_never_raise(values):
    for forecaster in forecasters(values, WINDOW, len(values) - WINDOW - 5, 2):
        assert forecaster.predicted.shape == (len(values) - WINDOW,)


# the background job the dashboard uses --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jobs():
    from pages.lab import classical_jobs

    yield classical_jobs
    classical_jobs.shutdown()


def test_the_page_gets_none_at_once_then_the_forecasters_fitted_once(jobs):
    values = ar1(n=80, seed=5)  # a series no other test fits
    train = n_train(values)
    assert jobs.classical_for(values, WINDOW, train) is None  # the fitting process has not even started yet
    assert jobs.still_fitting(values, WINDOW, train)
    jobs.fit(values, WINDOW, train).result(timeout=600)
    found = jobs.classical_for(values, WINDOW, train)
    assert [f.name for f in found] == [f.name for f in forecasters(values, WINDOW, train)]
    assert np.allclose(found[0].predicted, forecasters(values, WINDOW, train)[0].predicted, equal_nan=True)
    assert not jobs.still_fitting(values, WINDOW, train)
    assert jobs.classical_for(list(values), WINDOW, train) is found  # the same answer object: not fitted again
    assert jobs.classical_for(values, WINDOW + 1, train) is None  # other windows are another fit


def test_a_failed_fit_gives_no_forecaster_and_a_log_line(jobs, caplog):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    failed = Future()
    failed.set_exception(BrokenProcessPool("the worker was killed"))
    assert jobs.outcome(failed) == []
    assert "the worker was killed" in caplog.text


def test_a_shut_down_fitting_process_ends_its_fit_and_a_new_one_starts(jobs):
    values = monthly(n=400, seed=9)
    running = jobs.fit(values, WINDOW, n_train(values), 12)
    queued = [jobs.fit(values, WINDOW, n_train(values) - k, 12) for k in (1, 2)]
    jobs.shutdown()  # what the interpreter's exit does
    for future in (running, *queued):
        assert isinstance(jobs.outcome(future), list)  # ended, cancelled or done just before: no exception
    small = ar1(n=60, seed=11)
    assert jobs.fit(small, WINDOW, n_train(small)).result(timeout=600)
    # a fit that had not ended is not kept as "no forecaster": asked again, it is fitted again
    assert jobs.fit(values, WINDOW, n_train(values) - 2, 12) is not queued[-1]


def test_the_command_line_prints_the_classical_forecasters_held_out_errors(capsys):
    from seqcore.__main__ import main

    assert main(["--dataset", "nile", "--epochs", "5", "--units", "4", "--val-fraction", "0.2"]) == 0
    out = capsys.readouterr().out
    lines = out[out.index("held-out values:") :].splitlines()[1:]
    names = [line.split()[0] for line in lines]
    assert names[0] == "model" and any(n.startswith("ARIMA(") for n in names) and any(n in ("ETS", "Holt-Winters") for n in names)


def _page_waiting_for_a_fit():
    import numpy as np
    import streamlit as st

    from pages.lab import classical_jobs

    values = 10 + np.sin(np.arange(90) / 3) + np.arange(90) / 7  # a series no other test fits
    found = classical_jobs.classical_for(values, 3, 70)
    if found is None:
        classical_jobs.show_fitting(values, 3, 70)
    else:
        st.write(", ".join(f.name for f in found))


def test_a_page_shows_a_caption_while_fitting_and_the_forecasters_after(jobs):
    from streamlit.testing.v1 import AppTest

    page = AppTest.from_function(_page_waiting_for_a_fit, default_timeout=60).run()
    assert not page.exception
    assert [c.value for c in page.caption] == [jobs.FITTING_TEXT]
    values = 10 + np.sin(np.arange(90) / 3) + np.arange(90) / 7
    jobs.fit(values, 3, 70).result(timeout=600)
    page.run()  # what the fragment's rerun does in a browser
    assert not page.exception and not page.caption
    assert "ARIMA(" in page.markdown[0].value
