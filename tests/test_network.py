"""The app makes no network connection of its own: the server runs with every outbound connection refused and recorded."""

import os
import subprocess
import sys
from pathlib import Path

from live_server import set_number, streamlit_server
from test_browser import APP_IDLE, launch_chromium, playwright

GUARD = Path(__file__).parent / "netguard"


def test_the_guard_itself_catches_a_connection(tmp_path):
    log = tmp_path / "attempts.log"
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError as e:\n    print(e)"
    env = {**os.environ, "PYTHONPATH": str(GUARD), "NETGUARD_LOG": str(log)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert "netguard" in out.stdout and "192.0.2.1" in log.read_text()


def test_serving_and_training_reach_nothing_outside(tmp_path, monkeypatch):
    log = tmp_path / "attempts.log"
    log.write_text("")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(GUARD), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("NETGUARD_LOG", str(log))
    loaded = tmp_path / "loaded.txt"
    monkeypatch.setenv("NETGUARD_LOADED", str(loaded))
    with streamlit_server(db_path=tmp_path / "runs.sqlite3") as (url, server, _), playwright.sync_playwright() as p:
        assert str(server.pid) in loaded.read_text().split()  # the server runs guarded
        browser = launch_chromium(p)
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(APP_IDLE)
        set_number(page, "epochs", 50)
        page.click(".st-key-train button")
        page.wait_for_selector("text=Run 1 on")
        page.wait_for_selector(APP_IDLE)
        for name in ("Data", "Compare", "Learn"):
            page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True).click()
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
            page.wait_for_selector(APP_IDLE)
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
    assert log.read_text() == "", f"the app tried to reach the network:\n{log.read_text()}"
