"""Nothing leaves the machine: the server runs with every outbound connection refused and recorded, and the
browser's every request (page, assets, websocket) while a user visits every page and trains is checked too.
"""

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
    requests: list[str] = []
    with streamlit_server(db_path=tmp_path / "runs.sqlite3") as (url, server, _), playwright.sync_playwright() as p:
        assert str(server.pid) in loaded.read_text().split()  # the server runs guarded
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1280, "height": 800})

        def record(route):  # every request of the page and its workers; anything outside is recorded and refused
            requests.append(route.request.url)
            route.continue_() if is_own(route.request.url, url) else route.abort()

        context.route("**/*", record)
        page = context.new_page()
        page.on("websocket", lambda socket: requests.append(socket.url))
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(APP_IDLE)
        page.get_by_text("More settings").click()
        set_number(page, "epochs", 50)
        page.click(".st-key-train button")
        page.wait_for_selector(".st-key-prediction_chart .main-svg")
        page.wait_for_selector(APP_IDLE)
        for name in ("Data", "Compare", "Learn", "Train"):
            page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True).click()
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
            page.wait_for_selector(APP_IDLE)
        page.wait_for_timeout(1000)  # late requests (icons, fonts) still land in the list
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
    assert log.read_text() == "", f"the server tried to reach the network:\n{log.read_text()}"
    outside = sorted({r for r in requests if not is_own(r, url)})
    assert not outside, "the browser asked for something outside the app:\n" + "\n".join(outside)
    assert any(r.startswith(url.replace("http", "ws")) for r in requests) and len(requests) > 20  # the recording saw the app


def is_own(request: str, app: str) -> bool:
    """A request to the app's own address (http or its websocket), or one that never leaves the page (data:, blob:)."""
    return request.startswith((app + "/", app.replace("http", "ws", 1) + "/", "data:", "blob:")) or request == app
