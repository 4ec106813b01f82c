"""Scaling (seqcore.scaling): refusing a scale that cannot train, suggesting and fitting one, and advice."""

import pytest

import seqcore
from seqcore import InputError, scale_advice, suggest_scale
from seqcore.scaling import check_scale, fit_scaling


def test_scale_too_small_for_the_data_names_a_scale_that_works():
    with pytest.raises(InputError, match="scale 1 is too small.*at least 1000"):
        check_scale([5, 900, 12], 1)
    check_scale([5, 900, 12], 100)  # 9 after scaling: fine


def test_suggested_scale_and_advice():
    assert suggest_scale([1, 7]) == 10
    assert suggest_scale([-1370, 5]) == 10_000
    assert suggest_scale([0, 0]) == 1
    assert scale_advice(range(1, 8), 100) is None  # the notebook's choice is fine
    assert "try offset 1180 and scale 200" in scale_advice([1000, 1370], 10)
    assert "flat ends of tanh" in scale_advice(range(1, 8), 1)  # the ramp unscaled
    assert "a band only 6e-05 wide" in scale_advice(range(1, 8), 100_000)


def test_advice_for_a_random_walk_squeezed_by_its_power_of_ten():
    walk = seqcore.get_dataset("random_walk")
    advice = scale_advice(walk, suggest_scale(walk), window=3, val_fraction=0.2)
    assert "the network can hardly tell them apart" in advice
    fit = fit_scaling(walk, 3, 0.2)
    assert scale_advice(walk, fit.scale, fit.offset, window=3, val_fraction=0.2) is None
