"""The real thing: a Streamlit server and headless Chromium, clicking like a teacher would.

Screenshots land in artifacts/ (git-ignored) for a person to look at.
"""

import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from live_server import APP_IDLE, LOSS_CURVE_DRAWN, NEW_RUN_SHOWN, ROOT, launch_chromium, require_chromium, set_number, streamlit_server
from paint import Box, BoxSampler, Screencast, blank_frames, moved

require_chromium()

playwright = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "artifacts"
LOSS_CHART = ".st-key-loss_chart .main-svg >> nth=0"
SERVER: dict = {}  # the module's server process, for tests that look inside it


@pytest.fixture(scope="module")
def browser_page():
    SHOTS.mkdir(exist_ok=True)
    with streamlit_server() as (url, server, _), playwright.sync_playwright() as p:
        SERVER["process"] = server
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(".st-key-train button:not([disabled])")
        page.wait_for_selector(APP_IDLE)
        yield page
        browser.close()


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def shot(page, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def test_first_screen_is_the_train_page(browser_page):
    page = browser_page
    assert page.get_by_role("heading", name="Train an LSTM to predict the next value").is_visible()
    for name in ("Train", "Data", "Compare", "Learn"):
        assert page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True).is_visible()
    no_exception(page)
    shot(page, "1-first-screen")


def test_train_with_the_notebook_defaults(browser_page):
    page = browser_page
    page.click(".st-key-train button")
    page.wait_for_function(LOSS_CURVE_DRAWN)
    shot(page, "2-training")
    page.wait_for_selector(".st-key-prediction_chart .main-svg")
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    value = page.locator('[data-testid="stMetric"]', has_text="Next value after [5, 6, 7]").locator('[data-testid="stMetricValue"]')
    assert abs(float(value.inner_text()) - 8.0) < 0.1
    assert page.locator(LOSS_CHART).is_visible()
    shot(page, "3-trained")
    page.locator(".st-key-prediction_chart").scroll_into_view_if_needed()
    shot(page, "4-predicted-vs-actual")


def test_the_verdict_the_baseline_lines_and_the_seed_spread(browser_page):
    page = browser_page
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Train", exact=True).click()
    page.wait_for_selector(".st-key-train button:not([disabled])")
    page.click(".st-key-train button")
    page.wait_for_selector(".st-key-verdict")
    page.wait_for_selector(APP_IDLE)
    verdict = page.locator(".st-key-verdict").inner_text()
    assert "The ramp goes on with 8" in verdict and "copying says 7, off by 1" in verdict and "the LSTM is off by" in verdict
    shot(page, "5-verdict")
    # the last-value rule's loss: a dashed flat line drawn by plotly across the loss chart
    page.locator(".st-key-loss_chart").scroll_into_view_if_needed()
    # the chart that stays mounted moves to the run's figure in the browser, after the script has finished: wait for it
    page.locator(".st-key-loss_chart", has_text="under copying's training loss from epoch").wait_for()
    assert page.locator(".st-key-loss_chart .shapelayer path[style*='stroke-dasharray']").count() >= 1
    shot(page, "5b-baseline-on-the-loss")
    page.click(".st-key-seeds_button button")
    page.wait_for_selector(".st-key-seed_predictions_chart .main-svg", timeout=120_000)
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    assert page.locator(".st-key-seed_predictions_chart .scatterlayer .point").count() == 10
    page.locator(".st-key-seed_errors_chart").scroll_into_view_if_needed()
    shot(page, "6-ten-seeds")


LONG_UNITS = 256  # the notebook's 30 units train 10,000 epochs in a few seconds: too soon over to be stopped reliably


REPLAY_TEXT = "() => document.querySelector('.st-key-replay_chart').textContent"


def replay_epoch(page) -> int:
    return int(re.search(r"Epoch (\d+) ·", page.evaluate(REPLAY_TEXT)).group(1))


def open_replay_and_inside(page, tag: str) -> None:
    """Switch the replay on, play it to its end, then open the Learn page's inside view; screenshots named by `tag`."""
    page.locator(".st-key-replay_open label").click()
    page.wait_for_selector(".st-key-replay_chart .main-svg")
    page.wait_for_selector(APP_IDLE)
    chart = page.locator(".st-key-replay_chart")
    chart.scroll_into_view_if_needed()
    assert replay_epoch(page) == 0
    forward = chart.locator(".updatemenu-button", has_text="▶").filter(has_not_text="Play")
    back = chart.locator(".updatemenu-button", has_text="◀")
    for expected in (1, 2):  # the steps work in the browser, from whatever frame is shown
        forward.click()
        page.wait_for_function(f"() => ({REPLAY_TEXT})().includes('Epoch {expected} ·')")
    back.click()
    page.wait_for_function(f"() => ({REPLAY_TEXT})().includes('Epoch 1 ·')")
    chart.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function(f"() => /Epoch [1-9][0-9]/.test(({REPLAY_TEXT})())")
    chart.locator(".updatemenu-button", has_text="Pause").click()
    paused = replay_epoch(page)
    forward.click()
    page.wait_for_function(f"() => ({REPLAY_TEXT})().includes('Epoch ') && !({REPLAY_TEXT})().includes('Epoch {paused} ·')")
    assert replay_epoch(page) > paused  # a step after a pause goes on from there, not back to the start
    shot(page, f"11-replay-playing-{tag}")
    chart.locator(".updatemenu-button", has_text="Fast").click()
    page.wait_for_function(f"() => ({REPLAY_TEXT})().includes('Epoch 500 · next value after 5, 6, 7: 8.01')", timeout=30_000)
    shot(page, f"11-replay-end-{tag}")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Learn", exact=True).click()
    page.wait_for_selector(".st-key-inside_heatmaps .main-svg")
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    page.locator(".st-key-inside_heatmaps").scroll_into_view_if_needed()
    shot(page, f"12-inside-{tag}")
    page.get_by_text("worked out").scroll_into_view_if_needed()
    shot(page, f"12-worked-out-{tag}")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Train", exact=True).click()
    page.wait_for_selector(APP_IDLE)


def test_the_replay_plays_to_8_01_and_the_inside_view_opens(browser_page):
    """On the notebook's run (the test above trained it): at a projector's 1280x800, then in a 1920x1080 tab."""
    page = browser_page
    open_replay_and_inside(page, "1280")
    wide = page.context.browser.new_page(viewport={"width": 1920, "height": 1080})
    wide.set_default_timeout(60_000)
    # the Train page of the same workspace (the first tab may be on the Learn page by now): its latest run comes back
    address = urlsplit(page.url)
    wide.goto(f"{address.scheme}://{address.netloc}/?{address.query}")
    wide.wait_for_selector(".st-key-verdict")
    wide.wait_for_selector(APP_IDLE)
    open_replay_and_inside(wide, "1920")
    wide.close()


def start_long_training(page) -> None:
    """Click Train for a training that takes tens of seconds and return once it has reported progress."""
    set_number(page, "units", LONG_UNITS)
    set_number(page, "epochs", 10000)
    page.click(".st-key-train button")
    page.wait_for_selector(".st-key-stop button")
    page.wait_for_selector('[data-testid="stProgress"]:has-text("Epoch")')


def test_stop_keeps_the_curve_so_far_and_the_next_training_works(browser_page):
    page = browser_page
    start_long_training(page)
    page.click(".st-key-stop button")
    page.wait_for_selector("text=Training stopped at epoch")
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    assert page.locator(LOSS_CHART).is_visible()
    stopped = sqlite3.connect(os.environ["LAB_DB_PATH"]).execute("SELECT count(*) FROM runs WHERE status = 'stopped'").fetchone()
    assert stopped[0] >= 1  # saved as a stopped run, not only shown
    shot(page, "5-stopped")
    set_number(page, "epochs", 100)
    page.click(".st-key-train button")
    page.wait_for_selector("text=100 epochs in")
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    set_number(page, "units", 30)


def test_changing_a_setting_mid_training_ends_it_and_keeps_the_run(browser_page):
    page = browser_page
    start_long_training(page)
    set_number(page, "units", 20)
    page.wait_for_selector("text=Training stopped at epoch")
    assert "because Units changed" in page.locator('[data-testid="stAlert"]', has_text="Training stopped at epoch").inner_text()
    page.wait_for_selector("text=From earlier settings")
    no_exception(page)
    set_number(page, "units", 30)
    set_number(page, "epochs", 500)


def test_a_bad_setting_shows_an_error_and_keeps_the_results(browser_page):
    page = browser_page
    set_number(page, "window", 7)
    alert = page.locator('[data-testid="stAlert"]', has_text="window is 7 but the series has only 7 values")
    alert.wait_for()
    assert page.locator(LOSS_CHART).is_visible()
    assert page.locator(".st-key-train button").is_disabled()
    shot(page, "6-bad-window")
    set_number(page, "window", 3)
    alert.wait_for(state="detached")


@pytest.mark.parametrize("name", ["Data", "Compare", "Learn"])
def test_other_pages(browser_page, name):
    page = browser_page
    page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True).click()
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    shot(page, f"7-{name.lower()}")


def test_the_cell_experiment_in_the_browser(browser_page):
    page = browser_page
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Compare", exact=True).click()
    page.wait_for_selector(".st-key-experiment_button button")
    page.click(".st-key-experiment_button button")
    page.wait_for_selector(".st-key-experiment_verdict", timeout=180_000)
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    assert "Median error over 5 seeds" in page.locator(".st-key-experiment_verdict").inner_text()
    page.locator(".st-key-experiment_verdict").scroll_into_view_if_needed()
    shot(page, "8-experiment")
    page.locator(".st-key-runs_chart").scroll_into_view_if_needed()
    shot(page, "9-runs")


def train_briefly(page) -> None:
    """A short training of the current settings, waited for to the end (so a test needs no earlier test's run)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Train", exact=True).click()
    page.wait_for_selector(".st-key-train button:not([disabled])")
    page.wait_for_selector(APP_IDLE)
    set_number(page, "epochs", 20)
    page.click(".st-key-train button")
    page.wait_for_selector(".st-key-prediction_chart .main-svg")
    page.wait_for_selector(APP_IDLE)


def test_a_reload_brings_the_runs_back(browser_page):
    page = browser_page
    train_briefly(page)
    url = page.url
    assert "ws=" in url  # the workspace is in the address, so it can be reloaded or shared
    page.reload()
    page.wait_for_selector(APP_IDLE)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Compare", exact=True).click()
    page.wait_for_selector(".st-key-runs_chart .main-svg")
    page.wait_for_selector(APP_IDLE)
    assert "ws=" in page.url and page.url.split("ws=")[1][:22] == url.split("ws=")[1][:22]
    no_exception(page)
    page.locator(".st-key-download_runs").scroll_into_view_if_needed()
    shot(page, "10-workspace")


# a mutation observer counts every time the loss chart's graph is taken out of the page (a remount: blank until redrawn)
COUNT_REMOUNTS = """() => { window.__remounts = 0; const graph = (n) => n.nodeType === 1
  && (n.matches('.lab-steady-chart, [data-testid="stPlotlyChart"]') || n.querySelector('.lab-steady-chart, [data-testid="stPlotlyChart"]'));
  new MutationObserver((changes) => { for (const c of changes) for (const n of c.removedNodes) if (graph(n)) window.__remounts++; })
    .observe(document.querySelector('.st-key-loss_chart').parentElement, { childList: true, subtree: true }); }"""


# a chart with axes and a title but no curve yet (waiting for a worker) inks about 1.6 % of its box; a blank one none
EMPTY_CHART_INK = 0.005


@pytest.mark.parametrize("large", [False, True])
def test_the_loss_chart_never_blinks_or_moves_while_a_class_watches_a_training(browser_page, large):
    """At class speed a training is shown over seconds: in every frame chromium paints, from before the click to the
    result, the loss chart is there (painted, never taken out and drawn again) and in the same place."""
    page = browser_page
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Train", exact=True).click()
    page.wait_for_selector(APP_IDLE)
    for key, wanted in (("large_text", large), ("class_speed", True)):
        if page.locator(f".st-key-{key} input").is_checked() != wanted:
            page.locator(f".st-key-{key} label").click()
            page.wait_for_selector(APP_IDLE)
    page.wait_for_selector(".st-key-loss_chart .main-svg")  # a run's chart, or the series before any run
    page.evaluate(COUNT_REMOUNTS)
    before = page.locator(".st-key-run_line").inner_text()
    chart = ".st-key-loss_chart .lab-steady-chart"
    with Screencast(page) as cast, BoxSampler(page, {"chart": chart, "train": ".st-key-train button"}) as boxes:
        started = time.time()
        page.click(".st-key-train button")
        # over when the run line names the new run and the page is idle
        page.wait_for_function(
            NEW_RUN_SHOWN,
            arg=before,
        )
        page.wait_for_selector(".st-key-prediction_chart .main-svg")
    shot(page, f"13-steady-{'large' if large else 'normal'}")
    box = Box.of(page.locator(chart)).inset(4)
    frames = cast.since(started)
    assert frames, "chromium painted nothing while the class watched"
    first, blank = blank_frames(frames, box, min_share=EMPTY_CHART_INK)
    assert first == 0, "the loss chart was not on screen when Train was pressed"
    assert not blank, f"the loss chart was blank in {len(blank)} of {len(frames)} painted frames"
    assert page.evaluate("() => window.__remounts") == 0, "the loss chart was taken out of the page and drawn again"
    assert not moved(boxes.samples, "chart"), moved(boxes.samples, "chart")[:3]
    assert not moved(boxes.samples, "train"), moved(boxes.samples, "train")[:3]
    watched = page.evaluate("() => document.querySelector('.st-key-loss_chart .gtitle')?.textContent")
    assert watched.startswith("Loss per epoch"), watched  # the finished run's chart, in the live chart's place
    if large:  # a projector's first screen shows the whole loss chart, with no scrolling
        whole = Box.of(page.locator(".st-key-loss_chart"))
        assert whole.y >= 0 and whole.y + whole.height <= page.viewport_size["height"], whole
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=\"stMarkdownContainer\"] p')).fontSize)"
        )
        assert size >= 18
    for key in ("class_speed", "large_text") if large else ("class_speed",):
        page.locator(f".st-key-{key} label").click()
        page.wait_for_selector(APP_IDLE)


def loaded_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def parent_of(process: Path) -> int | None:
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps, which only Linux has")
def test_the_server_process_never_loads_tensorflow(browser_page):
    """Serving pages, training, predicting and forecasting: TensorFlow lives only in the worker processes."""
    page = browser_page
    train_briefly(page)
    page.locator(".st-key-forecast_steps input").fill("12")
    page.locator(".st-key-forecast_steps input").press("Enter")
    page.wait_for_selector(APP_IDLE)
    no_exception(page)
    server = SERVER["process"].pid
    assert "tensorflow" not in loaded_libraries(server)
    children = [d for d in Path("/proc").iterdir() if d.name.isdigit() and parent_of(d) == server]
    workers = [int(d.name) for d in children if b"spawn_main" in (d / "cmdline").read_bytes()]  # not the resource tracker
    assert workers and all("libtensorflow" in loaded_libraries(worker) for worker in workers)
