"""A class in real browsers: a teacher opens a class, three students (browser contexts of their own) join, guess and
train, and the board on the teacher's projector shows them within seconds. Screenshots land in artifacts/."""

import re

import pytest
from live_server import APP_IDLE, ROOT, launch_chromium, require_chromium, streamlit_server

require_chromium()

playwright = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "artifacts"
STUDENTS = {"Ana": 7.5, "Ben": 8.2, "Chloé": None}
PHONE = {"Chloé": (390, 844)}  # joins and trains from a phone-sized screen
# every text of the board's charts, with its size: a class reads them from the back of the room
CHART_TEXTS = """() => [...document.querySelectorAll('.st-key-board_predictions svg text, .st-key-board_guesses svg text')]
    .filter(t => t.textContent.trim()).map(t => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize)])"""


def opened(browser, url: str, width: int = 1280, height: int = 800):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.wait_for_selector(APP_IDLE)
    return page


def test_a_teacher_and_three_students_on_one_class_board():
    SHOTS.mkdir(exist_ok=True)
    with streamlit_server() as (url, _, _), playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        teacher = opened(browser, f"{url}/classroom")  # the server's first visit opens a page's own address
        nav = teacher.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Class" in nav and "classroom" not in nav and "app" not in nav.split()  # app.py's router, not the pages/ folder
        teacher.get_by_role("tab", name="Teach a class").click()
        teacher.click(".st-key-open_class button")
        teacher.wait_for_selector(".st-key-class_code")
        code = re.search(r"Class code: ([A-Z0-9]{3} [A-Z0-9]{3})", teacher.locator(".st-key-class_code").inner_text()).group(1)
        join_link = teacher.locator('[data-testid="stCode"]', has_text="join=").inner_text().strip()
        assert join_link.endswith(f"/classroom?join={code.replace(' ', '')}")
        for name, guess in STUDENTS.items():
            student = opened(browser, join_link, *PHONE.get(name, (1280, 800)))
            student.locator(".st-key-join_name input").fill(name)
            student.get_by_role("button", name="Join").click()
            student.wait_for_selector("text=You are on the board of class")
            workspace = re.search(r"ws=([\w-]+)", student.url).group(1)
            student.locator(".st-key-train_link a").click()  # the way from the board to the Train page
            student.wait_for_selector(".st-key-train button:not([disabled])")
            assert f"ws={workspace}" in student.url and "lesson=" in student.url
            if guess is not None:
                student.get_by_role("button", name="Guess first").click()
                box = student.locator(".st-key-guess_value_0 input")
                box.fill(str(guess))
                box.press("Enter")
                student.wait_for_selector(APP_IDLE)
                student.keyboard.press("Escape")
            student.click(".st-key-train button")
            student.wait_for_selector(".st-key-prediction_chart .main-svg")  # a result: the loss chart's place shows the series before
            student.wait_for_selector(APP_IDLE)
            assert student.locator("text=Your runs go to the board of class").count() == 1
            if guess is not None:
                assert f"you guessed {guess:.2f}" in student.locator(".st-key-guess_result").inner_text()
            if name == "Ben":  # Ben closes his tab and opens the join link again in the same browser: his name is his
                context = student.context
                student.close()
                student = context.new_page()
                student.goto(join_link)
                student.get_by_role("button", name="Continue as Ben").click()
                student.wait_for_selector("text=You are on the board of class")
                assert f"ws={workspace}" in student.url
                student.wait_for_selector(".st-key-board_table table")
                assert "Ben (you)" in student.locator(".st-key-board_table").inner_text()
            student.context.close()
        # the teacher's board refreshes itself: no click needed to see the three runs
        board = teacher.locator(".st-key-board_table table")
        teacher.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(m => m.textContent.trim() === '3 of 3')",
            timeout=30_000,
        )
        # the metrics are drawn before the table in one refresh: wait for the table's three rows too
        teacher.wait_for_function("() => document.querySelectorAll('.st-key-board_table tbody tr').length === 3", timeout=30_000)
        assert board.count() == 1
        assert sorted(board.locator("tbody tr th + td").all_inner_texts()) == sorted(STUDENTS)
        projector = opened(browser, f"{url}/classroom?board={code.replace(' ', '')}&big=1")
        projector.wait_for_selector(".st-key-board_predictions .main-svg")
        projector.wait_for_selector(".st-key-board_guesses .main-svg")
        assert projector.locator('[data-testid="stException"]').count() == 0
        assert projector.locator(".st-key-open_class, .st-key-remove_entry, .st-key-close_class").count() == 0
        size = projector.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=\"stMarkdownContainer\"] p')).fontSize)"
        )
        assert size >= 18
        # the projector's first screen holds the counters, the table and the guesses: nothing to scroll to
        projector.wait_for_selector(APP_IDLE)
        for part in (".st-key-board_table", ".st-key-board_guesses"):
            box = projector.locator(part).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 800, (part, box)
        assert projector.evaluate("() => document.querySelector('[data-testid=\"stMetric\"]').getBoundingClientRect().top") < 100
        small = [(text, px) for text, px in projector.evaluate(CHART_TEXTS) if px < 18]
        assert not small, small  # legends, ticks, axis titles and notes alike
        projector.screenshot(path=SHOTS / "class-1-projector-1280.png")  # the first screen, as the room sees it
        projector.locator(".st-key-board_predictions").scroll_into_view_if_needed()
        projector.screenshot(path=SHOTS / "class-2-projector-predictions-1280.png")
        wide = opened(browser, f"{url}/classroom?board={code.replace(' ', '')}&big=1", 1920, 1080)
        wide.wait_for_selector(".st-key-board_predictions .main-svg")
        wide.screenshot(path=SHOTS / "class-3-projector-1920.png")
        teacher.screenshot(path=SHOTS / "class-4-teacher-1280.png")
        browser.close()
