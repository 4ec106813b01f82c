"""What the replay costs and how it plays.

Run: .venv/bin/python bench/bench_replay.py   (about two minutes on a 2-core machine)
     .venv/bin/python bench/bench_replay.py playback   (parts 2 and 3 only)

1. Training time with and without snapshots (target: at most +10 %). SEQCORE_SNAPSHOTS=0 turns them off; each
   mode compiles first, then REPEATS trainings of each case are timed, the two modes in turns, and the medians
   reported. Cases: the notebook; the sine with a 64-unit LSTM and 20 % held out; 110 and 200-unit LSTMs, which keep fewer
   snapshots (4 MB a run) in calls whose buffer holds fewer epochs' weights (seqcore.trainers.RECORD_BYTES).
2. Playback in Chromium: the dashboard trains the notebook, Play is pressed on the replay, and the page
   records when Plotly shows each frame (its `plotly_animatingframe` event). Reports the frames seen, the
   time between them (median, 95th percentile, longest) against the intended one, and the whole play's length.
   It also records the frames Chromium painted (tests/paint.py) and counts those in which the memory panel is painted.
3. Building the replay's figure in the server for the notebook's run (CPU time, median of 20, Large text off), and its JSON.
"""

import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

REPEATS = 15

CASES = {
    "notebook: LSTM(30), 4 windows, 500 epochs": dict(series=("ramp", 7), config={}),
    "sine 200: LSTM(64), 20 % held out, 300 epochs": dict(series=("sine", 200), config=dict(units=64, epochs=300, val_fraction=0.2)),
    "ramp: LSTM(110), 300 epochs": dict(series=("ramp", 7), config=dict(units=110, epochs=300)),
    "ramp: LSTM(200), 300 epochs": dict(series=("ramp", 7), config=dict(units=200, epochs=300)),
    "sunspots (~300 values): LSTM(64), window 24, 20 % held out, 200 epochs": dict(
        series=("sunspots", 0), config=dict(units=64, window=24, epochs=200, val_fraction=0.2, scale=100)
    ),
}


def time_cases() -> dict:
    """Median seconds of each case without and with snapshots, timed in turns so that the machine's drift hits both.

    Each mode has its own compiled trainers (whether a loop hands back weights is fixed when it is built).
    """
    import seqcore
    from seqcore import snapshots, trainers
    from seqcore.replay import replay

    caches = {"0": {}, "1": {}}

    def mode(name: str) -> None:
        os.environ[snapshots.VARIABLE] = name
        trainers._trainers = caches[name]

    out = {}
    for case_name, case in CASES.items():
        kind, length = case["series"]
        series = seqcore.get_dataset(kind) if kind in ("ramp", "sunspots") else seqcore.get_dataset(kind, length=length)
        config = seqcore.TrainConfig(**case["config"])
        took = {"0": [], "1": []}
        kept = 0
        for name in took:  # compile both first
            mode(name)
            seqcore.train(series, config)
        for _ in range(REPEATS):
            for name in took:
                mode(name)
                start = time.perf_counter()
                result = seqcore.train(series, config)
                took[name].append(time.perf_counter() - start)
                kept = len(result.snapshots) if result.snapshots is not None else kept
        built = []
        for _ in range(3):
            start = time.perf_counter()
            replay(result)
            built.append(time.perf_counter() - start)
        out[case_name] = {
            "without": statistics.median(took["0"]),
            "with": statistics.median(took["1"]),
            "kept": kept,
            "replay": statistics.median(built),
        }
    return out


def training_overhead() -> None:
    measured = time_cases()
    print(f"median of {REPEATS} trainings each, timed in turns")
    print("| training | without snapshots | with | snapshots kept | added | building its replay (server) |")
    print("|---|---|---|---|---|---|")
    for name, m in measured.items():
        added = 100 * (m["with"] / m["without"] - 1)
        print(f"| {name} | {m['without']:.3f} s | {m['with']:.3f} s | {m['kept']} | {added:+.0f} % | {m['replay']:.3f} s |")


FRAMES_JS = """
() => {
  const plot = document.querySelector('.st-key-replay_chart .js-plotly-plot');
  window.__frames = [];
  plot.on('plotly_animatingframe', () => window.__frames.push(performance.now()));
}
"""


SHOWN = "() => document.querySelector('.st-key-replay_chart').textContent"  # the headline is in it


def playback() -> None:
    from live_server import APP_IDLE, launch_chromium, streamlit_server
    from paint import Box, Screencast
    from playwright.sync_api import sync_playwright

    with streamlit_server() as (url, _, _), sync_playwright() as p:
        browser = launch_chromium(p)
        for width, height in ((1280, 800), (1920, 1080)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(120_000)
            page.goto(url)
            page.wait_for_selector(".st-key-train button:not([disabled])")
            page.wait_for_selector(APP_IDLE)
            page.click(".st-key-train button")
            page.wait_for_selector(".st-key-verdict")
            page.wait_for_selector(APP_IDLE)
            page.locator(".st-key-replay_open label").click()
            page.wait_for_selector(".st-key-replay_chart .main-svg")
            page.wait_for_selector(APP_IDLE)
            page.locator(".st-key-replay_chart").scroll_into_view_if_needed()
            frames = page.evaluate("() => document.querySelector('.st-key-replay_chart .js-plotly-plot')._transitionData._frames.length")
            page.evaluate(FRAMES_JS)
            memory = Box.of(page.locator(".st-key-replay_chart .draglayer .x3y3 .nsewdrag")).inset(2)
            with Screencast(page) as cast:
                page.locator(".st-key-replay_chart .updatemenu-button", has_text="Play").click()
                page.wait_for_function(f"() => ({SHOWN})().includes('Epoch 500 ·')")
                page.wait_for_timeout(300)  # the last frame's paint
            painted = sum(f.painted(memory, min_share=0.25) for f in cast.frames)
            stamps = page.evaluate("() => window.__frames")
            gaps = sorted(float(g) for g in np.diff(stamps))
            intended = 8000 / frames
            p95 = gaps[int(0.95 * (len(gaps) - 1))] if gaps else float("nan")
            print(
                f"{width}x{height}: {len(stamps)} frames shown; between frames median {statistics.median(gaps):.0f} ms, "
                f"95th percentile {p95:.0f} ms, longest {max(gaps):.0f} ms (intended {intended:.0f} ms); "
                f"whole play {(stamps[-1] - stamps[0]) / 1000:.1f} s; memory painted in {painted} of {len(cast.frames)} painted frames"
            )
            page.close()
        browser.close()


def figure_cost() -> None:
    """Building the notebook run's replay figure in the server, and the JSON shipped to each browser that opens it."""
    import seqcore
    from pages.lab.charts_inside import replay_figure
    from seqcore.evaluation import baseline_losses
    from seqcore.replay import replay

    result = seqcore.train(seqcore.get_dataset("ramp"), seqcore.TrainConfig())
    played, copying = replay(result), baseline_losses(result).train
    took = []
    for _ in range(20):  # CPU time: what the server spends, and steadier than wall time on a shared machine
        start = time.process_time()
        figure = replay_figure(played, result.config.epochs, 0, copying)
        took.append(time.process_time() - start)
    print(f"replay figure (notebook, {len(played.frames)} frames): built in {statistics.median(took):.3f} CPU s (median of 20), "
          f"{len(figure.to_json()) / 1024:.0f} KiB of JSON")  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:] != ["playback"]:
        training_overhead()
    playback()
    figure_cost()
