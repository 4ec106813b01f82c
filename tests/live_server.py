"""A real Streamlit server and a headless Debian Chromium, for the browser test and the UI benchmark."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]  # fmt: skip
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# a loss curve with at least one point, drawn by plotly in the page
LOSS_CURVE_DRAWN = """[...document.querySelectorAll('[data-testid="stPlotlyChart"], .lab-steady-chart')].some(
    c => (c.querySelector('.gtitle')?.textContent || '').startsWith('Loss per epoch') && c.querySelector('.scatterlayer path.js-line'))"""


# a new run is shown: the run line names a run other than `before` (its text before the click) and the page is idle
NEW_RUN_SHOWN = f"""(before) => document.querySelector('.st-key-run_line')?.innerText.startsWith('Run')
    && document.querySelector('.st-key-run_line').innerText !== before && document.querySelector('{APP_IDLE}')"""


def require_chromium() -> None:
    """Skip the calling test module without Debian's chromium; in CI, where it must be there, fail instead."""
    import pytest

    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; `make test` installs Debian's chromium", pytrace=False)
        pytest.skip("Debian's chromium is not installed (make test installs it where apt-get can)", allow_module_level=True)


def set_number(page, key: str, value) -> None:
    """Type into the number input with widget key `key` and wait for the rerun to settle."""
    box = page.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_selector(APP_IDLE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(port: int | None = None, timeout: float = 60, db_path=None):
    """Start the dashboard as `make run` does (workers, then Streamlit) on localhost.

    Yields (url, process, seconds until /_stcore/health said ok).

    Runs are kept in `db_path`, else in $LAB_DB_PATH, else in a throw-away database.
    """
    db = str(db_path or os.environ.get("LAB_DB_PATH") or os.path.join(tempfile.mkdtemp(prefix="lab-runs-"), "runs.sqlite3"))
    port = port or free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "artifacts" / "streamlit-server.log", "w")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pages.lab.serve", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "LAB_DB_PATH": db, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://localhost:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode}; see artifacts/streamlit-server.log")
            if time.perf_counter() - started > timeout:
                raise TimeoutError("streamlit did not answer its health check")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.05)
        yield url, process, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
