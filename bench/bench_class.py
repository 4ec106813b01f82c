"""A class at once: N sessions train at the same moment against one real server.

Run: .venv/bin/python bench/bench_class.py [N] [--browsers] [--pause SECONDS] [--profile FILE]   (default 10 sessions)
By default each session is a protocol client (bench/protocol_client.py): it speaks the app's websocket
protocol as a browser tab does, but draws nothing, as in a classroom where every student's browser runs
on their own laptop. With --browsers each session is a context of one headless Chromium (Debian's) on
this same machine instead: the worst case, where ten browsers' rendering competes with the server.
Each session opens its own workspace, trains the notebook's defaults with its own seed (and, every other
session, 20 units), pausing --pause seconds (default 1, a student moving to the Train button) between
changing a setting and pressing Train, then checks that it sees its own run, its own prediction and no one else's runs.
Reports per-session time to result, the server's peak memory and CPU, and its memory after the sessions end.
Targets: all finish without an error; slowest within 10x of a lone session; memory back within 100 MiB.
--profile FILE samples the server with py-spy (if installed) while the class trains: raw stacks in FILE.
"""

import asyncio
import os
import re
import resource
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
# compiled programs kept where `make run` keeps them, so the server starts as a restarted `make run` does
os.environ.setdefault("LAB_XLA_CACHE", os.path.join(os.path.dirname(__file__), "..", "data", "xla-cache"))

from live_server import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402
from protocol_client import ProtocolSession  # noqa: E402

# the run's line: "Run 1 on … · 500 epochs in 0.08 s · seed 3 · next value …" (markdown here, its text in a browser);
# every workspace numbers its own runs from 1, so the seed says whose run it is
CAPTION = re.compile(r"^\**Run (\d+)\**.* (\d+) epochs in ([\d.]+) s · seed (\d+)")


def rss_mib(pid: int) -> float:
    """Resident memory of the server `pid` and its training workers (every process descended from it), summed."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            children.setdefault(parent_of(entry), []).append(int(entry))
    tree, todo = [pid], list(children.get(pid, []))
    while todo:
        tree.append(todo.pop())
        todo.extend(children.get(tree[-1], []))
    return sum(_rss(member) for member in tree)


def parent_of(entry: str) -> int:
    """The parent process id of /proc/<entry> (-1 once it has gone)."""
    try:
        return int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _rss(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0


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
    """Samples the memory of the server and its workers every 0.1 s."""

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


PAUSE = 1.0  # seconds between changing a setting and pressing Train (--pause)


async def protocol_session(url: str, seed: int, units: int) -> dict:
    """One student as a protocol client: the same steps and checks as `session`, without drawing anything."""
    async with ProtocolSession(url) as tab:
        await tab.rerun(seed=seed)
        if units != 30:
            await tab.rerun(units=units)
        await asyncio.sleep(PAUSE)
        start = time.perf_counter()
        await tab.rerun(press="train")
        seconds = tab.finished_at - start
        run, epochs, trained, shown_seed = next(m.groups() for m in map(CAPTION.search, tab.texts()) if m)
        prediction = float(tab.metric("Next value after [5, 6, 7]"))
        errors = len(tab.problems())
        await tab.rerun(page="Compare")
        curves = len(tab.chart("runs_chart")["data"])
        return {
            "seed": seed, "units": units, "seconds": seconds, "run": int(run), "shown_seed": int(shown_seed),
            "epochs": int(epochs), "trained": float(trained), "prediction": prediction, "curves": curves,
            "errors": errors + len(tab.problems()), "workspace": tab.workspace,
        }  # fmt: skip


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
    await page.wait_for_timeout(PAUSE * 1000)
    start = time.perf_counter()
    await page.click(".st-key-train button")
    caption = page.get_by_text(CAPTION)
    await caption.wait_for()
    await page.wait_for_selector(".st-key-prediction_chart .main-svg")
    seconds = time.perf_counter() - start
    run, epochs, trained, shown_seed = CAPTION.search(await caption.inner_text()).groups()
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
        "epochs": int(epochs), "trained": float(trained), "prediction": prediction, "curves": curves, "errors": errors,
        "workspace": workspace,
    }  # fmt: skip


async def main(n: int, browsers: bool, profile: str | None) -> None:
    with streamlit_server() as (url, server, _):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) if browsers else None

            def student(seed: int, units: int):
                return session(browser, url, seed, units) if browsers else protocol_session(url, seed, units)

            await student(seed=99, units=30)  # the server's first training waits for the warm-up
            # a lone session's time varies by 2x run to run on this machine: take the median of three
            lones = sorted([await student(seed=100 + i, units=30) for i in range(3)], key=lambda r: r["seconds"])
            lone = lones[1]
            await asyncio.sleep(3)
            idle_before = rss_mib(server.pid)
            monitor = Monitor(server.pid)
            monitor.start()
            cpu_start, wall_start, browsers_start = cpu_seconds(server.pid), time.perf_counter(), chromium_cpu_seconds()
            client_start = resource.getrusage(resource.RUSAGE_SELF)
            spy = profile and subprocess.Popen(["py-spy", "record", "-p", str(server.pid), "-r", "25", "--format", "raw", "-o", profile])
            results = await asyncio.gather(*(student(seed=i, units=30 if i % 2 == 0 else 20) for i in range(n)), return_exceptions=True)
            cpu_used, wall = cpu_seconds(server.pid) - cpu_start, time.perf_counter() - wall_start
            browsers_used = chromium_cpu_seconds() - browsers_start
            client_end = resource.getrusage(resource.RUSAGE_SELF)
            if spy:
                spy.send_signal(2)  # py-spy writes its file on Ctrl-C
                spy.wait()
            client_used = client_end.ru_utime + client_end.ru_stime - client_start.ru_utime - client_start.ru_stime
            if browser is not None:
                await browser.close()
        await asyncio.sleep(10)  # sessions time out and release their state
        monitor.running = False
        idle_after = rss_mib(server.pid)

    failures = [r for r in results if isinstance(r, BaseException)]
    good = [r for r in results if not isinstance(r, BaseException)]
    lone_times = ", ".join(f"{r['seconds']:.2f}" for r in lones)
    print(f"lone session (median of {lone_times} s): time to result {lone['seconds']:.2f} s, "
          f"prediction {lone['prediction']:.2f}")  # fmt: skip
    for r in good:
        isolated = r["shown_seed"] == r["seed"] and r["curves"] == 1
        print(f"  seed {r['seed']:>2} units {r['units']}: {r['seconds']:6.2f} s (training {r['trained']:5.2f} s)  "
              f"prediction {r['prediction']:.2f}  run {r['run']:>3}  own run only: {isolated}  errors on page: {r['errors']}")  # fmt: skip
    for failure in failures:
        print(f"  FAILED: {type(failure).__name__}: {str(failure).splitlines()[0]}")
    slowest = max((r["seconds"] for r in good), default=float("nan"))
    workspaces = {r["workspace"] for r in good}
    all_isolated = all(r["shown_seed"] == r["seed"] and r["curves"] == 1 for r in good) and len(workspaces) == len(good)
    print(f"{len(good)}/{n} sessions finished, {len(failures)} failed; every session saw only its own run: {all_isolated}")
    print(f"slowest {slowest:.2f} s = {slowest / lone['seconds']:.1f}x the lone session (target <= 10x)")
    clients = (
        f"the {n} headless browsers {browsers_used:.1f} s (closed tabs' processes not counted)"
        if browsers
        else (f"the {n} protocol clients {client_used:.1f} s ({client_used / wall:.0%})")
    )
    print(f"{'browsers' if browsers else 'protocol clients'}: CPU during the class, {wall:.1f} s wall: "
          f"server {cpu_used:.1f} s ({cpu_used / wall:.0%} of one core), {clients}")  # fmt: skip
    print(f"server and workers, memory: {idle_before:.0f} MiB idle before, peak {monitor.peak:.0f} MiB, {idle_after:.0f} MiB after "
          f"({idle_after - idle_before:+.0f} MiB; target within 100 MiB)")  # fmt: skip


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sessions", nargs="?", type=int, default=10)
    parser.add_argument("--browsers", action="store_true", help="Chromium contexts on this machine instead of protocol clients")
    parser.add_argument("--pause", type=float, default=PAUSE, help="seconds between changing a setting and pressing Train")
    parser.add_argument("--profile", help="write py-spy raw stacks of the server during the class to this file")
    args = parser.parse_args()
    PAUSE = args.pause
    asyncio.run(main(args.sessions, args.browsers, args.profile))
