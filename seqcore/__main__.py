"""Command line: `python -m seqcore` trains the notebook's defaults and prints the next value after the last window."""

from __future__ import annotations

import argparse
import inspect
import os
import re
import signal
import sys
import threading
from dataclasses import fields

from .config import ACTIVATIONS, CELLS, InputError, TrainConfig, check_range
from .data import load_series
from .datasets import DATASETS, get_dataset
from .scaling import suggest_scale

PROG = "python -m seqcore"
INTERRUPTED = 130  # the shell's status for a program ended by Ctrl-C (128 + SIGINT)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block: exit status 2 as argparse does
        # argparse repeats the offending value in full; a pasted 5,000-digit number makes that a screenful
        message = re.sub(r"'([^']{40})[^']+'", r"'\1…'", message)
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    p = _Parser(prog=PROG, description=__doc__)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--dataset", default="ramp", help=f"built-in series: {', '.join(DATASETS)} (default: ramp)")
    source.add_argument("--csv", metavar="FILE", help="read the series from a CSV file (header row, or one number per line)")
    p.add_argument("--column", metavar="NAME", help="the CSV column to use (default: chosen and reported)")
    length = inspect.signature(get_dataset).parameters["length"].default
    p.add_argument("--length", type=int, default=length, help=f"length of a generated series (default: {length})")
    p.add_argument("--noise", type=float, help="noise of a generated series (default: the dataset's own)")
    p.add_argument("--data-seed", type=int, default=0, help="seed of a generated series (default: 0)")
    p.add_argument("--units", type=int, default=defaults.units, help="units per recurrent layer")
    p.add_argument("--epochs", type=int, default=defaults.epochs)
    p.add_argument("--window", type=int, default=defaults.window, help="values the model reads to predict the next")
    p.add_argument("--scale", type=float, help="divide the series by this (default: 100 for the ramp, else from the data)")
    p.add_argument("--offset", type=float, default=defaults.offset, help="subtracted before dividing by the scale (default: 0)")
    p.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    p.add_argument("--cell", choices=list(CELLS), default=defaults.cell)
    p.add_argument("--activation", choices=list(ACTIVATIONS), default=defaults.activation)
    p.add_argument("--seed", type=int, default=defaults.seed, help="decides the initial weights")
    p.add_argument("--val-fraction", type=float, default=defaults.val_fraction, help="last share of windows held out")
    p.add_argument("--batch-size", type=int, default=defaults.batch_size)
    p.add_argument("--layers", type=int, default=defaults.layers, help="stacked recurrent layers")
    p.add_argument("--forecast", type=int, metavar="N", help="also print N steps ahead, each fed back as input")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(_parser().parse_args(argv))
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted (Ctrl-C) before training started; nothing was trained", file=sys.stderr)
        return INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    # everything a user can get wrong is checked before tensorflow loads
    if args.csv is not None:
        series = load_series(args.csv, args.column)
        print(f"{args.csv}: {series.attrs['note']}", file=sys.stderr)
    elif args.column is not None:
        raise InputError("--column applies to --csv files only")
    else:
        series = get_dataset(args.dataset, length=args.length, noise=args.noise, seed=args.data_seed)
    scale = args.scale
    if scale is None and args.csv is None:
        scale = DATASETS[args.dataset].scale  # the ramp keeps the notebook's 100
    if scale is None:
        scale = suggest_scale(series)
        print(f"scale: {scale:g} (chosen from the data; set it with --scale)", file=sys.stderr)
    values = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if hasattr(args, f.name)}
    config = TrainConfig(**{**values, "scale": scale})
    from .windows import prepare_windows

    prepare_windows(series, config)
    if args.forecast is not None:
        check_range("--forecast", args.forecast, 1, 1000)
    _import_tensorflow_quietly()
    from .forecasting import forecast

    result = _train_until_interrupted(series, config)
    recent = series.to_numpy()[-config.window :]
    steps = forecast(result, recent, args.forecast or 1)
    shown = ", ".join(f"{v:g}" for v in recent)
    print(f"trained {result.epochs_trained} epochs in {result.seconds:.2f} s; final loss (MSE, scaled) {result.losses[-1]:.3g}")
    print(f"next value after [{shown}]: {steps[0]:.2f}")
    if args.forecast:
        print(f"forecast, {args.forecast} steps: {', '.join(f'{v:.2f}' for v in steps)}")
    _print_evaluation(result, recent, steps[0])
    return 0


def _print_evaluation(result, recent, answer: float) -> None:
    """The verdict, with the classical forecasters (fitted here, seconds on a long series) beside the rules; then
    each one's error on the held-out values."""
    from .classical import forecasters
    from .evaluation import MODEL, evaluate, series_period
    from .truth import distances_for
    from .verdicts import verdict

    period = series_period(result)
    if result.n_train + result.config.window >= 10:
        print("fitting ETS and ARIMA to the training part…", file=sys.stderr, flush=True)
    classical = forecasters(result.series, result.config.window, result.n_train, period)
    evaluation = evaluate(result, period, classical=classical)
    print(verdict(evaluation, truth=distances_for(result, recent, answer)).text)
    if not evaluation.n_held_out:
        return
    print(f"mean absolute error on the {evaluation.n_held_out} held-out values:")
    scored = [s for s in evaluation.scores[1:] if s.held_out is not None]
    for score in (evaluation.score(MODEL), *sorted(scored, key=lambda s: s.held_out.mae)):
        print(f"  {score.name:<28} {score.held_out.mae:.4g}  ({score.description})")


def _train_until_interrupted(series, config: TrainConfig):
    """Train in a worker thread, so that Ctrl-C reaches this (main) thread at once; a Ctrl-C ends the process.

    Python handles a signal only in the main thread, between bytecodes: had the main thread been
    inside one of TensorFlow's calls, Ctrl-C would have waited for it (seconds with a large model).
    """
    from .training import train

    bar = _ProgressBar()
    stop = threading.Event()
    outcome: dict = {}

    def report(progress) -> bool:
        bar(progress)
        outcome["latest"] = progress
        return not stop.is_set()

    def work() -> None:
        try:
            outcome["result"] = train(series, config, on_progress=report)
        except Exception as exc:  # handed to the main thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="seqcore-train", daemon=True)
    if not bar.live:
        print(f"training {config.epochs:,} epochs…", file=sys.stderr, flush=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        stop.set()
        bar.close()
        latest = outcome.get("latest")
        where = f"at epoch {latest.epoch:,} of {latest.total:,}" if latest else "before its first epochs were done"
        print(f"{PROG}: training stopped by Ctrl-C {where}; nothing was saved", file=sys.stderr, flush=True)
        sys.stdout.flush()
        # leave at once: a normal exit waits for the worker's current TensorFlow call and for
        # tensorflow's slow teardown, and nothing here needs cleaning up
        os._exit(INTERRUPTED)
    bar.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


class _ProgressBar:
    """Redraws one stderr line in a terminal; elsewhere (pipes, CI logs) writes only the last state."""

    def __init__(self):
        self.line = ""
        self.live = sys.stderr.isatty()

    def __call__(self, progress) -> None:
        done = round(30 * progress.epoch / progress.total)
        self.line = f"epoch {progress.epoch:>5}/{progress.total} [{'#' * done}{'-' * (30 - done)}] loss {progress.loss:.3g}"
        if self.live:
            print(f"\r{self.line}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.line:
            print(f"\r{self.line}" if self.live else self.line, file=sys.stderr, flush=True)
            self.line = ""


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with its C++ start-up notices (which ignore its log-level setting) off the terminal.

    A Ctrl-C meanwhile must end the process with one line. Python's own handling of it is not enough here:
    raised as a KeyboardInterrupt inside the import it was swallowed, and a signal arriving early in the
    import was lost altogether (training went ahead: seen here with a Ctrl-C 0.2-0.5 s after start). So where
    the system allows, SIGINT is blocked during the import, which keeps it pending whatever the import does,
    and looked for afterwards; elsewhere a handler ends the process.
    """
    saved = os.dup(2)

    def leave(*_) -> None:
        os.write(saved, f"{PROG}: interrupted (Ctrl-C) before training started; nothing was trained\n".encode())
        os._exit(INTERRUPTED)

    blocking = hasattr(signal, "pthread_sigmask")
    if blocking:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, leave)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            from . import _tf  # noqa: F401
    finally:
        os.dup2(saved, 2)
        if blocking and signal.SIGINT in signal.sigpending():
            leave()
        signal.signal(signal.SIGINT, previous)
        if blocking:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        os.close(saved)


if __name__ == "__main__":
    status = main()
    if status == INTERRUPTED:  # no need to wait for tensorflow's slow teardown after a Ctrl-C
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)
