import numpy as np
import pytest

from seqcore import DATASETS, InputError, get_dataset


def test_ramp_is_the_notebooks_series():
    assert get_dataset("ramp").tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert DATASETS["ramp"].scale == 100


@pytest.mark.parametrize("name, length, first, last", [("sunspots", 309, 5.0, 2.9), ("nile", 100, 1120.0, 740.0)])
def test_real_series_ship_with_the_package(name, length, first, last):
    series = get_dataset(name)
    assert len(series) == length and series.iloc[0] == first and series.iloc[-1] == last
    assert np.isfinite(series).all()


@pytest.mark.parametrize("name", [n for n, d in DATASETS.items() if d.generated])
def test_generated_series_follow_length_and_seed(name):
    a = get_dataset(name, length=80, seed=1)
    assert len(a) == 80
    np.testing.assert_array_equal(a, get_dataset(name, length=80, seed=1))
    if name != "arithmetic" and name != "sine":  # the clean ones have no randomness
        assert not np.array_equal(a, get_dataset(name, length=80, seed=2))


def test_noise_is_added_on_request():
    clean = get_dataset("sine", length=40)
    assert not np.array_equal(clean, get_dataset("sine", length=40, noise=3.0))
    np.testing.assert_allclose(get_dataset("arithmetic", length=5), [1, 3, 5, 7, 9])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"name": "stocks"}, "no dataset named 'stocks'"),
        ({"name": "sine", "length": 2}, "length must be between 4 and 10,000"),
        ({"name": "sine", "length": 10**7}, "length must be between 4 and 10,000"),
        ({"name": "sine", "noise": -1.0}, "noise must be a number between 0"),
        ({"name": "random_walk", "seed": -5}, "seed must be between 0"),
    ],
)
def test_bad_parameters(kwargs, words):
    with pytest.raises(InputError, match=words):
        get_dataset(**kwargs)
