"""Every Plotly figure the dashboard draws; pages call these and never build figures themselves."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pages.lab.text import STANDARD, Words
from seqcore.timeaxis import after_end, axis_title, times

# colour-blind-safe (Okabe-Ito) and legible on a projector, on light and dark themes alike
TRAIN = "#0072B2"
VALIDATION = "#E69F00"
ACTUAL = "#7F7F7F"
FORECAST = "#CC79A7"
RUN_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
CELL_COLOURS = {"LSTM": "#0072B2", "GRU": "#009E73", "SimpleRNN": "#D55E00"}  # one colour per cell on every chart
NAIVE = "#444444"  # the last-value rule: dark grey, dashed, wherever it is drawn
RULE = "#999999"  # any other simple rule
OUTSIDE = "#D55E00"  # values the model never trained on
# the classical forecasters on the predicted-vs-actual chart: colours of the same colour-blind-safe palette, told apart
# by their dash as well
CLASSICAL_LINES = [("#009E73", "dashdot"), ("#56B4E9", "longdash")]


# where a chart keeps its parts, so that none covers another on any screen, a phone's included: the title in the
# top margin from the left edge, the legend along the bottom edge, and plotly's toolbar (modebar) standing upright in
# a right margin of its own (lying across the top, it covered the title or the legend on narrow screens)
TITLE_PX, TICK_PX, AXIS_PX, NOTE_PX = 18, 15, 16, 15
TITLE_CHARS = 46  # a longer title is broken into lines: titles do not wrap by themselves, and a phone's chart is ~360 px wide
MODEBAR_PX = 34  # the right margin the upright toolbar stands in
# the toolbar keeps what a class uses (zoom, pan, reset, save as a picture): fewer buttons, a shorter bar
MODEBAR_REMOVE = [
    "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toggleSpikelines", "hoverClosestCartesian",
    "hoverCompareCartesian", "toggleHover",
]  # fmt: skip


def title_lines(title: str, limit: int = TITLE_CHARS) -> list[str]:
    """`title` in lines of at most about `limit` characters: broken before a bracket or after a clause ("; ", " · ",
    ": ", ", ") in its second half, else at the space nearest the middle of what is left."""
    lines, rest = [], title.strip()
    while len(rest) > limit:
        head = rest[: limit + 1]
        cut = next((head.rfind(mark) + len(mark) - 1 for mark in ("; ", " · ", ": ", ", ") if head.rfind(mark) > limit // 2), -1)
        if head.rfind(" (") > limit // 2:
            cut = head.rfind(" (")
        if cut < 0:
            spaces = [i for i, c in enumerate(head) if c == " "]
            cut = min(spaces, key=lambda i: abs(i - len(rest) / 2), default=-1)
        if cut <= 0:
            break  # one long word: plotly clips it rather than this breaking it
        lines.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :].strip()
    return [*lines, rest] if rest else lines


def _title(text: str, size: int) -> dict:
    """A title at the top left, in lines (a long one on several), with the top margin it needs."""
    lines = title_lines(text) if text else []
    # just above the plot, pushing the top margin up as far as its lines need (automargin)
    return {"text": " <br>".join(lines), "font": {"size": size}, "x": 0, "xref": "container", "xanchor": "left",
            "y": 1, "yref": "paper", "yanchor": "bottom", "pad": {"l": 10, "b": 14}, "automargin": True}  # fmt: skip


def _layout(fig: go.Figure, title: str, x: str, y: str, log: bool = False, height: int = 340) -> go.Figure:
    fig.update_layout(
        title=_title(title, TITLE_PX),
        xaxis_title=x,
        yaxis_title=y,
        height=height,
        margin={"l": 10, "r": MODEBAR_PX, "t": 10 if title else 30, "b": 10},  # the title pushes the top margin out
        # along the bottom edge, growing upwards into the plot as it wraps: never over the title, nor the axis titles
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        modebar={"orientation": "v", "remove": MODEBAR_REMOVE, "bgcolor": "rgba(0,0,0,0)"},  # no grey box on any theme
        font={"size": 16},
        hovermode="x unified",
    )
    # explicit sizes: the streamlit chart theme otherwise shrinks tick labels below what a projector shows
    fig.update_xaxes(tickfont={"size": TICK_PX}, title_font={"size": AXIS_PX})
    fig.update_yaxes(tickfont={"size": TICK_PX}, title_font={"size": AXIS_PX})
    if log:
        # powers of ten only: plotly's in-between "2" and "5" labels read as noise
        fig.update_yaxes(type="log", exponentformat="power", dtick=1)
    return fig


LIVE_POINTS = 150  # a live redraw ships at most this many points per curve; the final chart has every epoch


def loss_figure(
    losses,
    val_losses=None,
    total_epochs: int | None = None,
    log: bool = True,
    live: bool = False,
    levels=None,
    beats: int | None = None,
    resumed_at: int | None = None,
    words: Words = STANDARD,
) -> go.Figure:
    """Training (and held-out) MSE per epoch; the x axis spans all planned epochs so the curve grows into it.

    `words`: the legend's and title's (a school lesson's are plainer); each loss trace's `meta` says which curve it is.

    `resumed_at`: the epoch after which a continued run went on from its earlier self, marked.
    `levels` (`seqcore.evaluation.LossLevels`): the last-value rule's loss, drawn as flat dashed lines;
    `beats`: the epoch from which the judged curve stays below its line, marked.
    """
    fig = go.Figure()
    epochs, keep = _points(losses, live)
    line = {"color": TRAIN, "width": 3}
    fig.add_trace(go.Scatter(x=epochs, y=np.asarray(losses)[keep], name=words.train_loss, meta=TRAIN_CURVE, mode="lines", line=line))
    if val_losses is not None:
        held = np.asarray(val_losses)[keep]
        line = {"color": VALIDATION, "width": 3}
        fig.add_trace(go.Scatter(x=epochs, y=held, name=words.held_out_loss, meta=HELD_OUT_CURVE, mode="lines", line=line))
    if levels is not None:
        for level, colour, part in ((levels.train, TRAIN, "train"), (levels.held_out, VALIDATION, "held_out")):
            if level is not None and level > 0:
                fig.add_hline(y=level, line={"color": colour, "width": 2, "dash": "dash"}, opacity=0.8)
                name = words.copying_loss.format(part=words.copying_parts[part])
                fig.add_trace(go.Scatter(x=[None], y=[None], name=name, mode="lines", line={"color": colour, "width": 2, "dash": "dash"}))
    if beats is not None:
        fig.add_vline(x=beats, line={"color": NAIVE, "width": 1.5, "dash": "dot"})
        # on the training values alone, a loss below copying's is a fit, not a win: the mark says which it is
        mark = f"beats copying from epoch {beats}" if val_losses is not None else f"under copying's training loss from epoch {beats}"
        # late in the run the mark reads leftwards: plotly widens the axis to fit a label, and a label running right
        # from epoch 477 of 500 stretched a 500-epoch chart to 1,200
        side = "left" if beats <= len(losses) / 2 else "right"
        fig.add_annotation(x=beats, y=1, yref="paper", text=mark, showarrow=False, xanchor=side, font={"size": 15})
    if resumed_at:
        fig.add_vline(x=resumed_at, line={"color": FORECAST, "width": 2, "dash": "dot"})
        fig.add_annotation(
            x=resumed_at,
            y=0.9,
            yref="paper",
            text=f"continued after epoch {resumed_at}",
            showarrow=False,
            xanchor="right",
            yanchor="top",
            font={"size": 15},
        )
    if total_epochs:
        fig.update_xaxes(range=[0, total_epochs + 1])
    return _layout(fig, words.loss_title, "epoch", "loss", log=log)


TRAIN_CURVE, HELD_OUT_CURVE = "training", "held_out"  # a loss trace's `meta`: its name is in the tab's words


def refresh_live_loss(fig: go.Figure, losses, val_losses=None) -> go.Figure:
    """Put newer curves into a live `loss_figure` (its loss traces only; the rule's lines stay): building the figure
    again costs far more (BENCHMARKS.md)."""
    epochs, keep = _points(losses, live=True)
    curves = {TRAIN_CURVE: losses, HELD_OUT_CURVE: val_losses}
    with fig.batch_update():
        for trace in fig.data:
            if curves.get(trace.meta) is not None:
                trace.x, trace.y = epochs, np.asarray(curves[trace.meta])[keep]
    return fig


def _points(losses, live: bool) -> tuple[np.ndarray, slice | np.ndarray]:
    """Epoch numbers to draw and which losses they are: every epoch, or for a live chart at most LIVE_POINTS."""
    epochs = np.arange(1, len(losses) + 1)
    if not live or len(losses) <= LIVE_POINTS:
        return epochs, slice(None)
    # every k-th epoch, and always the newest one
    keep = np.unique(np.append(np.arange(0, len(losses), len(losses) // LIVE_POINTS + 1), len(losses) - 1))
    return epochs[keep], keep


def _mode(length: int) -> str:
    return "lines+markers" if length <= DOTS_UP_TO else "lines"  # beyond that, markers merge into a solid block


DOTS_UP_TO = 150


def series_figure(series: pd.Series, title: str) -> go.Figure:
    """The series as a line; `title` may come from a user's file name, so it is escaped (plotly renders some HTML)."""
    fig = go.Figure(go.Scatter(x=times(series), y=series.to_numpy(), mode=_mode(len(series)), line={"color": TRAIN, "width": 2}))
    return _layout(fig, html.escape(title), html.escape(axis_title(series)), "value")


def prediction_figure(
    series: pd.Series,
    predictions: pd.DataFrame,
    forecast=None,
    seen=None,
    show_naive: bool = False,
    words: Words = STANDARD,
    classical=(),
) -> go.Figure:
    """The whole series, the model's one-step predictions (train and held out apart), and a forecast after the end.

    `predictions`: the frame of `seqcore.one_step_predictions`; `forecast`: values `(steps,)` that follow the series;
    `seen` (`seqcore.evaluation.ValueRange`): the values the model trained on, with what lies beyond them shaded
    when anything drawn goes there; `show_naive`: also draw the last-value rule's guesses; `words`: the legend's;
    `classical`: scores (`seqcore.evaluation.Score`) of classical forecasters, drawn one step ahead on the held-out
    windows (on every window when none is held out), where the model is judged.
    """
    fig = go.Figure()
    values = series.to_numpy()
    dots = len(values) <= DOTS_UP_TO
    fig.add_trace(go.Scatter(x=times(series), y=values, name="actual", mode=_mode(len(values)), line={"color": ACTUAL, "width": 2}))
    if show_naive:
        fig.add_trace(
            go.Scatter(
                x=times(series, predictions["position"]),
                y=values[predictions["position"] - 1],
                name="copying the last value",
                mode="markers" if dots else "lines",
                marker={"color": NAIVE, "size": 9, "symbol": "x-thin", "line": {"width": 2, "color": NAIVE}},
                line={"color": NAIVE, "width": 1.5, "dash": "dot"},
            )
        )
    for part, colour, symbol in (("train", TRAIN, "circle"), ("validation", VALIDATION, "diamond")):
        name = words.predicted[part]
        rows = predictions[predictions["part"] == part]
        if len(rows):
            fig.add_trace(
                go.Scatter(
                    x=times(series, rows["position"]),
                    y=rows["predicted"],
                    name=name,
                    mode="markers" if dots else "lines",
                    marker={"color": colour, "size": 10, "symbol": symbol, "line": {"width": 1, "color": "white"}},
                    line={"color": colour, "width": 2},
                )
            )
    validation = predictions[predictions["part"] == "validation"]
    judged = predictions["part"] == ("validation" if len(validation) else "train")
    for score, (colour, dash) in zip(classical, CLASSICAL_LINES, strict=False):
        guesses = np.asarray(score.predicted)[judged.to_numpy()]
        fig.add_trace(
            go.Scatter(
                x=times(series, predictions["position"][judged]),
                y=guesses,
                name=score.name,
                mode="lines",
                line={"color": colour, "width": 2.5, "dash": dash},
                connectgaps=False,
            )
        )
    if len(validation):
        first, last = times(series, [validation["position"].min(), validation["position"].max()])
        fig.add_vrect(
            x0=first,
            x1=last,
            fillcolor=VALIDATION,
            opacity=0.12,
            line_width=0,
            annotation_text=words.held_out_band,
            annotation_position="bottom left",
        )
    drawn = [values, predictions["predicted"].to_numpy()]
    if forecast is not None and len(forecast):
        # the dashed line starts at the last actual value, so it reads as a continuation
        xs = np.concatenate([times(series, [len(values) - 1]), after_end(series, len(forecast))])
        ys = np.concatenate([[values[-1]], np.asarray(forecast)])
        fig.add_trace(go.Scatter(x=xs, y=ys, name="forecast", mode="lines+markers", line={"color": FORECAST, "width": 3, "dash": "dash"}))
        drawn.append(np.asarray(forecast))
    if seen is not None:
        _shade_unseen(fig, seen, np.concatenate(drawn))
    title = "Predicted vs actual, one step ahead" + ("; dashed: a forecast" if forecast is not None and len(forecast) else "")
    return _layout(fig, title, html.escape(axis_title(series)), "value", height=400)


def _shade_unseen(fig: go.Figure, seen, drawn: np.ndarray) -> None:
    """Shade the values above and below what the model trained on, where anything drawn clearly reaches them.

    Beyond by less than UNSEEN_MARGIN of the trained range is not worth a band (a guess a hair below the lowest value).
    """
    low, high = float(np.min(drawn)), float(np.max(drawn))
    margin = UNSEEN_MARGIN * max(seen.high - seen.low, 1e-12)
    pad = 0.05 * max(high - low, 1e-12)
    if high > seen.high + margin:
        fig.add_hrect(
            y0=seen.high,
            y1=high + pad,
            fillcolor=OUTSIDE,
            opacity=0.1,
            line_width=0,
            annotation_text=f"never seen in training (above {seen.high:.4g})",
            annotation_position="top left",
        )
    if low < seen.low - margin:
        fig.add_hrect(
            y0=low - pad,
            y1=seen.low,
            fillcolor=OUTSIDE,
            opacity=0.1,
            line_width=0,
            annotation_text=f"never seen in training (below {seen.low:.4g})",
            annotation_position="bottom left",
        )


UNSEEN_MARGIN = 0.02


def question_figure(window, prediction: float, seen) -> go.Figure:
    """A window a user asked about and the model's answer, beside the band of values the model trained on."""
    window = np.asarray(window, dtype=float)
    steps = np.arange(1, len(window) + 1)
    fig = go.Figure()
    fig.add_hrect(
        y0=seen.low,
        y1=seen.high,
        fillcolor=TRAIN,
        opacity=0.15,
        line_width=0,
        annotation_text=f"values it trained on ({seen.low:.4g} to {seen.high:.4g})",
        annotation_position="top left",
    )
    fig.add_trace(
        go.Scatter(x=steps, y=window, name="your window", mode="lines+markers", line={"color": ACTUAL, "width": 2}, marker={"size": 10})
    )
    fig.add_trace(
        go.Scatter(
            x=[len(window) + 1],
            y=[prediction],
            name="the model's answer",
            mode="markers",
            marker={"color": OUTSIDE, "size": 16, "symbol": "star"},
        )
    )
    low, high = min(window.min(), prediction, seen.low), max(window.max(), prediction, seen.high)
    _shade_unseen(fig, seen, np.array([low, high]))
    fig.update_xaxes(dtick=1)
    return _layout(
        fig, "Your question against what the model trained on", "step of the window (the last one: the answer)", "value", height=300
    )


def steps_figure(steps, words: Words = STANDARD) -> go.Figure:
    """Error by steps ahead (`seqcore.evaluation.StepErrors`): the model's forecast against copying the last value."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=steps.steps,
            y=steps.model,
            name="the model, feeding on its own guesses",
            mode="lines+markers",
            line={"color": TRAIN, "width": 3},
            marker={"size": 9},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=steps.steps,
            y=steps.naive,
            name="copying the last value",
            mode="lines+markers",
            line={"color": NAIVE, "width": 2, "dash": "dash"},
            marker={"size": 8},
        )
    )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    return _layout(fig, words.steps_title.format(origins=steps.origins), "steps ahead", words.miss_axis)


def smooth(values, weight: float) -> np.ndarray:
    """Exponential moving average (weight 0 = raw, 0.9 = heavy), as TensorBoard smooths curves."""
    values = np.asarray(values, dtype=float)
    out = np.empty_like(values)
    running = values[0] if len(values) else 0.0
    for i, v in enumerate(values):
        running = weight * running + (1 - weight) * v
        out[i] = running
    return out


def runs_figure(
    runs: list[dict], log: bool = True, smoothing: float = 0.0, series_units: bool = False, words: Words = STANDARD
) -> go.Figure:
    """Loss curves of several runs overlaid; hovering a curve shows that run's settings.

    With `series_units`, each curve is the root of its loss times its run's scale: a typical error in the series'
    own units, which runs with different scales share. When the cell is all that differs, each cell has its own colour.
    """
    fig = go.Figure()
    by_cell = bool(runs) and all(run.get("only_cell_differs") for run in runs)
    for i, run in enumerate(runs):
        settings = run["settings"]
        losses = np.asarray(run["losses"], dtype=float)
        curve = np.sqrt(losses) * run["config"].scale if series_units else losses
        colour = CELL_COLOURS[run["cell"]] if by_cell else RUN_COLOURS[i % len(RUN_COLOURS)]
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(curve) + 1),
                y=smooth(curve, smoothing),
                name=run["name"],
                mode="lines",
                line={"color": colour, "width": 2.5, "dash": "dot" if run["status"] == "stopped" else "solid"},
                hovertemplate=f"run {run['run']}<br>{settings}<br>epoch %{{x}}: %{{y:.3g}}<extra></extra>",
            )
        )
    y_title = "typical training error (series units)" if series_units else words.loss_axis
    fig = _layout(fig, "Training curve of each run (dotted: stopped early)", "epoch", y_title, log=log, height=460)
    fig.update_layout(hovermode="closest")
    return fig


def _rule_lines(fig: go.Figure, rules: dict[str, float], log: bool) -> None:
    """Simple rules' errors as labelled flat lines: the last value's dark and dashed, any other light and dotted.

    A rule that is exact (error 0) has no place on a log axis: its label sits at the top right instead, a row below the
    top, where the last value's label (above its line, at the top of the axis when it is the largest) leaves room: side
    by side in one row they ran into each other on a narrow chart.
    """
    for i, (name, value) in enumerate(rules.items()):
        naive = i == 0
        if log and value <= 0:
            fig.add_annotation(
                x=1,
                xref="paper",
                y=1,
                yref="paper",
                yshift=-EXACT_ROW_PX,
                text=f"{name}: exact (error 0)",
                showarrow=False,
                xanchor="right",
                yanchor="top",
                font={"size": 15, "color": RULE},
            )
            continue
        fig.add_hline(y=value, line={"color": NAIVE if naive else RULE, "width": 2, "dash": "dash" if naive else "dot"})
        # the label drawn by hand: plotly places an hline's own label at the raw value, which a log axis reads as a
        # power of ten (copying's 8 was labelled at 10⁸)
        fig.add_annotation(
            x=0,
            xref="x domain",
            y=float(np.log10(value)) if log else value,
            text=f"{name}: {value:.3g}",
            showarrow=False,
            xanchor="left",
            yanchor="bottom" if naive else "top",
            font={"size": 15},
        )


EXACT_ROW_PX = 28  # a label's row at Large text


def _wide(values) -> bool:
    """Whether values span more than two orders of magnitude (then a log axis shows them all)."""
    values = np.asarray([v for v in values if v > 0])
    return bool(len(values) and values.max() / values.min() > 100)


def seeds_figure(numbers, title: str, y_title: str, rules: dict[str, float] | None = None) -> go.Figure:
    """One dot per seed (x: the seed), with simple rules' values as flat lines (first: the last-value rule)."""
    numbers = np.asarray(numbers, dtype=float)
    fig = go.Figure(go.Scatter(x=np.arange(len(numbers)), y=numbers, mode="markers", name="one seed", marker={"color": TRAIN, "size": 14}))
    log = _wide([*numbers, *(rules or {}).values()])
    _rule_lines(fig, rules or {}, log)
    if log:
        fig.update_yaxes(type="log", exponentformat="power", dtick=1)  # powers of ten only, as _layout draws them
    elif len(numbers) and not rules:
        # a spread of 0.01 around 8 must not fill the axis: show at least 2% of the values' size around them
        middle, half = (float(numbers.min()) + float(numbers.max())) / 2, float(np.ptp(numbers)) / 2
        half = max(half * 1.3, 0.01 * abs(middle), 1e-9)
        fig.update_yaxes(range=[middle - half, middle + half])
    fig.update_xaxes(dtick=1)
    fig.update_layout(showlegend=False, hovermode="closest")
    return _layout(fig, title, "seed", y_title, height=320)


def comparison_figure(spreads: dict[str, np.ndarray], rules: dict[str, float], held_out: bool, words: Words = STANDARD) -> go.Figure:
    """Each cell's error over several seeds (one dot per seed, in the cell's own colour) beside the simple rules, judged
    on the held-out part (or, with `held_out` False, the training part)."""
    fig = go.Figure()
    for cell, values in spreads.items():
        fig.add_trace(
            go.Scatter(
                x=[cell] * len(values),
                y=values,
                mode="markers",
                name=cell,
                marker={"color": CELL_COLOURS.get(cell, TRAIN), "size": 16, "opacity": 0.8, "line": {"width": 1, "color": "white"}},
                hovertemplate=f"{cell}: %{{y:.3g}}<extra></extra>",
            )
        )
    log = _wide([*np.concatenate(list(spreads.values())), *rules.values()])
    _rule_lines(fig, rules, log)
    if log:
        fig.update_yaxes(type="log", exponentformat="power", dtick=1)  # powers of ten only, as _layout draws them
    fig.update_layout(showlegend=False, hovermode="closest")
    return _layout(fig, words.cells_title[held_out], "cell", words.miss_axis, height=400)


def squash_figure(raw, scale: float, offset: float = 0.0, activation: str = "tanh") -> go.Figure:
    """The activation curve twice: with the raw values on it, and zoomed to where the network sees them (scaled)."""
    functions = {"tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "relu": lambda v: np.maximum(v, 0), "linear": lambda v: v}
    f = functions[activation]
    raw = np.asarray(raw, dtype=float)
    scaled = (raw - offset) / scale
    name = f"(value − {offset:g}) ÷ {scale:g}" if offset else f"value ÷ {scale:g}"
    fig = make_subplots(rows=1, cols=2, subplot_titles=("raw values", f"as the network sees them: {name}"), horizontal_spacing=0.08)
    for col, points, colour in ((1, raw, VALIDATION), (2, scaled, TRAIN)):
        reach = max(float(np.abs(points).max()) * 1.15, 1.2 if col == 2 else 4.0)
        xs = np.linspace(-reach, reach, 400)
        fig.add_trace(go.Scatter(x=xs, y=f(xs), mode="lines", line={"color": ACTUAL, "width": 2}, showlegend=False), row=1, col=col)
        fig.add_trace(
            go.Scatter(x=points, y=f(points), mode="markers", marker={"color": colour, "size": 11}, showlegend=False), row=1, col=col
        )
    fig.update_annotations(font={"size": 16})
    fig = _layout(fig, f"Where the values land on {activation}", "input", "output", height=340)
    fig.update_xaxes(title_text="input")
    return fig


@dataclass(frozen=True)
class BoardPoint:
    """One run on a class board: who (as shown), its next value, the student's guess (None: none), and whether it beat
    copying (closer to the true next value where that is known; None: nothing tested it)."""

    name: str
    prediction: float
    guess: float | None
    beats: bool | None


BEATS, LOSES = "#009E73", "#D55E00"
UNTESTED = "#56B4E9"  # a run nothing tested: neither the success green nor the failure orange


def board_predictions_figure(
    points: list[BoardPoint], after: str | None, copying: float | None = None, truth: float | None = None
) -> go.Figure:
    """Every run's next value, one dot each, green where the run beat copying the last value; guesses as open diamonds.

    With the `truth` (the true next value, where it is known) a run is green when its next value is nearer it than
    copying's, and a line marks it. Rows: the guesses, the runs that did not beat copying, those nothing tested (blue,
    never green), those that did; equal values are spread up and down a little, so that thirty equal answers show as
    thirty dots."""
    kinds = [
        (True, BEATS, "closer than copying" if truth is not None else "beat copying"),
        (None, UNTESTED, "untested on new values"),
        (False, LOSES, "further than copying" if truth is not None else "did not beat copying"),
    ]
    kinds = [kind for kind in kinds if kind[0] is not None or any(p.beats is None for p in points)]
    rows = {name: len(kinds) - i for i, (_, _, name) in enumerate(kinds)} | {"guesses": 0}
    fig = go.Figure()

    def spread(row: int, count: int) -> list[float]:
        return [row + (0.0 if count == 1 else 0.5 * (i / (count - 1) - 0.5)) for i in range(count)]

    for beats, colour, name in kinds:
        chosen = sorted((p for p in points if p.beats is beats), key=lambda p: p.prediction)
        if chosen:
            fig.add_trace(
                go.Scatter(
                    x=[p.prediction for p in chosen],
                    y=spread(rows[name], len(chosen)),
                    mode="markers",
                    name=f"model's answer ({name})",
                    text=[html.escape(p.name) for p in chosen],
                    hovertemplate="%{text}: %{x:.3g}<extra></extra>",
                    marker={"size": 16, "color": colour, "opacity": 0.75},
                )
            )
    guessed = sorted((p for p in points if p.guess is not None), key=lambda p: p.guess)
    if guessed:
        fig.add_trace(
            go.Scatter(
                x=[p.guess for p in guessed],
                y=spread(rows["guesses"], len(guessed)),
                mode="markers",
                name="students' guesses",
                text=[html.escape(p.name) for p in guessed],
                hovertemplate="%{text} guessed %{x:.3g}<extra></extra>",
                marker={"size": 16, "symbol": "diamond-open", "color": NAIVE, "line": {"width": 2}},
            )
        )
    if copying is not None:  # the rule to beat, in the same units: a "beats copying" answer far from it stands out
        fig.add_vline(x=copying, line={"color": NAIVE, "width": 2, "dash": "dash"})
        fig.add_annotation(x=copying, y=1, yref="paper", text=f"copying: {copying:g}", showarrow=False, yanchor="bottom", font={"size": 15})
    if truth is not None:  # what every answer is judged against: its own label on the other side of the line
        fig.add_vline(x=truth, line={"color": BEATS, "width": 3})
        side = "right" if copying is not None and copying > truth else "left"
        fig.add_annotation(
            x=truth, y=1, yref="paper", text=f"true: {truth:.4g}", showarrow=False, yanchor="bottom", xanchor=side, font={"size": 15}
        )
    title = f"Next value after {after}: every run" if after else "Next value: every run"
    fig = _layout(fig, html.escape(title), "next value", "", height=360)
    fig.update_yaxes(tickvals=list(rows.values()), ticktext=list(rows), range=[-0.5, len(kinds) + 0.5], showgrid=False)
    fig.update_layout(hovermode="closest")
    return fig


def guesses_figure(points: list[BoardPoint], after: str | None) -> go.Figure:
    """Each guess against the model's answer on the same run: on the diagonal, the student guessed what the model said."""
    guessed = [p for p in points if p.guess is not None]
    fig = go.Figure()
    values = [p.guess for p in guessed] + [p.prediction for p in guessed]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    fig.add_trace(
        go.Scatter(
            x=[low - pad, high + pad], y=[low - pad, high + pad], mode="lines", name="guess = model", line={"color": RULE, "dash": "dash"}
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[p.guess for p in guessed],
            y=[p.prediction for p in guessed],
            mode="markers",
            name="a student's run",
            text=[html.escape(p.name) for p in guessed],
            hovertemplate="%{text}: guessed %{x:.3g}, the model said %{y:.3g}<extra></extra>",
            marker={"size": 16, "color": [UNTESTED if p.beats is None else BEATS if p.beats else LOSES for p in guessed]},
        )
    )
    title = f"Guess vs the model's answer after {after}" if after else "Guess vs the model's answer"
    fig = _layout(fig, html.escape(title), "the student's guess", "the model's answer", height=340)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


LARGE_TEXT = 1.35  # how much larger a figure's text is with Large text on (the page's own text grows about as much)


def for_screen(fig: go.Figure, large: bool) -> go.Figure:
    """The figure's text at the size the screen asks for: `_layout`'s sizes, or larger for a projector."""
    if getattr(fig, "_sized_large", False) == large:  # plotly's updates are slow, and a live chart is redrawn often
        return fig
    fig._sized_large = large
    k = LARGE_TEXT if large else 1.0
    base = getattr(fig, "_base_height", None) or fig.layout.height or 340
    fig._base_height = base
    title = round(TITLE_PX * k)
    # taller too: larger tick labels would otherwise crowd a log axis
    fig.update_layout(font_size=round(16 * k), title_font_size=title, height=round(base * (1.2 if large else 1.0)))
    for note in fig.layout.annotations or ():
        note.font.size = round(NOTE_PX * k)
    fig.update_xaxes(tickfont_size=round(TICK_PX * k), title_font_size=round(AXIS_PX * k))
    fig.update_yaxes(tickfont_size=round(TICK_PX * k), title_font_size=round(AXIS_PX * k))
    if large:  # a log axis reads by its exponents, which plotly sets at 70 % of the tick labels: those must reach 18 px too
        fig.update_yaxes(tickfont_size=round(TICK_PX * k * 1.15), selector={"type": "log"})
    return fig
