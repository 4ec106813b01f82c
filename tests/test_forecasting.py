import numpy as np
import pytest
from conftest import FAST

import seqcore
from seqcore import InputError, forecast, one_step_predictions, predict_next, train


def test_forecast_feeds_each_prediction_back(notebook_result):
    steps = forecast(notebook_result, [1, 2, 3, 4, 5, 6, 7], 3)
    assert steps.shape == (3,)
    assert steps[0] == pytest.approx(predict_next(notebook_result, [5, 6, 7]))
    assert steps[1] == pytest.approx(predict_next(notebook_result, [6, 7, steps[0]]))
    assert steps[2] == pytest.approx(predict_next(notebook_result, [7, steps[0], steps[1]]))
    assert 8.5 < steps[1] < 9.5  # the ramp continues


def test_one_step_predictions_align_with_the_series(notebook_result):
    frame = one_step_predictions(notebook_result)
    assert list(frame.columns) == ["position", "actual", "predicted", "part"]
    assert frame["position"].tolist() == [3, 4, 5, 6]
    assert frame["actual"].tolist() == [4, 5, 6, 7]
    assert np.abs(frame["predicted"] - frame["actual"]).max() < 0.1
    assert set(frame["part"]) == {"train"}


def test_one_step_predictions_mark_the_validation_part():
    series = seqcore.get_dataset("arithmetic", length=20)
    result = train(series, seqcore.TrainConfig(epochs=10, units=8, val_fraction=0.25))
    frame = one_step_predictions(result)
    assert frame["part"].tolist() == ["train"] * 13 + ["validation"] * 4


@pytest.mark.parametrize(
    "recent, steps, words",
    [
        ([5, 6], 1, "the model reads 3 values at a time; give at least 3, got 2"),
        ([5, "six", 7], 1, "must be real numbers"),
        ([5, float("inf"), 7], 1, "finite numbers"),
        ([5, 6, 7], 0, "steps must be between 1 and 1,000"),
        ([5, 6, 7], 5000, "steps must be between 1 and 1,000"),
    ],
)
def test_bad_recent_values(ramp, recent, steps, words):
    result = train(ramp, FAST)
    with pytest.raises(InputError, match=words):
        forecast(result, recent, steps)
