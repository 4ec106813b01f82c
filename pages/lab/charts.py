"""Every Plotly figure the dashboard draws; pages call these and never build figures themselves."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

# colour-blind-safe (Okabe-Ito) and legible on a projector, on light and dark themes alike
TRAIN = "#0072B2"
VALIDATION = "#E69F00"
ACTUAL = "#7F7F7F"
FORECAST = "#CC79A7"
RUN_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]


def _layout(fig: go.Figure, title: str, x: str, y: str, log: bool = False, height: int = 340) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 18}},
        xaxis_title=x,
        yaxis_title=y,
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        font={"size": 16},
        hovermode="x unified",
    )
    # explicit sizes: the streamlit chart theme otherwise shrinks tick labels below what a projector shows
    fig.update_xaxes(tickfont={"size": 15}, title_font={"size": 16})
    fig.update_yaxes(tickfont={"size": 15}, title_font={"size": 16})
    if log:
        # powers of ten only: plotly's in-between "2" and "5" labels read as noise
        fig.update_yaxes(type="log", exponentformat="power", dtick=1)
    return fig


LIVE_POINTS = 150  # a live redraw ships at most this many points per curve; the final chart has every epoch


def loss_figure(losses, val_losses=None, total_epochs: int | None = None, log: bool = True, live: bool = False) -> go.Figure:
    """Training (and validation) MSE per epoch; the x axis spans all planned epochs so the curve grows into it."""
    fig = go.Figure()
    epochs, keep = _points(losses, live)
    fig.add_trace(go.Scatter(x=epochs, y=np.asarray(losses)[keep], name="training loss", mode="lines", line={"color": TRAIN, "width": 3}))
    if val_losses is not None:
        fig.add_trace(
            go.Scatter(x=epochs, y=np.asarray(val_losses)[keep], name="validation loss", mode="lines",
                       line={"color": VALIDATION, "width": 3})
        )  # fmt: skip
    if total_epochs:
        fig.update_xaxes(range=[0, total_epochs + 1])
    return _layout(fig, "Loss per epoch (MSE on scaled values)", "epoch", "loss", log=log)


def refresh_live_loss(fig: go.Figure, losses, val_losses=None) -> go.Figure:
    """Put newer curves into a live `loss_figure`: ~0.1 ms, where building the figure again costs ~10 ms."""
    epochs, keep = _points(losses, live=True)
    with fig.batch_update():
        for trace, values in zip(fig.data, (losses, val_losses), strict=False):
            trace.x, trace.y = epochs, np.asarray(values)[keep]
    return fig


def _points(losses, live: bool) -> tuple[np.ndarray, slice | np.ndarray]:
    """Epoch numbers to draw and which losses they are: every epoch, or for a live chart at most LIVE_POINTS."""
    epochs = np.arange(1, len(losses) + 1)
    if not live or len(losses) <= LIVE_POINTS:
        return epochs, slice(None)
    # every k-th epoch, and always the newest one
    keep = np.unique(np.append(np.arange(0, len(losses), len(losses) // LIVE_POINTS + 1), len(losses) - 1))
    return epochs[keep], keep


def series_figure(series: pd.Series, title: str) -> go.Figure:
    """The series as a line; `title` may come from a user's file name, so it is escaped (plotly renders some HTML)."""
    fig = go.Figure(go.Scatter(x=np.arange(len(series)), y=series.to_numpy(), mode="lines+markers", line={"color": TRAIN, "width": 2}))
    return _layout(fig, html.escape(title), "position in the series", "value")


def prediction_figure(series: pd.Series, predictions: pd.DataFrame, forecast=None) -> go.Figure:
    """The whole series, the model's one-step predictions (train and validation apart), and a forecast after the end.

    `predictions`: the frame of `seqcore.one_step_predictions`; `forecast`: values `(steps,)` that follow the series.
    """
    fig = go.Figure()
    values = series.to_numpy()
    fig.add_trace(go.Scatter(x=np.arange(len(values)), y=values, name="actual", mode="lines+markers", line={"color": ACTUAL, "width": 2}))
    for part, colour, symbol in (("train", TRAIN, "circle"), ("validation", VALIDATION, "diamond")):
        rows = predictions[predictions["part"] == part]
        if len(rows):
            fig.add_trace(
                go.Scatter(
                    x=rows["position"],
                    y=rows["predicted"],
                    name=f"predicted ({part})",
                    mode="markers",
                    marker={"color": colour, "size": 10, "symbol": symbol, "line": {"width": 1, "color": "white"}},
                )
            )
    validation = predictions[predictions["part"] == "validation"]
    if len(validation):
        fig.add_vrect(
            x0=validation["position"].min() - 0.5,
            x1=validation["position"].max() + 0.5,
            fillcolor=VALIDATION,
            opacity=0.12,
            line_width=0,
            annotation_text="validation",
            annotation_position="top left",
        )
    if forecast is not None and len(forecast):
        # the dashed line starts at the last actual value, so it reads as a continuation
        xs = np.arange(len(values) - 1, len(values) + len(forecast))
        ys = np.concatenate([[values[-1]], np.asarray(forecast)])
        fig.add_trace(go.Scatter(x=xs, y=ys, name="forecast", mode="lines+markers", line={"color": FORECAST, "width": 3, "dash": "dash"}))
    title = "Predicted vs actual: dots one step ahead" + (", dashed a forecast" if forecast is not None and len(forecast) else "")
    return _layout(fig, title, "position in the series", "value", height=380)


def smooth(values, weight: float) -> np.ndarray:
    """Exponential moving average (weight 0 = raw, 0.9 = heavy), as TensorBoard smooths curves."""
    values = np.asarray(values, dtype=float)
    out = np.empty_like(values)
    running = values[0] if len(values) else 0.0
    for i, v in enumerate(values):
        running = weight * running + (1 - weight) * v
        out[i] = running
    return out


def runs_figure(runs: list[dict], log: bool = True, smoothing: float = 0.0) -> go.Figure:
    """Loss curves of several runs overlaid; hovering a curve shows that run's settings."""
    fig = go.Figure()
    for i, run in enumerate(runs):
        settings = run["settings"]
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(run["losses"]) + 1),
                y=smooth(run["losses"], smoothing),
                name=run["name"],
                mode="lines",
                line={"color": RUN_COLOURS[i % len(RUN_COLOURS)], "width": 2.5, "dash": "dot" if run["status"] == "stopped" else "solid"},
                hovertemplate=f"run {run['run']}<br>{settings}<br>epoch %{{x}}: loss %{{y:.3g}}<extra></extra>",
            )
        )
    fig = _layout(fig, "Training loss of each run (dotted: stopped early)", "epoch", "loss (MSE, scaled)", log=log, height=460)
    # many runs make a long legend: below the plot it cannot cover the title
    fig.update_layout(hovermode="closest", legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0})
    return fig


def comparison_figure(rows: pd.DataFrame, judged: str) -> go.Figure:
    """One dot per cell type at its final loss, on a log axis (bars would mislead there)."""
    fig = go.Figure(
        go.Scatter(
            x=rows["cell"],
            y=rows[judged],
            mode="markers+text",
            marker={"color": RUN_COLOURS[: len(rows)], "size": 22},
            text=[f"{v:.2g}" for v in rows[judged]],
            textposition="top center",
        )
    )
    fig = _layout(fig, f"{judged.capitalize()} by cell type (lower = closer fit)", "cell", f"{judged} (MSE, scaled)", log=True)
    fig.update_yaxes(range=[np.log10(rows[judged].min()) - 0.6, np.log10(rows[judged].max()) + 0.6])  # room for the labels
    return fig


def squash_figure(raw, scale: float, activation: str = "tanh") -> go.Figure:
    """The activation curve with the series' values placed on it, raw and scaled: why scaling matters."""
    functions = {"tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "relu": lambda v: np.maximum(v, 0), "linear": lambda v: v}
    f = functions[activation]
    raw = np.asarray(raw, dtype=float)
    span = max(4.0, float(np.abs(raw).max()) * 1.1)
    xs = np.linspace(-span, span, 400)
    fig = go.Figure(go.Scatter(x=xs, y=f(xs), name=activation, mode="lines", line={"color": ACTUAL, "width": 2}))
    fig.add_trace(go.Scatter(x=raw, y=f(raw), name="raw values", mode="markers", marker={"color": VALIDATION, "size": 11}))
    fig.add_trace(
        go.Scatter(x=raw / scale, y=f(raw / scale), name=f"values ÷ {scale:g}", mode="markers", marker={"color": TRAIN, "size": 11})
    )
    return _layout(fig, f"{activation} of an input: raw values flatten out, scaled ones do not", "input", "output", height=320)
