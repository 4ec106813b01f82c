"""Plain sentences that judge a model against the simplest rules: one number per idea, and never more than the
numbers support."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .baselines import NAIVE
from .evaluation import MODEL, Copying, Evaluation
from .numbers import number  # noqa: F401 (pages import it from here too)
from .significance import chance
from .truth import Distances

# within this share of the last value's error, the model and the rule are called even
EVEN_SHARE = 0.1

BETTER, WORSE, EVEN, SIMPLER = "better", "worse", "even", "simpler"  # simpler: beats copying, not a simpler rule
CLASSICAL = "classical"  # beats copying, but a classical forecaster (ETS, ARIMA) does as well or better
UNTESTED = "untested"  # beats copying on the values it trained on, with nothing held out: no success can be claimed
CHANCE = "chance"  # ahead of or behind copying on too few held-out values to rule out luck


@dataclass(frozen=True)
class Phrasing:
    """The words of a verdict that a page may say differently (a school lesson's plainer ones live in the dashboard's
    text table); the defaults are the standard words the command line and the dashboard use. `{n}`: "12 years"."""

    unseen: str = "On the {n} it never trained on"
    seen: str = "On the {n} it trained on (none are held out, so this flatters it)"
    # a simple rule in a sentence: by its name, from `rules` (name, words) when listed there, else "name (description)"
    rules: tuple[tuple[str, str], ...] = ()
    # compare(): which windows the seeds were judged on, and how their errors are summed up
    held_out_part: str = "held-out windows"
    training_part: str = "training windows (none are held out)"
    seeds_said: str = "Median error over {seeds} seeds on the {part}: {medians}; copying the last value: {copying}."
    # nothing held out: what a fit on the training values can and cannot say
    untested: str = (
        "Nothing was held out, so these are values it learned from: they cannot tell whether it predicts a value it has "
        "not seen. Set a held-out share above 0 to test it."
    )

    def rule(self, name: str, description: str) -> str:
        return dict(self.rules).get(name) or f"{name} ({description})"


STANDARD = Phrasing()


@dataclass(frozen=True)
class Verdict:
    """A sentence and which way it went: BETTER, WORSE, EVEN, SIMPLER (beats copying, but another simple rule does as
    well or better), CLASSICAL (beats copying, but a classical forecaster does as well or better), UNTESTED (nothing
    held out) or CHANCE (too few held-out values to tell); a page colours it."""

    text: str
    outcome: str
    headline: str | None = None  # a headline with the numbers in it, where one says more than the outcome's words


def times(ratio: float) -> str:
    """A ratio as "1.7×" or "585×": one decimal only where it still means something."""
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:,.0f}×"


def count(n: int, unit: str) -> str:
    return f"{n:,} {unit}{'' if n == 1 else 's'}"


def beats_copying(model_mae: float, naive_mae: float) -> bool:
    """The one rule for "beats copying the last value", wherever it is said (verdict, seeds, board, Compare): an average
    miss lower than copying's by more than EVEN_SHARE of it; a smaller gap is "no better than copying"."""
    return model_mae < naive_mae * (1 - EVEN_SHARE)


def beat_copying(evaluation: Evaluation, truth: Distances | None = None) -> bool | None:
    """Did the run beat copying, as its verdict judges: on the held-out values when any, else on a known next value;
    None when neither can tell (nothing held out and no known truth)."""
    if evaluation.n_held_out:
        return beats_copying(evaluation.judged(MODEL).mae, evaluation.judged(NAIVE).mae)
    if truth is not None and truth.truth.known:
        return beats_copying(truth.model_off, truth.copying_off)
    return None


def verdict(evaluation: Evaluation, words: Phrasing = STANDARD, truth: Distances | None = None) -> Verdict:
    """The model against copying the last value, on the held-out windows when there are any, in `words`; then the
    simple rules and the classical forecasters, when one does as well; then whether the difference could be chance.
    With nothing held out, `truth` (the model's and copying's distances from a known next value) judges instead, and
    without it nothing is called a success.

    "On the 12 years it never trained on, the LSTM is off by 14.2 on average; copying the last value is off by 24:
    the LSTM is 1.7× better."
    """
    model, naive = evaluation.judged(MODEL), evaluation.judged(NAIVE)
    name = evaluation.model
    where = (words.unseen if evaluation.n_held_out else words.seen).format(n=count(model.count, evaluation.unit))
    said = f"{where}, the {name} is off by {number(model.mae)} on average; copying the last value is off by {number(naive.mae)}"
    ratio = evaluation.relative_mae
    if naive.mae == 0 and model.mae == 0:
        text, outcome = f"{said}: both are exact.", EVEN
    elif beats_copying(model.mae, naive.mae):
        text, outcome = f"{said}: the {name} is {times(1 / ratio)} better.", BETTER
    elif model.mae <= naive.mae * (1 + EVEN_SHARE):
        text, outcome = f"{said}: the {name} is no better than copying.", EVEN
    else:
        worse = f"{times(ratio)} worse" if np.isfinite(ratio) else "worse"
        text, outcome = f"{said}: the {name} is {worse} than copying the last value.", WORSE
    # could the win or loss over copying be chance? said right after it, and a headline never claims it if so
    luck = chance(evaluation, MODEL, NAIVE) if evaluation.n_held_out and outcome != EVEN else None
    if luck is not None:
        text += f" Against copying, {luck.phrase()}."
    text, outcome = _simpler(evaluation, model, naive, text, outcome, words)
    text, outcome = _classical(evaluation, model, text, outcome)
    if not evaluation.n_held_out:
        if truth is not None and truth.truth.known:
            fit = f"{where}, the {name} is off by {number(model.mae)} on average; copying the last value by {number(naive.mae)}."
            return _by_the_truth(truth, _simpler(evaluation, model, naive, fit, outcome, words)[0], outcome)
        # a fit to the training values is no success: it may have learned them by heart
        return Verdict(f"{text} {words.untested}", UNTESTED if outcome in (BETTER, SIMPLER, CLASSICAL) else outcome)
    if luck is not None and luck.could_be_chance and outcome in (BETTER, WORSE, SIMPLER, CLASSICAL):
        return Verdict(text, CHANCE)
    return Verdict(text, outcome)


def _by_the_truth(truth: Distances, fit: str, fit_outcome: str) -> Verdict:
    """Nothing held out, but the next value is known: the answers' distances from it decide, by the same rule as
    errors do; the fit to the training values follows as context (a simpler rule that fits as well still tempers a
    win)."""
    if beats_copying(truth.model_off, truth.copying_off):
        outcome = SIMPLER if fit_outcome in (SIMPLER, CLASSICAL) else BETTER
    elif truth.model_off <= truth.copying_off * (1 + EVEN_SHARE):
        outcome = EVEN
    else:
        outcome = WORSE
    truth_value = number(truth.truth.value)
    headline = (
        f"it says {number(truth.model)}, the next value is {truth_value} (off by {number(truth.model_off)}; copying is "
        f"off by {number(truth.copying_off)})"
    )
    return Verdict(f"{truth.text} {fit}", outcome, headline)


def _simpler(evaluation: Evaluation, model, naive, text: str, outcome: str, words: Phrasing) -> tuple[str, str]:
    """A simple rule that does better than the model, or about as well while beating copying."""
    best = evaluation.best_rule()
    best_errors = evaluation.judged(best.name)
    if best.name != NAIVE and best_errors.mae < model.mae * (1 - EVEN_SHARE):
        text += f" A simpler rule does better still: {words.rule(best.name, best.description)} is off by {number(best_errors.mae)}."
    elif best.name != NAIVE and best_errors.mae <= model.mae * (1 + EVEN_SHARE) and best_errors.mae < naive.mae:
        text += f" A simpler rule does about as well: {words.rule(best.name, best.description)} is off by {number(best_errors.mae)}."
    else:
        return text, outcome
    return text, SIMPLER if outcome == BETTER else outcome


def _classical(evaluation: Evaluation, model, text: str, outcome: str) -> tuple[str, str]:
    """The best classical forecaster (fitted to the same training values, one step ahead on the same windows) beside
    the model: a lecturer's line to beat."""
    best = evaluation.best_classical()
    if best is None:
        return text, outcome
    mae = evaluation.judged(best.name).mae
    if mae < model.mae * (1 - EVEN_SHARE):
        ratio = times(model.mae / mae) if mae > 0 else "far"
        text += f" The classical forecaster {best.name} does {ratio} better: it is off by {number(mae)}."
    elif mae <= model.mae * (1 + EVEN_SHARE):
        text += f" The classical forecaster {best.name} does about as well: it is off by {number(mae)}."
    else:
        return f"{text} It also beats the best classical forecaster, {best.name}, which is off by {number(mae)}.", outcome
    return text, CLASSICAL if outcome in (BETTER, SIMPLER) else outcome


def copying_note(copy: Copying, relative_mae: float) -> str:
    """The copying trap in words; `relative_mae` (the model's error over copying's) says whether leaning on the last value
    pays."""
    pays = " Whatever it adds to that gains little over copying itself." if relative_mae < 1 else ""
    return (
        f"Your model mostly repeats the last value it saw: its guesses are closer to the previous value (off by "
        f"{number(copy.to_last)}) than to the value they should predict (off by {number(copy.to_actual)}). "
        f"A chart of such guesses looks good, because it draws the series shifted one step later.{pays}"
    )
