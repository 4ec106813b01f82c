"""The replay ("Watch it learn") in a real Chromium, judged on the frames Chromium painted (tests/paint.py): the memory
never blinks and no control moves through Play, Pause and steps; the figure fits a projector with Large text, a wide
screen and a phone. Screenshots land in artifacts/."""

import re
from urllib.parse import urlsplit

import pytest
from live_server import APP_IDLE, ROOT, launch_chromium, require_chromium
from paint import Box, BoxSampler, Screencast, blank_frames, moved

require_chromium()

playwright = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "artifacts"
CHART = ".st-key-replay_chart"
BUTTONS = ["Play", "Slow", "Fast", "Pause", "◀", "▶"]  # left to right, one plotly button group
CONTROLS = {name: f"{CHART} .updatemenu-button:nth-child({i})" for i, name in enumerate(BUTTONS, 1)} | {
    "slider": f"{CHART} .slider-container"
}
MEMORY = f"{CHART} .draglayer .x3y3 .nsewdrag"  # the memory panel's plot area
HEADLINE = f"() => document.querySelector('{CHART} .gtitle')?.textContent || ''"
# every piece of text plotly drew in the replay (hover labels aside), with its size in CSS pixels
TEXT_SIZES = f"""() => [...document.querySelectorAll('{CHART} .main-svg text')]
  .filter(t => t.textContent.trim() && !t.closest('.hoverlayer'))
  .map(t => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize)])"""


def epoch_shown(page) -> int:
    return int(re.match(r"Epoch (\d+) ·", page.evaluate(HEADLINE)).group(1))


def wait_for_epoch(page, condition: str) -> None:
    """Wait until the headline's epoch `e` satisfies the JavaScript `condition` (e.g. "e >= 50")."""
    page.wait_for_function(
        f"() => {{ const m = ({HEADLINE})().match(/^Epoch (\\d+) ·/); const e = m && +m[1]; return m && ({condition}); }}"
    )


def open_replay(page) -> None:
    page.locator(".st-key-replay_open label").click()
    page.wait_for_selector(f"{CHART} .main-svg")
    page.wait_for_selector(APP_IDLE)
    # the figure's bottom at the screen's bottom: a projector shows it from here without scrolling
    page.evaluate(f"() => document.querySelector('{CHART}').scrollIntoView({{block: 'end'}})")
    assert [page.locator(CONTROLS[name]).text_content().strip() for name in BUTTONS] == BUTTONS


@pytest.fixture(scope="module")
def browser(live_app):
    SHOTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def projector(browser, live_app):
    """A teacher's tab at 1280x800 with Large text: the notebook's run trained, its replay open at epoch 0."""
    url, _ = live_app
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(180_000)  # a busy shared machine: starting the workers and training take long
    page.goto(url)
    page.wait_for_selector(".st-key-train button:not([disabled])")
    page.wait_for_selector(APP_IDLE)
    page.locator(".st-key-large_text label").click()
    page.wait_for_selector(APP_IDLE)
    page.click(".st-key-train button")
    page.wait_for_selector(".st-key-verdict")
    page.wait_for_selector(APP_IDLE)
    open_replay(page)
    yield page
    page.close()


def test_the_memory_never_blinks_and_no_control_moves(projector):
    page = projector
    assert epoch_shown(page) == 0
    memory = Box.of(page.locator(MEMORY)).inset(2)
    click = {name: page.locator(CONTROLS[name]) for name in BUTTONS}
    with Screencast(page) as cast, BoxSampler(page, CONTROLS) as boxes:
        click["Play"].click()
        wait_for_epoch(page, "e >= 40")
        click["Pause"].click()
        paused = epoch_shown(page)
        click["▶"].click()  # a step after a pause goes on from there
        wait_for_epoch(page, f"e > {paused}")
        click["◀"].click()
        wait_for_epoch(page, f"e === {paused}")
        click["Fast"].click()
        wait_for_epoch(page, "e === 500")
    assert page.evaluate(HEADLINE) == "Epoch 500 · next value after 5, 6, 7: 8.01"
    first, blank = blank_frames(cast.frames, memory, min_share=0.25)
    assert first >= 0, "the memory was never painted"
    assert not blank, f"the memory was blank in {len(blank)} of the {len(cast.frames) - first} frames painted after it appeared"
    for name in CONTROLS:
        assert not moved(boxes.samples, name), f"{name} moved: {moved(boxes.samples, name)[:3]}"
    page.screenshot(path=SHOTS / "14-replay-end-large.png")


def text_too_small(page, least: float = 18) -> list:
    return [(text, size) for text, size in page.evaluate(TEXT_SIZES) if size < least]


def test_the_replay_fits_a_projector_with_large_text(projector):
    """Headline and controls on the screen together, below the page's header, with text a room reads."""
    page = projector
    header = page.locator('[data-testid="stHeader"]').bounding_box()
    headline, slider = Box.of(page.locator(f"{CHART} .gtitle")), Box.of(page.locator(CONTROLS["slider"]))
    assert headline.y >= header["y"] + header["height"], "the headline is under the page's header"
    assert slider.y + slider.height <= 800, "the slider is below the screen"
    assert not text_too_small(page)


@pytest.mark.parametrize(("width", "height", "large"), [(1920, 1080, True), (390, 844, False)])
def test_the_replay_fits_a_wide_screen_and_a_phone(projector, browser, width, height, large):
    """The same run's replay on another screen (the workspace opened by its address): it fits, and no button is cut."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(180_000)  # a busy shared machine: starting the workers and training take long
    # the projector's address carries its Large text (big=1): kept for the wide screen, left out for the phone
    address = urlsplit(projector.url)
    query = "&".join(part for part in address.query.split("&") if large or not part.startswith("big="))
    page.goto(f"{address.scheme}://{address.netloc}/?{query}")
    page.wait_for_selector(".st-key-verdict")
    page.wait_for_selector(APP_IDLE)
    open_replay(page)
    chart = Box.of(page.locator(CHART))
    header = page.locator('[data-testid="stHeader"]').bounding_box()
    assert chart.height <= height - header["height"], "the replay is taller than the screen below the header"
    for name in BUTTONS:
        button = Box.of(page.locator(CONTROLS[name]))
        assert chart.x <= button.x and button.x + button.width <= min(chart.x + chart.width, width), f"{name} is cut"
    if large:
        assert not text_too_small(page)
    page.screenshot(path=SHOTS / f"14-replay-{width}.png")
    page.close()
