"""The errors table: the model, every simple rule and any classical forecaster, on the windows it trained on and the
ones held out, in the series' units."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.lab.text import PERIOD_BOX, Words, rule, words
from seqcore import evaluation as scoring
from seqcore.baselines import NAIVE
from seqcore.verdicts import number


def errors_table(evaluation: scoring.Evaluation, said: Words | None = None) -> pd.DataFrame:
    """One row per predictor (the model, the rules, any classical forecaster): MAE and RMSE on the training and held-out
    windows, then on the judged part the relative MAE (÷ copying), MASE and, with a period, seasonal MASE. Headers in
    `said` (this tab's words by default), which may leave the RMSE and MASE out."""
    said = said or words()
    column = said.error_columns
    rows = []
    for score in evaluation.scores:
        judged = evaluation.judged(score.name)
        naive = evaluation.judged(NAIVE)
        named = rule(score.name, score.description, said)
        cells = [
            (column.predictor, evaluation.model if score.name == scoring.MODEL else named.name),
            (column.description, score.description if score.name == scoring.MODEL else named.description),
            (column.mae_train, score.train.mae if score.train else None),
            (column.rmse_train, score.train.rmse if score.train else None),
        ]
        if evaluation.n_held_out:
            cells += [
                (column.mae_held_out, score.held_out.mae if score.held_out else None),
                (column.rmse_held_out, score.held_out.rmse if score.held_out else None),
            ]
        cells += [
            (column.ratio, judged.mae / naive.mae if judged and naive.mae else None),
            (column.mase, evaluation.mase(score.name)),
        ]
        if evaluation.seasonal_scale is not None:
            cells.append((column.seasonal_mase, evaluation.seasonal_mase(score.name)))
        rows.append({header: value for header, value in cells if header is not None})
    return pd.DataFrame(rows)


def show_errors(evaluation: scoring.Evaluation) -> None:
    # a static table: it wraps its text, where a scrolling one would hide the last columns on a 1280-pixel screen
    said = words()
    table = errors_table(evaluation, said).set_index(said.error_columns.predictor)
    if st.session_state.get("large_text"):
        # a projector's Large text fits the table in its column only without the RMSE columns (the caption keeps MAE's
        # meaning; RMSE is one click away, with Large text off)
        table = table.drop(columns=[c for c in (said.error_columns.rmse_train, said.error_columns.rmse_held_out) if c in table])
    st.table(table.map(lambda v: v if isinstance(v, str) else "–" if v is None or v != v else number(v)))
    st.caption(errors_caption(evaluation, said))


def errors_caption(evaluation: scoring.Evaluation, said: Words | None = None) -> str:
    """What the table's columns mean, and the period the seasonal rule uses (or where to set one when none was found)."""
    said = said or words()
    period = said.period_found.format(period=evaluation.period) if evaluation.period else said.no_period.format(box=PERIOD_BOX)
    return f"{said.errors_caption.format(part=said.parts[evaluation.part])} {period}"
