"""Every file in tests/corpus/ (and a few generated monsters) uploaded through the dashboard.

Each bad one must give a clear message, no traceback, no freeze, and leave the earlier results on screen;
hostile names must show as text, never as HTML or markdown.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, errors, figures, train

CORPUS = Path(__file__).parent / "corpus"
LOSS = "Loss per epoch (MSE on scaled values)"

BAD = {
    "empty.csv": "the file is empty",
    "binary.csv": "looks binary",
    "formula_in_values.csv": "line 4, column 'value' holds \"=cmd|' /C calc'!A0\", which is not a number",
    "overflow.csv": "line 3, column 'value' holds '1e400', which is not a finite number",
    "nan.csv": "line 3, column 'value' is missing",
    "decimal_commas.csv": "line 2, column 'value' holds '1,5'; write decimals with a dot",
    "latin1.csv": "not UTF-8 text",
    "header_only.csv": "header row but no numbers",
    "ragged.csv": "not a readable CSV",
    "blank_cell.csv": "line 5, column 'value' is empty",
}
GENERATED = {
    "huge.csv": (b"1\n" * 1_500_000, "the limit is 2 MB"),
    "million_rows.csv": (b"1\n" * 1_000_000, "the file has 1,000,000 lines; the limit is 10,000 values"),
    "ten_thousand_columns.csv": (",".join(f"c{i}" for i in range(10_000)).encode() + b"\n" + b"1," * 9_999 + b"1\n", "10,000 columns"),
}


@pytest.fixture
def trained():
    at = AppTest.from_file(APP, default_timeout=120).run()
    return train(at, epochs=5)


def upload(at, name: str, content: bytes) -> AppTest:
    at.sidebar.selectbox(key="data_source").set_value("upload").run()
    at.sidebar.get("file_uploader")[0].set_value((name, content, "text/csv"))
    return at.run(timeout=15)  # a freeze fails here


def plain_text(at) -> str:
    """All text the page shows, with markdown escapes removed: what a user reads."""
    parts = [e.value for e in at.error] + [c.value for c in at.caption] + [m.value for m in at.markdown]
    return " | ".join(parts).replace("\\", "")


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_from_the_corpus(trained, name):
    at = upload(trained, name, (CORPUS / name).read_bytes())
    assert not at.exception
    assert BAD[name] in errors(at).replace("\\", "")
    assert LOSS in figures(at)  # the earlier results stay


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_oversized_files_are_refused_before_parsing(trained, name):
    content, words = GENERATED[name]
    at = upload(trained, name, content)
    assert not at.exception
    assert words in errors(at).replace("\\", "")
    assert LOSS in figures(at)


def test_every_corpus_file_is_covered():
    names = {p.name for p in CORPUS.glob("*.csv")}
    assert names == set(BAD) | {"formula_header.csv", "formula_in_text_column.csv", "html_headers.csv"}


@pytest.mark.parametrize(
    "name, column",
    [("html_headers.csv", "<b>bold</b>"), ("formula_header.csv", "=cmd|' /C calc'!A0"), ("formula_in_text_column.csv", "value")],
)
def test_hostile_names_load_and_show_as_text(trained, name, column):
    at = upload(trained, "<img src=x onerror=alert(1)>.csv", (CORPUS / name).read_bytes())
    assert not at.exception and not at.error, errors(at)
    shown = [c.value for c in at.caption if "using column" in c.value]
    assert shown, "the chosen column is named"
    # markdown shows every special character escaped: no tag, link or formatting can form
    assert "<" not in shown[0].replace("\\<", "") and ">" not in shown[0].replace("\\>", "")
    assert f"{column}" in plain_text(at) and "<img src=x onerror=alert(1)>.csv" in plain_text(at)
    at.sidebar.number_input(key="epochs").set_value(5).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
