"""The edges of input, through the core: numbers at the ends of the float range, NumPy scalars,
complex values, unbounded text. Each gives the right result or one clear InputError, never another exception.
"""

import re

import numpy as np
import pytest
from conftest import FAST
from streamlit.testing.v1 import AppTest
from test_app import APP

import seqcore
from seqcore import InputError, TrainConfig, get_dataset, load_series, make_windows, parse_values, suggest_scale
from seqcore import config as limits
from seqcore.data import MAX_SERIES_LENGTH
from seqcore.datasets import MAX_DATA_SEED, MAX_NOISE, MIN_LENGTH

HUGE = 10**400  # a whole number no float can hold
DIGITS = "9" * 5000  # more digits than Python will even turn into an int


@pytest.mark.parametrize(
    "settings",
    [
        {"scale": HUGE},
        {"scale": 1.7e308},
        {"scale": 1e-300},
        {"learning_rate": HUGE},
        {"learning_rate": 1e-300},
        {"units": HUGE},
        {"epochs": -HUGE},
        {"units": DIGITS},
        {"scale": DIGITS},
        {"seed": float("inf")},
        {"units": np.float64("nan")},
        {"scale": 5 + 0j},
        {"scale": np.complex128(5)},
        {"units": np.bool_(True)},
        {"cell": "x" * 5000},
    ],
)
def test_settings_at_the_edges_are_one_short_input_error(settings):
    with pytest.raises(InputError) as caught:
        TrainConfig(**settings)
    assert caught.value.field == next(iter(settings))
    assert len(str(caught.value)) < 200, "the message repeats the whole value"


def test_numpy_scalars_are_numbers_like_any_other():
    config = TrainConfig(units=np.int64(8), epochs=np.int32(20), window=np.uint8(3), scale=np.float32(100), learning_rate=np.float32(0.001))
    assert config == TrainConfig(units=8, epochs=20, window=3, scale=100, learning_rate=float(np.float32(0.001)))
    assert TrainConfig(units=np.float32(8.0)).units == 8
    clean = get_dataset("noisy_sine", length=30, noise=2.0, seed=3)
    np.testing.assert_array_equal(get_dataset("noisy_sine", length=np.int64(30), noise=np.float32(2.0), seed=np.uint32(3)), clean)
    np.testing.assert_array_equal(make_windows(np.arange(6.0), np.int64(2))[1], [2, 3, 4, 5])
    result = seqcore.train(get_dataset("ramp"), FAST)
    assert seqcore.forecast(result, np.array([5, 6, 7], dtype=np.float32), np.int64(2)).shape == (2,)


def test_widgets_offer_exactly_what_the_core_accepts():
    """Every bounded box in the sidebar has the core's own bounds: no value a box holds is refused, none the core takes is out of reach."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.selectbox(key="data_source").set_value("sine").run()
    bounds = {
        "scale": (limits.MIN_SCALE, limits.MAX_SCALE),
        "learning_rate": (limits.MIN_LEARNING_RATE, limits.MAX_LEARNING_RATE),
        "units": (1, limits.MAX_UNITS),
        "epochs": (1, limits.MAX_EPOCHS),
        "window": (1, limits.MAX_WINDOW),
        "seed": (0, limits.MAX_SEED),
        "length": (MIN_LENGTH, MAX_SERIES_LENGTH),
        "noise": (0, MAX_NOISE),
        "data_seed": (0, MAX_DATA_SEED),
    }
    for key, (low, high) in bounds.items():
        box = at.sidebar.number_input(key=key)
        assert (box.min, box.max) == (low, high), key
    at.sidebar.number_input(key="scale").set_value(limits.MAX_SCALE)
    at.sidebar.number_input(key="learning_rate").set_value(limits.MIN_LEARNING_RATE).run()
    assert not at.exception and not at.error, "the core refuses what the boxes hold"


@pytest.mark.parametrize(
    "series, words",
    [
        ([1.0, 2.0, 1.7e308, 4.0], "beyond ±1e+15"),
        ([1, 2, HUGE, 4], "beyond ±1e+15"),
        (np.array([1 + 2j, 3, 4, 5]), "real numbers; it holds complex ones"),
        ([5.0], "the series has only 1 value; it needs at least 2"),
        ([], "the series has no values"),
    ],
)
def test_series_at_the_edges_are_refused_before_training(series, words):
    with pytest.raises(InputError, match=re.escape(words)) as caught:
        seqcore.train(series, TrainConfig(window=1, epochs=2, units=4))
    assert "at most 1" not in str(caught.value) and "at most 0" not in str(caught.value)


def test_a_series_in_dollars_trains_with_the_suggested_scale():
    gdp = 1.05e13 * 1.03 ** np.arange(24)  # a country's GDP in dollars: its scale is beyond the old box's 1e12
    scale = suggest_scale(gdp)
    assert scale == 1e14 and scale <= limits.MAX_SCALE
    result = seqcore.train(gdp, TrainConfig(scale=scale, epochs=30, units=8))
    assert np.isfinite(seqcore.predict_next(result, gdp[-3:]))
    for value in ([1e300], [1e-30], [0.0], [5e-324]):
        assert limits.MIN_SCALE <= suggest_scale(value) <= limits.MAX_SCALE


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: get_dataset(["ramp"]), "no dataset named ['ramp']"),
        (lambda: get_dataset({"a": 1}), "no dataset named"),
        (lambda: get_dataset("x" * 5000), "no dataset named 'xxx"),
        (lambda: get_dataset("sine", length=HUGE), "length must be between 4 and 10,000, got a whole number of about 401 digits"),
        (lambda: get_dataset("sine", noise=HUGE), "noise must be a finite number"),
        (lambda: get_dataset("sine", noise=1e308), "noise must be a number between 0 and 1000"),
        (lambda: parse_values(DIGITS), "value 1, '999"),
        (lambda: parse_values("5, 6, 1e300"), "value 3, '1e300', is beyond"),
        (lambda: load_series(b"v\n1\n2\n" + DIGITS.encode() + b"\n"), "line 4, column 'v' holds '999"),
        (lambda: load_series(b"v\n1\n", column="c" * 5000), "no column named 'ccc"),
        (lambda: load_series(""), "no file given"),
        (lambda: load_series("x" * 5000), "'xxx"),
    ],
)
def test_unbounded_input_is_quoted_short(call, words):
    with pytest.raises(InputError) as caught:
        call()
    assert words in str(caught.value)
    assert len(str(caught.value)) < 300, f"the message is {len(str(caught.value)):,} characters"


def test_predicting_after_values_beyond_the_limit_is_refused():
    result = seqcore.train(get_dataset("ramp"), FAST)
    with pytest.raises(InputError, match="within ±1e\\+15"):
        seqcore.predict_next(result, [5, 6, 1e300])
    with pytest.raises(InputError, match="real numbers"):
        seqcore.predict_next(result, np.array([5, 6, 7 + 1j]))


def test_random_files_give_a_series_or_an_input_error_and_nothing_else():
    """Hundreds of small random files made of the pieces that break parsers: a series of finite numbers or one InputError."""
    rng = np.random.default_rng(8)
    pieces = list("0123456789.,;\t\n\r\"'-+eE naifx") + ["\u2028", "\x00", "١", "1e400", "1.7e308", "nan", "sep=;", "\ufeff", "9" * 50]
    loaded = 0
    for _ in range(800):
        text = "".join(rng.choice(pieces, size=rng.integers(0, 80)))
        try:
            series = load_series(text.encode())
        except InputError:
            continue
        loaded += 1
        assert np.isfinite(series).all() and (np.abs(series) <= 1e15).all()
    assert loaded > 10  # the pieces do make valid files too


def test_blank_lines_before_the_header_still_count_in_line_numbers():
    with pytest.raises(InputError, match="line 6, column 'v' holds 'x'"):
        load_series(b"\n\nv\n1\n2\nx\n")
