"""Learn page: the notebook's ideas in short, each tied to the current settings."""

from __future__ import annotations

import streamlit as st

from pages.lab import charts
from pages.lab.inside_view import inside_section
from pages.lab.sidebar import settings_sidebar, show_problems
from pages.lab.text import CELL_NAMES, words
from seqcore.export import keras_code, parameter_count
from seqcore.scaling import FLAT_BEYOND, SQUEEZED, scaled
from seqcore.windows import training_values


def scaling_in_words(values, config) -> str:
    """Where the training part lands after scaling, read from the real numbers."""
    train = scaled(training_values(values, config.window, config.val_fraction), config)
    low, high = float(train.min()), float(train.max())
    where = f"With your settings the training values become **{low:.3g} to {high:.3g}**"
    if config.activation in ("linear", "relu"):
        return f"{where}. `{config.activation}` has no flat ends to the right, but small numbers still keep Adam's steps in proportion."
    if max(abs(low), abs(high)) > FLAT_BEYOND:
        return f"{where}: far out on the flat ends of `{config.activation}`, where it hardly changes. Raise the scale."
    if high - low < SQUEEZED:
        return f"{where}: a band only {high - low:.2g} wide, which the network can hardly tell apart. Use an offset and a smaller scale."
    return f"{where}: on the steep middle part of `{config.activation}`, where its output follows its input (zoomed in on the right)."


def page() -> None:
    settings = settings_sidebar()
    st.title("How it works")
    show_problems(settings)
    if not settings.ready:
        return
    config, values = settings.config, settings.series.to_numpy()

    st.header("1 · Windows: turning a series into questions")
    first = values[: config.window + 1]
    st.markdown(
        f"The model never sees the whole series at once. It reads **{config.window}** values and is asked for the next one. "
        f"From this series the first question is *{', '.join(f'{v:g}' for v in first[:-1])} → ?* with answer "
        f"**{first[-1]:g}**; sliding one step gives the next question, and so on: "
        f"**{len(values) - config.window}** questions in all. The Data page lists them."
    )

    st.header("2 · Scaling: keep the numbers small")
    seen = f"(value − {config.offset:g}) ÷ {config.scale:g}" if config.offset else f"value ÷ {config.scale:g} (the offset is 0)"
    st.markdown(
        f"Inside the network, values pass through squashing functions like `{config.activation}`. Large inputs land on the "
        "flat ends of the curve, where a change in the input barely changes the output, so learning stalls. Values squeezed "
        "into a narrow band look almost the same to the network. So each value is shifted by the **offset** and divided by "
        f"the **scale**: the network sees {seen}, and its answers are turned back the same way."
    )
    st.markdown(scaling_in_words(values, config))
    st.plotly_chart(charts.squash_figure(values[:50], config.scale, config.offset, config.activation), width="stretch", key="squash_chart")
    st.header(f"3 · Inside the {CELL_NAMES[config.cell]} layer: units, gates and memory")
    gates = {
        "lstm": "An LSTM unit keeps a *cell state*, a running memory. Three gates, each a small learned layer with outputs "
        "between 0 and 1, decide at every step what to **forget** from it, what new information to **write** into it, and "
        "how much of it to **show** as the output.",
        "gru": "A GRU unit has two gates: an **update** gate that mixes the old memory with a new candidate, and a **reset** "
        "gate that decides how much of the old memory the candidate may use. Fewer weights than an LSTM, often as good.",
        "rnn": "A SimpleRNN unit has no gates: each step overwrites its memory with a squashed mix of the input and the "
        "previous memory. Over long windows the signal from early steps fades, which is what gates were invented to fix.",
    }[config.cell]
    st.markdown(gates)
    st.markdown(
        f"**Units** ({config.units}) is how many such memories run side by side. With your settings the model has "
        f"**{parameter_count(config):,}** weights to learn, from {len(values) - config.window} questions."
    )
    result = st.session_state.get("result")
    if result is None:
        st.info(
            "Train a model on the Train page, then come back: this section opens it up, with its own numbers.", icon=":material/search:"
        )
    else:
        if result.config != config:
            st.caption("Below is your last trained run; the sidebar's settings have changed since. Press Train to open the new model.")
        inside_section(result, st.session_state.result_run)

    st.header("4 · Epochs and the loss")
    st.markdown(
        words().loss_lesson.format(
            rate=f"{config.learning_rate:g}", epochs=config.epochs, scale=f"{config.scale:g}", typical=f"{0.01 * config.scale:g}"
        )
    )
    if result is not None and result.losses:
        marks = sorted({1, min(10, len(result.losses)), min(100, len(result.losses)), len(result.losses)})
        st.caption("Your last run: " + " · ".join(f"epoch {e}: loss {result.losses[e - 1]:.3g}" for e in marks))

    st.header("5 · The same model in plain Keras")
    st.caption("Copy this into a notebook: it builds and trains this model with the current settings and series.")
    st.code(keras_code(config, values), language="python")


page()
