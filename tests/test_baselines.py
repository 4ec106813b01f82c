import numpy as np
import pytest
from statsmodels.tsa.stattools import acf

import seqcore
from seqcore.baselines import (
    DRIFT,
    MEAN,
    MIN_CYCLES,
    MIN_PEAK,
    NAIVE,
    NEAR_TIE,
    SEASONAL,
    autocorrelation,
    baselines,
    detect_period,
    detrended,
)
from seqcore.windows import training_values


def test_each_rule_against_hand_computed_guesses():
    # windows of 2: [1,2]->4, [2,4]->7, [4,7]->11; the first two windows train, so the training part is 1, 2, 4, 7
    rules = {b.name: b.predicted for b in baselines([1, 2, 4, 7, 11], window=2, n_train=2, period=2)}
    assert rules[NAIVE].tolist() == [2, 4, 7]
    assert rules[MEAN].tolist() == [3.5, 3.5, 3.5]
    assert rules[DRIFT].tolist() == [4, 6, 9]  # the last value plus (7 - 1) / 3 = 2
    assert rules[SEASONAL].tolist() == [1, 2, 4]  # two steps before each target


def test_the_rules_learn_nothing_from_the_held_out_part():
    train = [1.0, 2.0, 3.0, 4.0]
    a = {b.name: b.predicted for b in baselines(train + [100.0, 5.0], window=2, n_train=2)}
    b = {b.name: b.predicted for b in baselines(train + [-50.0, 5.0], window=2, n_train=2)}
    assert a[MEAN][0] == b[MEAN][0] == 2.5
    assert a[DRIFT][0] == b[DRIFT][0] == 3.0


def test_a_seasonal_guess_needs_a_full_period_before_it():
    rules = {b.name: b.predicted for b in baselines(np.arange(10.0), window=2, n_train=5, period=4)}
    assert np.isnan(rules[SEASONAL][:2]).all()  # targets 2 and 3 have nothing four steps earlier
    assert rules[SEASONAL][2:].tolist() == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "name, length, period",
    [("sine", 60, 20), ("noisy_sine", 100, 20), ("random_walk", 60, None), ("random_walk", 1000, None), ("arithmetic", 60, None)],
)
def test_period_detection(name, length, period):
    values = seqcore.get_dataset(name, length=length).to_numpy()
    assert detect_period(values[: int(length * 0.8)]) == period


def test_sunspots_have_their_eleven_year_cycle():
    assert detect_period(seqcore.get_dataset("sunspots").to_numpy()[:200]) in (10, 11)


def test_sunspots_training_part_gives_the_shorter_of_two_tied_periods():
    # the dashboard's split: 10 and 11 years are as alike as the data can tell, so the shorter one is taken, every time
    train = training_values(seqcore.get_dataset("sunspots"), 3, 0.2)
    reference = acf(detrended(train), nlags=12, fft=False)
    assert abs(reference[10] - reference[11]) < NEAR_TIE
    assert detect_period(train) == 10


def seasonal(pattern, length: int, trend: float, noise: float, seed: int = 0) -> np.ndarray:
    """`pattern` repeated over `length` values, on a straight line rising by `trend` per step, with Gaussian noise."""
    rng = np.random.default_rng(seed)
    steps = np.arange(length)
    return 100 + trend * steps + np.resize(np.asarray(pattern, dtype=float), length) + rng.normal(0, noise, length)


MONTHS = 10 * np.sin(2 * np.pi * np.arange(12) / 12)
SEASONAL_SERIES = {
    "monthly, trend 0.3": (seasonal(MONTHS, 150, 0.3, 2.0), 12),
    "monthly, trend 0.8": (seasonal(MONTHS, 150, 0.8, 2.0), 12),
    "quarterly": (seasonal([6, -2, -8, 4], 80, 0.5, 2.0), 4),
    "weekly-like": (seasonal([0, 0, 0, 0, 1, 8, 5], 140, 0.1, 1.5), 7),
    "sine": (seqcore.get_dataset("sine", length=150).to_numpy(), 20),
}


@pytest.mark.parametrize("name", SEASONAL_SERIES)
def test_a_season_under_a_trend_is_found_where_statsmodels_acf_peaks(name):
    values, period = SEASONAL_SERIES[name]
    train = training_values(values, 3, 0.2)
    assert detect_period(train) == period
    reference = acf(detrended(train), nlags=len(train) // MIN_CYCLES, fft=False)
    np.testing.assert_allclose(autocorrelation(detrended(train), len(train) // MIN_CYCLES), reference, atol=1e-12)
    after_dip = np.arange(len(reference)) > np.argmax(reference < 0)
    assert reference[period] >= MIN_PEAK
    assert reference[period] == reference[after_dip].max()


def test_a_trend_hides_the_season_from_the_raw_autocorrelation():
    # why the detector detrends first: statsmodels' autocorrelation of the raw values stays above 0 for years, and
    # never climbs back to a peak once it dips
    train = training_values(SEASONAL_SERIES["monthly, trend 0.8"][0], 3, 0.2)
    raw = acf(train, nlags=len(train) // MIN_CYCLES, fft=False)
    dip = int(np.argmax(raw < 0))
    assert dip > 24 and raw[dip:].max() < MIN_PEAK


def test_random_walks_and_white_noise_have_no_period_in_99_of_100_seeds():
    walks = [np.cumsum(np.random.default_rng(seed).normal(size=150)) for seed in range(100)]
    noise = [np.random.default_rng(seed).normal(size=150) for seed in range(100, 200)]
    assert sum(detect_period(values) is not None for values in walks) <= 1
    assert sum(detect_period(values) is not None for values in noise) <= 1


def test_a_straight_line_has_no_period():
    assert detect_period(np.arange(100.0) * 3 + 7) is None


def test_no_period_in_a_constant_or_short_series():
    assert detect_period(np.full(50, 3.0)) is None
    assert detect_period([1.0, 2.0, 1.0]) is None
