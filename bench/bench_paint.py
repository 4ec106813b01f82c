"""What a class sees while it watches the loss: the frames Chromium paints through Class-speed trainings.

Run: .venv/bin/python bench/bench_paint.py [trainings]   (needs Debian's chromium; about a minute a training)

For each training (the notebook's defaults, Class speed on, 1280x800): how many frames Chromium painted between the click
and the finished result, in how many of them the loss chart's place was blank (less than half a percent of its pixels
inked: an empty chart with only its axes inks about three times that), and how often the chart was taken out of the page
and drawn again (a mutation observer). Target: no blank frame and no remount.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from live_server import APP_IDLE, NEW_RUN_SHOWN, launch_chromium, streamlit_server  # noqa: E402
from paint import Box, Screencast, blank_frames  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

CHART = '.lab-steady-chart, [data-testid="stPlotlyChart"]'  # the loss chart, whichever way a version draws it
COUNT_REMOUNTS = f"""() => {{ window.__remounts = 0; const chart = (n) => n.nodeType === 1
  && (n.matches('{CHART}') || n.querySelector('{CHART}'));
  new MutationObserver((changes) => {{ for (const c of changes) for (const n of c.removedNodes) if (chart(n)) window.__remounts++; }})
    .observe(document.body, {{ childList: true, subtree: true }}); }}"""
EMPTY_CHART_INK = 0.005


def watch_one(page) -> tuple[int, int, int]:
    """One Class-speed training: (frames painted, frames with the chart's place blank, remounts)."""
    box = Box.of(page.locator(CHART).first).inset(4)
    page.evaluate(COUNT_REMOUNTS)
    before = page.locator(".st-key-run_line").inner_text()
    with Screencast(page) as cast:
        started = time.time()
        page.click(".st-key-train button")
        page.wait_for_function(
            NEW_RUN_SHOWN,
            arg=before,
            timeout=120_000,
        )
    frames = cast.since(started)
    first, blank = blank_frames(frames, box, min_share=EMPTY_CHART_INK)
    blank_count = len(blank) + (first if first > 0 else 0)  # blank before the first painted frame counts too
    return len(frames), blank_count, page.evaluate("() => window.__remounts")


def main(trainings: int) -> None:
    with streamlit_server() as (url, _, _), sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(120_000)
        page.goto(url)
        page.wait_for_selector(".st-key-train button:not([disabled])")
        page.wait_for_selector(APP_IDLE)
        page.locator(".st-key-class_speed label").click()
        page.wait_for_selector(APP_IDLE)
        page.click(".st-key-train button")  # a first run: the worker has its model, the page its result
        page.wait_for_selector(".st-key-prediction_chart .main-svg")
        page.wait_for_selector(APP_IDLE)
        print("training  frames painted  chart blank  remounts")
        for i in range(trainings):
            frames, blank, remounts = watch_one(page)
            print(f"{i + 1:8d}  {frames:14d}  {blank:11d}  {remounts:8d}")
        browser.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
