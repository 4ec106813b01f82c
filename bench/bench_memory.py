"""Memory of the server and its training workers while students try many model sizes, then a class trains at once.

Run: .venv/bin/python bench/bench_memory.py   (about five minutes on a 2-core machine)
Against one real server (started as `make run` does): 3 rounds in which 12 sessions each train a new size
(units 31-42, 5 epochs), then a class of 30 sessions at once (bench_class.py's protocol clients). After each
step it prints the resident memory of the server process and of its workers, summed (a worker replaced
meanwhile counts as its replacement). Target: within 150 MiB of the figure after round 1, and no growth from
round to round. Each snapshot waits until both workers are up (none mid-replacement) and the total holds still.
"""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
# compiled programs kept where `make run` keeps them, so the server starts as a restarted `make run` does
os.environ.setdefault("LAB_XLA_CACHE", os.path.join(os.path.dirname(__file__), "..", "data", "xla-cache"))
sys.path.insert(0, os.path.dirname(__file__))

from bench_class import _rss, parent_of, protocol_session, rss_mib  # noqa: E402
from live_server import streamlit_server  # noqa: E402
from protocol_client import ProtocolSession  # noqa: E402

ROUNDS = 3
SIZES = range(31, 43)
CLASS = 30


async def train_size(url: str, units: int) -> None:
    async with ProtocolSession(url) as tab:
        await tab.rerun(units=units, epochs=5)
        await tab.rerun(press="train")
        assert any(text.startswith("Run ") for text in tab.texts()), tab.problems()


def settle(pid: int, workers: int = 2) -> None:
    """Wait until every worker is up (none mid-replacement) and the total holds still, so snapshots compare."""
    previous = -1.0
    for _ in range(120):
        time.sleep(1.0)
        spawned = sum(
            1 for entry in os.listdir("/proc") if entry.isdigit() and b"spawn_main" in _cmdline(entry) and parent_of(entry) == pid
        )
        total = rss_mib(pid)
        if spawned == workers and abs(total - previous) < 5:
            return
        previous = total


def _cmdline(entry: str) -> bytes:
    try:
        return open(f"/proc/{entry}/cmdline", "rb").read()
    except OSError:
        return b""


def show(label: str, pid: int, start: float) -> float:
    settle(pid)
    server, total = _rss(pid), rss_mib(pid)
    print(f"{label:34} server {server:6.0f} MiB  workers {total - server:6.0f} MiB  total {total:6.0f} MiB  "
          f"[{time.perf_counter() - start:5.0f} s]", flush=True)  # fmt: skip
    return total


async def main() -> None:
    with streamlit_server() as (url, server, _):
        start = time.perf_counter()
        await protocol_session(url, seed=99, units=30)  # the first training: every worker up and warm
        first = show("started, one training done", server.pid, start)
        totals = []
        for round_ in range(1, ROUNDS + 1):
            for units in SIZES:
                await train_size(url, units)
            totals.append(show(f"after round {round_} of {len(SIZES)} sizes", server.pid, start))
        results = await asyncio.gather(*(protocol_session(url, seed=i, units=30 if i % 2 == 0 else 20) for i in range(CLASS)))
        assert all(r["errors"] == 0 for r in results)
        await asyncio.sleep(15)  # sessions end and release their state
        totals.append(show(f"after a class of {CLASS}", server.pid, start))
    print(f"started at {first:.0f} MiB; after round 1 {totals[0]:.0f} MiB; highest since {max(totals):.0f} MiB")
    print(f"largest growth after round 1: {max(totals) - totals[0]:+.0f} MiB (target <= 150); "
          f"round to round: {totals[1] - totals[0]:+.0f}, {totals[2] - totals[1]:+.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
