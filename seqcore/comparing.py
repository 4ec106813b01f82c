"""Several settings, each trained with several seeds, judged together: a winner only when the seeds' errors say so."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluation import Errors
from .verdicts import BETTER, EVEN, STANDARD, WORSE, Phrasing, Verdict, beats_copying, number

# a winner among cells must be ahead by at least this share of the last-value rule's error: smaller gaps
# (the ramp's 0.001 against 0.01) are real but too small to matter to anyone predicting the series
MATTERS = 0.05


@dataclass(frozen=True)
class Spread:
    """Held-out (or training) MAE of several seeds of one setting, `(seeds,)`."""

    name: str
    maes: np.ndarray


def compare(spreads: list[Spread], naive: Errors, held_out: bool, words: Phrasing = STANDARD) -> Verdict:
    """Name a winner only when its seeds' errors all sit below every other's and the gap matters; else a tie, and why."""
    part = words.held_out_part if held_out else words.training_part
    ranked = sorted(spreads, key=lambda s: float(np.median(s.maes)))
    best, rest = ranked[0], ranked[1:]
    medians = ", ".join(f"{s.name} {number(float(np.median(s.maes)))}" for s in ranked)
    said = words.seeds_said.format(seeds=len(best.maes), part=part, medians=medians, copying=number(naive.mae))
    if not any(beats_copying(float(np.median(s.maes)), naive.mae) for s in spreads):
        return Verdict(f"{said} None of them beats copying the last value, so none wins.", WORSE)
    if not rest:
        return Verdict(said, EVEN)
    runner = rest[0]
    tied = [s for s in rest if s.maes.min() <= best.maes.max()]  # a seed of theirs does as well as one of the best's
    gap = float(np.median(runner.maes) - np.median(best.maes))
    if tied:
        return Verdict(f"{said} {_tie([best, *tied], [s for s in rest if s not in tied], naive)}", EVEN)
    if gap < MATTERS * naive.mae:
        return Verdict(
            f"{said} A tie: {best.name} is ahead on every seed, but by {number(gap)}, less than {MATTERS:.0%} of what "
            "copying the last value is off by: too small to matter.",
            EVEN,
        )
    return Verdict(f"{said} {best.name} wins: every one of its seeds beats every seed of the others.", BETTER)


def _tie(tied: list[Spread], behind: list[Spread], naive: Errors) -> str:
    """Who ties (their errors overlap from seed to seed), and who is behind them on every seed; a cell whose median does
    not beat copying is named as such, so a tie of the best never hides a cell that fails."""
    names = [s.name for s in tied]
    if not behind:
        return "A tie: their errors overlap from seed to seed, so the order is luck."
    text = f"A tie between {', '.join(names[:-1])} and {names[-1]}: their errors overlap from seed to seed, so their order is luck. "
    text += f"{' and '.join(s.name for s in behind)} {'is' if len(behind) == 1 else 'are'} behind them on every seed"
    failing = [s.name for s in behind if not beats_copying(float(np.median(s.maes)), naive.mae)]
    if failing:
        text += f"; {' and '.join(failing)} {'does' if len(failing) == 1 else 'do'} not beat copying the last value"
    return text + "."
