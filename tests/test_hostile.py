"""Every file in tests/corpus/ (and a few generated monsters) uploaded through the dashboard.

Each bad one must give a clear message, no traceback, no freeze, and leave the earlier results on screen;
hostile names must show as text, never as HTML or markdown.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, errors, figures, train

import seqcore.data

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
    # numbers at the edge of the float range name the line and the fix, never a traceback
    "largest_double.csv": "line 4, column 'value' holds '1.7e308', beyond ±1e+15",
    "negative_beyond_limit.csv": "line 3, column 'value' holds '-2e16', beyond ±1e+15",
    # a decimal comma or a thousands separator gets advice that fits it
    "thousands_semicolon.csv": "write numbers without thousands separators (1234), or with a dot if the comma marks decimals (1.234)",
    "dot_thousands_decimal_comma.csv": "line 2, column 'sales' holds '987,5'; write decimals with a dot (e.g. 987.5)",
    # a separator inside a cell does not shift the line numbers an editor shows
    "line_separator_in_cell.csv": "line 5, column 'value' holds 'x', which is not a number",
    "nul_after_4k.csv": "line 2102, column 'value' holds '2x003', which is not a number",
    "only_delimiters.csv": "no numeric column found",
}
# files that load: the column chosen, its first values, and what the note must say
GOOD = {
    "gdp_dollars.csv": ("gdp_usd", [1.05e13, 1.0815e13], "using column 'gdp_usd'"),
    "thousands_quoted.csv": ("sales", [987, 1234, 12345], "commas read as thousands separators ('1,234' as 1234)"),
    "colliding_headers.csv": ("b (column 3)", [100, 200, 300], "also numeric: 'a', 'b'"),
    "carriage_returns_only.csv": ("value", [1, 2, 3, 4, 5], "the only numeric one"),
    "trailing_delimiter.csv": ("b", [5, 6, 8, 9], "using column 'b'"),
    "excel_sep_line.csv": ("value", [3.5, 4.5, 5], "also numeric: 'day'"),
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


@pytest.mark.parametrize("name", sorted(GOOD))
def test_odd_but_valid_files_load_with_the_right_numbers(trained, name):
    column, first, note = GOOD[name]
    at = upload(trained, name, (CORPUS / name).read_bytes())
    assert not at.exception and not at.error, errors(at)
    assert note in plain_text(at)
    series = at.session_state["upload"].table.series(at.session_state["column"] if "column" in at.session_state else None)
    assert series.name == column and series.tolist()[: len(first)] == pytest.approx(first)


def test_a_one_value_series_asks_for_a_longer_series(trained):
    at = upload(trained, "one_value.csv", (CORPUS / "one_value.csv").read_bytes())
    assert not at.exception
    assert "the series has only 1 value; it needs at least 2" in errors(at) and "at most 1" not in errors(at)
    assert at.button(key="train").disabled and LOSS in figures(at)


def test_a_series_in_dollars_gets_a_scale_the_box_can_hold_and_trains(trained):
    from seqcore.scaling import fit_scaling

    data = (CORPUS / "gdp_dollars.csv").read_bytes()
    at = upload(trained, "gdp_dollars.csv", data)
    fit = fit_scaling(seqcore.data.load_series(data), 3, at.session_state["val_fraction"])
    assert fit.offset > 1e12 and at.sidebar.number_input(key="offset").value == fit.offset
    assert at.session_state["scale"] == fit.scale and at.sidebar.number_input(key="scale").value == fit.scale
    at.sidebar.number_input(key="epochs").set_value(5).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error, errors(at)
    assert len(at.session_state["runs"]) == 2
    for page in ("pages/data.py", "pages/compare.py", "pages/learn.py"):  # every page copes with values near 2e13
        at = at.switch_page(page).run()
        assert not at.exception and not at.error, (page, errors(at))


def test_huge_names_and_values_are_quoted_short(trained):
    """A 500 kB header name, a 500-character file name and a 5,000-digit value: the page repeats only a little of each."""
    name = "n" * 500_000
    content = f"{name}\n1\n2\n{'9' * 5000}\n4\n".encode()
    at = upload(trained, "f" * 500 + ".csv", content)
    assert not at.exception
    shown = plain_text(at) + " | ".join(at.sidebar.get("selectbox")[0].options)
    assert "line 4, column" in errors(at).replace("\\", "")
    assert len(shown) < 5_000, f"the page repeats {len(shown):,} characters"


def test_every_corpus_file_is_covered():
    names = {p.name for p in CORPUS.glob("*.csv")}
    others = {"formula_header.csv", "formula_in_text_column.csv", "html_headers.csv", "one_value.csv"}
    assert names == set(BAD) | set(GOOD) | others


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
