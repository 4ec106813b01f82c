"""Is it luck? The shown run's settings trained again with ten seeds, and the spread of what they learned."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import streamlit as st

import seqcore
import seqcore.store
from pages.lab import charts, engine, projector
from pages.lab.text import describe, field_error, plain, rule, words
from seqcore import evaluation as scoring
from seqcore.baselines import NAIVE
from seqcore.comparing import seeds_beaten_by, seeds_beating
from seqcore.pool import Preparing, Queued, SeedRun, SeedsOutcome
from seqcore.significance import chance
from seqcore.verdicts import EVEN_SHARE, beats_copying, number

SEEDS = 10
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class SeedSpread:
    """What each seed learned: its error on the judged part (series units) and its next value after `window`."""

    settings: seqcore.TrainConfig  # the settings, seed 0
    series_hash: str
    errors: np.ndarray  # (seeds,)
    predictions: np.ndarray  # (seeds,)
    window: tuple[float, ...]
    rules: dict[str, float]  # the simple rules' errors on the same part: the last value's first
    part: str  # "held_out" or "train"
    asked: int  # how many seeds were asked for
    # of the seeds that beat copying, how many by a difference the paired test says could be chance, on how many values
    lucky: int = 0
    values: int = 0


def unseeded(config: seqcore.TrainConfig) -> seqcore.TrainConfig:
    return dataclasses.replace(config, seed=0)


def spread_of(results, evaluation_of, window, asked: int) -> SeedSpread:
    evaluations = [evaluation_of(r) for r in results]
    first = evaluations[0]
    best = first.best_rule()
    rules = {"copying the last value": first.judged(NAIVE).mae}
    if best.name != NAIVE:
        rules[rule(best.name, best.description).name] = first.judged(best.name).mae  # named in this tab's words
    wins = [chance(e, scoring.MODEL, NAIVE) for e in evaluations if beats_copying(e.judged(scoring.MODEL).mae, e.judged(NAIVE).mae)]
    lucky = [c for c in wins if c is not None and c.could_be_chance]
    return SeedSpread(
        unseeded(results[0].config),
        seqcore.store.series_hash(results[0].series),
        np.array([e.judged(scoring.MODEL).mae for e in evaluations]),
        np.array([seqcore.predict_next(r, window) for r in results]),
        tuple(window),
        rules,
        first.part,
        asked,
        len(lucky),
        lucky[0].n if lucky else 0,
    )


def run_seeds(series, config: seqcore.TrainConfig, seeds: range, progress, doing: str = "", before: int = 0, total: int | None = None):
    """Train `config` once per seed in a worker, saying how far it has got in `progress`; the finished TrainResults,
    or None (after saying why) when fewer than two finished.

    Part of a longer job (the Compare page's experiment), `before` trainings of `total` are done already: the bar then
    moves over the whole job, and never starts again from empty.
    """
    total = total or len(seeds)
    try:
        handle = engine.pool().train_seeds(series, config, seeds)
    except seqcore.InputError as exc:
        st.error(field_error(exc), icon=":material/error:")
        return None
    trained = before
    progress.progress(trained / total, text=f"{doing}Training {len(seeds)} seeds…")
    outcome = None
    try:
        while outcome is None:
            event = handle.next_event(timeout=POLL_SECONDS)
            if isinstance(event, SeedsOutcome):
                outcome = event
            elif isinstance(event, SeedRun):
                trained = before + event.index + 1
                done = f"{doing}Seed {event.index + 1} of {len(seeds)} trained"
                progress.progress(trained / total, text=done + (f" ({trained} of {total} trainings)" if total > len(seeds) else ""))
            elif isinstance(event, Preparing):  # a new model's first seed waits for it: say so, the bar stays where it is
                progress.progress(trained / total, text=f"{doing}{plain(event.text)}")
            elif isinstance(event, Queued):
                waiting = "yours starts next" if event.ahead == 0 else f"{event.ahead} ahead of yours"
                progress.progress(trained / total, text=f"{doing}Waiting for a free training process: {waiting}…")
            st.session_state.get("seed_spread")  # touching session state is where a click ends this run
    finally:
        if outcome is None:
            handle.stop()
    if before + len(seeds) >= total or len(outcome.results) < len(seeds):  # within a longer job, the next part goes on
        progress.empty()
    if outcome.error is not None:
        st.error(field_error(outcome.error), icon=":material/error:")
    if outcome.problem is not None:
        st.error(plain(outcome.problem[:1].upper() + outcome.problem[1:]) + ".", icon=":material/error:")
    return outcome.results if len(outcome.results) >= 2 else None


def train_seeds(result, period: int, progress) -> SeedSpread | None:
    """The run's settings with seeds 0..SEEDS-1, as a spread; None if fewer than two finished."""
    results = run_seeds(result.series, result.config, range(SEEDS), progress)
    if results is None:
        return None
    window = result.series.to_numpy()[-result.config.window :]
    return spread_of(results, lambda r: scoring.evaluate(r, period or None), window, SEEDS)


def seeds_section(result) -> None:
    state = st.session_state
    run = state.get("result_run")
    st.subheader("Is it luck? The same settings with ten seeds")
    spread = state.get("seed_spread")
    current = (
        spread is not None and spread.settings == unseeded(result.config) and spread.series_hash == seqcore.store.series_hash(result.series)
    )
    button, info = st.columns([1, 3], vertical_alignment="center")
    clicked = button.button(
        f"Train with {SEEDS} seeds",
        key="seeds_button",
        width="stretch",
        help="Seeds decide the starting weights. The settings and series stay those of the run shown above, whatever the sidebar says.",
    )
    # whose settings, said plainly: the shown run can be an earlier one than the sidebar's settings
    info.caption(
        f"Trains run {run}'s settings ({plain(describe(result.config)).replace(f', seed {result.config.seed}', '')}) "
        f"on its series with seeds 0 to {SEEDS - 1}. Each seed starts from other random weights: if the results spread "
        "widely, one run proves little."
    )
    if clicked:
        spread = train_seeds(result, int(state.get("period", 0)), st.empty())
        if spread is not None:
            state.seed_spread, current = spread, True
    if not current:
        return
    show_spread(spread)


def beating(spread: SeedSpread) -> str:
    """How many seeds beat copying by the verdict's one rule (and for how many of them the paired test says that could be
    chance), and how many a simpler rule beats when it beats any: "**3 of 10** seeds beat copying the last value by
    more than 10% of its error; seasonal naive (5.14) beats all 10."."""
    trained = len(spread.errors)
    copying, *simpler = spread.rules.items()
    winners = seeds_beating(spread.errors, copying[1])
    said = f"**{winners} of {trained}** seeds beat copying the last value by more than {EVEN_SHARE:.0%} of its error"
    if spread.lucky:
        said += (
            f", though with {spread.values} values that could be chance for {'all' if spread.lucky == winners else spread.lucky} of them"
        )
    for name, mae in simpler:
        beaten = seeds_beaten_by(spread.errors, mae)
        if beaten:
            shown = number(mae) if mae else "exact"
            said += f"; {name} ({shown}) beats {'all' if beaten == trained else beaten} {trained if beaten == trained else 'of them'}"
    return said + "."


def show_spread(spread: SeedSpread) -> None:
    said = words()
    part = said.seeds_error[spread.part]
    trained = len(spread.errors)
    shown = ", ".join(f"{v:g}" for v in spread.window)
    stopped = f" (stopped after {trained} of {spread.asked})" if trained < spread.asked else ""
    st.markdown(
        f"Over **{trained} seeds**{stopped}, the next value after [{plain(shown)}] runs from **{number(spread.predictions.min())}** "
        f"to **{number(spread.predictions.max())}**; the {part} from {number(spread.errors.min())} to "
        f"{number(spread.errors.max())}. {beating(spread)}"  # our own words and numbers: its bold stays bold
    )
    left, right = st.columns(2)
    projector.chart(
        left,
        charts.seeds_figure(spread.errors, said.seeds_title[spread.part], "series units", spread.rules),
        key="seed_errors_chart",
        config={"displayModeBar": False},
    )
    projector.chart(
        right,
        charts.seeds_figure(spread.predictions, f"Next value after [{shown}] of each seed", "next value"),
        key="seed_predictions_chart",
        config={"displayModeBar": False},
    )
