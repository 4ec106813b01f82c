"""Could it be chance? A paired test on two predictors' absolute errors over the same held-out values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

if TYPE_CHECKING:
    from .evaluation import Evaluation

# below this p, a difference is called unlikely to be chance
ALPHA = 0.05
# fewer values than this can never reach ALPHA, even in the exact sign test (2 * 0.5**5 = 0.0625): no test is said
MIN_VALUES = 6
# from this many values on, Diebold-Mariano (with the small-sample correction); below it, the exact sign test
MIN_FOR_DM = 10

DIEBOLD_MARIANO, SIGN = "Diebold-Mariano", "sign test"


@dataclass(frozen=True)
class Chance:
    """How likely a difference in average absolute error this large is if both predictors were equally good: the
    two-sided `p_value` of `method` on `n` paired values."""

    p_value: float
    n: int
    method: str

    @property
    def could_be_chance(self) -> bool:
        return self.p_value >= ALPHA

    def phrase(self) -> str:
        """ "with 11 values this difference could be chance (p = 0.31)", or "… is unlikely to be chance (p = 0.002)"."""
        said = "could be chance" if self.could_be_chance else "is unlikely to be chance"
        return f"with {self.n} values this difference {said} ({p_text(self.p_value)})"


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.1 else f"p = {p:.2f}"


def _differences(errors_a, errors_b) -> np.ndarray:
    """Paired differences of absolute errors `(values,)`, pairs with a missing error left out; differences within
    float rounding of the errors' size count as none (two rules that agree should tie, not differ by 1e-16)."""
    a, b = np.abs(np.asarray(errors_a, dtype=float)), np.abs(np.asarray(errors_b, dtype=float))
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired errors need two arrays of one shape (values,), got {a.shape} and {b.shape}")
    known = np.isfinite(a) & np.isfinite(b)
    d = a[known] - b[known]
    size = max(float(np.max(a[known], initial=0.0)), float(np.max(b[known], initial=0.0)))
    d[np.abs(d) <= 1e-9 * size] = 0.0
    return d


def diebold_mariano(errors_a, errors_b) -> Chance:
    """Diebold-Mariano test of equal mean absolute error for one-step forecasts, with Harvey, Leybourne and Newbold's
    (1997) small-sample correction and a t distribution with n - 1 degrees of freedom; `errors_*` `(values,)`.

    For one step ahead the loss differences' variance needs no autocovariance terms: DM = mean(d) / sqrt(var(d) / n)
    with var the biased (1/n) variance, then multiplied by sqrt((n - 1) / n).
    """
    d = _differences(errors_a, errors_b)
    n = len(d)
    if n < 2:
        raise ValueError(f"Diebold-Mariano needs at least 2 paired values, got {n}")
    mean, variance = float(d.mean()), float(np.mean((d - d.mean()) ** 2))
    if variance == 0:  # every difference the same: none at all, or one that the sign test judges exactly
        return Chance(1.0, n, DIEBOLD_MARIANO) if mean == 0 else sign_test(errors_a, errors_b)
    statistic = mean / math.sqrt(variance / n) * math.sqrt((n - 1) / n)
    return Chance(float(min(1.0, 2 * stats.t.sf(abs(statistic), df=n - 1))), n, DIEBOLD_MARIANO)


def sign_test(errors_a, errors_b) -> Chance:
    """Exact two-sided sign test: how often is one predictor the closer one, against a coin toss; ties are left out,
    `n` counts every pair."""
    d = _differences(errors_a, errors_b)
    wins, untied = int(np.sum(d < 0)), int(np.sum(d != 0))
    if untied == 0:
        return Chance(1.0, len(d), SIGN)
    fewer = min(wins, untied - wins)
    tail = sum(math.comb(untied, k) for k in range(fewer + 1)) / 2**untied
    return Chance(min(1.0, 2 * tail), len(d), SIGN)


def paired_test(errors_a, errors_b) -> Chance | None:
    """The test that suits the number of values: None below MIN_VALUES, the sign test below MIN_FOR_DM, else
    Diebold-Mariano."""
    n = len(_differences(errors_a, errors_b))
    if n < MIN_VALUES:
        return None
    return sign_test(errors_a, errors_b) if n < MIN_FOR_DM else diebold_mariano(errors_a, errors_b)


def chance(evaluation: Evaluation, first: str, second: str) -> Chance | None:
    """Could the difference between predictors `first` and `second` (the model and NAIVE, say) on the held-out windows
    be chance? None when nothing is held out, a predictor kept no guesses, or fewer than MIN_VALUES are held out."""
    if not evaluation.n_held_out or evaluation.actual is None:
        return None
    a, b = evaluation.score(first).predicted, evaluation.score(second).predicted
    if a is None or b is None:
        return None
    held_out = slice(evaluation.n_train, None)
    actual = np.asarray(evaluation.actual, dtype=float)[held_out]
    return paired_test(np.asarray(a, dtype=float)[held_out] - actual, np.asarray(b, dtype=float)[held_out] - actual)
