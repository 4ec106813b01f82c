"""Inside the cell, on the student's own model: gates and memory over a window, one unit's arithmetic with the real
numbers, how many gates sit at their limits, and how much each input step moves the answer."""

from __future__ import annotations

import numpy as np
import streamlit as st

import seqcore
from pages.lab import charts_inside, lesson, sources
from pages.lab.replay_view import choose_frame, chosen_frame, replay_of
from pages.lab.runs import remembered, snapshots_of
from pages.lab.text import CELL_NAMES, plain
from seqcore.evaluation import trained_range
from seqcore.explain import FLAT_SHARE, carriers, gate_spreads, gates_flat, gradient_affordable, most_active, saturation, unit_step
from seqcore.forward import look_inside
from seqcore.scaling import scaled, unscaled

MOST_STEPS = 20  # columns likewise: a longer window shows its last steps
MOST_UNITS = 8  # rows a heatmap shows legibly on a projector; more units: the most active ones
GATE_WORDS = {
    "input": "how much of the candidate to write",
    "forget": "how much of the old memory to keep",
    "candidate": "the new value on offer",
    "output": "how much of the memory to show",
    "update": "how much of the old state to keep",
    "reset": "how much of the old state the candidate may use",
}
SYMBOLS = {"input": "i", "forget": "f", "candidate": "g", "output": "o", "update": "z", "reset": "r"}


def listed(values, digits: str = "g") -> str:
    """Values as a short list: a long window shows its first and last three."""
    words = [f"{v:{digits}}" for v in values]
    return ", ".join(words) if len(words) <= 8 else ", ".join(words[:3]) + ", …, " + ", ".join(words[-3:])


def number(value: float) -> str:
    """Three decimals, or four for the smallest values (no scientific notation for a class)."""
    return f"{value:.3f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4f}"


def nudge(key: str, by: int, last: int, run=None, lowest: int = 0) -> None:
    st.session_state[key] = min(max(st.session_state.get(key, 0) + by, lowest), last)
    if run is not None:  # an epoch: the Train page's replay follows
        choose_frame(run, st.session_state[key])


def inside_section(result, run) -> None:
    config = result.config
    name = CELL_NAMES[config.cell]
    played = replay_of(result, run)
    frames = played.frames if played is not None else []
    # the epoch is shared with the Train page's replay (its step buttons), so both show the same moment;
    # until one is chosen, the trained model (the last frame)
    if frames:
        last = len(frames) - 1
        st.session_state.inside_frame = min(chosen_frame(run, last), last)
    values = result.series.to_numpy()
    st.session_state.setdefault("inside_input", ", ".join(f"{v:g}" for v in values[-config.window :]))

    ask, epoch_box = st.columns([1, 2], vertical_alignment="bottom")
    text = ask.text_input(
        f"Window to look at ({config.window} values)", key="inside_input", help="By default the window behind the next-value prediction."
    )
    if frames:
        with epoch_box:
            slider, back, forward = st.columns([4, 1, 1], vertical_alignment="bottom")
            index = slider.select_slider(
                "At epoch",
                options=list(range(len(frames))),
                format_func=lambda i: f"{frames[i].epoch}",
                key="inside_frame",
                on_change=lambda: choose_frame(run, st.session_state.inside_frame),
                help="The weights as they were after this epoch (kept during training for the replay). Epoch 0: before training.",
            )
            back.button("◀", key="inside_epoch_back", on_click=nudge, args=("inside_frame", -1, last, run), help="Earlier epoch")
            forward.button("▶", key="inside_epoch_forward", on_click=nudge, args=("inside_frame", 1, last, run), help="Later epoch")
        epoch = frames[index].epoch
        snapshots = snapshots_of(result, run)
        weights = snapshots.weights(snapshots.epochs.index(epoch))
    else:
        epoch, weights = result.epochs_trained, result.weights
        epoch_box.caption("This run kept no snapshots, so only its final weights can be opened.")
    try:
        window = np.asarray(seqcore.parse_values(text), dtype=float)
        if len(window) != config.window:
            raise seqcore.InputError(f"give exactly {config.window} values (the window), got {len(window)}")
    except seqcore.InputError as exc:
        st.error(f"**Window to look at**: {plain(exc)}", icon=":material/error:")
        return
    beyond = remembered("seen", (run, id(result)), lambda: trained_range(result)).beyond(window)
    if beyond:
        st.warning(
            f"{plain(beyond[:1].upper() + beyond[1:])}. What happens inside on this window is the model guessing.",
            icon=":material/explore_off:",
        )
    seen = scaled(window, config)
    inside = remembered(
        "inside", (run, id(result), epoch, tuple(window)), lambda: look_inside(config, weights, seen, gradient_affordable(config))
    )
    answer = float(unscaled(np.array([inside.output]), config)[0])
    labels = [f"t{t + 1} · {v:.4g}" for t, v in enumerate(window)]

    layer_index = 0
    if config.layers > 1:
        layer_index = (
            st.segmented_control("Layer", list(range(config.layers)), format_func=lambda i: f"layer {i + 1}", default=0, key="inside_layer")
            or 0
        )
    layer = inside.layers[layer_index]
    units = list(range(config.units)) if config.units <= MOST_UNITS else most_active(layer, MOST_UNITS)
    st.markdown(
        f"**Your {name} at epoch {epoch}, reading {listed(window)}** (as it sees them: {listed(seen, '.3g')}). It answers **{answer:.2f}**."
    )
    step_count = config.window
    first = max(0, step_count - MOST_STEPS)
    if not first <= st.session_state.get("inside_step", -1) < step_count:
        st.session_state.inside_step = step_count - 1
    unit_box, step_box, step_back, step_forward = st.columns([2, 3, 1, 1], vertical_alignment="bottom")
    top = carriers(inside)[0].unit if layer_index == config.layers - 1 else units[0]
    if st.session_state.get("inside_unit") not in range(config.units):
        st.session_state.inside_unit = top  # at first, the unit that adds most to the answer
    unit = unit_box.selectbox("Unit to open", list(range(config.units)), format_func=lambda u: f"unit {u + 1}", key="inside_unit")
    if unit not in units:  # a unit asked for is always drawn: in place of the least active one shown
        units = sorted([*sorted(units, key=lambda u: -abs(layer.states["hidden"][:, u]).mean())[: len(units) - 1], unit])
    step = step_box.select_slider("Timestep", options=list(range(first, step_count)), format_func=lambda t: f"t{t + 1}", key="inside_step")
    step_back.button(
        "◀ step", key="inside_step_back", on_click=nudge, args=("inside_step", -1, step_count - 1, None, first), width="stretch"
    )
    step_forward.button("step ▶", key="inside_step_forward", on_click=nudge, args=("inside_step", 1, step_count - 1), width="stretch")

    large = bool(st.session_state.get("large_text"))
    figure = charts_inside.cell_heatmaps(layer, config.cell, units, labels[first:], chosen=(unit, step), first=first, large=large)
    st.plotly_chart(figure, width="stretch", key="inside_heatmaps", config={"displayModeBar": False})
    shown = f"the {len(units)} most active of its {config.units} units (largest average hidden state)" if len(units) < config.units else ""
    reach = charts_inside.state_reach(layer, units)
    st.caption(
        "Each square is one unit (row) at one timestep (column). Gates run from 0 (closed, white) to 1 (open, blue); "
        f"the candidate from −1 (orange) to 1 (blue); the states the same colours up to ±{reach:.2g}, the largest shown. "
        "The outlined square is the one written out below."
        + (f" Showing {shown}." if shown else "")
        + (f" Showing the last {MOST_STEPS} of its {step_count} timesteps." if first else "")
    )
    where_to_look(layer, config, units, first)
    kernel = np.asarray(weights[3 * layer_index])
    detail = unit_step(layer, config.cell, kernel, unit, step)
    st.markdown(f"#### Unit {unit + 1} at timestep {step + 1}, worked out")
    st.markdown(arithmetic(detail, config, layer_index))
    if layer_index == config.layers - 1:
        st.markdown(dense_words(inside, config, answer))
    saturation_words(layer, config, window, weights, layer_index, (run, id(result), epoch))
    contributions(inside, labels)


VARIED_SERIES = "sine"  # rises and falls: its gates open and close from step to step (tests/test_inside.py measures it)


def where_to_look(layer, config, units: list[int], first: int) -> None:
    """When every gate heatmap is nearly one colour (each gate's values span under a tenth of its colours), say so with
    the numbers, say where the picture does change, and offer a series on which the gates work."""
    if st.session_state.pop("inside_series_chosen", False):  # the button below was pressed: on to train on it
        st.switch_page("pages/train.py")
    spreads = gate_spreads(layer, config.cell, units, first)
    if not gates_flat(spreads):
        return
    titles = charts_inside.GATE_TITLES[config.cell]
    ranges = ", ".join(f"{titles[s.name]} {s.low:.2f} to {s.high:.2f}" for s in spreads)
    forget = next((s for s in spreads if s.name in ("forget", "update")), None)
    steady = (
        f" A gate that stays put does the same at every step: the {forget.name} gate keeps about "
        f"{(forget.low + forget.high) / 2:.0%} of the old memory each time."
        if forget is not None
        else ""
    )
    rows = "between the rows (units) more than along them (steps)" if _across(spreads) else "along the rows (steps) more than between them"
    states = "cell state and hidden state panels" if config.cell == "lstm" else "hidden state panel"
    st.info(
        f"**Where to look**: the gates hardly vary on this window: each stays within {FLAT_SHARE:.0%} of its colour scale "
        f"({ranges}); what little they vary is {rows}.{steady} What changes is the memory: the {states}, coloured up to "
        "their own largest value, show it build up from the first step to the last.",
        icon=":material/visibility:",
    )
    reading = lesson.current()
    fixed = reading.lesson is not None and "data_source" not in reading.lesson.allowed
    if st.session_state.get("data_source") in (VARIED_SERIES, "noisy_sine") or fixed:
        return
    words, button = st.columns([3, 1], vertical_alignment="center")
    words.markdown(
        "On a series that rises and falls, such as the **sine wave**, the gates open and close from step to step. "
        "Choose it, train, and come back here."
    )
    button.button("Try the sine wave", key="inside_try_sine", on_click=choose_series, args=(VARIED_SERIES,), width="stretch")


def _across(spreads) -> bool:
    """Whether the gates differ more between units than over the steps."""
    return sum(s.across_units for s in spreads) >= sum(s.along_steps for s in spreads)


def choose_series(name: str) -> None:
    """Pick a built-in series as the sidebar's Data box would (with the scaling that suits it), then open Train."""
    st.session_state.data_source = name
    sources.on_source_change()
    # the page goes to Train at its next run (here, in a callback, it cannot); the offer is gone by then, as the
    # series is chosen
    st.session_state.inside_series_chosen = True


def arithmetic(detail, config, layer_index: int) -> str:
    """The unit's step as lines of arithmetic; every number is read from the pass (the heatmaps show the same ones)."""
    lines = []
    x = detail.input_value
    for gate in detail.gates.values():
        squash = config.activation if gate.name == "candidate" else "σ"
        if gate.weight is not None:
            from_input = f"{number(x)} × {number(gate.weight)}"
        else:
            from_input = f"{number(gate.input_part)} (layer {layer_index}'s {config.units} hidden states × their weights, summed)"
        memory = f"{number(gate.memory_part)}"
        label = "**new state**" if config.cell == "rnn" else f"**{gate.name}** {SYMBOLS[gate.name]}"
        words = "it replaces the old state" if config.cell == "rnn" else GATE_WORDS[gate.name]
        lines.append(
            f"- {label} ({words}) = {squash}( "
            f"input {from_input} + memory {memory} + bias {number(gate.bias)} ) = {squash}({number(gate.total)}) = "
            f"**{number(gate.value)}**"
        )
    g, prev, now = detail.gates, detail.previous, detail.states
    act = config.activation
    if config.cell == "lstm":
        lines.append(
            f"- **cell state** c = f × old c + i × g = {number(g['forget'].value)} × {number(prev['cell'])} + "
            f"{number(g['input'].value)} × {number(g['candidate'].value)} = **{number(now['cell'])}**"
        )
        lines.append(
            f"- **hidden state** h = o × {act}(c) = {number(g['output'].value)} × {act}({number(now['cell'])}) "
            f"= **{number(now['hidden'])}**"
        )
    elif config.cell == "gru":
        lines.append(
            f"- **hidden state** h = z × old h + (1 − z) × candidate = {number(g['update'].value)} × {number(prev['hidden'])} + "
            f"(1 − {number(g['update'].value)}) × {number(g['candidate'].value)} = **{number(now['hidden'])}**"
        )
    else:
        lines.append(f"- **hidden state** h = the new state = **{number(now['hidden'])}**")
    whose = "the" if config.cell == "rnn" else "this gate's"
    memory_note = f"*Memory* is the previous hidden state times {whose} recurrent weights, summed over all {config.units} units" + (
        " (for the candidate, after the reset gate scales it)" if config.cell == "gru" else ""
    )
    return "\n".join(lines) + f"\n\n{memory_note}."


def dense_words(inside, config, answer: float) -> str:
    every = carriers(inside)
    top = every[:3]
    parts = " + ".join(f"{number(c.hidden)} × {number(c.weight)}" for c in top)
    rest = inside.output - sum(c.share for c in top) - inside.dense_bias
    share = sum(abs(c.share) for c in top) / (sum(abs(c.share) for c in every) or 1.0)
    names = ", ".join(str(c.unit + 1) for c in top)
    who = (
        f"Units {names} add the most: {share:.0%} of what all {len(every)} units add (in size), "
        + ("so these few carry the answer." if share >= 0.5 else "so the answer is spread over many units.")
        if len(every) > len(top)
        else ""
    )
    return (
        f"**The answer**: the last hidden states times the Dense layer's weights, plus its bias: "
        f"{parts}"
        + (f" + (the other {len(every) - len(top)} units: {number(rest)})" if len(every) > len(top) else "")
        + f" + bias {number(inside.dense_bias)} = **{inside.output:.5f}** on the scaled axis, so {inside.output:.5f} × "
        f"{config.scale:g}" + (f" + {config.offset:g}" if config.offset else "") + f" = **{answer:.3f}** (shown as {answer:.2f}). {who}"
    )


def limit_name(name: str, cell: str) -> str:
    """A gate, the candidate or (SimpleRNN) the new state, named for a heading."""
    if cell == "rnn":
        return "new state"
    return f"{name} {SYMBOLS.get(name, '')}"


def saturation_words(layer, config, window, weights, layer_index: int, key) -> None:
    """How many gate values sit at their limits, here and fed unscaled; `key` names the run and epoch of the weights."""
    cell = config.cell
    shares = saturation(layer, cell, config.activation)
    if not shares:
        return
    st.markdown("#### Values stuck at their limits")
    columns = st.columns(len(shares))
    for column, (name, share) in zip(columns, shares.items(), strict=True):
        limits = "−1 or 1" if name == "candidate" and config.activation == "tanh" else "0 or 1"
        column.metric(limit_name(name, cell), f"{share:.0%}", help=f"Share of its values (every unit, every step) within 0.05 of {limits}.")
    what = "A gate near 0 or 1, or a candidate near −1 or 1," if cell != "rnn" else "A state near −1 or 1"
    stalls = f"{what} barely responds to its input, so learning through it stalls."
    if config.scale == 1 and config.offset == 0:
        st.caption(f"{stalls} This model reads the values unscaled: compare these numbers with a model trained at scale 100.")
        return
    raw = remembered("inside_unscaled", (key, tuple(window)), lambda: look_inside(config, weights, window, gradient=False))
    unscaled_shares = saturation(raw.layers[layer_index], cell, config.activation)
    worst = max(unscaled_shares, key=lambda name: unscaled_shares[name] - shares[name])
    if unscaled_shares[worst] - shares[worst] >= 0.1:
        then = (
            f"Fed the same window unscaled ({listed(window)}), this model's {limit_name(worst, cell).strip()} would sit at its limits "
            f"{unscaled_shares[worst]:.0%} of the time instead of {shares[worst]:.0%}: that is one reason we scale."
        )
    else:
        then = (
            f"Fed the same window unscaled ({listed(window)}), this model's values would not sit at their limits much more often "
            "(at most 10 points more): with these weights the raw values happen to stay on the steep part."
        )
    st.caption(f"{stalls} {then}")


def contributions(inside, labels) -> None:
    st.markdown("#### What each input step contributes")
    gradient = inside.gradient
    if gradient is None:
        st.info(
            "This model is too large to work this out quickly here (it costs one pass per input step); "
            "a shorter window or fewer units bring it back.",
            icon=":material/speed:",
        )
        return
    st.plotly_chart(
        charts_inside.contribution_figure(labels, gradient), width="stretch", key="contribution_chart", config={"displayModeBar": False}
    )
    lean = int(np.argmax(np.abs(gradient)))
    st.caption(
        f"Raise one input by 1 and the answer moves by the bar's height (both in the series' units), computed exactly from "
        f"the model's formulas. Here it leans most on step {lean + 1} ({labels[lean].split(' · ')[1]}); together the steps add "
        f"{gradient.sum():+.2f}, which is how far the answer moves when the whole window moves up by 1."
    )
