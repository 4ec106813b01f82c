"""How stable is the verdict from seed to seed on the generated series, at each length (and so each number of held-out
values)? For issue 19: with 11 held-out values the random walk's verdict said "even" for 7 seeds and "worse" for 3.

Run: .venv/bin/python bench/bench_verdict_stability.py [--lengths 60,120,200] [--seeds 10] [--data-seeds 0] [--hold-out 0.3]
(a few minutes on a loaded 2-core machine). Each setting trains the dashboard's defaults (the notebook's LSTM(30),
500 epochs, window 3, with the held-out share and scaling the sidebar gives the series) once per model seed, then
prints per setting and data seed: how many seeds got each verdict outcome (better / simpler / even / chance / worse), how many
of them beat copying by the one rule, how many of the model-vs-copying differences (and model-vs-best-rule, when a rule
other than copying is best) the paired test calls "could be chance", and the spread of the model's held-out error
beside the simple rules'; then, per setting, on how many data seeds all model seeds agree.
"""

import argparse
import dataclasses
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import seqcore  # noqa: E402
from seqcore.baselines import NAIVE  # noqa: E402
from seqcore.evaluation import MODEL, evaluate  # noqa: E402
from seqcore.scaling import fit_scaling  # noqa: E402
from seqcore.significance import chance  # noqa: E402
from seqcore.verdicts import BETTER, CHANCE, CLASSICAL, EVEN, SIMPLER, WORSE, beats_copying, verdict  # noqa: E402
from seqcore.windows import default_val_fraction  # noqa: E402

SERIES = ("random_walk", "noisy_sine")
WINS = (BETTER, SIMPLER, CLASSICAL)  # the verdicts that say the model beats copying
OUTCOMES = (BETTER, SIMPLER, CLASSICAL, EVEN, CHANCE, WORSE)  # the order counts are printed in


def dashboard_config(series, hold_out: float | None) -> seqcore.TrainConfig:
    """What the sidebar starts with for a generated series: the notebook's config, its held-out share (or `hold_out`)
    and scaling."""
    window = seqcore.TrainConfig().window
    val_fraction = default_val_fraction(series, window) if hold_out is None else hold_out
    fit = fit_scaling(series, window, val_fraction)
    return seqcore.TrainConfig(val_fraction=val_fraction, scale=fit.scale, offset=fit.offset)


@dataclass(frozen=True)
class Setting:
    """One series at one length (and held-out share), judged over model seeds 0..seeds-1."""

    name: str
    length: int
    hold_out: float | None

    def __str__(self) -> str:
        share = "" if self.hold_out is None else f", held-out share {self.hold_out:g}"
        return f"{self.name} length {self.length}{share}"


@dataclass(frozen=True)
class Outcomes:
    """What the model seeds' verdicts said on one data seed."""

    outcomes: Counter
    chance: int  # seeds whose model-vs-copying difference could be chance (or too few values to tell)

    def agree(self) -> bool:
        return len(self.outcomes) == 1

    def win_agrees(self) -> bool:
        """Whether every seed's verdict tells the same on "does it beat copying?" (better, simpler or classical)."""
        wins = sum(n for outcome, n in self.outcomes.items() if outcome in WINS)
        return wins in (0, sum(self.outcomes.values()))

    def chance_agrees(self) -> bool:
        return self.chance in (0, sum(self.outcomes.values()))


def measure(setting: Setting, data_seed: int, seeds: int) -> Outcomes:
    series = seqcore.get_dataset(setting.name, length=setting.length, seed=data_seed)
    config = dashboard_config(series, setting.hold_out)
    outcomes, beats, chances, rule_chances, maes = Counter(), 0, 0, 0, []
    start = time.perf_counter()
    for seed in range(seeds):
        result = seqcore.train(series, dataclasses.replace(config, seed=seed), snapshots=False)
        judged = evaluate(result)
        outcomes[verdict(judged).outcome] += 1
        model, naive = judged.judged(MODEL).mae, judged.judged(NAIVE).mae
        beats += beats_copying(model, naive)
        said = chance(judged, MODEL, NAIVE)
        chances += said is None or said.could_be_chance
        best = judged.best_rule()
        if best.name != NAIVE:
            against_rule = chance(judged, MODEL, best.name)
            rule_chances += against_rule is None or against_rule.could_be_chance
        maes.append(model)
    counts = ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items(), key=lambda item: (OUTCOMES + (item[0],)).index(item[0])))
    rule = f" (vs {best.name}: {rule_chances}/{seeds})" if best.name != NAIVE else ""
    print(
        f"{setting} (data seed {data_seed}, {judged.n_held_out} held out): {counts}; beat copying {beats}/{seeds}; "
        f"could be chance {chances}/{seeds}{rule}; model MAE median {np.median(maes):.3g} [{min(maes):.3g}-{max(maes):.3g}], "
        f"copying {naive:.3g}, best rule {best.name} {judged.judged(best.name).mae:.3g} ({time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    return Outcomes(outcomes, chances)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="60,120,200")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--data-seeds", default="0")
    parser.add_argument("--series", default=",".join(SERIES))
    parser.add_argument("--hold-out", type=float, default=None, help="held-out share in place of the default")
    args = parser.parse_args()
    data_seeds = [int(s) for s in args.data_seeds.split(",")]
    summary = {}
    for name in args.series.split(","):
        for length in (int(n) for n in args.lengths.split(",")):
            setting = Setting(name, length, args.hold_out)
            summary[setting] = [measure(setting, data_seed, args.seeds) for data_seed in data_seeds]
    print(f"\nOf {len(data_seeds)} data seeds, how many have all {args.seeds} model seeds agreeing:")
    for setting, found in summary.items():
        agree, wins, chances = (sum(f.agree() for f in found), sum(f.win_agrees() for f in found), sum(f.chance_agrees() for f in found))
        print(f"{setting}: on the verdict's outcome {agree}; on whether it beats copying {wins}; on 'could be chance' {chances}")


if __name__ == "__main__":
    main()
