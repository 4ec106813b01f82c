"""Several settings, each trained with several seeds, judged together: a winner only when the seeds' errors say so."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluation import Errors
from .verdicts import BETTER, EVEN, SIMPLER, STANDARD, WORSE, Phrasing, Verdict, beats_copying, number

# a winner among cells must be ahead by at least this share of the last-value rule's error: smaller gaps
# (the ramp's 0.001 against 0.01) are real but too small to matter to anyone predicting the series
MATTERS = 0.05
# finished seeds each cell needs before any winner is named: with 2 seeds a cell is ahead on every seed 1 time in 6
MIN_SEEDS = 5
TOO_FEW = "too few"  # an outcome of compare(): some cell has fewer than MIN_SEEDS finished seeds


@dataclass(frozen=True)
class Spread:
    """Held-out (or training) MAE of several seeds of one setting, `(seeds,)`."""

    name: str
    maes: np.ndarray


@dataclass(frozen=True)
class RuleError:
    """A simple rule (seasonal naive, drift, mean) by the name a sentence gives it, and its MAE on the part the seeds
    are judged on."""

    name: str
    mae: float


def compare(spreads: list[Spread], naive: Errors, held_out: bool, words: Phrasing = STANDARD, rules: list[RuleError] = ()) -> Verdict:
    """Name a winner only when every cell has MIN_SEEDS seeds, its seeds' errors all sit below every other's and the
    gap matters; else a tie, and why. A simpler rule in `rules` that beats every seed of every cell is named."""
    part = words.held_out_part if held_out else words.training_part
    ranked = sorted(spreads, key=lambda s: float(np.median(s.maes)))
    best, rest = ranked[0], ranked[1:]
    counts = {len(s.maes) for s in spreads}
    if len(counts) == 1:
        medians = ", ".join(f"{s.name} {number(float(np.median(s.maes)))}" for s in ranked)
        seeds = str(len(best.maes))
    else:  # each cell's own count: a median of 2 seeds is not one of 5
        medians = ", ".join(f"{s.name} {number(float(np.median(s.maes)))} ({seeds_of(len(s.maes))})" for s in ranked)
        seeds = f"{min(counts)} to {max(counts)}"
    said = words.seeds_said.format(seeds=seeds, part=part, medians=medians, copying=number(naive.mae))
    beaten = simpler_rule_beats_all(spreads, rules)
    text, outcome = _judge(best, rest, naive)
    few = [s for s in spreads if len(s.maes) < MIN_SEEDS]
    if few:
        has = ", ".join(f"{s.name} has {len(s.maes)}" for s in few)
        text = f"Too few seeds to name a winner: each cell needs at least {MIN_SEEDS} finished seeds, and {has}."
        outcome = TOO_FEW
    if beaten is not None:
        text += f" {_capital(beaten.name)} ({number(beaten.mae)}) beats every seed of {_cells(len(spreads))}."
        outcome = outcome if outcome in (WORSE, TOO_FEW) else SIMPLER
    return Verdict(f"{said} {text}".strip(), outcome)


def _judge(best: Spread, rest: list[Spread], naive: Errors) -> tuple[str, str]:
    if not any(beats_copying(float(np.median(s.maes)), naive.mae) for s in [best, *rest]):
        return "None of them beats copying the last value, so none wins.", WORSE
    if not rest:
        return "", EVEN
    runner = rest[0]
    tied = [s for s in rest if s.maes.min() <= best.maes.max()]  # a seed of theirs does as well as one of the best's
    gap = float(np.median(runner.maes) - np.median(best.maes))
    if tied:
        return _tie([best, *tied], [s for s in rest if s not in tied], naive), EVEN
    if gap < MATTERS * naive.mae:
        return (
            f"A tie: {best.name} is ahead on every seed, but by {number(gap)}, less than {MATTERS:.0%} of what copying "
            "the last value is off by: too small to matter.",
            EVEN,
        )
    return f"{best.name} wins: every one of its seeds beats every seed of the others.", BETTER


def simpler_rule_beats_all(spreads: list[Spread], rules: list[RuleError]) -> RuleError | None:
    """The best of `rules` when it beats every seed of every cell by the one rule (lower by more than EVEN_SHARE), else
    None."""
    best = min(rules, key=lambda r: r.mae, default=None)
    if best is None or not all(beats_copying(best.mae, float(s.maes.min())) for s in spreads):
        return None
    return best


def seeds_beating(maes, rule_mae: float) -> int:
    """How many seeds (MAE `(seeds,)`) beat a rule by the one rule, as each seed's own verdict would say."""
    return sum(beats_copying(float(m), rule_mae) for m in np.asarray(maes, dtype=float))


def seeds_beaten_by(maes, rule_mae: float) -> int:
    """How many seeds (MAE `(seeds,)`) a simpler rule beats by the one rule."""
    return sum(beats_copying(rule_mae, float(m)) for m in np.asarray(maes, dtype=float))


def seeds_of(n: int) -> str:
    return f"{n} seed{'' if n == 1 else 's'}"


def _cells(n: int) -> str:
    return {1: "the cell", 2: "both cells", 3: "all three cells"}.get(n, f"all {n} cells")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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
