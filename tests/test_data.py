import io

import pytest

from seqcore import InputError, load_series, parse_values
from seqcore.data import MAX_COLUMNS, MAX_FILE_BYTES, MAX_SERIES_LENGTH


def test_csv_with_header_from_bytes_path_and_file(tmp_path):
    text = b"year,flow\n1871,1120\n1872,1160\n1873,963\n"
    path = tmp_path / "nile.csv"
    path.write_bytes(text)
    for source in (text, path, str(path), io.BytesIO(text)):
        series = load_series(source)
        assert series.name == "flow"
        assert series.tolist() == [1120, 1160, 963]
    assert "'flow'" in series.attrs["note"] and "'year'" in series.attrs["note"]


def test_one_number_per_line_without_header():
    series = load_series(b"1\n2.5\n-3e2\n\n")
    assert series.tolist() == [1, 2.5, -300]


def test_chooses_the_series_column_over_an_index_like_one():
    series = load_series(b"t,a,b\n1,10,5\n2,11,4\n3,12,3\n")
    assert series.name == "b"
    assert "also numeric: 't', 'a'" in series.attrs["note"]
    assert series.attrs["numeric_columns"] == ["t", "a", "b"]
    assert load_series(b"t,a,b\n1,10,5\n2,11,4\n3,12,3\n", column="a").tolist() == [10, 11, 12]


def test_text_columns_are_skipped_and_utf8_bom_and_semicolons_read():
    series = load_series("\ufeffdate;temp\n2024-01-01;3.5\n2024-01-02;4\n".encode())
    assert series.name == "temp" and series.tolist() == [3.5, 4]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "the file is empty"),
        (b"\n \n\n", "the file is empty"),
        (b"a,b\n", "header row but no numbers"),
        (b"name,colour\nx,red\ny,blue\n", "no numeric column found; the file's columns are 'name', 'colour'"),
        (b"v\n1\n2\nabc\n4\n", "line 4, column 'v' holds 'abc', which is not a number"),
        (b"v\n1\n\n3\n", "line 3, column 'v' is empty"),
        (b"t,v\n1,1\n2,\n3,3\n", "line 3, column 'v' is empty"),
        (b"v\n1\nNaN\n3\n", "line 3, column 'v' is missing"),
        (b"v\n1\ninf\n3\n", "line 3, column 'v' holds 'inf', which is not a finite number"),
        (b"v\n1\n1e400\n3\n", "line 3, column 'v' holds '1e400', which is not a finite number"),
        (b"d;v\nx;1,5\ny;2\n", "write decimals with a dot"),
        (b"v\n1\n\xff\xfe2\n", "not UTF-8 text"),
        (b"\x00\x01\x02binary", "looks binary"),
        (b"a,b\n1,2\n3,4,5,6\n", "not a readable CSV"),
    ],
)
def test_bad_files_say_what_is_wrong(content, words):
    with pytest.raises(InputError, match=words):
        load_series(content)


def test_unknown_column_lists_the_columns():
    with pytest.raises(InputError, match="no column named 'x'; the file's columns are 'a', 'b'"):
        load_series(b"a,b\n1,2\n", column="x")


def test_limits_are_enforced_before_parsing(tmp_path):
    with pytest.raises(InputError, match="the limit is 2 MB"):
        load_series(b"1\n" * (MAX_FILE_BYTES // 2 + 1))
    big = tmp_path / "big.csv"
    big.write_bytes(b"1\n" * (MAX_FILE_BYTES // 2 + 1))
    with pytest.raises(InputError, match="the limit is 2 MB"):
        load_series(big)
    with pytest.raises(InputError, match=f"the limit is {MAX_SERIES_LENGTH:,} values"):
        load_series(b"v\n" + b"1\n" * (MAX_SERIES_LENGTH + 1))
    with pytest.raises(InputError, match=f"the limit is {MAX_COLUMNS}"):
        load_series(",".join(f"c{i}" for i in range(10_000)).encode() + b"\n")


def test_paths_that_are_not_files(tmp_path):
    with pytest.raises(InputError, match="no file at"):
        load_series(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="is a folder"):
        load_series(tmp_path)
    with pytest.raises(InputError, match="expected a file path, bytes or an open binary file"):
        load_series(12)


def test_parse_values():
    assert parse_values(" 5, 6 ,7") == [5, 6, 7]
    assert parse_values("1.5 -2;3e1") == [1.5, -2, 30]
    with pytest.raises(InputError, match="value 2, 'six', is not a finite number"):
        parse_values("5, six, 7")
    with pytest.raises(InputError, match="type some numbers"):
        parse_values("  ")
    assert parse_values("1e15") == [1e15]
    with pytest.raises(InputError, match="beyond"):
        parse_values("1e300")
    with pytest.raises(InputError, match="not a finite number"):
        parse_values("1e400")
