"""Continue training, guesses, run numbers per workspace and why a training stopped, driven with AppTest."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
LOSS = "Loss per epoch (MSE on scaled values)"


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=120).run()


def train(at, epochs: int):
    at.sidebar.number_input(key="epochs").set_value(epochs).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    return at


def test_train_more_epochs_continues_the_curve_as_one_longer_run_would(app):
    at = train(app, 30)
    first = list(at.session_state["result"].losses)
    at.number_input(key="more_epochs").set_value(20).run()
    at.button(key="continue_button").click().run()
    assert not at.exception and not at.error
    runs = at.session_state["runs"]
    assert [r["run"] for r in runs] == [1, 2] and runs[1]["continued_from"] == 1 and runs[1]["epochs trained"] == 50
    continued = at.session_state["result"]
    assert continued.losses[:30] == first
    assert any(m.value.startswith("**Run 2** (run 1 continued)") for m in at.markdown)
    assert not any("earlier settings" in m.value for m in at.markdown)  # the sidebar's 30 epochs are not "stale" here
    straight = train(at, 50).session_state["result"]  # the same settings, 50 epochs from scratch
    np.testing.assert_allclose(continued.losses, straight.losses, rtol=1e-6)
    again = AppTest.from_file(APP, default_timeout=120)
    again.query_params["ws"] = at.session_state["workspace"]
    again.run()
    assert again.session_state["result"].optimizer is not None  # a reloaded run can be continued too
    assert [r["continued_from"] for r in again.session_state["runs"]] == [None, 1, None]


def test_each_workspace_numbers_its_own_runs_from_one(app):
    first = train(app, 5)
    second = train(AppTest.from_file(APP, default_timeout=120).run(), 5)
    train(second, 6)
    assert [r["run"] for r in first.session_state["runs"]] == [1]
    assert [r["run"] for r in second.session_state["runs"]] == [1, 2]


def test_a_guess_is_kept_with_the_run_and_shown_beside_the_result(app):
    app.number_input(key="guess_value_0").set_value(9.0)
    app.radio(key="guess_beats_0").set_value("no")
    at = train(app, 200)
    said = next(m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**Your guess**"))
    model = next(float(m.value) for m in at.metric if m.label.startswith("Next value after [5, 6, 7]"))
    assert f"you guessed **9.00** after 5, 6, 7; the model says **{model:.2f}**" in said
    # nothing held out: the ramp's known next value judges; 200 epochs leave the model further from 8 than copying's 7
    assert "you said it would not beat copying the last value: it did not (you were right)" in said
    assert at.session_state["runs"][0]["guess"] == {"value": 9.0, "window": [5.0, 6.0, 7.0], "beats": False}
    assert at.number_input(key="guess_value_1").value is None  # fresh boxes for the next run's guess
    at.sidebar.number_input(key="units").set_value(12).run()
    train(at, 20)
    assert at.session_state["runs"][1]["guess"] is None  # a guess goes with one run only


def test_a_training_stopped_by_a_settings_change_says_so(app):
    import dataclasses

    at = app
    partial = train(at, 8).session_state["result"]
    # what a click during training leaves behind: the run so far, and the training it belonged to
    at.session_state["training"] = {"label": at.session_state["result_label"], "signature": at.session_state["result_signature"]}
    at.session_state["partial"] = dataclasses.replace(partial, stopped=True, losses=partial.losses[:4])
    at.sidebar.number_input(key="units").set_value(12).run()
    notice = next(i.value for i in at.info if "Training stopped at epoch 4 of 8" in i.value)
    assert "because Units changed" in notice and "kept as run 2" in notice
