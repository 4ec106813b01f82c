import math

import numpy as np
import pytest
from helpers import rule_result

import seqcore
from seqcore.baselines import DRIFT, NAIVE
from seqcore.evaluation import (
    MODEL,
    baseline_losses,
    beats_from,
    copying,
    errors,
    errors_by_steps_ahead,
    evaluate,
    trained_range,
)
from seqcore.scaling import fit_scaling, scaled, unscaled
from seqcore.windows import training_values


def test_errors_against_hand_computed_values():
    e = errors([1, 2, 3], [2, 2, 5])
    assert (e.mae, e.count) == (1.0, 3)
    assert e.rmse == pytest.approx(math.sqrt(5 / 3))
    assert errors([1, 2], [np.nan, 4]).count == 1
    assert errors([1, 2], [np.nan, np.nan]) is None


def test_a_model_that_copies_the_last_value_scores_a_relative_mae_of_one():
    walk = seqcore.get_dataset("random_walk", length=40)
    evaluation = evaluate(rule_result(walk, val_fraction=0.25))
    assert evaluation.part == "held_out"
    assert evaluation.judged(MODEL) == evaluation.judged(NAIVE)
    assert evaluation.relative_mae == pytest.approx(1.0)


def test_held_out_and_training_errors_are_counted_apart():
    evaluation = evaluate(rule_result(np.arange(1.0, 25.0), step=1.0, val_fraction=0.25))
    model = evaluation.score(MODEL)
    assert (model.train.count, model.held_out.count) == (16, 5)
    assert model.held_out.mae == 0  # the ramp's next value is always the last plus 1
    assert evaluation.score(NAIVE).held_out.mae == 1.0
    assert evaluation.judged(DRIFT).mae == 0


def test_the_baseline_loss_is_the_last_value_rules_mse_on_scaled_values():
    # steps of 1, 2, 3, 4 after the windows of 2: scaled by 10, the training windows miss by 0.2 and 0.3
    result = rule_result([0.0, 1.0, 3.0, 6.0, 10.0], window=2, val_fraction=0.34, scale=10.0)
    levels = baseline_losses(result)
    assert levels.train == pytest.approx((0.2**2 + 0.3**2) / 2)
    assert levels.held_out == pytest.approx(0.4**2)


@pytest.mark.parametrize("losses, epoch", [([5, 4, 3, 2, 1], 3), ([1, 5, 1], 3), ([1, 1, 1], 1), ([1, 1, 5], None), ([], None)])
def test_the_epoch_from_which_a_curve_stays_below_a_level(losses, epoch):
    assert beats_from(losses, 3.5) == epoch


def test_the_copying_check_fires_for_a_copying_model_and_not_for_a_good_one():
    ramp = np.arange(1.0, 30.0)
    assert copying(rule_result(ramp)) is not None
    assert copying(rule_result(ramp, step=1.0)) is None


def test_the_notebook_model_has_never_seen_50_60_70(notebook_result):
    seen = trained_range(notebook_result)
    assert (seen.low, seen.high) == (1, 7)
    assert "never seen values above 7" in seen.beyond([50, 60, 70])
    assert seen.beyond([5, 6, 7]) is None
    assert "below 1" in seen.beyond([0, 1, 2])


def test_steps_ahead_of_a_copying_model_match_the_last_value_rule():
    walk = seqcore.get_dataset("random_walk", length=60)
    steps = errors_by_steps_ahead(rule_result(walk, val_fraction=0.3), horizon=5)
    assert steps.steps.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(steps.model, steps.naive, rtol=1e-5)  # the network reads float32
    held_out = 60 - 3 - (57 - round(57 * 0.3))
    assert steps.origins == held_out - 5 + 1


def test_steps_ahead_by_hand_on_a_ramp():
    # a model that adds 2 where the series adds 1 misses by h after h steps; copying misses by h too
    steps = errors_by_steps_ahead(rule_result(np.arange(0.0, 20.0), step=2.0, val_fraction=0.3), horizon=3)
    np.testing.assert_allclose(steps.model, [1, 2, 3])
    np.testing.assert_allclose(steps.naive, [1, 2, 3])


def test_nothing_held_out_means_no_steps_ahead_check(notebook_result):
    assert errors_by_steps_ahead(notebook_result) is None


def test_offset_scaling_round_trips_and_spreads_the_training_part():
    walk = seqcore.get_dataset("random_walk", length=60)
    fit = fit_scaling(walk, 3, 0.2)
    config = seqcore.TrainConfig(scale=fit.scale, offset=fit.offset, val_fraction=0.2)
    values = walk.to_numpy()
    np.testing.assert_allclose(unscaled(scaled(values, config), config), values)
    train = scaled(training_values(walk, 3, 0.2), config)
    assert -1 <= train.min() and train.max() <= 1
    assert train.max() - train.min() > 0.5  # spread out, where dividing by 1000 squeezed it into 0.012


def test_a_model_with_an_offset_predicts_in_series_units():
    result = rule_result([100.0, 101.0, 102.0, 103.0, 104.0], step=1.0, scale=2.0, offset=100.0)
    assert seqcore.predict_next(result, [102, 103, 104]) == pytest.approx(105.0)
    assert seqcore.one_step_predictions(result)["predicted"].tolist() == pytest.approx([103.0, 104.0])


def fitted(name: str) -> seqcore.TrainResult:
    series = seqcore.get_dataset(name)
    fit = fit_scaling(series, 3, 0.2)
    return seqcore.train(series, seqcore.TrainConfig(scale=fit.scale, offset=fit.offset, val_fraction=0.2))


def test_the_copying_check_fires_on_a_random_walk_fit_and_stays_quiet_on_the_sine():
    assert copying(fitted("random_walk")) is not None
    assert copying(fitted("sine")) is None


def test_the_copying_rules_loss_is_known_before_training():
    from seqcore.evaluation import naive_losses

    series = seqcore.get_dataset("random_walk", length=40)
    config = seqcore.TrainConfig(scale=10, offset=100, val_fraction=0.25)
    levels = naive_losses(series, config)
    values = series.to_numpy()
    miss = ((values[3:] - values[2:-1]) / 10) ** 2  # each target against the value before it, scaled
    n_train = 37 - round(37 * 0.25)
    assert levels.train == pytest.approx(miss[:n_train].mean(), rel=1e-5)
    assert levels.held_out == pytest.approx(miss[n_train:].mean(), rel=1e-5)
