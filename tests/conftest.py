"""Shared fixtures: small configs keep the suite fast; the notebook's full 500 epochs run once."""

import pytest

import seqcore

# a few epochs are enough wherever the notebook's accuracy is not the point
FAST = seqcore.TrainConfig(epochs=20, units=8)


@pytest.fixture(scope="session")
def ramp():
    return seqcore.get_dataset("ramp")


@pytest.fixture(scope="session")
def notebook_result(ramp):
    """The reference notebook's run: defaults, 500 epochs, seed 0."""
    return seqcore.train(ramp, seqcore.TrainConfig())
