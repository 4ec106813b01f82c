"""A class at once: N browser sessions train at the same moment against one real server.

Run: .venv/bin/python bench/bench_class.py [N]   (default 10; needs Debian's chromium; about a minute)
Each session opens its own workspace, trains the notebook's defaults with its own seed (and, every other
session, 20 units), then checks that it sees its own run, its own prediction and no one else's runs.
Reports per-session time to result, the server's peak memory and CPU, and its memory after the sessions end.
Targets: all finish without an error; slowest within 10x of a lone session; memory back within 100 MiB.
"""

import asyncio
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from live_server import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

CAPTION = re.compile(r"^Run (\d+) on .* seed (\d+) · (\d+) epochs in ([\d.]+) s")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chromium_cpu_seconds() -> float:
    """CPU used so far by every chromium process: the browsers share the server's two cores in this benchmark."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"chromium" in open(f"/proc/{pid}/cmdline", "rb").read():
                total += cpu_seconds(int(pid))
        except OSError:
            pass
    return total


class Monitor(threading.Thread):
    """Samples the server's memory every 0.1 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(0.1)


async def set_number(page, key: str, value) -> None:
    box = page.locator(f".st-key-{key} input")
    await box.fill(str(value))
    await box.press("Enter")
    await page.wait_for_timeout(300)
    await page.wait_for_selector(APP_IDLE)


async def session(browser, url: str, seed: int, units: int) -> dict:
    """One student: fresh tab, own settings, Train, then check what the Train and Compare pages show."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    await page.goto(url)
    await page.wait_for_selector(".st-key-train button:not([disabled])")
    await page.wait_for_selector(APP_IDLE)
    await set_number(page, "seed", seed)
    if units != 30:
        await set_number(page, "units", units)
    start = time.perf_counter()
    await page.click(".st-key-train button")
    caption = page.get_by_text(CAPTION)
    await caption.wait_for()
    await page.wait_for_selector(".st-key-prediction_chart .main-svg")
    seconds = time.perf_counter() - start
    run, shown_seed, epochs, _ = CAPTION.search(await caption.inner_text()).groups()
    metric = page.locator('[data-testid="stMetric"]', has_text="Next value after [5, 6, 7]")
    prediction = float(await metric.locator('[data-testid="stMetricValue"]').inner_text())
    await page.locator('[data-testid="stSidebarNav"]').get_by_text("Compare", exact=True).click()
    await page.wait_for_selector(".st-key-runs_chart .main-svg")
    curves = await page.locator(".st-key-runs_chart .scatterlayer .trace").count()
    errors = await page.locator('[data-testid="stException"], [data-testid="stAlert"]:has-text("error")').count()
    workspace = page.url.split("ws=")[-1]
    await context.close()
    return {
        "seed": seed, "units": units, "seconds": seconds, "run": int(run), "shown_seed": int(shown_seed),
        "epochs": int(epochs), "prediction": prediction, "curves": curves, "errors": errors, "workspace": workspace,
    }  # fmt: skip


async def main(n: int) -> None:
    with streamlit_server() as (url, server, _):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            await session(browser, url, seed=99, units=30)  # the server's first training waits for the warm-up
            lone = await session(browser, url, seed=100, units=30)
            await asyncio.sleep(3)
            idle_before = rss_mib(server.pid)
            monitor = Monitor(server.pid)
            monitor.start()
            cpu_start, wall_start, browsers_start = cpu_seconds(server.pid), time.perf_counter(), chromium_cpu_seconds()
            results = await asyncio.gather(
                *(session(browser, url, seed=i, units=30 if i % 2 == 0 else 20) for i in range(n)), return_exceptions=True
            )
            cpu_used, wall = cpu_seconds(server.pid) - cpu_start, time.perf_counter() - wall_start
            browsers_used = chromium_cpu_seconds() - browsers_start
            await browser.close()
        await asyncio.sleep(10)  # sessions time out and release their state
        monitor.running = False
        idle_after = rss_mib(server.pid)

    failures = [r for r in results if isinstance(r, BaseException)]
    good = [r for r in results if not isinstance(r, BaseException)]
    print(f"lone session: time to result {lone['seconds']:.2f} s, prediction {lone['prediction']:.2f}")
    for r in good:
        isolated = r["shown_seed"] == r["seed"] and r["curves"] == 1
        print(f"  seed {r['seed']:>2} units {r['units']}: {r['seconds']:6.2f} s  prediction {r['prediction']:.2f}  "
              f"run {r['run']:>3}  own run only: {isolated}  errors on page: {r['errors']}")  # fmt: skip
    for failure in failures:
        print(f"  FAILED: {type(failure).__name__}: {str(failure).splitlines()[0]}")
    slowest = max((r["seconds"] for r in good), default=float("nan"))
    workspaces = {r["workspace"] for r in good}
    all_isolated = all(r["shown_seed"] == r["seed"] and r["curves"] == 1 for r in good) and len(workspaces) == len(good)
    print(f"{len(good)}/{n} sessions finished, {len(failures)} failed; every session saw only its own run: {all_isolated}")
    print(f"slowest {slowest:.2f} s = {slowest / lone['seconds']:.1f}x the lone session (target <= 10x)")
    print(f"CPU during the class, {wall:.1f} s wall: server {cpu_used:.1f} s ({cpu_used / wall:.0%} of one core), "
          f"the {n} headless browsers {browsers_used:.1f} s ({browsers_used / wall:.0%})")  # fmt: skip
    print(f"server memory: {idle_before:.0f} MiB idle before, peak {monitor.peak:.0f} MiB, {idle_after:.0f} MiB after "
          f"({idle_after - idle_before:+.0f} MiB; target within 100 MiB)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
