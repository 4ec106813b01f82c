import numpy as np
import pytest

from seqcore import InputError, TrainConfig, make_windows
from seqcore.windows import default_val_fraction, prepare_windows, split_index


def naive_windows(values, window):
    xs, ys = [], []
    for i in range(len(values) - window):
        xs.append(values[i : i + window])
        ys.append(values[i + window])
    return np.array(xs, dtype=float).reshape(-1, window, 1), np.array(ys, dtype=float)


def test_notebook_arrays_exactly():
    x, y = make_windows(range(1, 8), 3)
    expected = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]], dtype=float).reshape(4, 3, 1)
    assert x.shape == (4, 3, 1)
    np.testing.assert_array_equal(x, expected)
    np.testing.assert_array_equal(y, [4, 5, 6, 7])


@pytest.mark.parametrize("length, window", [(2, 1), (10, 1), (10, 9), (50, 7), (200, 30)])
def test_matches_a_naive_loop(length, window):
    values = np.random.default_rng(length).normal(size=length)
    x, y = make_windows(values, window)
    nx, ny = naive_windows(values, window)
    np.testing.assert_array_equal(x, nx)
    np.testing.assert_array_equal(y, ny)


def test_windows_are_copies_not_views_of_the_series():
    values = np.arange(10.0)
    x, _ = make_windows(values, 3)
    x[0, 0, 0] = 99
    assert values[0] == 0


def test_window_as_long_as_the_series_says_how_to_fix():
    with pytest.raises(InputError, match="window is 7 but the series has only 7 values.*at most 6"):
        make_windows(range(1, 8), 7)


@pytest.mark.parametrize("window", [0, 2.5, True, "three"])
def test_window_must_be_a_whole_number(window):
    with pytest.raises(InputError, match="window must be a whole number"):
        make_windows(range(10), window)


def test_chronological_split_keeps_the_latest_windows_for_validation():
    assert split_index(10, 0.0) == 10
    assert split_index(10, 0.2) == 8
    assert split_index(4, 0.1) == 3  # at least one validation window
    with pytest.raises(InputError, match="leaves no window to train on"):
        split_index(1, 0.5)


def test_prepare_windows_scales_and_splits():
    windows = prepare_windows(np.arange(1.0, 12.0), TrainConfig(val_fraction=0.25))
    assert windows.x_train.shape == (6, 3, 1) and windows.x_val.shape == (2, 3, 1)
    np.testing.assert_allclose(windows.x_train[0, :, 0], [0.01, 0.02, 0.03])
    np.testing.assert_allclose(windows.y_val, [0.10, 0.11])
    assert windows.x_train.dtype == np.float32


def test_series_with_gaps_is_refused():
    with pytest.raises(InputError, match="missing or infinite"):
        prepare_windows([1, 2, np.nan, 4, 5], TrainConfig())


def test_the_default_share_held_out():
    assert default_val_fraction(range(7), 3) == 0  # the notebook's ramp: 4 windows, all trained on
    assert default_val_fraction(range(23), 3) == 0.2
    assert default_val_fraction(range(22), 3) == 0
