"""A phone-sized screen in a real browser: the sidebar gets out of the way once a page is chosen, and a chart's
toolbar and legend leave its title readable. Screenshots land in artifacts/."""

import pytest
from live_server import APP_IDLE, LOSS_CURVE_DRAWN, ROOT, launch_chromium, require_chromium, streamlit_server

require_chromium()

playwright = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "artifacts"
SIDEBAR_LEFT = """() => document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().right"""
# each chart's title, toolbar and legend boxes, as the browser painted them
CHART_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(chart => {
  const box = (selector) => { const e = chart.querySelector(selector); if (!e) return null;
    const r = e.getBoundingClientRect(); return r.width ? [r.left, r.top, r.right, r.bottom] : null; };
  return { title: chart.querySelector('.gtitle')?.textContent, titleBox: box('.gtitle'), modebar: box('.modebar'),
           legend: box('.legend .bg'), chart: box('.main-svg') };
})"""


def overlap(a, b) -> bool:
    return bool(a and b) and a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def choose_page(page, name: str) -> None:
    """Open the sidebar if it is closed, and choose page `name` in it."""
    if page.evaluate(SIDEBAR_LEFT) <= 0:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_function(f"({SIDEBAR_LEFT})() > 0")
    page.locator('[data-testid="stSidebarNav"] a', has_text=name).click()
    page.wait_for_selector(APP_IDLE)


def test_on_a_phone_the_sidebar_closes_after_choosing_a_page_and_charts_keep_their_titles_clear():
    SHOTS.mkdir(exist_ok=True)
    with streamlit_server() as (url, _, _), playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        # a narrow window of a desktop browser: streamlit itself closes the sidebar only for a phone's user agent
        phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True).new_page()
        phone.set_default_timeout(90_000)
        phone.goto(f"{url}/?epochs=100")
        phone.wait_for_selector(APP_IDLE)
        for name in ("Compare", "Data", "Train"):
            choose_page(phone, name)
            phone.wait_for_function(f"({SIDEBAR_LEFT})() <= 0")  # closed: the page chosen is in view
        phone.click(".st-key-train button")
        phone.wait_for_function(LOSS_CURVE_DRAWN)
        phone.wait_for_selector(".st-key-prediction_chart .main-svg")
        phone.wait_for_selector(APP_IDLE)
        assert phone.locator('[data-testid="stException"]').count() == 0
        phone.screenshot(path=SHOTS / "phone-trained.png")
        charts = phone.evaluate(CHART_BOXES)
        titles = [c["title"] for c in charts]
        assert any(t and t.startswith("Loss per epoch") for t in titles) and any(t and t.startswith("Predicted vs actual") for t in titles)
        for chart in charts:
            if not chart["title"]:
                continue
            assert chart["titleBox"][2] <= chart["chart"][2], f"{chart['title']}: runs out of its chart"
            assert not overlap(chart["titleBox"], chart["modebar"]), f"{chart['title']}: the toolbar covers it"
            assert not overlap(chart["titleBox"], chart["legend"]), f"{chart['title']}: the legend covers it"
        # on a wide screen the sidebar sits beside the page and stays open
        wide = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        wide.set_default_timeout(90_000)
        wide.goto(url)
        wide.wait_for_selector(APP_IDLE)
        choose_page(wide, "Compare")
        wide.get_by_role("heading", name="Compare runs").wait_for()  # a phone's sidebar closes before the page arrives
        assert wide.evaluate(SIDEBAR_LEFT) > 0
        browser.close()
