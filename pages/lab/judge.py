"""Is the run any good? Its verdict against copying the last value, the errors of every simple rule, and how its
forecast's error grows; computed once per run in `seqcore.evaluation`, drawn here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.lab import charts
from pages.lab.runs import remembered
from pages.lab.text import plain
from seqcore import evaluation as scoring
from seqcore.baselines import NAIVE
from seqcore.verdicts import BETTER, EVEN, SIMPLER, WORSE, copying_note, number, verdict

PART_WORDS = {"held_out": "held out", "train": "trained on"}


def evaluation_of(result, run, period: int) -> scoring.Evaluation:
    """The run's evaluation (`period` 0: detected), computed once per run and period."""
    return remembered("evaluation", (run, id(result), period), lambda: scoring.evaluate(result, period or None))


HEADLINES = {
    BETTER: ("green", ":material/check_circle:", "Beats copying the last value"),
    WORSE: ("red", ":material/thumb_down:", "Loses to copying the last value"),
    EVEN: ("orange", ":material/balance:", "No better than copying the last value"),
    SIMPLER: ("orange", ":material/balance:", "Beats copying, but a simpler rule does as well or better"),
}


def show_verdict(evaluation: scoring.Evaluation) -> None:
    """A coloured headline a room can read, and the sentence with the numbers under it (a verdict is not an app error)."""
    said = verdict(evaluation)
    colour, icon, headline = HEADLINES[said.outcome]
    with st.container(border=True, key="verdict"):
        st.markdown(f"#### :{colour}[{icon} {headline}]\n{plain(said.text)}")


def show_copying(result, run, evaluation: scoring.Evaluation) -> None:
    copy = remembered("copying", (run, id(result)), lambda: scoring.copying(result))
    if copy is not None:
        st.warning(plain(copying_note(copy, evaluation.mase)), icon=":material/content_copy:")


def errors_table(evaluation: scoring.Evaluation) -> pd.DataFrame:
    """One row per predictor: MAE and RMSE on the training and held-out windows, and MAE relative to copying."""
    rows = []
    for score in evaluation.scores:
        judged = evaluation.judged(score.name)
        naive = evaluation.judged(NAIVE)
        row = {
            "predictor": evaluation.model if score.name == scoring.MODEL else score.name,
            "what it does": score.description,
            "MAE, trained on": score.train.mae if score.train else None,
            "RMSE, trained on": score.train.rmse if score.train else None,
        }
        if evaluation.n_held_out:
            row |= {
                "MAE, held out": score.held_out.mae if score.held_out else None,
                "RMSE, held out": score.held_out.rmse if score.held_out else None,
            }
        row["÷ copying (MASE)"] = judged.mae / naive.mae if judged and naive.mae else None
        rows.append(row)
    return pd.DataFrame(rows)


def show_errors(evaluation: scoring.Evaluation) -> None:
    # a static table: it wraps its text, where a scrolling one would hide the last columns on a 1280-pixel screen
    table = errors_table(evaluation).set_index("predictor")
    st.table(table.map(lambda v: v if isinstance(v, str) else "–" if v is None or v != v else number(v)))
    period = (
        f"Period for the seasonal rule: {evaluation.period} steps."
        if evaluation.period
        else "No repeating period was found, so no seasonal rule."
    )
    st.caption(
        "MAE: the average miss in the series' units. RMSE weighs big misses more. MASE below 1 beats copying the last value. " + period
    )


def show_steps_ahead(result, run) -> None:
    steps = remembered("steps_ahead", (run, id(result)), lambda: scoring.errors_by_steps_ahead(result))
    if steps is None:
        st.caption("Hold out some data (Held-out share in the sidebar) to see how the forecast's error grows with each step ahead.")
        return
    st.plotly_chart(remembered("steps_figure", (run, id(result)), lambda: charts.steps_figure(steps)), width="stretch", key="steps_chart")
    few = f" Only {steps.origins} forecasts fit in the held-out part, so the curve is rough." if steps.origins < 10 else ""
    st.caption(
        f"From each of {steps.origins} starts in the held-out part, the model forecasts {len(steps.model)} steps, feeding each "
        f"guess back in. One step ahead it is off by {number(steps.model[0])} on average, {len(steps.model)} steps ahead by "
        f"{number(steps.model[-1])}. After the first step its own guesses are its inputs, so their errors can add up.{few}"
    )
