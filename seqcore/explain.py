"""The arithmetic of one unit at one timestep written out with a model's real numbers, and summaries of a pass:
which units are most active, which carry the answer, and how many gate values sit at their limits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .forward import GATES, LayerPass, Pass

SATURATED = 0.05  # a sigmoid gate within this of 0 or 1, or a tanh value within it of ±1, has stopped responding
# the gradient is carried forward once per input step: window × one pass. Past this many multiply-adds the dashboard
# leaves it out rather than keep a page busy for seconds (bench/bench_replay.py times a pass)
GRADIENT_WORK = 5e8


def pass_work(config) -> float:
    """Multiply-adds of one pass over one window."""
    gates = len(GATES[config.cell])
    return float(config.window * gates * config.units * (config.units + 1) * config.layers)


def gradient_affordable(config) -> bool:
    return pass_work(config) * config.window <= GRADIENT_WORK


@dataclass(frozen=True)
class GateStep:
    """One gate of one unit at one timestep: value = squash(input_part + memory_part + bias)."""

    name: str
    weight: float | None  # the input's weight when the layer reads one value per step (the first layer), else None
    input_part: float
    memory_part: float
    bias: float
    total: float
    value: float


@dataclass(frozen=True)
class UnitStep:
    """Everything one unit computes at one timestep, read from a `LayerPass`."""

    unit: int
    step: int
    input_value: float | None  # the scaled input, first layer only
    gates: dict[str, GateStep]
    previous: dict[str, float]  # the states before this step ("cell", "hidden")
    states: dict[str, float]  # and after it


def unit_step(layer: LayerPass, cell: str, kernel: np.ndarray | None, unit: int, step: int) -> UnitStep:
    """`kernel` is the layer's input kernel `(features, blocks × units)` (used to name the input's weight)."""
    units = layer.states["hidden"].shape[1]
    single = layer.inputs.shape[1] == 1 and kernel is not None
    gates = {}
    for k, name in enumerate(GATES[cell]):
        gate = layer.gates[name]
        parts = [float(a[step, unit]) for a in (gate.input_part, gate.memory_part, gate.bias)]
        weight = float(kernel[0, k * units + unit]) if single else None
        gates[name] = GateStep(name, weight, *parts, sum(parts), float(gate.value[step, unit]))
    previous = {name: float(values[step - 1, unit]) if step else 0.0 for name, values in layer.states.items()}
    states = {name: float(values[step, unit]) for name, values in layer.states.items()}
    return UnitStep(unit, step, float(layer.inputs[step, 0]) if single else None, gates, previous, states)


def most_active(layer: LayerPass, count: int) -> list[int]:
    """The `count` units whose hidden state is largest on average over the window, in unit order."""
    strength = np.abs(layer.states["hidden"]).mean(axis=0)
    return sorted(int(u) for u in np.argsort(-strength, kind="stable")[:count])


@dataclass(frozen=True)
class Carrier:
    unit: int
    hidden: float  # the unit's final hidden state
    weight: float  # its weight into the Dense layer
    share: float  # hidden × weight: what it adds to the scaled answer


def carriers(inside: Pass) -> list[Carrier]:
    """Every unit of the last layer by what it adds to the answer, largest magnitude first."""
    final = inside.layers[-1].states["hidden"][-1]
    shares = final * inside.dense_kernel
    order = np.argsort(-np.abs(shares), kind="stable")
    return [Carrier(int(u), float(final[u]), float(inside.dense_kernel[u]), float(shares[u])) for u in order]


def saturation(layer: LayerPass, cell: str, activation: str = "tanh") -> dict[str, float]:
    """For each gate, the share of its values (all units, all steps) within SATURATED of its limits.

    The candidate counts only with a bounded activation (tanh, sigmoid); relu and linear have no limit to sit at.
    """
    shares = {}
    for name in GATES[cell]:
        value = layer.gates[name].value
        if name == "candidate" and activation not in ("tanh", "sigmoid"):
            continue
        if name == "candidate" and activation == "tanh":
            stuck = np.abs(value) > 1 - SATURATED
        else:
            stuck = (value < SATURATED) | (value > 1 - SATURATED)
        shares[name] = float(stuck.mean())
    return shares


# a gate whose values (over the units and steps shown) span less than this share of its colour scale reads as one colour
FLAT_SHARE = 0.1


@dataclass(frozen=True)
class Spread:
    """How far one gate's values spread over the units and steps shown."""

    name: str
    low: float
    high: float
    share: float  # (high − low) ÷ the width of its colour scale: 0..1 for a gate, −1..1 for the candidate
    along_steps: float  # the average unit's range over the steps, as a share of the same scale
    across_units: float  # the average step's range over the units, likewise


def gate_spreads(layer: LayerPass, cell: str, units: list[int], first: int = 0) -> list[Spread]:
    """For each gate of an LSTM or GRU (a SimpleRNN has none), the spread of its values over `units` and the steps from
    `first`: what the gate heatmaps show. The candidate's colours run from −1 to 1, a gate's from 0 to 1."""
    if cell == "rnn":
        return []
    spreads = []
    for name in GATES[cell]:
        values = layer.gates[name].value[first:, units]  # (steps, units)
        width = 2.0 if name == "candidate" else 1.0
        spreads.append(
            Spread(
                name,
                float(values.min()),
                float(values.max()),
                float(np.ptp(values)) / width,
                float(np.ptp(values, axis=0).mean()) / width,
                float(np.ptp(values, axis=1).mean()) / width,
            )
        )
    return spreads


def gates_flat(spreads: list[Spread]) -> bool:
    """Whether every gate's heatmap is nearly one colour."""
    return bool(spreads) and all(s.share < FLAT_SHARE for s in spreads)
