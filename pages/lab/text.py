"""Names and wording every page shares: field labels (derived from `TrainConfig`), cell names, run descriptions, and the
one table of the texts a school lesson words more plainly (`words()`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

import seqcore
from pages.lab.lesson import Wording, wording
from seqcore.baselines import DRIFT, MEAN, NAIVE, SEASONAL
from seqcore.verdicts import Phrasing

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
# only where a field's own name, spaced and capitalised, would not say it well
_LABEL_WORDS = {"val_fraction": "Held-out share"}
# one label per TrainConfig field, in its order: the sidebar's fields and its error messages use these
LABELS = {f.name: _LABEL_WORDS.get(f.name, f.name.replace("_", " ").capitalize()) for f in fields(seqcore.TrainConfig)}


def plain(text: str) -> str:
    """Text shown literally in Streamlit markdown: user-supplied names never become markup or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])", r"\\\1", str(text))


# one line for each word a first-time user meets on the main screen, said where it appears
EXPLAIN = {
    "scale": "The network sees (value − offset) ÷ scale, small numbers it learns well from; its answers are turned back the same way.",
    "learning_rate": "How big a step Adam (the method that adjusts the weights) takes after each batch of windows. "
    f"Adam's usual is 0.001; between {seqcore.config.MIN_LEARNING_RATE:g} and {seqcore.config.MAX_LEARNING_RATE:g}.",
    "layers": "Recurrent layers stacked on top of each other, each reading the outputs of the one below "
    f"(1 to {seqcore.config.MAX_LAYERS}).",
    "seed": "The number that decides the random starting weights: the same seed gives the same run, another seed another run.",
}


def describe(config: seqcore.TrainConfig, said: Words | None = None) -> str:
    """A run's settings in one line, in `said` (this tab's words by default)."""
    said = said or words()
    layers = "1 layer" if config.layers == 1 else f"{config.layers} layers"
    return (
        f"{CELL_NAMES[config.cell]}({config.units} units), {layers}, window {config.window}, "
        f"{config.epochs} epochs, scale {config.scale:g}"
        + (f", offset {config.offset:g}" if config.offset else "")
        + f", learning rate {config.learning_rate:g}, seed {config.seed}"
        + (", " + said.share_kept.format(share=f"{config.val_fraction:.0%}") if config.val_fraction else "")
    )


def differences(configs: list[seqcore.TrainConfig]) -> list[str]:
    """The fields whose values differ between `configs`, in TrainConfig's order."""
    return [name for name in LABELS if len({getattr(c, name) for c in configs}) > 1]


def label(name: str, said: Words | None = None) -> str:
    """A setting's label in `said` (this tab's words by default): "Units", or a school's "Kept back to test"."""
    said = said or words()
    return said.labels.get(name) or LABELS[name]


def setting(config: seqcore.TrainConfig, name: str, said: Words | None = None) -> str:
    """One setting as a legend shows it: "Units 16", "Cell GRU", "Held-out share 20%" (in `said`, this tab's words by
    default)."""
    value = getattr(config, name)
    shown = (
        CELL_NAMES[value]
        if name == "cell"
        else f"{value:.0%}"
        if name == "val_fraction"
        else f"{value:g}"
        if isinstance(value, float)
        else value
    )
    return f"{label(name, said)} {shown}"


def field_error(exc: seqcore.InputError) -> str:
    """An error message that names the widget to change."""
    name = getattr(exc, "field", None) or ""
    return f"**{label(name) if name in LABELS else 'Settings'}**: {plain(exc)}"


# the sidebar's period setting, where a caption sends a user whose series has a season the detector missed
MORE_SETTINGS = "More settings"
PERIOD_LABEL = "Period (seasonal rule)"
PERIOD_BOX = f"{MORE_SETTINGS} → {PERIOD_LABEL}"


# ---- the texts that differ between wordings: one table, keyed by the lesson's Wording --------------------------------


@dataclass(frozen=True)
class RuleWords:
    """A simple rule as a table row and a sentence name it: `name` and `description` (None: the rule's own, with its
    numbers)."""

    name: str
    description: str | None = None


@dataclass(frozen=True)
class ErrorColumns:
    """The errors table's headers; None leaves that column out."""

    predictor: str
    description: str
    mae_train: str
    rmse_train: str | None
    mae_held_out: str
    rmse_held_out: str | None
    ratio: str  # Evaluation.relative_mae's, for every row: MAE over copying's on the same judged windows
    mase: str | None  # Evaluation.mase
    seasonal_mase: str | None  # Evaluation.seasonal_mase, when there is a period


@dataclass(frozen=True)
class Words:
    """Every text a page shows that a school lesson says differently. Templates take named fields (`{epoch}`)."""

    wording: Wording
    verdict: Phrasing  # the verdict's and the experiment's sentences (seqcore.verdicts)
    labels: dict[str, str]  # setting labels that differ from LABELS
    share_kept: str  # a run's description: "{share} held out"
    parts: dict[str, str]  # Evaluation.part -> what a metric's label says of it
    rules: dict[str, RuleWords]  # by a rule's name in seqcore.baselines
    # the Train page's words under the loss chart
    final_train: str
    final_held_out: str
    judged_loss: dict[str, str]  # Evaluation.part -> the judged curve's name in a sentence
    loss_meaning: str  # {name}: the judged curve, {typical}: its root times the scale
    model_help: str  # the model's average-miss metric; {count}: values
    # the loss chart
    loss_title: str
    train_loss: str
    held_out_loss: str
    copying_loss: str  # {part}
    copying_parts: dict[str, str]  # "train" / "held_out" -> {part}
    # the prediction chart
    predicted: dict[str, str]  # one_step_predictions' part ("train", "validation") -> legend name
    held_out_band: str
    # errors table and steps ahead
    error_columns: ErrorColumns
    errors_caption: str  # {part}: the judged part, as `parts` names it
    period_found: str  # {period}
    no_period: str  # {box}: where the sidebar's period setting is
    steps_none: str
    held_out_part: str  # "the held-out part", as a sentence names it
    steps_title: str  # {origins}
    miss_axis: str
    # Compare
    cells_title: dict[str, str]  # held_out: bool -> the experiment chart's title
    final_held_out_column: str
    loss_axis: str
    series_units_help: str
    # Data
    data_parts: dict[str, str]  # "train" / "held_out" -> a window's part
    scaled_window: str
    scaled_target: str
    data_held_out: str  # {share}
    # Learn
    loss_lesson: str  # {rate}, {epochs}, {scale}, {typical}
    # the sidebar's held-out share and fit button (pages/lab/sidebar.py)
    val_fraction_help: str
    fit_help: str
    # ten seeds (pages/lab/seeds.py), by Evaluation.part: "the {…} from 1.2 to 3.4", and the chart's title
    seeds_error: dict[str, str]
    seeds_title: dict[str, str]
    # the class board (pages/lab/board.py)
    board_part: dict[bool, str]  # what the board's misses are on: all held out (True), or not


STANDARD = Words(
    wording=Wording.STANDARD,
    verdict=Phrasing(),
    labels={},
    share_kept="{share} held out",
    parts={"held_out": "held out", "train": "trained on"},
    rules={},
    final_train="Final training loss {loss}",
    final_held_out=", held-out loss {loss}",
    judged_loss={"held_out": "held-out loss", "train": "training loss"},
    loss_meaning="The loss is the MSE (mean squared error): the average of (guess − truth)², here on the scaled values. "
    "Lower is better. Scaled values are what the network sees: (value − offset) ÷ scale, small numbers near −1 to 1. "
    "√({name}) × scale = **{typical}** is the root-mean-square miss in the series' units (big misses weigh more in it than "
    "in the average miss).",
    model_help="How far its one-step guesses are from the truth on average (mean absolute error), over {count} values, "
    "in the series' units.",
    loss_title="Loss per epoch (MSE on scaled values)",
    train_loss="training loss",
    held_out_loss="held-out loss",
    copying_loss="copying the last value ({part})",
    copying_parts={"train": "training", "held_out": "held-out"},
    predicted={"train": "predicted (trained on)", "validation": "predicted (held out)"},
    held_out_band="held out",
    error_columns=ErrorColumns(
        "predictor",
        "what it does",
        "MAE, trained on",
        "RMSE, trained on",
        "MAE, held out",
        "RMSE, held out",
        "relative MAE (÷ copying)",
        "MASE",
        "seasonal MASE",
    ),
    errors_caption="MAE: the average miss in the series' units. RMSE weighs big misses more. "
    "Relative MAE: the MAE over copying the last value's on the same windows ({part}); below 1 beats copying there. "
    "MASE (Hyndman & Koehler): the MAE ({part}) over copying's one-step MAE on the training part, comparable across "
    "series; below 1 misses less than copying did on the values it trained on.",
    period_found="Period for the seasonal rule and the seasonal MASE (which scales by that rule's MAE on the training "
    "part): {period} steps.",
    no_period="Period: none found in the training part, so no seasonal rule and no seasonal MASE. If the series has one "
    "(12 for monthly values), set it in the sidebar: {box}.",
    steps_none="Hold out some data (Held-out share in the sidebar) to see how the forecast's error grows with each step ahead.",
    held_out_part="the held-out part",
    steps_title="Held-out error by steps ahead ({origins} forecasts)",
    miss_axis="mean absolute error (series units)",
    cells_title={
        True: "Held-out error of each cell, one dot per seed (lower is better)",
        False: "Training error of each cell, one dot per seed (lower is better)",
    },
    final_held_out_column="final held-out loss",
    loss_axis="loss (MSE, scaled)",
    series_units_help="√loss × scale: runs trained with different scales compare fairly.",
    data_parts={"train": "train", "held_out": "held out"},
    scaled_window="scaled window",
    scaled_target="scaled target",
    data_held_out=" The last {share} of windows are held out, to judge the model on values it never trained on.",
    loss_lesson="An **epoch** is one pass over all the questions; after each, the weights move a little (Adam, learning rate "
    "{rate}) to shrink the **loss**: the mean squared error between answers and predictions, on scaled values. "
    "{epochs} epochs = {epochs} rounds of this. A loss of 0.0001 at scale {scale} means a typical error of "
    "√0.0001 × {scale} = {typical} in the series' units.",
    val_fraction_help="The last share of windows is held out (in time order): the model is judged on values it never trained on.",
    fit_help="Centres the training values and spreads them over about −1 to 1. Held-out values are not looked at.",
    seeds_error={"held_out": "held-out error", "train": "training error"},
    seeds_title={"held_out": "Held-out error of each seed (MAE)", "train": "Training error of each seed (MAE)"},
    board_part={
        True: "values never trained on (held out)",
        False: "values the models trained on (none held out: a run that beats copying here may still miss new values badly)",
    },
)

# plain sentences a 15-year-old reads at once: values it never saw, the usual step, how far off on average
SCHOOL = Words(
    wording=Wording.SCHOOL,
    verdict=Phrasing(
        unseen="On the {n} it never saw",
        seen="On the {n} it learned from (it was not tested on new values, so it looks better here than it will on new ones)",
        rules=(
            (NAIVE, "copying the last value"),
            (MEAN, "always guessing the average of the values it learned from"),
            (DRIFT, "the last value plus the usual step"),
            (SEASONAL, "the value one cycle earlier"),
        ),
        held_out_part="values they never saw",
        training_part="values they learned from (none were kept back to test them)",
        seeds_said="The middle miss of {seeds} tries with different starting weights, on the {part}: {medians}; "
        "copying the last value: {copying}.",
        untested="Nothing was kept back to test it, so these are values it learned from: they cannot tell whether it can "
        'predict a value it has not seen. Move "Kept back to test" above 0 to test it.',
    ),
    labels={"val_fraction": "Kept back to test"},
    share_kept="{share} kept back to test",
    # short: a metric's label is cut beyond about 38 characters in a third of a 1280-pixel page
    parts={"held_out": "new values", "train": "learned values"},
    rules={
        NAIVE: RuleWords("copying the last value", "guess the last value again"),
        MEAN: RuleWords("the average", "always guess the average of the values it learned from"),
        DRIFT: RuleWords("last value + usual step", "the last value plus the usual step"),
        SEASONAL: RuleWords("same time last cycle", "the value one cycle earlier"),
    },
    final_train="At the end the loss is {loss} on the values it learned from",
    final_held_out=" and {loss} on values it never saw",
    judged_loss={"held_out": "loss on values it never saw", "train": "loss"},
    loss_meaning="The loss says how far off the guesses are: each miss is squared, so big misses count a lot, and it is "
    "measured on the small numbers the network works with. Lower is better. Turned back into the series' units, a typical "
    "miss is **{typical}**.",
    model_help="How far its guesses are from the right values on average, over {count} values, in the series' units.",
    loss_title="Loss per epoch: how far off the guesses are (lower is better)",
    train_loss="loss on values it learned from",
    held_out_loss="loss on values it never saw",
    copying_loss="copying the last value ({part})",
    copying_parts={"train": "values it learned from", "held_out": "values it never saw"},
    predicted={"train": "guessed (values it learned from)", "validation": "guessed (values it never saw)"},
    held_out_band="values it never saw",
    error_columns=ErrorColumns(
        "who guesses",
        "how",
        "average miss, values it learned from",
        None,
        "average miss, values it never saw",
        None,
        "miss ÷ copying's miss",
        None,
        None,
    ),
    errors_caption="Average miss: how far off the guesses are on average, in the series' units. "
    "Miss ÷ copying's miss below 1: better than copying the last value.",
    period_found="The series repeats every {period} steps, so one rule guesses the value one cycle earlier.",
    no_period="Repeating cycle: none found, so no rule guesses from one cycle earlier. If you know the series repeats "
    "(every 12 values for the months of a year), type the cycle's length in the sidebar: {box}.",
    steps_none="No values were kept back to test the model, so there is nothing to check a guess several steps ahead against.",
    held_out_part="the values it never saw",
    steps_title="How far off it is, steps ahead, on values it never saw ({origins} tries)",
    miss_axis="average miss (series units)",
    cells_title={
        True: "Average miss of each cell on values they never saw, one dot per seed (lower is better)",
        False: "Average miss of each cell on values they learned from, one dot per seed (lower is better)",
    },
    final_held_out_column="final loss on values it never saw",
    loss_axis="loss (lower is better)",
    series_units_help="The loss turned back into the series' units, so runs with different scales compare fairly.",
    data_parts={"train": "learn from", "held_out": "test (never seen)"},
    scaled_window="window, as the network sees it",
    scaled_target="target, as the network sees it",
    data_held_out=" The last {share} of windows are kept back: the model never sees them while it learns, and is tested on them.",
    loss_lesson="An **epoch** is one pass over all the questions; after each, the weights move a little (Adam, learning rate "
    "{rate}) to shrink the **loss**: how far the answers are from the right ones, each miss squared so that big misses "
    "count a lot, measured on the small numbers the network works with. {epochs} epochs = {epochs} rounds of this. A loss "
    "of 0.0001 at scale {scale} means a typical miss of {typical} in the series' units: the square root of 0.0001 is 0.01, "
    "and 0.01 times the scale is {typical}.",
    val_fraction_help="The last part of the series is kept back: the model never sees it while it learns, and is tested on it.",
    fit_help="Spreads the values it learns from over about −1 to 1. The values kept back for the test are not looked at.",
    seeds_error={"held_out": "average miss on values it never saw", "train": "average miss on values it learned from"},
    seeds_title={
        "held_out": "Average miss of each seed, on values it never saw",
        "train": "Average miss of each seed, on values it learned from",
    },
    board_part={
        True: "values the models never saw",
        False: "values the models learned from (none were kept back to test them: a run that beats copying here may still "
        "miss new values badly)",
    },
)

TABLE = {Wording.STANDARD: STANDARD, Wording.SCHOOL: SCHOOL}


def words() -> Words:
    """This tab's words: its lesson's wording, the standard one without a lesson."""
    return TABLE[wording()]


def rule(name: str, description: str, said: Words | None = None) -> RuleWords:
    """A simple rule's name and description as `said` (this tab's words by default) puts them."""
    said = said or words()
    given = said.rules.get(name)
    return RuleWords(given.name if given else name, (given.description if given else None) or description)
