"""Figures for watching a training again and looking inside the cell: the replay animation, the gate heatmaps and the
bars of what each input step contributes. The replay plays in the browser (Plotly frames), with no reruns."""

from __future__ import annotations

import html
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ReplaySizes:
    """The replay's sizes in CSS pixels: a figure that fits a 1280×800 projector (below streamlit's header) with its
    headline and its controls together, and text a room reads (at least 18 px with Large text)."""

    height: int  # the whole figure, headline and controls included
    tick: int  # axis numbers and titles, the memory's unit and value labels
    title: int  # the panels' titles and the note on the loss
    headline: int  # "Epoch N · next value …"
    button: int  # Play, Pause, the steps, and the slider's epochs

    @classmethod
    def for_text(cls, large: bool) -> ReplaySizes:
        return cls(height=700, tick=20, title=20, headline=23, button=20) if large else cls(640, 15, 17, 19, 16)

    @property
    def top(self) -> int:
        """The top margin: the headline, then the panels' titles."""
        return self.headline + self.title + 30

    @property
    def bottom(self) -> int:
        """The bottom margin: the memory's value labels, the buttons, the slider and its epochs."""
        return self.tick + 2 * self.button + 88

    @property
    def plot(self) -> int:
        """The plot area's height (paper coordinates are fractions of it)."""
        return self.height - self.top - self.bottom

    def below(self, px: float) -> float:
        """`px` pixels below the plot area, in paper coordinates."""
        return -px / self.plot


ROWS = (0.5, 0.5)  # the plot area's height: the loss and the guesses, then the memory


def replay_figure(replay, total_epochs: int, start: int = 0, copying: float | None = None, large: bool = False) -> go.Figure:
    """The loss curve with a marker at the frame's epoch, the guesses over the series with the next value, and below
    them the memory (hidden state) of the model's most active units while it reads the window behind the next value,
    one figure per kept epoch (Plotly frames), with a headline naming the epoch and the next value.

    Every control works in the browser (no rerun, so nothing jumps back): Play at three speeds (16, 8 and 4 s for the
    whole training), Pause, a step back and forward, and a slider over the kept epochs. `start` is the frame shown
    first; `large`: text for a projector (ReplaySizes).

    Nothing in it is an image: the memory is a grid of stacked bars, not a heatmap. Each frame is drawn whole (the
    headline and the step buttons change with it), and a heatmap's picture is decoded after such a redraw, so Chromium
    painted that panel blank in most frames; bars are drawn in the same task as the rest and never are.
    """
    size = ReplaySizes.for_text(large)
    frames = replay.frames
    recent = ", ".join(f"{v:g}" for v in replay.recent)
    after = f"next value after {recent}" if len(recent) <= 24 else "next value"  # a long window would not fit one line
    # between the rows: the top row's numbers and axis titles, then the memory's title
    gap = (2 * size.tick + size.title + 52) / size.plot
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.42, 0.58],
        row_heights=list(ROWS),
        horizontal_spacing=0.1,
        vertical_spacing=gap,
        specs=[[{}, {}], [{"colspan": 2}, None]],
        subplot_titles=("Loss per epoch", "Guesses vs actual", f"Memory (hidden state), reading {recent}"),
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
    read = replay.recent[-replay.memory_steps :]
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
                textfont={"size": size.headline - 1, "color": FORECAST},
                cliponaxis=False,  # its number may stand above the panel's top
            ),
            *memory_bars(frame.memory, unit_labels, read),
        ]

    def headline(frame) -> dict:
        """Above the panels, across the figure: the epoch shown and the model's next value then."""
        text = f"<b>Epoch {frame.epoch}</b> · {after}: <b>{frame.next_value:.2f}</b>"
        return {"text": text, "font": {"size": size.headline, "color": FORECAST}, "x": 0, "xref": "paper", "xanchor": "left",
                "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 6}}  # fmt: skip

    first = traces(frames[start])
    fig.add_trace(first[0], row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=values, mode=_mode(len(values)), line={"color": ACTUAL, "width": 2}), row=1, col=2)
    for trace in first[1:3]:
        fig.add_trace(trace, row=1, col=2)
    for trace in first[3:]:
        fig.add_trace(trace, row=2, col=1)
    moving = [1, *range(3, len(fig.data))]  # the loss marker, the guesses, the star, the memory; not the curves
    fig.frames = [go.Frame(data=traces(f), traces=moving, name=str(i)) for i, f in enumerate(frames)]
    highest = max(high, max(f.next_value for f in frames))
    fig.update_yaxes(range=[low - pad, min(highest, high + 4 * pad) + pad * 2.5], row=1, col=2)  # room for the star's number
    fig.update_yaxes(autorange="reversed", type="category", dtick=1, row=2, col=1, ticksuffix=" ")  # every unit named
    fig.update_xaxes(
        range=[0, len(read)],
        tickvals=[t + 0.5 for t in range(len(read))],
        ticktext=[f"{v:.4g}" for v in read],
        showgrid=False,
        zeroline=False,
        row=2,
        col=1,
    )
    if copying:
        fig.add_hline(y=copying, line={"color": NAIVE, "width": 1.5, "dash": "dash"}, row=1, col=1)
        fig.add_annotation(
            x=total_epochs,
            y=np.log10(copying),
            xref="x",
            yref="y",
            text="copying the<br>last value",  # two short lines: a phone's loss panel is narrow
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"size": size.title, "color": NAIVE},
        )
    fig.update_xaxes(title_text=html.escape(axis_title(replay.series)), row=1, col=2)
    fig.update_xaxes(range=[0, total_epochs + 1], row=1, col=1, title_text="epoch")
    decades = np.log10(max(v for _, v in losses) / max(min(v for _, v in losses), 1e-30)) if losses else 1.0
    # powers of ten only (plotly's in-between 2s and 5s read as noise); every other one or fewer where they would touch
    every = max(1, int(np.ceil((decades + 1) * 1.6 * size.tick / (size.plot * ROWS[0]))))  # a label, with its exponent, per 1.6 lines
    fig.update_yaxes(type="log", exponentformat="power", dtick=every, row=1, col=1)
    fig.update_yaxes(title_text="loss", row=1, col=1)
    fig.update_yaxes(title_text="value", row=1, col=2)
    fig.update_xaxes(tickfont={"size": size.tick}, title_font={"size": size.tick}, automargin=True)
    fig.update_yaxes(tickfont={"size": size.tick}, title_font={"size": size.tick}, automargin=True)
    fig.update_annotations(font={"size": size.title})
    fig.update_layout(
        height=size.height,
        margin={"l": 10, "r": 10, "t": size.top, "b": size.bottom},
        title=headline(frames[start]),
        font={"size": size.tick},
        showlegend=False,
        hovermode="closest",
        barmode="stack",
        bargap=0.12,
        # one colour scale for every bar of every frame, given once
        coloraxis={"colorscale": STATE_COLOURS, "cmin": -reach, "cmax": reach, "showscale": False},
        updatemenus=replay_buttons(len(frames), start, size),
        sliders=[replay_slider(frames, start, size)],
    )
    # each frame also moves the step buttons, so that ◀ and ▶ always lead to the frames next to the one shown
    for i, (frame, shown) in enumerate(zip(fig.frames, frames, strict=True)):
        frame.layout = {"title": headline(shown), "updatemenus": replay_buttons(len(frames), i, size)}
    return fig


def memory_bars(memory: np.ndarray, units: list[str], read: np.ndarray) -> list[go.Bar]:
    """The memory `(units shown, steps shown)` as a grid: one bar per step, stacked sideways, each unit a row,
    coloured by its hidden state on the figure's colour axis (orange below 0, white at 0, blue above)."""
    return [
        go.Bar(
            x=[1] * len(units),
            y=units,
            orientation="h",
            marker={"color": column.tolist(), "coloraxis": "coloraxis", "line": {"width": 0}},
            customdata=column.tolist(),
            hovertemplate=f"%{{y}}, reading {value:.4g}: %{{customdata:.3f}}<extra></extra>",
        )
        for column, value in zip(memory.T, read, strict=True)
    ]


def replay_slider(frames, start: int, size: ReplaySizes) -> dict:
    """A slider over the kept epochs, below the buttons; its epochs written at a size a room reads (plotly writes
    every so many, so that they never overlap). The headline names the epoch shown."""
    return {
        "active": start,
        "x": 0,
        "len": 1,
        "y": size.below(size.tick + size.button + 44),
        "yanchor": "top",
        "pad": {"t": 0, "b": 0, "l": 12, "r": 12},
        "currentvalue": {"visible": False},
        "font": {"size": size.button},
        "steps": [{"label": str(f.epoch), "method": "animate", "args": [[str(i)], STILL]} for i, f in enumerate(frames)],
    }


# every frame is redrawn whole, so that the headline and the step buttons follow it (see replay_figure)
STILL = {"frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
PLAY_SECONDS = {"Play": 8.0, "Slow": 16.0, "Fast": 4.0}  # short words: the row of buttons fits a phone


def replay_buttons(count: int, at: int, size: ReplaySizes | None = None) -> list[dict]:
    """One row: Play (at three speeds), Pause, then a step back and forward from frame `at`.

    One group, so plotly lays the buttons out one after another, each as wide as its label: as two groups at fixed
    places, the steps slid over Pause when the first group was wider than its share of a narrow or large-text screen.
    """
    size = size or ReplaySizes.for_text(False)

    def play(seconds: float) -> dict:
        duration = max(30, int(1000 * seconds / max(count, 1)))
        return {**STILL, "frame": {"duration": duration, "redraw": True}, "fromcurrent": True}

    plays = [{"label": label, "method": "animate", "args": [None, play(seconds)]} for label, seconds in PLAY_SECONDS.items()]
    steps = [
        {"label": "◀", "method": "animate", "args": [[str(max(at - 1, 0))], STILL]},
        {"label": "▶", "method": "animate", "args": [[str(min(at + 1, count - 1))], STILL]},
    ]
    return [
        {
            "type": "buttons",
            "direction": "left",
            "showactive": False,  # a highlighted button would have to follow the frames; the headline says what is shown
            "x": 0.5,  # centred: on a phone the row reaches into the margins on both sides
            "xanchor": "center",
            "y": size.below(size.tick + 14),
            "yanchor": "top",
            "pad": {"r": 0, "t": 0, "l": 0, "b": 0},
            "font": {"size": size.button},
            "buttons": [*plays, {"label": "Pause", "method": "animate", "args": [[None], STILL]}, *steps],
        }
    ]


def panels(cell: str) -> list[tuple[str, str]]:
    """What the overview shows for a cell: (kind, name) with kind "gate" or "state", in the order of the arithmetic."""
    gates = [("gate", name) for name in GATE_TITLES[cell]]
    states = [("state", name) for name in ("cell", "hidden") if cell == "lstm" or name == "hidden"]
    return gates + states


def cell_heatmaps(
    layer_pass, cell: str, units: list[int], inputs: list[str], chosen: tuple[int, int] | None = None, first: int = 0, large: bool = False
) -> go.Figure:
    """One heatmap per gate and state: rows the `units` shown, columns the timesteps from `first` (labelled by `inputs`,
    one label per timestep shown).

    Gates run 0..1 (white to blue); the candidate -1..1 (orange, white, blue); the states the same colours up to the
    largest state shown (small memories would otherwise all look white). `chosen` (unit, timestep) is outlined in
    every panel, so the detail below can be traced to it. `large`: text for a projector (at least 18 px).
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
                textfont={"size": 18 if large else 16},
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
    text = 20 if large else 16
    fig.update_annotations(font={"size": text + 1})
    height = rows * max(220, (text + 18) * len(units) + 90)
    fig = _layout(fig, "", "", "", height=height)
    fig.update_layout(title=None, margin={"l": 10, "r": 10, "t": 40, "b": 10}, hovermode="closest")
    fig.update_xaxes(tickfont={"size": text})
    fig.update_yaxes(tickfont={"size": text})
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
