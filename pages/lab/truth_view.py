"""Beside the next value on the Train page: the true next value where it is known, and a model that answers the same
for every window called out."""

from __future__ import annotations

import streamlit as st

from pages.lab.lesson import Wording
from pages.lab.runs import remembered
from pages.lab.text import plain, words
from seqcore.flatness import flat_note
from seqcore.truth import Distances, distances_for
from seqcore.verdicts import EVEN_SHARE, beats_copying

# the headline above the truth's sentence, by wording: (colour, icon, words) for a model nearer the truth than copying,
# for one that is not, and for a series whose next value nobody can know
HEADLINES = {
    Wording.STANDARD: {
        "closer": ("green", ":material/my_location:", "Closer to the true next value than copying"),
        "even": ("orange", ":material/balance:", "About as far from the true next value as copying"),
        "further": ("red", ":material/wrong_location:", "Further from the true next value than copying"),
        "unknown": ("blue", ":material/casino:", "Nobody can know this next value"),
    },
    Wording.SCHOOL: {
        "closer": ("green", ":material/my_location:", "Closer to the right answer than copying"),
        "even": ("orange", ":material/balance:", "About as far from the right answer as copying"),
        "further": ("red", ":material/wrong_location:", "Wrong: further from the right answer than copying"),
        "unknown": ("blue", ":material/casino:", "Nobody can know this next value"),
    },
}
FLAT_TAIL = {
    Wording.STANDARD: " It has not learned how the next value depends on the window: its average miss can still look "
    "fine, because the values sit around its answers.",
    Wording.SCHOOL: " It has not learned how the values go on: it gives one answer for everything, and that answer sits "
    "in the middle of the values, so its average miss can still look fine.",
}


def outcome(distances: Distances) -> str:
    """Which headline: by the verdict's one rule for "beats copying", applied to the distances from the truth."""
    if not distances.truth.known:
        return "unknown"
    if beats_copying(distances.model_off, distances.copying_off):
        return "closer"
    return "even" if distances.model_off <= distances.copying_off * (1 + EVEN_SHARE) else "further"


def show_truth(result, window_values, prediction: float | None) -> None:
    """The truth's sentence when `window_values` is the series' own last window and its next value is known (an edited
    window has no known answer: nothing then), and the flat-model warning whatever the window.

    With nothing held out the verdict below judges by the same sentence (seqcore.verdicts), so it is not said twice."""
    wording = words().wording
    distances = distances_for(result, window_values, prediction) if prediction is not None else None
    held_out = result.n_train < len(result.series) - result.config.window
    if distances is not None and (held_out or not distances.truth.known):
        colour, icon, headline = HEADLINES[wording][outcome(distances)]
        with st.container(border=True, key="truth"):
            st.markdown(f"#### :{colour}[{icon} {headline}]\n{plain(distances.text)}")
    # the run's one-step answers once per run, not at every widget change's rerun
    note = remembered("flat_note", (id(result),), lambda: flat_note(result))
    if note is not None:
        st.warning(plain(note) + FLAT_TAIL[wording], icon=":material/horizontal_rule:")
