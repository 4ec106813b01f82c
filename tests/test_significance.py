import numpy as np
import pytest
from helpers import rule_result
from scipy.stats import binomtest

import seqcore
from seqcore.baselines import NAIVE
from seqcore.evaluation import MODEL, Errors, Evaluation, Score, evaluate
from seqcore.significance import DIEBOLD_MARIANO, MIN_VALUES, SIGN, Chance, chance, diebold_mariano, paired_test, sign_test

# eleven values and two forecasts of them: the first is closer on every value, by 0.5 to 1.5
ACTUAL = np.array([3.0, 5, 4, 6, 8, 7, 9, 8, 10, 12, 11])
FIRST = np.array([3.5, 4, 4.5, 5, 7, 8, 8, 9, 9.5, 11, 12.5])
SECOND = np.array([2, 6.5, 3, 7.5, 6, 8.5, 7, 10, 8, 13.5, 9])


def test_diebold_mariano_matches_the_hand_computation_and_a_reference():
    d = np.abs(FIRST - ACTUAL) - np.abs(SECOND - ACTUAL)
    n = len(d)
    # Harvey, Leybourne and Newbold (1997), one step ahead: DM = mean / sqrt(var / n), var with 1/n; times sqrt((n-1)/n)
    statistic = d.mean() / np.sqrt(np.mean((d - d.mean()) ** 2) / n) * np.sqrt((n - 1) / n)
    assert statistic == pytest.approx(-7.0164641544562345)  # dieboldmariano 1.1.0's dm_test, absolute loss
    found = diebold_mariano(FIRST - ACTUAL, SECOND - ACTUAL)
    assert found.method == DIEBOLD_MARIANO and found.n == 11
    assert found.p_value == pytest.approx(3.6425963187022495e-05, rel=1e-9)  # the same dm_test's p


@pytest.mark.parametrize(("wins", "losses"), [(7, 2), (2, 7), (5, 4), (9, 0), (12, 5)])
def test_the_sign_test_matches_scipys_binomial_test(wins, losses):
    errors_a = np.r_[np.full(wins, 1.0), np.full(losses, 3.0), [2.0, 2.0]]  # the last two pairs tie
    errors_b = np.r_[np.full(wins, 2.0), np.full(losses, 2.0), [2.0, 2.0]]
    found = sign_test(errors_a, errors_b)
    assert found.p_value == pytest.approx(binomtest(wins, wins + losses, 0.5).pvalue)
    assert found.n == wins + losses + 2 and found.method == SIGN


def test_identical_errors_could_be_chance_with_p_one():
    errors = np.random.default_rng(0).normal(size=30)
    assert diebold_mariano(errors, errors).p_value == 1.0
    assert sign_test(errors, -errors).p_value == 1.0  # absolute errors: the sign of a miss does not matter
    assert paired_test(errors, errors + 1e-15).p_value == 1.0  # float rounding is no difference
    assert paired_test(errors, errors).could_be_chance


def test_clearly_separated_errors_on_many_values_are_unlikely_to_be_chance():
    rng = np.random.default_rng(1)
    close, far = rng.uniform(0, 1, 60), rng.uniform(2, 3, 60)
    found = paired_test(close, far)
    assert found.method == DIEBOLD_MARIANO and found.p_value < 1e-6 and not found.could_be_chance
    assert found.phrase() == "with 60 values this difference is unlikely to be chance (p < 0.001)"


def test_a_constant_gap_is_judged_by_the_sign_test():
    # no spread in the differences: Diebold-Mariano's statistic is infinite, the sign test exact
    found = diebold_mariano(np.full(12, 1.0), np.full(12, 2.0))
    assert found.method == SIGN and found.p_value == pytest.approx(2 * 0.5**12)


def test_few_values_take_the_sign_test_and_too_few_none():
    assert paired_test(np.ones(MIN_VALUES - 1), np.full(MIN_VALUES - 1, 2.0)) is None
    six = paired_test(np.ones(6), np.full(6, 2.0))
    assert six.method == SIGN and not six.could_be_chance  # the fewest values that can be told from chance
    assert paired_test(np.ones(9), np.full(9, 2.0)).method == SIGN


def test_missing_guesses_are_left_out_in_pairs():
    a, b = np.r_[FIRST - ACTUAL, np.nan], np.r_[SECOND - ACTUAL, 3.0]
    assert paired_test(a, b) == diebold_mariano(FIRST - ACTUAL, SECOND - ACTUAL)


def test_the_phrase():
    assert Chance(0.3112, 11, DIEBOLD_MARIANO).phrase() == "with 11 values this difference could be chance (p = 0.31)"
    assert Chance(0.0213, 61, DIEBOLD_MARIANO).phrase() == "with 61 values this difference is unlikely to be chance (p = 0.021)"


def evaluation(model, naive, actual, n_train: int) -> Evaluation:
    held_out = len(actual) - n_train
    e = Errors(1.0, 1.0, 1)
    return Evaluation(
        "LSTM",
        (
            Score(MODEL, "model", e, e if held_out else None, predicted=model),
            Score(NAIVE, "naive", e, e if held_out else None, predicted=naive),
        ),
        n_train,
        held_out,
        None,
        "value",
        actual,
    )


def test_chance_judges_the_held_out_windows_only():
    # the training windows (first four) say the model is far better; the held-out eleven are the pairs above
    actual = np.r_[np.zeros(4), ACTUAL]
    model, naive = np.r_[np.zeros(4), FIRST], np.r_[np.full(4, 9.0), SECOND]
    found = chance(evaluation(model, naive, actual, n_train=4), MODEL, NAIVE)
    assert found == diebold_mariano(FIRST - ACTUAL, SECOND - ACTUAL)


def test_no_chance_without_held_out_values_or_with_too_few():
    assert chance(evaluation(FIRST, SECOND, ACTUAL, n_train=11), MODEL, NAIVE) is None
    assert chance(evaluation(FIRST, SECOND, ACTUAL, n_train=11 - MIN_VALUES + 1), MODEL, NAIVE) is None
    assert chance(evaluation(FIRST, SECOND, ACTUAL, n_train=11 - MIN_VALUES), MODEL, NAIVE).n == MIN_VALUES


def test_a_run_that_adds_the_step_against_copying_on_a_noisy_progression():
    # the model guesses the last value plus the progression's step of 2; copying misses by about 2 every time
    series = seqcore.get_dataset("arithmetic", length=60, noise=0.3)
    judged = evaluate(rule_result(series, step=2.0, val_fraction=0.2))
    found = chance(judged, MODEL, NAIVE)
    assert found.n == judged.n_held_out == 11 and found.p_value < 0.001
    assert chance(judged, NAIVE, NAIVE).p_value == 1.0
