"""The class board driven with AppTest: a teacher opens a class, students join and train, the board shows them."""

import pytest
from streamlit.testing.v1 import AppTest

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
CLASS_PAGE = "pages/classroom.py"


def tab(params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run() if page else at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success] + [i.value for i in at.info]
    return " | ".join(parts).replace("\\", "")


def board_names(at) -> list[str]:
    boards = [t.value for t in at.table if "student" in t.value.columns]
    return boards[0]["student"].tolist() if boards else []


@pytest.fixture
def teacher():
    at = tab(page=CLASS_PAGE)
    at.button(key="open_class").click().run()
    assert not at.exception
    return at


def code_of(teacher) -> str:
    return teacher.session_state["teaching"][0]


def join(code: str, name: str, guess: float | None = None, epochs: int = 10, **settings) -> AppTest:
    """A student opens the join link, joins under `name`, and trains once (with a guess; `settings`: sidebar boxes by key)."""
    at = tab({"join": code}, CLASS_PAGE)
    assert at.text_input(key="join_code").value.replace(" ", "") == code
    at.text_input(key="join_name").input(name)
    button(at, "Join").click().run()
    assert not at.exception and "You are on the board of class" in text(at), text(at)
    at.switch_page("pages/train.py").run()
    at.sidebar.number_input(key="epochs").set_value(epochs).run()
    for key, value in settings.items():
        at.sidebar.number_input(key=key).set_value(value).run()
    if guess is not None:
        at.number_input(key="guess_value_0").set_value(guess)
        at.radio(key="guess_beats_0").set_value("yes")
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    return at


def test_students_who_join_appear_on_the_board_with_their_guesses(teacher):
    code = code_of(teacher)
    assert f"Class code: `{code[:3]} {code[3:]}`" in text(teacher)
    ana = join(code, "Ana", guess=7.5)
    guessed = ana.get("markdown")
    assert any("you guessed **7.50** after 5, 6, 7; the model says" in m.value.replace("\\", "") for m in guessed)
    join(code, "Ben", epochs=5)
    board = teacher.run()
    assert sorted(board_names(board)) == ["Ana", "Ben"]
    table = next(t.value for t in board.table if "student" in t.value.columns)
    assert table["average miss"].astype(float).is_monotonic_increasing
    assert sorted(table.index.astype(int)) == [1, 2]
    assert table.set_index("student").loc["Ana", "their guess"] == "7.50"
    assert table.set_index("student").loc["Ben", "their guess"] == "–"
    figures = [c for c in board.get("plotly_chart")]
    assert len(figures) == 2  # the spread of predictions, and guesses against results


def test_a_student_sees_the_board_but_no_one_elses_workspace(teacher):
    code = code_of(teacher)
    ana = join(code, "Ana")
    ben = join(code, "Ben")
    ben.switch_page(CLASS_PAGE).run()
    page_text = text(ben) + " ".join(str(t.value.to_dict()) for t in ben.table)
    assert ana.session_state["workspace"] not in page_text and teacher.session_state["workspace"] not in page_text
    assert sorted(n.replace(" (you)", "") for n in board_names(ben)) == ["Ana", "Ben"]
    assert "Ben (you)" in board_names(ben)
    assert not any(b.key in ("remove_entry", "close_class", "open_class") for b in ben.button)  # no teacher's controls


def test_a_wrong_class_code_gets_nothing():
    at = tab({"join": "ZZZZZZ"}, CLASS_PAGE)
    at.text_input(key="join_name").input("Eve")
    button(at, "Join").click().run()
    assert "No class has the code ZZZ ZZZ: check it with your teacher." in text(at)
    assert not board_names(at)
    board = tab({"board": "ZZZZZZ"}, CLASS_PAGE)
    assert "no class has the code ZZZ ZZZ" in text(board) and not board_names(board)


def test_the_teacher_hides_names_removes_an_entry_and_closes_the_class(teacher):
    code = code_of(teacher)
    join(code, "Ana")
    join(code, "Ben")
    board = teacher.run()
    board.toggle(key="hide_names").set_value(True).run()
    projector = tab({"board": code}, CLASS_PAGE)  # the projector view: the same board, no controls
    assert sorted(board_names(projector)) == ["Student 1", "Student 2"]
    from pages.lab.board import classroom

    entry = next(e.entry for e in classroom().board(code) if e.name == "Ana")  # the first to join
    board.selectbox(key="remove_choice").set_value(entry)
    board.button(key="remove_entry").click().run()
    assert len(board_names(board)) == 1
    assert board_names(tab({"board": code}, CLASS_PAGE)) == ["Student 2"]  # Ben keeps his number when Ana's run goes
    board.checkbox(key="close_confirm").check().run()
    board.button(key="close_class").click().run()
    late = tab({"join": code}, CLASS_PAGE)
    late.text_input(key="join_name").input("Cy")
    button(late, "Join").click().run()
    assert "closed" in text(late)


def test_the_short_join_link_opens_the_lesson_the_teacher_made(teacher):
    teacher.sidebar.number_input(key="units").set_value(8).run()
    teacher.switch_page(CLASS_PAGE).run()
    assert any("The class's short link now opens this lesson" in m.value for m in teacher.markdown)
    student = tab({"join": code_of(teacher)}, CLASS_PAGE)
    assert student.session_state["units"] == 8  # the teacher's setting, fixed by the lesson
    keys = {w.key for w in student.sidebar.number_input}
    assert "epochs" in keys and "units" in keys and "window" not in keys  # Epochs and Units left open by default


def test_a_closed_class_says_so_on_the_projector_and_to_its_students(teacher):
    code = code_of(teacher)
    ana = join(code, "Ana")
    teacher.run()
    teacher.checkbox(key="close_confirm").check().run()
    teacher.button(key="close_class").click().run()
    projector = tab({"board": code}, CLASS_PAGE)
    assert f"Class {code[:3]} {code[3:]} is closed" in text(projector) and "Join at" not in text(projector)
    ana.switch_page("pages/train.py").run()
    assert any("is closed: your runs are no longer posted" in m.value.replace("\\", "") for m in ana.markdown)


def test_a_run_with_a_long_window_and_a_guess_still_reaches_the_board(teacher):
    import numpy as np

    code = code_of(teacher)
    teacher.multiselect(key="lesson_open").set_value(["data_source", "window", "epochs"]).run()  # the lesson the link opens
    at = tab({"join": code}, CLASS_PAGE)
    at.text_input(key="join_name").input("Dee")
    button(at, "Join").click().run()
    at.switch_page("pages/train.py").run()
    # values with every digit a float has: the last window of 200, said whole twice, would not fit a board entry
    values = "".join(f"{float(v)!r}\n" for v in np.random.default_rng(1).uniform(100, 200, 260))
    at.sidebar.selectbox(key="data_source").set_value("upload").run()
    at.sidebar.get("file_uploader")[0].set_value(("long.csv", f"value\n{values}".encode(), "text/csv"))
    at.run()
    at.sidebar.number_input(key="window").set_value(200).run()
    at.sidebar.number_input(key="epochs").set_value(2).run()
    at.number_input(key="guess_value_0").set_value(150.0)
    at.button(key="train").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert board_names(teacher.run()) == ["Dee"]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_student_who_closed_their_tab_rejoins_under_their_name_with_the_browsers_token(teacher, monkeypatch):
    from pages.lab import board

    code = code_of(teacher)
    ana = tab({"join": code}, CLASS_PAGE)
    ana.text_input(key="join_name").input("Ana")
    button(ana, "Join").click().run()
    token = ana.session_state["rejoin_tokens"][code]
    cookie = [h.proto.body for h in ana.get("html") if "document.cookie" in h.proto.body]
    assert len(cookie) == 1 and f"{board.REJOIN_COOKIE}{code}={token};" in cookie[0]  # kept in the browser
    ana.switch_page("pages/train.py").run()
    ana.sidebar.number_input(key="epochs").set_value(10).run()
    ana.button(key="train").click().run()
    assert not ana.exception and len(ana.session_state["runs"]) == 1
    # the tab is closed; the join link is opened again in the same browser, which sends its cookie
    monkeypatch.setattr(board, "browser_cookies", lambda: {f"{board.REJOIN_COOKIE}{code}": token})
    again = tab({"join": code}, CLASS_PAGE)
    assert again.session_state["workspace"] != ana.session_state["workspace"]
    assert f"This browser joined class {code[:3]} {code[3:]} as Ana." in text(again)
    again.button(key="rejoin_button").click().run()
    assert again.session_state["workspace"] == ana.session_state["workspace"] == again.query_params["ws"]
    assert "You are on the board of class" in text(again) and board_names(again) == ["Ana (you)"]
    again.switch_page("pages/train.py").run()
    assert [r["run"] for r in again.session_state["runs"]] == [1]  # her run came back with her name
    # typing the name in a tab of that browser does the same
    typed = tab({"join": code}, CLASS_PAGE)
    typed.text_input(key="join_name").input("ana")
    button(typed, "Join").click().run()
    assert typed.session_state["workspace"] == ana.session_state["workspace"] and not typed.error


def test_another_browser_cannot_take_a_name_until_the_teacher_frees_it(teacher, monkeypatch):
    from pages.lab import board

    code = code_of(teacher)
    ana = join(code, "Ana")
    monkeypatch.setattr(board, "browser_cookies", lambda: {f"{board.REJOIN_COOKIE}{code}": "a-guessed-token-of-22ch"})
    other = tab({"join": code}, CLASS_PAGE)
    assert not any(b.key == "rejoin_button" for b in other.button)  # a wrong token offers nothing
    other.text_input(key="join_name").input("Ana")
    button(other, "Join").click().run()
    assert "is taken in this class" in text(other) and "ask your teacher to free your name" in text(other)
    assert other.session_state["workspace"] != ana.session_state["workspace"]
    teacher.run()
    assert teacher.selectbox(key="free_choice").options == ["Ana · 1 run on the board"]
    teacher.selectbox(key="free_choice").set_value("Ana")
    teacher.button(key="free_name").click().run()
    assert "is free: the student joins again under it" in text(teacher).replace("\\", "")
    button(other, "Join").click().run()  # the same name, from the other browser, now goes through
    assert "You are on the board of class" in text(other) and not other.error
    assert board_names(other) == ["Ana (you)"]  # her run stays on the board under her name
    assert other.session_state["workspace"] != ana.session_state["workspace"]


def test_joined_says_how_many_have_posted_and_a_joined_student_has_a_way_to_train(teacher):
    from pages.lab import lesson

    code = code_of(teacher)
    join(code, "Ana")
    idle = tab({"join": code}, CLASS_PAGE)  # joins and never trains: an abandoned tab
    idle.text_input(key="join_name").input("Ben")
    button(idle, "Join").click().run()
    link = idle.page_link[0].proto
    assert link.page == "train" and "Train" in link.label
    params = dict(p.split("=", 1) for p in link.query_string.split("&"))
    assert params["ws"] == idle.session_state["workspace"] and lesson.PARAM in params  # the lesson and the workspace go along
    board = teacher.run()
    assert (metric(board, "Joined"), metric(board, "Have posted"), metric(board, "Runs on the board")) == ("2", "1", "1")
    projector = tab({"board": code}, CLASS_PAGE)
    assert [m.label for m in projector.metric][:3] == ["Class code", "Joined", "Have posted"]
    assert metric(projector, "Have posted") == "1"


def board_table_of(at):
    return next(t.value for t in at.table if "student" in t.value.columns).set_index("student")


def board_traces(at) -> dict:
    """The board's chart of next values: each trace's x values by its name."""
    import base64
    import json

    import numpy as np

    def values(array):
        if isinstance(array, dict):
            return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
        return list(array)

    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "every run" in json.dumps(json.loads(c.proto.spec)["layout"]))
    return {trace["name"]: values(trace["x"]) for trace in spec["data"]}


def test_a_ramp_class_is_ranked_by_the_true_next_value_and_the_588_run_gets_no_yes(teacher):
    """The issue's run (8 units, 500 epochs, seed 0: 5.88 after 5, 6, 7) fits its four training windows better than
    copying (0.85 vs 1), yet the ramp goes on with 8: it ranks below the notebook's run and counts as no success."""
    code = code_of(teacher)
    ana = join(code, "Ana", epochs=500, units=8)
    # said once, by the verdict (nothing is held out, so the truth judges the run), not again beside the next value
    assert text(ana).count("The ramp goes on with 8. Your model says 5.88, off by 2.12; copying says 7, off by 1.") == 1
    assert any(w.value.replace("\\", "").startswith("It answers about the same for every window: from 5.3") for w in ana.warning)
    ben = join(code, "Ben", epochs=500)
    assert "The ramp goes on with 8. Your model says 8.01, off by 0.00" in text(ben)
    assert not any("answers about the same" in w.value for w in ben.warning)
    board = teacher.run()
    table = board_table_of(board)
    assert table.index.tolist() == ["Ben", "Ana"]  # the table lists them by rank
    assert table.loc["Ben", "closer than copying"] == "yes" and table.loc["Ana", "closer than copying"] == "no"
    assert "yes" not in table.loc["Ana"].tolist() and "beats copying" not in table.columns
    assert float(table.loc["Ana", "off from the true value"]) == pytest.approx(2.12, abs=0.05)
    assert "Ranked by how far each next value is from the true next value, 8." in text(board)
    assert (metric(board, "Closer to 8 than copying")) == "1 of 2"
    traces = board_traces(board)
    assert traces["model's answer (further than copying)"] == [pytest.approx(5.88, abs=0.01)]
    assert traces["model's answer (closer than copying)"] == [pytest.approx(8.01, abs=0.01)]


def test_runs_that_nothing_tested_are_never_a_success_on_the_board(teacher):
    """The Nile with nothing held out: no true next value and no values it never saw, so no green, no "yes"."""
    code = code_of(teacher)
    teacher.sidebar.selectbox(key="data_source").set_value("nile").run()
    teacher.sidebar.slider(key="val_fraction").set_value(0.0).run()  # the class's lesson: the Nile, nothing held out
    join(code, "Ana", epochs=5)
    join(code, "Ben", epochs=5, units=8)
    board = teacher.run()
    table = board_table_of(board)
    assert set(table["beats copying"]) <= {"no", "fits better, untested"}
    assert metric(board, "Runs that beat copying") == "untested"
    assert any("how it does on new values is untested" in w.value for w in board.warning)
    assert set(board_traces(board)) == {"model's answer (untested on new values)"}


def entry(number: int, name: str, **data):
    from seqcore.classroom import BoardEntry

    base = {"error": 1.0, "naive": 1.0, "part": "held_out", "prediction": 8.0, "window": [5.0, 6.0, 7.0], "settings": "s"}
    return BoardEntry(number, name, 1, 0.0, {**base, "data": "Ramp", **data}, joined=number)


def test_beats_copying_on_the_board_is_the_verdicts_one_rule_and_older_entries_still_show():
    from pages.lab.board import beat_counter, board_table

    # posted before entries kept the truth: no "truth" field, judged on their held-out errors by seqcore's rule
    entries = [entry(1, "Ana", error=0.95), entry(2, "Ben", error=0.5), entry(3, "Cy", error=0.8, part="train")]
    table = board_table(entries, hide=False).set_index("student")
    assert table.loc["Ana", "beats copying"] == "no"  # within a tenth of copying's miss: no better than copying
    assert table.loc["Ben", "beats copying"] == "yes"
    assert table.loc["Cy", "beats copying"] == "fits better, untested"
    assert table.index.tolist() == ["Ben", "Cy", "Ana"]  # no truth: ranked by the average miss
    label, value, note = beat_counter(entries)
    assert (label, value) == ("Runs that beat copying", "1 of 3") and "1 run had nothing held out" in note


def test_a_sine_class_is_ranked_by_the_formulas_next_value_and_the_page_says_it_beside_the_answer(teacher):
    """The sine holds values out, so its verdict judges on them; the true next value is said beside the next value."""
    code = code_of(teacher)
    teacher.sidebar.selectbox(key="data_source").set_value("sine").run()
    ana = join(code, "Ana", epochs=2)
    assert text(ana).count("The sine wave goes on with 50. Your model says") == 1
    assert any(h in text(ana) for h in ("Closer to the true next value", "About as far from the true next value", "Further from the true"))
    join(code, "Ben", epochs=60)
    board = teacher.run()
    table = board_table_of(board)
    assert "Ranked by how far each next value is from the true next value, 50." in text(board)
    assert table["off from the true value"].astype(float).is_monotonic_increasing
    assert metric(board, "Closer to 50 than copying").endswith(" of 2")
