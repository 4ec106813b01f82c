import numpy as np
import pytest

import seqcore
from seqcore.baselines import DRIFT, MEAN, NAIVE, SEASONAL, baselines, detect_period


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


def test_no_period_in_a_constant_or_short_series():
    assert detect_period(np.full(50, 3.0)) is None
    assert detect_period([1.0, 2.0, 1.0]) is None
