"""Faults a classroom server meets: killed mid-training, tabs closed mid-training."""

import signal
import sqlite3
import time

from live_server import set_number, streamlit_server
from test_browser import APP_IDLE, launch_chromium, playwright, start_long_training


def train_once(page, epochs: int, run_caption: str) -> None:
    set_number(page, "epochs", epochs)
    page.click(".st-key-train button")
    page.wait_for_selector(f"text={run_caption}")
    page.wait_for_selector(APP_IDLE)


def test_a_server_killed_mid_training_loses_no_finished_run(tmp_path):
    db = tmp_path / "runs.sqlite3"
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        with streamlit_server(db_path=db) as (url, server, _):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector(APP_IDLE)
            train_once(page, 40, "Run 1 on")
            train_once(page, 60, "Run 2 on")
            address = page.url
            start_long_training(page)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        check = sqlite3.connect(db)
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in check.execute("SELECT status FROM runs ORDER BY id")] == ["finished", "finished"]
        check.close()
        with streamlit_server(db_path=db) as (url, _, _):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(60_000)
            page.goto(url + "/?" + address.split("?", 1)[1])
            page.wait_for_selector("text=Run 2 on")  # the latest run, restored whole
            page.locator('[data-testid="stSidebarNav"]').get_by_text("Compare", exact=True).click()
            page.wait_for_selector(".st-key-runs_chart .main-svg")
            assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()


def cpu_seconds(pid: int) -> float:
    ticks = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(ticks[11]) + int(ticks[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def test_closing_the_tab_mid_training_stops_the_training(tmp_path):
    with playwright.sync_playwright() as p, streamlit_server(db_path=tmp_path / "runs.sqlite3") as (url, server, _):
        browser = launch_chromium(p)
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(APP_IDLE)
        start_long_training(page)  # 10,000 epochs: ~4 s of training left when the tab closes
        page.close()
        time.sleep(1)  # streamlit notices the closed connection and ends the session's script
        before = cpu_seconds(server.pid)
        time.sleep(2)
        busy = cpu_seconds(server.pid) - before
        browser.close()
    assert busy < 0.5, f"the server used {busy:.2f} s of CPU in 2 s after the tab closed: training kept running"
    rows = sqlite3.connect(tmp_path / "runs.sqlite3").execute("SELECT status FROM runs").fetchall()
    assert rows in ([], [("stopped",)])
