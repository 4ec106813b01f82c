"""A flat model: one whose answers barely change from window to window, while the values it should predict do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .forecasting import one_step_predictions
from .numbers import number

if TYPE_CHECKING:
    from .result import TrainResult

# a model is flat when its one-step answers spread less than this share of the values they should predict (standard
# deviations over the judged windows). A model that learned anything follows its targets, about as much as they move;
# on a series that is mostly noise the best answers lean towards the mean and spread less, but as long as one value
# says something about the next they stay well above a quarter (see tests/test_truth.py for the runs measured).
FLAT_SHARE = 0.25
MIN_WINDOWS = 3  # fewer answers tell nothing about how they move


@dataclass(frozen=True)
class Flatness:
    """How much the model's answers move over the judged windows (`part`: "held_out" or "train") against the values they
    should predict: their ranges, and the share of the targets' spread that the answers spread (standard deviations)."""

    answers: tuple[float, float]  # lowest and highest answer
    targets: tuple[float, float]  # lowest and highest value to predict
    share: float
    part: str

    @property
    def flat(self) -> bool:
        return self.share < FLAT_SHARE

    @property
    def text(self) -> str:
        """ "It answers about the same for every window: from 5.3 to 5.73 while the values it should predict go from 4 to 7." """
        low, high = self.answers
        return (
            f"It answers about the same for every window: from {number(low)} to {number(high)} while the values it "
            f"should predict go from {number(self.targets[0])} to {number(self.targets[1])}."
        )


def flatness(result: TrainResult) -> Flatness | None:
    """How flat the run's one-step answers are on its judged windows (the held-out ones when there are any); None with
    fewer than MIN_WINDOWS of them, or targets that never change (then nothing could move)."""
    frame = one_step_predictions(result)
    held_out = frame["part"] == "validation"
    part = "held_out" if held_out.any() else "train"
    judged = frame[held_out] if held_out.any() else frame
    answers, targets = judged["predicted"].to_numpy(dtype=float), judged["actual"].to_numpy(dtype=float)
    spread = float(np.std(targets))
    if len(judged) < MIN_WINDOWS or spread == 0 or not np.all(np.isfinite(answers)):
        return None
    share = float(np.std(answers)) / spread
    return Flatness((float(answers.min()), float(answers.max())), (float(targets.min()), float(targets.max())), share, part)


def flat_note(result: TrainResult) -> str | None:
    """The sentence to say when the run is flat, else None."""
    found = flatness(result)
    return found.text if found is not None and found.flat else None
