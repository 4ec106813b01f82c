"""Watch it learn: a finished or stored run's training played back from its snapshots, in the browser."""

from __future__ import annotations

import streamlit as st

from pages.lab import charts_inside
from pages.lab.runs import remembered, snapshots_of
from seqcore.evaluation import baseline_losses
from seqcore.replay import replay
from seqcore.snapshots import MAX_BYTES, TARGET_COUNT, snapshot_count, weight_count

CLASS_SPEED_SECONDS = charts_inside.PLAY_SECONDS["Play"]  # a live training at "class speed" lasts as long as a replay


def replay_of(result, run):
    return remembered("replay", (run, id(result)), lambda: replay(result, snapshots_of(result, run)))


def chosen_frame(run, default: int) -> int:
    """The replay frame a user last chose for this run (on the Train page's replay or the Learn page), else `default`."""
    shared = st.session_state.get("replay_frame")
    return shared[1] if shared is not None and shared[0] == run else default


def choose_frame(run, index: int) -> None:
    st.session_state.replay_frame = (run, index)


def replay_section(result, run) -> None:
    st.subheader("Watch it learn", anchor="watch-it-learn")
    # built only when asked for: a class's thirty result pages would otherwise each build a 60-frame figure
    # (BENCHMARKS.md, "A class at once")
    # the switch stays as it was when you come back from another page (a widget's own state would not)
    st.session_state.setdefault("replay_open", st.session_state.get("replay_kept_open", False))
    st.session_state.replay_kept_open = st.toggle(
        "Replay the training",
        key="replay_open",
        help="Play the training back: the loss, the guesses and the next value as they were at about 60 moments of it.",
    )
    if not st.session_state.replay_kept_open:
        return
    played = replay_of(result, run)
    if played is None:
        why = (
            "this model is too large to keep snapshots of its weights (fewer units or layers make one that does)"
            if snapshot_count(result.config.epochs, weight_count(result.weights)) == 0
            else "this run was saved before replays existed, or was cut off before its snapshots reached the server"
        )
        st.info(f"No replay for this run: {why}.", icon=":material/history_toggle_off:")
        return
    frames = played.frames
    start = min(chosen_frame(run, 0), len(frames) - 1)
    levels = remembered("levels", (run, id(result)), lambda: baseline_losses(result))
    large = bool(st.session_state.get("large_text"))
    figure = remembered(
        "replay_figure",
        (run, id(result), start, large),
        lambda: charts_inside.replay_figure(played, result.config.epochs, start, levels.train, large=large),
    )
    st.plotly_chart(figure, width="stretch", key="replay_chart", config={"displayModeBar": False})
    recent = ", ".join(f"{v:g}" for v in played.recent)
    kept = f"{len(frames)} moments of the training, epoch 0 (before any learning) to {frames[-1].epoch}"
    left_out = f"; {played.skipped} more were kept but left out to keep this quick" if played.skipped else ""
    kept_all = len(snapshots_of(result, run))
    if kept_all < min(TARGET_COUNT, result.config.epochs + 1) and kept_all == snapshot_count(
        result.config.epochs, weight_count(result.weights)
    ):
        left_out += (
            f" (a model with {weight_count(result.weights):,} weights keeps only {kept_all}, to stay within {MAX_BYTES // 2**20} MB a run)"
        )
    st.caption(
        "Press **Play** (or Slow, Fast; ◀ ▶ step one moment). Blue dots: the model's guess for each value; "
        f"the star: its next value after {recent}. "
        f"Dashed: copying the last value's loss. Below: the memory of its most active units while it reads {recent} "
        f"(orange below 0, blue above). The replay shows {kept}, closer together early on, where learning is fastest{left_out}."
    )
