"""Figures for watching a training again and looking inside the cell: the replay animation, the gate heatmaps and the
bars of what each input step contributes. The replay plays in the browser (Plotly frames), with no reruns."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pages.lab.charts import ACTUAL, FORECAST, NAIVE, TRAIN, _layout, _mode
from seqcore.timeaxis import after_end, axis_title, times

GATE_TITLES = {
    "lstm": {"input": "input gate i", "forget": "forget gate f", "candidate": "candidate g", "output": "output gate o"},
    "gru": {"update": "update gate z", "reset": "reset gate r", "candidate": "candidate h̃"},
    "rnn": {},
}
STATE_TITLES = {"cell": "cell state c (memory)", "hidden": "hidden state h (output)"}
STATE_COLOURS = [[0, "#D55E00"], [0.5, "#FFFFFF"], [1, TRAIN]]  # -1 orange, 0 white, +1 blue
CELL_TEXT_UP_TO = 12 * 12  # cells per heatmap that still fit their number in legible type


def replay_figure(replay, total_epochs: int, start: int = 0, copying: float | None = None) -> go.Figure:
    """The loss curve with a marker at the frame's epoch, and the guesses over the series with the next value, per frame.
    Every control works in the browser (no rerun, so nothing jumps back): Play at three speeds (16, 8 and 4 s for the
    whole training), Pause, a step back and forward, and a slider over the kept epochs.

    Below them, the memory (hidden state) of the model's most active units while it reads the window behind the next
    value, so the class sees it form. Plays in the browser: Play / Pause buttons and a slider over the kept epochs.
    `start` is the frame shown first.
    """
    frames = replay.frames
    recent = ", ".join(f"{v:g}" for v in replay.recent)
    after = f"next value after {recent}" if len(recent) <= 12 else "next value"  # a long window would not fit the panel
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.42, 0.58],
        row_heights=[0.64, 0.36],
        horizontal_spacing=0.09,
        vertical_spacing=0.16,
        specs=[[{}, {}], [{"colspan": 2}, None]],
        subplot_titles=("Loss per epoch", "Guesses vs actual", f"Its memory (hidden state) while reading {recent}"),
    )
    losses = [(f.epoch, f.loss) for f in frames if f.loss is not None]
    fig.add_trace(
        go.Scatter(x=[e for e, _ in losses], y=[v for _, v in losses], mode="lines", line={"color": TRAIN, "width": 2}, opacity=0.35),
        row=1,
        col=1,
    )
    values = replay.series.to_numpy()
    xs, guessed_at, next_at = times(replay.series), times(replay.series, replay.positions), after_end(replay.series, 1)[0]
    every = np.concatenate([values, *(f.predicted for f in frames), [f.next_value for f in frames]])
    low, high = np.percentile(every, [1, 99])
    low, high = min(low, values.min()), max(high, values.max())
    pad = (high - low) * 0.08 or 1.0
    reach = max(float(np.abs(f.memory).max()) for f in frames) or 1.0
    step_labels = [
        f"t{len(replay.recent) - replay.memory_steps + t + 1} · {v:.4g}" for t, v in enumerate(replay.recent[-replay.memory_steps :])
    ]
    unit_labels = [f"unit {u + 1}" for u in replay.memory_units]

    def traces(frame) -> list:
        marked = frame if frame.loss is not None else next((f for f in frames if f.loss is not None), frame)
        return [
            go.Scatter(x=[marked.epoch], y=[marked.loss], mode="markers", marker={"color": TRAIN, "size": 16}),
            go.Scatter(x=guessed_at, y=frame.predicted, mode="markers", marker={"color": TRAIN, "size": 11}),
            go.Scatter(
                x=[next_at],
                y=[frame.next_value],
                mode="markers+text",
                marker={"color": FORECAST, "size": 18, "symbol": "star"},
                text=[f"{frame.next_value:.2f}"],
                textposition="top center",
                textfont={"size": 18, "color": FORECAST},
            ),
            # the headline, at a fixed place in the top left corner of the right panel
            go.Scatter(
                x=[xs[0]],
                y=[high + pad * 3.6],
                mode="text",
                text=[f"<b>Epoch {frame.epoch}</b> · {after}: <b>{frame.next_value:.2f}</b>"],
                textposition="bottom right",
                textfont={"size": 19, "color": FORECAST},
            ),
            go.Heatmap(
                z=frame.memory.tolist(),  # plain lists: plotly.js does not decode a 2-D typed array in an animation frame
                x=step_labels,
                y=unit_labels,
                zmin=-reach,
                zmax=reach,
                colorscale=STATE_COLOURS,
                showscale=False,
                hovertemplate="%{y}, step %{x}: %{z:.3f}<extra></extra>",
            ),
        ]

    first = traces(frames[start])
    fig.add_trace(first[0], row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=values, mode=_mode(len(values)), line={"color": ACTUAL, "width": 2}), row=1, col=2)
    for trace in first[1:4]:
        fig.add_trace(trace, row=1, col=2)
    fig.add_trace(first[4], row=2, col=1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    fig.update_xaxes(type="category", row=2, col=1)
    moving = [1, 3, 4, 5, 6]
    fig.frames = [go.Frame(data=traces(f), traces=moving, name=str(i)) for i, f in enumerate(frames)]
    fig.update_yaxes(range=[low - pad, high + pad * 4], row=1, col=2)
    if copying:
        fig.add_hline(y=copying, line={"color": NAIVE, "width": 1.5, "dash": "dash"}, row=1, col=1)
        fig.add_annotation(
            x=total_epochs,
            y=np.log10(copying),
            xref="x",
            yref="y",
            text="copying the last value",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"size": 14, "color": NAIVE},
        )
    fig.update_xaxes(title_text=html.escape(axis_title(replay.series)), row=1, col=2)
    fig.update_xaxes(range=[0, total_epochs + 1], row=1, col=1, title_text="epoch")
    fig.update_yaxes(type="log", exponentformat="power", dtick=1, row=1, col=1)
    fig.update_layout(
        showlegend=False,
        hovermode="closest",
        updatemenus=replay_buttons(len(frames), start),
        sliders=[
            {
                "active": start,
                "x": 0.62,
                "len": 0.38,
                "y": -0.065,
                "yanchor": "top",
                "currentvalue": {"prefix": "Epoch ", "font": {"size": 18}},
                "font": {"size": 13},
                "steps": [{"label": str(f.epoch), "method": "animate", "args": [[str(i)], STILL]} for i, f in enumerate(frames)],
            }
        ],
    )
    # each frame also moves the step buttons, so that ◀ and ▶ always lead to the frames next to the one shown
    for i, frame in enumerate(fig.frames):
        frame.layout = {"updatemenus": replay_buttons(len(frames), i)}
    fig.update_annotations(font={"size": 17})
    fig = _layout(fig, "", "", "", height=760)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 130}, title=None)
    fig.update_yaxes(title_text="loss", row=1, col=1)
    fig.update_yaxes(title_text="value", row=1, col=2)
    return fig


# a heatmap changes only on a redraw (Plotly animates scatter data alone); measured smooth (BENCHMARKS.md)
STILL = {"frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
PLAY_SECONDS = {"▶ Play": 8.0, "Slow": 16.0, "Fast": 4.0}


def replay_buttons(count: int, at: int) -> list[dict]:
    """Play (at three speeds) and Pause; then step back and forward from frame `at`."""

    def play(seconds: float) -> dict:
        duration = max(30, int(1000 * seconds / max(count, 1)))
        return {**STILL, "frame": {"duration": duration, "redraw": True}, "fromcurrent": True}

    common = {"type": "buttons", "direction": "left", "y": -0.11, "yanchor": "top", "pad": {"r": 8, "t": 10}, "font": {"size": 18}}
    plays = [{"label": label, "method": "animate", "args": [None, play(seconds)]} for label, seconds in PLAY_SECONDS.items()]
    return [
        {**common, "x": 0, "xanchor": "left", "buttons": [*plays, {"label": "❚❚ Pause", "method": "animate", "args": [[None], STILL]}]},
        {
            **common,
            "x": 0.49,
            "xanchor": "left",
            "buttons": [
                {"label": "◀", "method": "animate", "args": [[str(max(at - 1, 0))], STILL]},
                {"label": "▶", "method": "animate", "args": [[str(min(at + 1, count - 1))], STILL]},
            ],
        },
    ]


def panels(cell: str) -> list[tuple[str, str]]:
    """What the overview shows for a cell: (kind, name) with kind "gate" or "state", in the order of the arithmetic."""
    gates = [("gate", name) for name in GATE_TITLES[cell]]
    states = [("state", name) for name in ("cell", "hidden") if cell == "lstm" or name == "hidden"]
    return gates + states


def cell_heatmaps(
    layer_pass, cell: str, units: list[int], inputs: list[str], chosen: tuple[int, int] | None = None, first: int = 0
) -> go.Figure:
    """One heatmap per gate and state: rows the `units` shown, columns the timesteps from `first` (labelled by `inputs`,
    one label per timestep shown).

    Gates run 0..1 (white to blue); the candidate -1..1 (orange, white, blue); the states the same colours up to the
    largest state shown (small memories would otherwise all look white). `chosen` (unit, timestep) is outlined in
    every panel, so the detail below can be traced to it.
    """
    shown = panels(cell)
    columns = min(3, len(shown))
    rows = -(-len(shown) // columns)
    titles = [GATE_TITLES[cell].get(name, name) if kind == "gate" else STATE_TITLES[name] for kind, name in shown]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, horizontal_spacing=0.03, vertical_spacing=0.16, shared_yaxes=True)
    steps = len(inputs)
    write = len(units) * steps <= CELL_TEXT_UP_TO
    reach = state_reach(layer_pass, units)
    for index, (kind, name) in enumerate(shown):
        values = (layer_pass.gates[name].value if kind == "gate" else layer_pass.states[name])[first:, units].T  # (units, steps)
        zero_one = kind == "gate" and name != "candidate"
        limit = reach if kind == "state" else 1.0
        fig.add_trace(
            go.Heatmap(
                z=values,
                x=inputs,
                y=[f"unit {u + 1}" for u in units],
                zmin=0 if zero_one else -limit,
                zmax=limit,
                colorscale="Blues" if zero_one else STATE_COLOURS,
                showscale=False,
                text=np.round(values, 2) if write else None,
                texttemplate="%{text}" if write else None,
                textfont={"size": 16},
                hovertemplate="%{y}, step %{x}: %{z:.3f}<extra></extra>",
            ),
            row=index // columns + 1,
            col=index % columns + 1,
        )
        if chosen is not None and chosen[0] in units:
            row = units.index(chosen[0])
            fig.add_shape(
                type="rect",
                x0=chosen[1] - first - 0.5,
                x1=chosen[1] - first + 0.5,
                y0=row - 0.5,
                y1=row + 0.5,
                line={"color": NAIVE, "width": 3},
                row=index // columns + 1,
                col=index % columns + 1,
            )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14})
    fig.update_xaxes(tickfont={"size": 14}, type="category")
    fig.update_annotations(font={"size": 17})
    height = rows * max(220, 34 * len(units) + 90)
    fig = _layout(fig, "", "", "", height=height)
    fig.update_layout(title=None, margin={"l": 10, "r": 10, "t": 40, "b": 10}, hovermode="closest")
    fig.update_xaxes(tickfont={"size": 16})
    fig.update_yaxes(tickfont={"size": 16})
    return fig


def state_reach(layer_pass, units: list[int]) -> float:
    """The largest state value (in size) among the units shown: the end of the states' colour scale."""
    return max(float(np.abs(v[:, units]).max()) for v in layer_pass.states.values()) or 1.0


def contribution_figure(inputs: list[str], gradient: np.ndarray) -> go.Figure:
    """One bar per input step: how much the answer moves when that input rises by 1 (series units)."""
    colours = [TRAIN if g >= 0 else "#D55E00" for g in gradient]
    fig = go.Figure(
        go.Bar(
            x=inputs,
            y=gradient,
            marker_color=colours,
            text=[f"{g:+.2f}" for g in gradient],
            textposition="outside",
            textfont={"size": 16},
            hovertemplate="step %{x}: %{y:+.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    top = float(np.abs(gradient).max()) if len(gradient) else 1.0
    fig.update_yaxes(range=[min(0.0, float(gradient.min())) - 0.25 * top, max(0.0, float(gradient.max())) + 0.25 * top])
    fig.update_layout(showlegend=False, hovermode="closest")
    return _layout(fig, "How much the answer moves per +1 in each input", "input step (its value)", "change in the answer", height=320)
