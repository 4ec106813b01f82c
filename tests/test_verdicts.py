import pytest

import seqcore
from seqcore.baselines import MEAN, NAIVE
from seqcore.evaluation import MODEL, Errors, Evaluation, Score, evaluate
from seqcore.truth import distances_for
from seqcore.verdicts import BETTER, CHANCE, CLASSICAL, EVEN, SIMPLER, UNTESTED, WORSE, Phrasing, verdict


def evaluation(model: float, naive: float, mean: float = 1e9, held_out: int = 12, unit: str = "year") -> Evaluation:
    def score(name, mae):
        e = Errors(mae, mae, held_out or 4)
        return Score(name, name, e, e if held_out else None)

    return Evaluation("LSTM", (score(MODEL, model), score(NAIVE, naive), score(MEAN, mean)), 40, held_out, None, unit)


def test_the_verdict_in_the_series_units():
    said = verdict(evaluation(14.2, 24.0))
    assert said.text == (
        "On the 12 years it never trained on, the LSTM is off by 14.2 on average; copying the last value is off by 24: "
        "the LSTM is 1.7× better."
    )
    assert said.outcome == BETTER


def test_a_model_that_loses_says_so():
    said = verdict(evaluation(3.3, 0.9, unit="value"))
    assert "the LSTM is 3.7× worse than copying the last value" in said.text
    assert said.outcome == WORSE


def test_close_errors_are_called_even():
    assert verdict(evaluation(0.95, 1.0)).outcome == EVEN


def test_training_errors_are_flagged_as_flattering():
    said = verdict(evaluation(0.0017, 1.0, held_out=0, unit="value"))
    assert said.text.startswith("On the 4 values it trained on (none are held out, so this flatters it)")
    assert "588× better" in said.text


def test_a_simpler_rule_that_wins_is_named():
    said = verdict(evaluation(5.0, 10.0, mean=2.0))
    assert "A simpler rule does better still: training mean" in said.text
    assert said.outcome == SIMPLER


def test_a_simpler_rule_about_as_good_takes_the_win_away():
    # the Nile: the model beats copying (106 against 129), but the training mean is off by 103
    said = verdict(evaluation(106.0, 129.0, mean=103.0))
    assert "the LSTM is 1.2× better" in said.text and "A simpler rule does about as well: training mean" in said.text
    assert said.outcome == SIMPLER


@pytest.mark.parametrize("model", [0.5, 2.0])
def test_the_verdict_never_claims_more_than_the_ratio(model):
    said = verdict(evaluation(model, 1.0, unit="value"))
    assert "2.0×" in said.text


def test_the_copying_note_gives_both_distances_and_whether_it_pays():
    from seqcore.evaluation import Copying
    from seqcore.verdicts import copying_note

    note = copying_note(Copying(0.354, 0.812), relative_mae=1.09)
    assert "off by 0.354" in note and "off by 0.812" in note and "gains little" not in note
    assert "gains little over copying" in copying_note(Copying(60.7, 106), relative_mae=0.82)


# a school lesson's words (pages/lab/text.py holds them): the same verdicts, the same numbers, plainer sentences
SCHOOL = Phrasing(
    unseen="On the {n} it never saw",
    seen="On the {n} it learned from (not tested on new values)",
    rules=((MEAN, "always guessing the average"),),
    held_out_part="values they never saw",
    seeds_said="The middle miss of {seeds} tries, on the {part}: {medians}; copying the last value: {copying}.",
)


def test_a_verdict_in_other_words_keeps_its_numbers_and_outcome():
    standard, plain = verdict(evaluation(5.0, 10.0, mean=2.0)), verdict(evaluation(5.0, 10.0, mean=2.0), SCHOOL)
    assert plain.outcome == standard.outcome == SIMPLER
    assert plain.text == (
        "On the 12 years it never saw, the LSTM is off by 5 on average; copying the last value is off by 10: the LSTM is 2.0× "
        "better. A simpler rule does better still: always guessing the average is off by 2."
    )
    assert "training mean" in standard.text and "training mean" not in plain.text
    unseen = verdict(evaluation(0.0017, 1.0, held_out=0, unit="value"), SCHOOL)
    assert unseen.text.startswith("On the 4 values it learned from (not tested on new values), the LSTM is off by 0.0017")


def test_a_rule_not_in_the_words_keeps_its_name_and_description():
    assert SCHOOL.rule(NAIVE, "copy the last value") == "last value (copy the last value)"


# every wording on a run that produces it: the notebook's ramp has a known next value, 8


def judged_by_the_truth(result):
    last = result.series.to_numpy()[-result.config.window :]
    return verdict(evaluate(result), truth=distances_for(result, last, seqcore.predict_next(result, last)))


def test_a_wrong_answer_on_the_ramp_is_told_so_and_by_how_much(eight_units):
    said = judged_by_the_truth(eight_units)
    assert said.outcome == WORSE
    assert said.text.startswith("The ramp goes on with 8. Your model says 5.88, off by 2.12; copying says 7, off by 1.")
    # the fit to the four training windows follows, but never as a win
    assert "better" not in said.text.replace("does better still", "")


def test_the_notebook_run_is_judged_by_the_true_next_value(notebook_result):
    said = judged_by_the_truth(notebook_result)
    assert said.text.startswith("The ramp goes on with 8. Your model says 8.01")
    # nearer 8 than copying's 7, but the drift rule fits the ramp exactly: no unqualified win
    assert said.outcome == SIMPLER and "A simpler rule does better still: drift" in said.text


def test_with_nothing_held_out_and_no_known_truth_a_good_fit_is_untested(notebook_result):
    said = verdict(evaluate(notebook_result))
    assert said.outcome == UNTESTED
    assert "they cannot tell whether it predicts a value it has not seen" in said.text


def test_too_few_held_out_values_make_a_win_or_a_loss_possibly_chance():
    walk = seqcore.get_dataset("random_walk", length=30)
    result = seqcore.train(walk, seqcore.TrainConfig(units=8, epochs=60, val_fraction=0.3, scale=100.0, offset=100.0))
    said = verdict(evaluate(result))
    assert "Against copying, with 8 values this difference" in said.text
    if "could be chance" in said.text:
        assert said.outcome in (CHANCE, EVEN, SIMPLER, CLASSICAL)
    else:
        assert said.outcome != CHANCE
