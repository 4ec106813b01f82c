"""Is the run any good? Its verdict against copying the last value, the errors of every simple rule, and how its
forecast's error grows; computed once per run in `seqcore.evaluation`, drawn here."""

from __future__ import annotations

import streamlit as st

from pages.lab import charts, classical_jobs
from pages.lab.lesson import Wording
from pages.lab.runs import remembered
from pages.lab.text import plain, words
from seqcore import classical
from seqcore import evaluation as scoring
from seqcore.truth import Distances
from seqcore.verdicts import BETTER, CHANCE, CLASSICAL, EVEN, SIMPLER, UNTESTED, WORSE, copying_note, number, verdict


def evaluation_of(result, run, period: int) -> scoring.Evaluation:
    """The run's evaluation (`period` 0: detected), computed once per run and period, and once more when the classical
    forecasters' fit (in the background) is ready."""
    classical = classical_of(result, period)
    key = (run, id(result), period, classical is not None)
    return remembered("evaluation", key, lambda: scoring.evaluate(result, period or None, classical or ()))


def classical_of(result, period: int):
    """The classical forecasters fitted to the run's training part (the fit starts if it has not), None while fitting."""
    if result.n_train + result.config.window < classical.MIN_VALUES or school():
        # too short to fit: said at once, with no process started for it (the notebook's ramp); a school lesson is about
        # the model against simple rules, and leaves the lecturer's forecasters out as it leaves MASE out
        return []
    return classical_jobs.classical_for(result.series, result.config.window, result.n_train, used_period(result, period))


def school() -> bool:
    return words().wording == Wording.SCHOOL


def used_period(result, period: int) -> int | None:
    return period or remembered("period", (id(result),), lambda: scoring.series_period(result))


def show_classical_fitting(result, period: int) -> None:
    """While the classical forecasters are being fitted, a caption that reruns the page when they are ready; then a
    caption of the same height that names them (so nothing below moves), or says why there are none."""
    args = (result.series, result.config.window, result.n_train, used_period(result, period))
    if school():
        return
    found = classical_of(result, period)
    if found is None:
        classical_jobs.show_fitting(*args)
    elif found:
        names = " and ".join(b.name for b in found)
        st.caption(f"Classical forecasters fitted to the training part: {names}; in the errors table and on the chart below.")
    else:
        st.caption(
            f"No classical forecaster (ETS, ARIMA): they need at least {classical.MIN_VALUES} training values and a series that moves."
        )


HEADLINES = {
    BETTER: ("green", ":material/check_circle:", "Beats copying the last value"),
    WORSE: ("red", ":material/thumb_down:", "Loses to copying the last value"),
    EVEN: ("orange", ":material/balance:", "No better than copying the last value"),
    SIMPLER: ("orange", ":material/balance:", "Beats copying, but a simpler rule does as well or better"),
    CLASSICAL: ("orange", ":material/balance:", "Beats copying, but a classical forecaster does as well or better"),
    # blue, not green: a fit to values it learned from is no success
    UNTESTED: ("blue", ":material/help:", "Untested: nothing was held out to test it on"),
    CHANCE: ("orange", ":material/casino:", "Too few held-out values to tell: the difference could be chance"),
}


FITTING_SENTENCE = "The classical forecasters are being fitted: the best will be named here."
# while the classical forecasters are being fitted, a win over copying is not yet a win: one of them may do as well
PENDING = ("blue", ":material/hourglass_top:", "Beats copying; the classical forecasters are still being fitted")


def show_verdict(evaluation: scoring.Evaluation, truth: Distances | None = None, pending: bool = False) -> None:
    """A coloured headline a room can read, and the sentence with the numbers under it (a verdict is not an app error);
    `truth`: the run's answer after its series against a known next value, which judges when nothing is held out;
    `pending`: the classical forecasters are still being fitted."""
    said = verdict(evaluation, words().verdict, truth)
    colour, icon, headline = PENDING if pending and said.outcome == BETTER else HEADLINES[said.outcome]
    if said.headline:
        headline = f"{headline}: {said.headline}"
    # while they are fitted, their sentence's place is taken by one about them: the box barely grows when they arrive
    text = f"{said.text} {FITTING_SENTENCE}" if pending else said.text
    with st.container(border=True, key="verdict"):
        st.markdown(f"#### :{colour}[{icon} {plain(headline)}]\n{plain(text)}")


def show_copying(result, run, evaluation: scoring.Evaluation) -> None:
    copy = remembered("copying", (run, id(result)), lambda: scoring.copying(result))
    if copy is not None:
        st.warning(plain(copying_note(copy, evaluation.relative_mae)), icon=":material/content_copy:")


def show_steps_ahead(result, run) -> None:
    said = words()
    steps = remembered("steps_ahead", (run, id(result)), lambda: scoring.errors_by_steps_ahead(result))
    if steps is None:
        st.caption(said.steps_none)
        return
    figure = remembered("steps_figure", (run, id(result)), lambda: charts.steps_figure(steps, said))
    st.plotly_chart(figure, width="stretch", key="steps_chart")
    part = said.held_out_part
    few = f" Only {steps.origins} forecasts fit in {part}, so the curve is rough." if steps.origins < 10 else ""
    st.caption(
        f"From each of {steps.origins} starts in {part}, the model forecasts {len(steps.model)} steps, feeding each "
        f"guess back in. One step ahead it is off by {number(steps.model[0])} on average, {len(steps.model)} steps ahead by "
        f"{number(steps.model[-1])}. After the first step its own guesses are its inputs, so their errors can add up.{few}"
    )
