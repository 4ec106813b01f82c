"""The true next value where it is known (seqcore.truth), and the flat-model check (seqcore.flatness), on real runs."""

import dataclasses
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import FAST

import seqcore
from seqcore.flatness import FLAT_SHARE, flat_note, flatness
from seqcore.scaling import fit_scaling
from seqcore.timeaxis import from_json, to_json
from seqcore.truth import Distances, distances_for, truth_for, truth_of
from seqcore.windows import default_val_fraction


def last_window(result):
    return result.series.to_numpy()[-result.config.window :]


def answer(result):
    """The run's next value after its own last window, and how far it and copying are from the truth."""
    window = last_window(result)
    prediction = seqcore.predict_next(result, window)
    return prediction, distances_for(result, window, prediction)


@pytest.fixture(scope="module")
def flat_run(eight_units):
    """The issue's run: the notebook's ramp and settings but 8 units, 500 epochs, seed 0; it answers 5.88 after 5, 6, 7."""
    return eight_units


def suited_run(name, seed=0):
    """A run on a built-in series with the settings the dashboard gives it (held-out share, scaling fitted on training)."""
    series = seqcore.get_dataset(name)
    val_fraction = default_val_fraction(series, 3)
    fit = fit_scaling(series, 3, val_fraction)
    return seqcore.train(series, seqcore.TrainConfig(val_fraction=val_fraction, scale=fit.scale, offset=fit.offset, seed=seed))


def test_the_588_run_is_told_it_is_off_by_about_2_and_that_it_answers_the_same_for_every_window(flat_run):
    prediction, distances = answer(flat_run)
    assert prediction == pytest.approx(5.88, abs=0.1)
    assert distances.truth.value == 8 and distances.copying == 7
    assert distances.model_off == pytest.approx(2.12, abs=0.1) and not distances.closer_than_copying
    said = distances.text
    assert said.startswith("The ramp goes on with 8. Your model says 5.8") and ", off by 2.1" in said
    assert said.endswith("copying says 7, off by 1.")
    found = flatness(flat_run)
    assert found.flat and found.part == "train" and found.share < FLAT_SHARE
    note = flat_note(flat_run)
    assert note.startswith("It answers about the same for every window: from 5.3")
    assert "while the values it should predict go from 4 to 7." in note


def test_the_notebooks_run_is_off_by_about_a_hundredth_and_is_not_flat(notebook_result):
    prediction, distances = answer(notebook_result)
    assert distances.model_off == pytest.approx(0.01, abs=0.02) and distances.closer_than_copying
    assert distances.text.startswith(f"The ramp goes on with 8. Your model says {prediction:.3g}, off by 0.0")
    assert not flatness(notebook_result).flat and flat_note(notebook_result) is None


def test_a_good_sine_run_is_near_the_formulas_next_value_and_is_not_flat():
    result = suited_run("sine")
    _, distances = answer(result)
    assert distances.truth.value == pytest.approx(50.0) and distances.truth.noise == 0
    assert distances.model_off < 1 < distances.copying_off
    found = flatness(result)
    assert found.part == "held_out" and found.share > 2 * FLAT_SHARE and flat_note(result) is None


def test_a_noisy_series_run_is_not_flat_when_its_best_answers_lean_to_the_mean():
    # the Nile is mostly noise: the best answers spread less than the values, yet its runs are no flat models
    assert flatness(suited_run("nile")).share > 1.5 * FLAT_SHARE


def test_an_edited_window_has_no_known_answer(notebook_result):
    assert distances_for(notebook_result, [5.0, 6.0, 8.0], 9.0) is None
    assert distances_for(notebook_result, [50.0, 60.0, 70.0], 80.0) is None
    assert distances_for(notebook_result, [4.0, 5.0, 6.0, 7.0], 8.0) is not None  # the last `window` values are read


def test_the_series_own_window_as_the_page_prints_it_still_has_its_truth():
    series = seqcore.get_dataset("sine", length=60)
    result = seqcore.train(series, FAST)
    typed = seqcore.parse_values(", ".join(f"{v:g}" for v in series.to_numpy()[-3:]))  # 17.6393, 26.4886, 37.6393
    assert not np.array_equal(typed, series.to_numpy()[-3:])
    assert distances_for(result, typed, 50.0).truth.value == pytest.approx(50)
    assert distances_for(result, typed + [0, 0, 0.01], 50.0) is None


@pytest.mark.parametrize("name, length", [("arithmetic", 60), ("arithmetic", 7), ("sine", 60), ("sine", 33)])
def test_a_clean_generated_series_goes_on_as_the_longer_series_does(name, length):
    """The reference: the same generator asked for one value more."""
    truth = truth_of(seqcore.get_dataset(name, length=length, noise=0))
    assert truth.known and truth.noise == 0
    assert truth.value == pytest.approx(seqcore.get_dataset(name, length=length + 1, noise=0).iloc[-1], abs=1e-9)


def test_arithmetic_and_sine_truths_follow_their_formulas():
    assert truth_of(seqcore.get_dataset("arithmetic", length=60)).value == 1 + 2 * 60
    assert truth_of(seqcore.get_dataset("sine", length=65)).value == pytest.approx(50 + 40 * np.sin(2 * np.pi * 65 / 20))


def test_a_noisy_series_names_the_best_possible_answer_and_the_noise_around_it():
    series = seqcore.get_dataset("noisy_sine", length=60)
    truth = truth_of(series)
    assert truth.known and truth.noise == 5 and truth.value == pytest.approx(50)
    said = Distances(truth, 47.0, float(series.iloc[-1])).text
    assert said.startswith("Without its noise, the sine wave goes on with 50: the best answer any model can give")
    assert "about ±5 from it. Your model says 47, off by 3;" in said


def test_a_random_walk_has_no_true_next_value_only_the_best_answer_copying_gives():
    series = seqcore.get_dataset("random_walk", noise=2.0)
    truth = truth_of(series)
    assert not truth.known and truth.value == series.iloc[-1] and truth.noise == 2
    distances = Distances(truth, truth.value + 0.5, truth.value)
    assert not distances.closer_than_copying
    assert "next step is chance, so nobody can know its next value" in distances.text and "about ±2" in distances.text
    assert "off by" not in distances.text
    still = truth_of(seqcore.get_dataset("random_walk", noise=0.0))  # a walk without steps stays where it is
    assert still.known and still.value == 100


@pytest.mark.parametrize("name", ["sunspots", "nile"])
def test_real_series_have_no_known_next_value(name):
    assert truth_of(seqcore.get_dataset(name)) is None


def test_an_upload_is_never_taken_for_a_built_in_series_by_its_name(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("ramp\n" + "\n".join(str(v) for v in range(1, 8)))
    upload = seqcore.load_series(path)
    assert upload.name == "ramp" and truth_of(upload) is None


@pytest.mark.parametrize(
    "name, kwargs", [("ramp", {}), ("arithmetic", {}), ("sine", {"noise": 3.0}), ("noisy_sine", {}), ("random_walk", {})]
)
def test_the_truth_survives_the_dashboards_cache_and_the_run_database(name, kwargs):
    series = seqcore.get_dataset(name, **kwargs)
    truth = truth_of(series)
    assert truth_of(pickle.loads(pickle.dumps(series))) == truth  # st.cache_data hands out pickled copies
    # the database keeps the name and the values only: the truth is worked out again from them
    stored = from_json(json.loads(json.dumps(to_json(series))), series.name)
    again = truth_of(stored)
    assert again.value == truth.value and again.known == truth.known
    assert again.noise == pytest.approx(truth.noise, rel=0.3)  # estimated from the values left over by the formula


@pytest.mark.parametrize("name", ["ramp", "arithmetic", "sine", "random_walk"])
@pytest.mark.parametrize("other", ["sunspots", "nile"])
def test_other_values_stored_under_a_built_in_name_get_no_truth(name, other):
    values = seqcore.get_dataset(other).to_numpy()
    assert truth_of(pd.Series(values, name=name)) is None
    assert truth_of(pd.Series(np.arange(1.0, 9.0), name="ramp")) is None  # the ramp is 1..7


def test_a_saved_and_continued_run_keeps_its_truth(store, ramp):
    short = seqcore.train(ramp, FAST)
    number = store.save_run("ws", short, "Ramp", [], None)
    loaded = store.load_result("ws", number)
    assert truth_for(loaded) == truth_for(short) and truth_for(short).value == 8
    continued = seqcore.train(ramp, dataclasses.replace(FAST, epochs=30), resume=short)
    assert truth_for(continued).value == 8
