"""MASE, seasonal MASE and relative MAE against their textbook definitions (Hyndman & Koehler 2006; FPP3 §5.8) and
against a reference implementation, utilsforecast's losses (Nixtla)."""

import numpy as np
import pandas as pd
import pytest
from helpers import rule_result
from utilsforecast.losses import mase as reference_mase
from utilsforecast.losses import rmae as reference_rmae

import seqcore
from seqcore.baselines import CLASSICAL, NAIVE, SEASONAL, Baseline
from seqcore.evaluation import MODEL, evaluate, naive_scale
from seqcore.scaling import fit_scaling
from seqcore.windows import default_val_fraction, training_values


def test_the_scales_by_hand():
    # steps 2, -1, 3, -1: the last value misses by 7 / 4 on average; two steps back: 1, 2, 2 -> 5 / 3
    assert naive_scale([1, 3, 2, 5, 4]) == pytest.approx(7 / 4)
    assert naive_scale([1, 3, 2, 5, 4], lag=2) == pytest.approx(5 / 3)
    assert naive_scale([5.0]) is None
    assert naive_scale([1, 2], lag=2) is None


def test_mase_by_hand_on_a_ramp():
    # the ramp steps by 1, so copying misses by 1 in-sample; a model that adds 1.5 misses each held-out value by 0.5
    evaluation = evaluate(rule_result(np.arange(0.0, 24.0), step=1.5, val_fraction=0.25))
    assert evaluation.naive_scale == 1.0
    assert evaluation.mase(MODEL) == pytest.approx(0.5)
    assert evaluation.mase(NAIVE) == pytest.approx(1.0)
    assert evaluation.relative_mae == pytest.approx(0.5)


def test_mase_scales_by_the_training_part_and_relative_mae_by_the_held_out_one():
    # calm steps of 1 while training, steps of 4 held out: copying misses by 4 there, so its MASE is 4 and a model
    # that misses by 2 has a MASE of 2 (worse than copying did in-sample) but a relative MAE of 0.5
    values = np.concatenate([np.arange(0.0, 19.0), 18.0 + 4 * np.arange(1, 6)])
    evaluation = evaluate(rule_result(values, step=2.0, val_fraction=0.25))
    assert evaluation.n_held_out == 5
    assert evaluation.mase(NAIVE) == pytest.approx(4.0)
    assert evaluation.mase(MODEL) == pytest.approx(2.0)
    assert evaluation.relative_mae == pytest.approx(0.5)


def reference(evaluation, series, window: int, val_fraction: float, names, seasonality: int = 1) -> dict[str, float]:
    """utilsforecast's MASE of each of `names` on the judged part, scaled on the values the training windows cover."""
    judged = np.arange(len(evaluation.actual)) >= (evaluation.n_train if evaluation.n_held_out else 0)
    frame = pd.DataFrame({"unique_id": "s", "ds": np.flatnonzero(judged), "y": evaluation.actual[judged]})
    for name in names:
        frame[name] = evaluation.score(name).predicted[judged]
    train = training_values(series, window, val_fraction)
    train_frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(train)) - len(train), "y": train})
    row = reference_mase(frame, list(names), seasonality, train_frame).iloc[0]
    return {name: float(row[name]) for name in names}


@pytest.mark.parametrize("name, val_fraction", [("sunspots", 0.2), ("noisy_sine", 0.25), ("random_walk", 0.3)])
def test_mase_matches_utilsforecast(name, val_fraction):
    series = seqcore.get_dataset(name)
    fit = fit_scaling(series, 3, val_fraction)
    evaluation = evaluate(rule_result(series, step=0.5, val_fraction=val_fraction, scale=fit.scale, offset=fit.offset))
    names = [s.name for s in evaluation.scores if s.name != SEASONAL]
    expected = reference(evaluation, series, 3, val_fraction, names)
    assert {n: evaluation.mase(n) for n in names} == pytest.approx(expected, rel=1e-6)


def test_seasonal_mase_matches_utilsforecast_with_the_period():
    series = seqcore.get_dataset("noisy_sine")
    evaluation = evaluate(rule_result(series, step=0.5, val_fraction=0.25, scale=10.0), period=20)
    names = [s.name for s in evaluation.scores]
    expected = reference(evaluation, series, 3, 0.25, names, seasonality=20)
    assert {n: evaluation.seasonal_mase(n) for n in names} == pytest.approx(expected, rel=1e-6)
    assert evaluation.seasonal_mase(SEASONAL) < evaluation.seasonal_mase(NAIVE)  # the sine's own rule is the better


def test_no_period_means_no_seasonal_mase():
    evaluation = evaluate(rule_result(np.arange(0.0, 30.0), val_fraction=0.2))
    assert evaluation.period is None and evaluation.seasonal_scale is None
    assert evaluation.seasonal_mase(MODEL) is None


def test_relative_mae_matches_utilsforecast():
    series = seqcore.get_dataset("sunspots")
    evaluation = evaluate(rule_result(series, step=-2.0, val_fraction=0.2, scale=100.0))
    judged = np.arange(len(evaluation.actual)) >= evaluation.n_train
    frame = pd.DataFrame(
        {
            "unique_id": "s",
            "ds": np.flatnonzero(judged),
            "y": evaluation.actual[judged],
            MODEL: evaluation.score(MODEL).predicted[judged],
            NAIVE: evaluation.score(NAIVE).predicted[judged],
        }
    )
    assert evaluation.relative_mae == pytest.approx(float(reference_rmae(frame, [MODEL], NAIVE)[MODEL].iloc[0]))


def test_nothing_held_out_scores_the_training_windows():
    # the notebook's ramp: copying misses by 1 on every training window, as it does in-sample
    evaluation = evaluate(rule_result(np.arange(1.0, 8.0), step=0.5))
    assert evaluation.part == "train"
    assert evaluation.mase(NAIVE) == pytest.approx(1.0)
    assert evaluation.mase(MODEL) == pytest.approx(0.5)


def test_a_classical_forecaster_gets_its_mase_too():
    values = np.arange(0.0, 40.0)
    result = rule_result(values, val_fraction=0.25)
    guess = Baseline("perfect", "knows the next value", values[3:] + 0.25, kind=CLASSICAL)
    evaluation = evaluate(result, classical=[guess])
    assert evaluation.mase("perfect") == pytest.approx(0.25)


def test_the_last_value_rules_mase_on_sunspots_is_the_reference_checks():
    # the dashboard's default split of the built-in sunspots: 1.504, as statsforecast's check measured (issue 19)
    series = seqcore.get_dataset("sunspots")
    val_fraction = default_val_fraction(series, 3)
    evaluation = evaluate(rule_result(series, val_fraction=val_fraction, scale=100.0))
    assert round(evaluation.mase(NAIVE), 3) == 1.504


def test_the_errors_table_names_each_metric_and_shows_it_for_every_row():
    from pages.lab.errors_view import errors_table

    values = seqcore.get_dataset("noisy_sine").to_numpy()
    guess = Baseline("Holt-Winters", "a classical forecaster", np.r_[np.nan, values[3:-1]], kind=CLASSICAL)
    evaluation = evaluate(rule_result(values, step=0.5, val_fraction=0.25, scale=10.0), period=20, classical=[guess])
    table = errors_table(evaluation).set_index("predictor")
    assert list(table.columns[-3:]) == ["relative MAE (÷ copying)", "MASE", "seasonal MASE"]
    for score in evaluation.scores:
        row = table.loc[evaluation.model if score.name == MODEL else score.name]
        assert row["MASE"] == pytest.approx(evaluation.mase(score.name))
        assert row["seasonal MASE"] == pytest.approx(evaluation.seasonal_mase(score.name))
    assert table.loc[evaluation.model, "relative MAE (÷ copying)"] == pytest.approx(evaluation.relative_mae)
    assert table.loc["Holt-Winters", "MASE"] == pytest.approx(evaluation.mase(NAIVE))  # it copied on the held-out part


def test_the_school_table_leaves_mase_out_and_no_period_points_to_the_period_box():
    from pages.lab.errors_view import errors_caption, errors_table
    from pages.lab.text import PERIOD_BOX, SCHOOL, STANDARD

    evaluation = evaluate(rule_result(seqcore.get_dataset("random_walk"), val_fraction=0.2, scale=10.0))
    assert evaluation.period is None
    school = errors_table(evaluation, SCHOOL)
    assert not any("MASE" in header for header in school.columns)
    assert "seasonal MASE" not in errors_table(evaluation, STANDARD).columns
    for said in (STANDARD, SCHOOL):
        caption = errors_caption(evaluation, said)
        assert "none found" in caption and PERIOD_BOX in caption
    assert "MASE" not in errors_caption(evaluation, SCHOOL)


def test_the_seed_0_lstm_on_sunspots_has_the_textbook_mase():
    # issue 19's check: a relative MAE of about 0.70 is a MASE of about 1.05, since copying's own MASE there is 1.504
    series = seqcore.get_dataset("sunspots")
    val_fraction = default_val_fraction(series, 3)
    fit = fit_scaling(series, 3, val_fraction)
    config = seqcore.TrainConfig(val_fraction=val_fraction, scale=fit.scale, offset=fit.offset, seed=0)
    evaluation = evaluate(seqcore.train(series, config))
    assert evaluation.mase(MODEL) == pytest.approx(evaluation.relative_mae * evaluation.mase(NAIVE))
    assert 1.0 < evaluation.mase(MODEL) < 1.1 and evaluation.relative_mae < 0.75


def test_an_exact_season_has_no_seasonal_mase_rather_than_a_huge_one():
    # the clean sine repeats exactly: its seasonal rule's in-sample miss is float rounding, which no ratio should divide
    series = seqcore.get_dataset("sine")
    evaluation = evaluate(rule_result(series, val_fraction=0.2, scale=10.0), period=20)
    assert evaluation.seasonal_scale == 0
    assert evaluation.seasonal_mase(MODEL) is None and evaluation.mase(MODEL) is not None
