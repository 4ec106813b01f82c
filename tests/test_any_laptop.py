"""The app and the command line on a system without Linux's own calls (as on macOS and Windows): they start and train."""

import os
import re
import subprocess
import sys
from pathlib import Path

from live_server import ROOT, set_number, streamlit_server
from test_browser import APP_IDLE, launch_chromium, playwright

NOLINUX = Path(__file__).parent / "nolinux"


def test_the_dashboard_trains_without_linux_only_calls(tmp_path, monkeypatch):
    loaded = tmp_path / "loaded.txt"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(NOLINUX), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("NOLINUX_LOADED", str(loaded))
    with streamlit_server(db_path=tmp_path / "runs.sqlite3") as (url, server, _), playwright.sync_playwright() as p:
        assert str(server.pid) in loaded.read_text().split()  # the server runs without them
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(APP_IDLE)
        set_number(page, "epochs", 50)
        page.click(".st-key-train button")
        page.wait_for_selector(".st-key-prediction_chart .main-svg")
        page.wait_for_selector(APP_IDLE)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stMetric"]', has_text="Next value after [5, 6, 7]").is_visible()
        browser.close()


def test_the_command_line_trains_without_linux_only_calls(tmp_path):
    loaded = tmp_path / "loaded.txt"
    env = {**os.environ, "PYTHONPATH": str(NOLINUX), "NOLINUX_LOADED": str(loaded)}
    out = subprocess.run(
        [sys.executable, "-m", "seqcore", "--epochs", "20"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(r"next value after \[5, 6, 7\]: [\d.]+", out.stdout) and loaded.read_text().strip()
