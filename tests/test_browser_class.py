"""A class in real browsers: a teacher opens a class, three students (browser contexts of their own) join, guess and
train, and the board on the teacher's projector shows them within seconds. Screenshots land in artifacts/."""

import re

import pytest
from live_server import APP_IDLE, ROOT, launch_chromium, require_chromium, streamlit_server

require_chromium()

playwright = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "artifacts"
STUDENTS = {"Ana": 7.5, "Ben": 8.2, "Chloé": None}


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
            student = opened(browser, join_link)
            student.locator(".st-key-join_name input").fill(name)
            student.get_by_role("button", name="Join").click()
            student.wait_for_selector("text=You are on the board of class")
            student.locator('[data-testid="stSidebarNav"]').get_by_text("Train", exact=True).click()
            student.wait_for_selector(".st-key-train button:not([disabled])")
            if guess is not None:
                student.get_by_role("button", name="Guess first").click()
                box = student.locator(".st-key-guess_value_0 input")
                box.fill(str(guess))
                box.press("Enter")
                student.wait_for_selector(APP_IDLE)
                student.keyboard.press("Escape")
            student.click(".st-key-train button")
            student.wait_for_selector(".st-key-loss_chart .main-svg")
            student.wait_for_selector(APP_IDLE)
            assert student.locator("text=Your runs go to the board of class").count() == 1
            if guess is not None:
                assert f"you guessed {guess:.2f}" in student.locator(".st-key-guess_result").inner_text()
            student.context.close()
        # the teacher's board refreshes itself: no click needed to see the three runs
        board = teacher.locator(".st-key-board_table table")
        teacher.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(m => m.textContent.trim() === '3 of 3')",
            timeout=30_000,
        )
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
        projector.locator(".st-key-board_predictions").scroll_into_view_if_needed()
        projector.screenshot(path=SHOTS / "class-1-projector-1280.png")
        projector.locator(".st-key-class_code").scroll_into_view_if_needed()
        projector.screenshot(path=SHOTS / "class-2-projector-code-1280.png")
        wide = opened(browser, f"{url}/classroom?board={code.replace(' ', '')}&big=1", 1920, 1080)
        wide.wait_for_selector(".st-key-board_predictions .main-svg")
        wide.screenshot(path=SHOTS / "class-3-projector-1920.png")
        teacher.screenshot(path=SHOTS / "class-4-teacher-1280.png")
        browser.close()
