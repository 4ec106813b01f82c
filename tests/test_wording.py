"""A lesson's wording: a school lesson's pages say nothing a 15-year-old stumbles on; the standard words stay; links
made before wordings still open."""

import base64
import json
import re

import pytest
from google.protobuf.descriptor import FieldDescriptor
from streamlit.testing.v1 import AppTest

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")
KEY = "a key for tests"
# the words students stumbled on (issue 18), and the longer names they stand for
JARGON = re.compile(r"held[- ]out|\bdrift\b|flatter|scaled values|√\(|\bnaive\b|mean absolute error|mean squared error", re.IGNORECASE)
ACRONYMS = re.compile(r"MSE|MASE")  # case matters: "himself" holds "mse"
LESSON_PAGES = ("train", "data", "compare", "learn")
SINE = {"data": "sine", "units": "8", "epochs": "30"}  # held-out values and a repeating period: every rule appears
# signed with KEY by the lesson code before wordings existed (git show 6c62d89:pages/lab/lesson.py): SINE, Epochs open
OLD_TOKEN = (
    "eyJhIjpbImVwb2NocyJdLCJjIjpudWxsLCJwIjpbInRyYWluIiwiZGF0YSIsImNvbXBhcmUiLCJsZWFybiJdLCJzIjp7ImRhdGEiOiJzaW5lIiwiZXBvY2hzIjoiMzAi"
    "LCJ1bml0cyI6IjgifX0.Tur6Imq0DmtGbTURwMelrw"
)


def jargon(texts: list[str]) -> list[str]:
    return [t for t in texts if JARGON.search(t) or ACRONYMS.search(t)]


# ---- everything a student can read on a page: the element tree's strings, tables' cells, charts' JSON ----------------


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _json_strings(value):
    if isinstance(value, str):
        yield from _strings_in(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("bdata", "dtype"):  # plotly's base64 arrays: numbers, not words
                yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _strings_in(text: str):
    """A string, or the strings inside it when it is JSON (a chart drawn by a component carries its figure so)."""
    if text[:1] in '{["':  # a JSON object, list, or a figure's JSON sent as one JSON string
        try:
            yield from _json_strings(json.loads(text))
            return
        except ValueError:
            pass
    yield text


def _proto_strings(message):
    for field, value in message.ListFields():
        for item in value if field.is_repeated else [value]:
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                yield from _proto_strings(item)
            elif field.type == FieldDescriptor.TYPE_STRING:  # bytes (a table's Arrow data) are read as a frame below
                yield from _strings_in(item)


def rendered_text(at: AppTest) -> list[str]:
    """Markdown, captions, labels, help, table headers and cells, chart titles, axes, legends and notes."""
    out = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type in ("table", "dataframe", "arrow_data_frame"):
            frame = node.value
            out += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
            out += [v for v in frame.to_numpy().ravel() if isinstance(v, str)]
        out += list(_proto_strings(proto))
    return out


# ---- lessons -------------------------------------------------------------------------------------------------------


@pytest.fixture
def key(monkeypatch):
    from pages.lab import lesson

    monkeypatch.setenv(lesson.KEY_VARIABLE, KEY)


def token(wording, settings=SINE, pages=LESSON_PAGES) -> str:
    from pages.lab import lesson

    return lesson.sign(lesson.Lesson(dict(settings), ("epochs",), tuple(pages), None, wording))


def opened(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lesson"] = token
    return at.run()


def trained(at: AppTest) -> AppTest:
    at.button(key="train").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_an_old_lesson_token_still_verifies_and_means_standard(key):
    from pages.lab import lesson

    given = lesson.verify(OLD_TOKEN)
    assert given is not None and given.wording is lesson.Wording.STANDARD
    assert (given.settings, given.allowed, given.pages) == (SINE, ("epochs",), LESSON_PAGES)
    assert token(lesson.Wording.STANDARD) == OLD_TOKEN  # a standard lesson is signed exactly as before


def test_the_wording_is_signed_with_the_rest_of_the_lesson(key):
    from pages.lab import lesson

    school = token(lesson.Wording.SCHOOL)
    assert lesson.verify(school).wording is lesson.Wording.SCHOOL
    payload, signature = school.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert body["w"] == "school"
    body["w"] = "standard"  # a student turning the plain words off
    forged = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":"), sort_keys=True).encode()).rstrip(b"=").decode()
    assert lesson.verify(f"{forged}.{signature}") is None


def test_no_school_text_uses_the_jargon():
    """Every text in the school table, as it stands (templates included): the pages show nothing else that differs."""
    from pages.lab import text

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, tuple) and value and all(isinstance(i, tuple) and len(i) == 2 for i in value):
            yield from strings(dict(value))  # (rule name, words) pairs: the names are keys, not shown
        elif isinstance(value, (tuple, list)):
            for item in value:
                yield from strings(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from strings(getattr(value, name))

    school = list(strings(text.SCHOOL))
    assert len(school) > 50 and not jargon(school)
    assert jargon(list(strings(text.STANDARD)))  # the check can fail: the standard words hold the jargon


def test_a_school_lesson_shows_none_of_the_jargon_on_any_page(key):
    from pages.lab import lesson

    at = trained(opened(token(lesson.Wording.SCHOOL)))
    train_page = rendered_text(at)
    assert not jargon(train_page), jargon(train_page)
    said = " ".join(train_page)
    # the plain words are there, not merely the jargon gone
    assert "Average miss, LSTM (new values)" in said and "On the 23 values it never saw, the LSTM is off by" in said
    legends = {"loss on values it learned from", "loss on values it never saw", "copying the last value (values it never saw)"}
    assert legends <= set(train_page)  # the loss chart's, wherever it is drawn
    for page in ("pages/data.py", "pages/compare.py", "pages/learn.py"):
        at.switch_page(page).run()
        if page == "pages/compare.py":
            at.button(key="experiment_button").click().run()  # its verdict and chart name the seeds' part and the rules
            assert at.session_state["experiment"] is not None
        assert not at.exception and at.title, page
        shown = rendered_text(at)
        assert not jargon(shown), (page, jargon(shown))
    assert "test (never seen)" in " ".join(rendered_text(at.switch_page("pages/data.py").run()))


def test_a_school_lesson_on_the_notebook_ramp_says_plainly_that_nothing_was_kept_back(key):
    from pages.lab import lesson

    at = trained(opened(token(lesson.Wording.SCHOOL, {"units": "8", "epochs": "30"}, ("train",))))
    shown = rendered_text(at)
    assert not jargon(shown), jargon(shown)
    assert any("On the 4 values it learned from (it was not tested on new values" in s.replace("\\", "") for s in shown)


def test_a_lesson_from_before_wordings_keeps_the_standard_words(key):
    at = trained(opened(OLD_TOKEN))
    metrics = [m.label for m in at.metric]
    assert "Average miss, LSTM (held out)" in metrics
    assert {"training loss", "held-out loss", "copying the last value (held-out)", "predicted (held out)"} <= set(rendered_text(at))
    assert any("√(held-out loss) × scale" in m.value for m in at.markdown)
    assert {"MAE, held out", "relative MAE (÷ copying)"} <= set(at.table[0].value.columns)
    at.switch_page("pages/data.py").run()
    assert "held out" in set(at.dataframe[1].value["part"])


def test_the_lesson_builder_makes_a_school_link():
    from pages.lab import lesson

    at = AppTest.from_file(APP, default_timeout=120).run().switch_page("pages/classroom.py").run()
    assert at.radio(key="lesson_wording").value is lesson.Wording.STANDARD
    at.radio(key="lesson_wording").set_value(lesson.Wording.SCHOOL).run()
    link = next(c.value for c in at.code if "?lesson=" in c.value)
    assert lesson.verify(link.split("?lesson=")[1]).wording is lesson.Wording.SCHOOL
    assert any("read plain school words" in m.value for m in at.markdown)


def test_a_school_class_board_shows_none_of_the_jargon():
    from pages.lab import lesson

    teacher = AppTest.from_file(APP, default_timeout=120).run().switch_page("pages/classroom.py").run()
    teacher.button(key="open_class").click().run()
    # the Nile: no known next value, so the board ranks by the misses on held-out values, in the lesson's words
    teacher.sidebar.selectbox(key="data_source").set_value("nile").run()
    teacher.sidebar.number_input(key="units").set_value(8).run()
    teacher.switch_page("pages/classroom.py").run()
    teacher.radio(key="lesson_wording").set_value(lesson.Wording.SCHOOL).run()
    student = AppTest.from_file(APP, default_timeout=120)
    student.query_params["join"] = teacher.session_state["teaching"][0]
    student.run().switch_page("pages/classroom.py").run()
    student.text_input(key="join_name").input("Ana")
    next(b for b in student.button if b.label == "Join").click().run()
    student.switch_page("pages/train.py").run()
    student.sidebar.number_input(key="epochs").set_value(10).run()
    trained(student).switch_page("pages/classroom.py").run()
    assert any("student" in t.value.columns for t in student.table)  # the board is there
    shown = rendered_text(student)
    assert not jargon(shown), jargon(shown)
    # the teacher's tab has no lesson of its own: its board (and the projector's) speaks as the class's lesson does
    teacher.switch_page("pages/classroom.py").run()
    ranking = [m.value for m in teacher.markdown if m.value.startswith("**Ranked by")]
    assert ranking and "values the models never saw" in ranking[0], ranking
