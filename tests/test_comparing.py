import dataclasses

import numpy as np
from helpers import rule_result

import seqcore
from seqcore.baselines import MEAN, NAIVE
from seqcore.comparing import MIN_SEEDS, TOO_FEW, RuleError, Spread, compare, seeds_beaten_by, seeds_beating, simpler_rule_beats_all
from seqcore.evaluation import MODEL, Errors, evaluate
from seqcore.verdicts import BETTER, EVEN, SIMPLER, WORSE, Phrasing

NAIVE_ERRORS = Errors(1.0, 1.0, 4)


def seeds(*maes: float) -> np.ndarray:
    return np.array(maes)


def test_overlapping_seeds_are_a_tie():
    said = compare([Spread("LSTM", seeds(0.2, 0.3, 0.4, 0.45, 0.5)), Spread("GRU", seeds(0.3, 0.4, 0.5, 0.55, 0.6))], NAIVE_ERRORS, True)
    assert "A tie" in said.text and said.outcome == EVEN


def test_a_tie_of_two_names_them_and_the_cell_behind_both_on_every_seed():
    spreads = [
        Spread("LSTM", seeds(3.5, 3.6, 3.7, 3.8, 3.9)),
        Spread("GRU", seeds(3.6, 3.65, 3.7, 3.75, 3.8)),
        Spread("SimpleRNN", seeds(4.8, 5.0, 6.0, 7.0, 8.0)),
    ]
    said = compare(spreads, Errors(4.92, 4.92, 30), True)
    assert said.outcome == EVEN
    assert "A tie between LSTM and GRU" in said.text or "A tie between GRU and LSTM" in said.text, said.text
    assert "SimpleRNN is behind them on every seed; SimpleRNN does not beat copying the last value." in said.text


def test_a_separate_but_tiny_gap_is_a_tie():
    spreads = [Spread("SimpleRNN", seeds(0.001, 0.0012, 0.0015, 0.0018, 0.002)), Spread("LSTM", seeds(0.01, 0.012, 0.015, 0.018, 0.02))]
    said = compare(spreads, NAIVE_ERRORS, False)
    assert "A tie" in said.text and "too small to matter" in said.text


def test_a_clear_winner_is_named():
    said = compare([Spread("GRU", seeds(0.1, 0.12, 0.15, 0.18, 0.2)), Spread("LSTM", seeds(0.5, 0.55, 0.6, 0.65, 0.7))], NAIVE_ERRORS, True)
    assert said.outcome == BETTER and "GRU wins" in said.text


def test_nobody_wins_when_all_lose_to_copying():
    said = compare([Spread("GRU", seeds(1.5, 1.6, 1.7, 1.8, 2.0)), Spread("LSTM", seeds(3.0, 3.2, 3.5, 3.8, 4.0))], NAIVE_ERRORS, True)
    assert said.outcome == WORSE and "none wins" in said.text


def test_within_a_tenth_of_copying_is_no_win_for_anyone():
    # every seed lower than copying, but by less than the verdict's 10 %: the verdict says "no better than copying"
    said = compare([Spread("GRU", seeds(0.92, 0.93, 0.94, 0.95, 0.96)), Spread("LSTM", seeds(1.2, 1.3, 1.4, 1.5, 1.6))], NAIVE_ERRORS, True)
    assert said.outcome == WORSE and "None of them beats copying the last value" in said.text


def test_a_run_stopped_after_two_seeds_names_no_winner():
    # two seeds each, every GRU seed ahead: by chance 1 time in 6, so no winner
    spreads = [Spread("GRU", seeds(0.1, 0.2)), Spread("LSTM", seeds(0.5, 0.7))]
    said = compare(spreads, NAIVE_ERRORS, True)
    assert said.outcome == TOO_FEW and "wins" not in said.text
    assert f"Too few seeds to name a winner: each cell needs at least {MIN_SEEDS} finished seeds, and GRU has 2, LSTM has 2." in said.text


def test_each_cells_seed_count_is_named_when_they_differ():
    spreads = [
        Spread("LSTM", seeds(0.1, 0.12, 0.15, 0.18, 0.2)),
        Spread("GRU", seeds(0.5, 0.55, 0.6, 0.65, 0.7)),
        Spread("SimpleRNN", seeds(0.6, 0.7)),
    ]
    said = compare(spreads, NAIVE_ERRORS, True)
    assert said.text.startswith(
        "Median error over 2 to 5 seeds on the held-out windows: LSTM 0.15 (5 seeds), GRU 0.6 (5 seeds), SimpleRNN 0.65 (2 seeds)"
    )
    assert said.outcome == TOO_FEW and "SimpleRNN has 2." in said.text and "LSTM has" not in said.text
    equal = compare(spreads[:2], NAIVE_ERRORS, True)
    assert equal.text.startswith("Median error over 5 seeds on the held-out windows: LSTM 0.15, GRU 0.6;")


# the noisy sine: seasonal naive 5.14 beat every seed of all three cells (6.26 to 6.76); copying 9.72
SINE_SPREADS = [
    Spread("LSTM", seeds(6.26, 6.4, 6.47, 6.55, 6.73)),
    Spread("GRU", seeds(6.3, 6.45, 6.5, 6.6, 6.76)),
    Spread("SimpleRNN", seeds(6.28, 6.5, 6.6, 6.65, 6.7)),
]
SINE_RULES = [RuleError("seasonal naive", 5.14)]


def test_a_simpler_rule_that_beats_every_seed_of_every_cell_is_named():
    said = compare(SINE_SPREADS, Errors(9.72, 9.72, 11), True, rules=SINE_RULES)
    assert "A tie" in said.text and said.text.endswith("Seasonal naive (5.14) beats every seed of all three cells.")
    assert said.outcome == SIMPLER
    assert compare(SINE_SPREADS, Errors(9.72, 9.72, 11), True).outcome == EVEN  # the same seeds, no rules given


def test_a_rule_that_beats_only_some_seeds_is_not_said_to_beat_them_all():
    # 5.7 is lower than the best seed (6.26) but by less than a tenth of it: not beaten by the one rule
    assert simpler_rule_beats_all(SINE_SPREADS, [RuleError("seasonal naive", 5.7)]) is None
    assert simpler_rule_beats_all(SINE_SPREADS, [RuleError("drift", 9.0), RuleError("seasonal naive", 5.14)]).name == "seasonal naive"
    said = compare(SINE_SPREADS, Errors(9.72, 9.72, 11), True, rules=[RuleError("seasonal naive", 5.7)])
    assert "beats every seed" not in said.text and said.outcome == EVEN


def test_seeds_count_by_the_one_rule():
    maes = seeds(0.85, 0.89, 0.9, 0.95, 1.2)
    assert seeds_beating(maes, 1.0) == 2  # copying at 1.0 is beaten by two of them...
    assert np.sum(maes < 1.0) == 4  # ... though four are lower
    assert seeds_beaten_by(maes, 1.0) == 1  # and it beats the last
    assert seeds_beaten_by(seeds(6.26, 6.5, 5.6), 5.14) == 2


def test_the_three_cells_tie_on_the_notebook_ramp(ramp):
    import seqcore
    from seqcore.evaluation import evaluate

    spreads = []
    for cell in ("lstm", "gru", "rnn"):
        scores = [evaluate(seqcore.train(ramp, seqcore.TrainConfig(cell=cell, seed=seed))) for seed in range(MIN_SEEDS)]
        spreads.append(Spread(cell, np.array([s.judged(MODEL).mae for s in scores])))
    said = compare(spreads, scores[0].judged(NAIVE), held_out=False)
    assert "A tie" in said.text, said.text


# a school lesson's words (pages/lab/text.py holds them): the same numbers and outcome, plainer sentences
SCHOOL = Phrasing(
    rules=((MEAN, "always guessing the average"),),
    held_out_part="values they never saw",
    seeds_said="The middle miss of {seeds} tries, on the {part}: {medians}; copying the last value: {copying}.",
)


def test_the_experiment_in_other_words():
    spreads = [Spread("GRU", seeds(0.1, 0.12, 0.15, 0.18, 0.2)), Spread("LSTM", seeds(0.5, 0.55, 0.6, 0.65, 0.7))]
    said = compare(spreads, NAIVE_ERRORS, True, SCHOOL)
    assert said.text.startswith("The middle miss of 5 tries, on the values they never saw: GRU 0.15, LSTM 0.6; copying the last value: 1.")
    assert said.outcome == compare(spreads, NAIVE_ERRORS, True).outcome == BETTER


def ten_seeds(errors, rules):
    from pages.lab.seeds import SeedSpread

    errors = np.asarray(errors, dtype=float)
    return SeedSpread(None, "", errors, errors, (1.0, 2.0, 3.0), rules, "held_out", len(errors))


def test_the_ten_seeds_count_by_the_verdicts_rule_and_say_it():
    from pages.lab.seeds import beating

    # the monthly series: all ten lower than copying (4.97), six of them by less than a tenth
    errors = [4.13, 4.2, 4.4, 4.45, 4.5, 4.6, 4.7, 4.8, 4.85, 4.9]
    assert beating(ten_seeds(errors, {"copying the last value": 4.97})) == (
        "**4 of 10** seeds beat copying the last value by more than 10% of its error."
    )


def test_the_ten_seeds_name_a_simpler_rule_that_beats_them():
    from pages.lab.seeds import beating

    errors = [6.26, 6.3, 6.4, 6.45, 6.47, 6.5, 6.55, 6.6, 6.7, 6.73]
    said = beating(ten_seeds(errors, {"copying the last value": 9.72, "seasonal naive": 5.14}))
    assert said == "**10 of 10** seeds beat copying the last value by more than 10% of its error; seasonal naive (5.14) beats all 10."
    some = beating(ten_seeds([5.5, 5.6, 6.0, 6.5], {"copying the last value": 9.72, "seasonal naive": 5.14}))
    assert some.endswith("; seasonal naive (5.14) beats 2 of them.")
    assert beating(ten_seeds([5.5], {"copying the last value": 9.72, "seasonal naive": 5.14})).endswith("of its error.")


def test_the_ten_seeds_say_when_their_wins_could_be_chance():
    from pages.lab.seeds import beating

    spread = dataclasses.replace(
        ten_seeds([6.26, 6.3, 6.4, 6.45, 6.47, 6.5, 6.55, 6.6, 6.7, 6.73], {"copying the last value": 9.72}), lucky=10, values=11
    )
    assert beating(spread) == (
        "**10 of 10** seeds beat copying the last value by more than 10% of its error, though with 11 values that could be chance "
        "for all of them."
    )
    assert "could be chance for 3 of them." in beating(dataclasses.replace(spread, lucky=3))


def test_the_ten_seeds_count_chance_from_their_held_out_errors():
    from pages.lab.seeds import beating, spread_of

    # models that add the progression's step of 2: on little noise a firm win over copying; on noise of 2, wins that
    # could be chance on 11 values (data seeds 0 and 2), or no win (data seed 1)
    def run(noise, seed):
        return rule_result(seqcore.get_dataset("arithmetic", length=60, noise=noise, seed=seed), step=2.0, val_fraction=0.2, scale=100.0)

    spread = spread_of([run(0.3, 0), run(2.0, 0), run(2.0, 1), run(2.0, 2)], evaluate, [1.0, 2.0, 3.0], asked=4)
    assert (spread.lucky, spread.values) == (2, 11)
    firm = spread_of([run(0.3, 0), run(0.3, 1)], evaluate, [1.0, 2.0, 3.0], asked=2)
    assert (firm.lucky, firm.values) == (0, 0) and "chance" not in beating(firm)
