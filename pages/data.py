"""Data page: the series, and the windows the model will actually see, raw beside scaled."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import seqcore
from pages.lab import charts, projector
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import words
from seqcore.scaling import scaled as seen_by_network


def windows_table(series: pd.Series, config: seqcore.TrainConfig) -> pd.DataFrame:
    """One row per (window -> target) pair: raw values, scaled values, and train or validation (in this tab's words)."""
    from seqcore.windows import split_index

    said = words()
    x, y = seqcore.make_windows(series.to_numpy(), config.window)
    n_train = split_index(len(y), config.val_fraction)
    raw = [", ".join(f"{v:g}" for v in row) for row in x[:, :, 0]]
    scaled = [", ".join(f"{v:.4g}" for v in row) for row in seen_by_network(x[:, :, 0], config)]
    return pd.DataFrame(
        {
            "input window": raw,
            "target": y,
            said.scaled_window: scaled,
            said.scaled_target: seen_by_network(y, config),
            "part": [said.data_parts["train" if i < n_train else "held_out"] for i in range(len(y))],
        }
    )


def page() -> None:
    settings = settings_sidebar()
    st.title("The data the model learns from")
    st.caption("The same series and settings as the Train page; change them in the sidebar.")
    show_problems(settings)
    if settings.series is None:
        return
    series = settings.series
    left, right = st.columns([3, 1])
    projector.chart(left, charts.series_figure(series, settings.label), key="series_chart")
    frame = pd.DataFrame({"value": series.to_numpy()}).rename_axis("position")
    if "time" in series.attrs:
        frame.insert(0, series.attrs["time"], series.index)
    right.dataframe(frame, height=min(38 + 35 * len(series), 340), width="stretch")
    if settings.config is None or settings.errors:
        return
    config = settings.config
    table = windows_table(series, config)
    samples = len(table)
    st.subheader("Windows: what goes in, what should come out")
    st.markdown(
        f"Each window of **{config.window}** consecutive values is one input; the value right after it is its target. "
        f"This series gives **{samples}** windows, so the model's input array has shape "
        f"**({samples}, {config.window}, 1)**: *(samples, timesteps, features)*, one feature per timestep."
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * samples, 420),
                 column_config={"target": st.column_config.NumberColumn(format="%g"),
                                words().scaled_target: st.column_config.NumberColumn(format="%.4g")})  # fmt: skip
    how = f"(raw − {config.offset:g}) ÷ {config.scale:g}" if config.offset else f"raw ÷ {config.scale:g}"
    held = words().data_held_out.format(share=f"{config.val_fraction:.0%}") if config.val_fraction else ""
    st.caption(f"Scaled = {how}. Networks learn best on small numbers; predictions are turned back the same way.{held}")


page()
