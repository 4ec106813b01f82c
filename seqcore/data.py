"""Reading a user's series from a CSV file (with a header) or a one-number-per-line file."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import InputError, quote
from .timeaxis import time_index, with_time

MAX_FILE_BYTES = 2_000_000  # a 10,000-value series with a date column is ~200 kB
MAX_SERIES_LENGTH = 10_000  # one full-batch epoch over this many windows stays fast
MAX_COLUMNS = 100
# beyond 2**53 (about 9e15) a float no longer holds every whole number, and the largest scale
# (config.MAX_SCALE) brings values up to this size back to about 1
MAX_MAGNITUDE = 1e15
MAX_NAME_CHARACTERS = 60  # a column name is shortened to this in labels and messages

# numeric columns with these names are usually the time axis, not the series
_INDEX_NAMES = re.compile(r"^(year|years|date|time|t|index|idx|id|month|day|step|period|#)$", re.IGNORECASE)
_MISSING = {"nan", "na", "n/a", "null", "none", "-"}
# 1,234 or -12,345,678.5: commas that group thousands
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_DECIMAL_COMMA = r"[+-]?\d*,\d+"
_BLANKS_AND_QUOTES = " \t\"'"
_DOT_THOUSANDS_DECIMAL_COMMA = r"[+-]?\d{1,3}(?:\.\d{3})+,\d+"  # 1.234,5


@dataclass(frozen=True)
class Column:
    """One parsed column: its numbers `(rows,)` (NaN where a cell is not usable) and the first bad cell, if any."""

    name: str
    numbers: np.ndarray
    problem: str | None  # the message for its first unusable cell, naming the line
    share: float  # the share of cells that are numbers (decimal-comma numbers count)
    note: str = ""  # how its cells were read, when that needs saying
    text: list[str] | None = None  # the cells as written, kept for a column named like a time axis (dates)


@dataclass(frozen=True)
class Table:
    """A parsed CSV file: its columns in order. Parse once, then pick any column with `series`."""

    columns: dict[str, Column]

    @property
    def numeric(self) -> list[str]:
        """Columns at least half of whose cells are numbers: the ones a user may choose from."""
        return [c.name for c in self.columns.values() if c.share >= 0.5]

    def series(self, column: str | None = None) -> pd.Series:
        """The chosen column as a float Series `(rows,)`; InputError names the first unusable cell."""
        name, note = self._choose(column)
        chosen = self.columns[name]
        if chosen.problem:
            raise InputError(chosen.problem)
        series = pd.Series(chosen.numbers, name=name, dtype=float)
        time = self._time_axis(name)
        if time is not None:
            series = with_time(series, *time)
            note += f"; {time[0]!r} on the time axis"
        series.attrs["column"] = name
        series.attrs["note"] = note + (f"; {chosen.note}" if chosen.note else "")
        series.attrs["numeric_columns"] = [n for n in self.columns if n == name or self.columns[n].share >= 0.5]
        return series

    def _time_axis(self, chosen: str) -> tuple[str, pd.Index] | None:
        """The first other column named like a time axis whose cells are increasing years or dates."""
        for column in self.columns.values():
            if column.name != chosen and _INDEX_NAMES.match(column.name.strip()):
                index = time_index(column.numbers, column.text)
                if index is not None:
                    return column.name, index
        return None

    def _choose(self, column: str | None) -> tuple[str, str]:
        names = list(self.columns)
        listed = ", ".join(repr(n) for n in names[:10]) + (" …" if len(names) > 10 else "")
        if column is not None:
            if column not in self.columns:
                raise InputError(f"no column named {quote(column)}; the file's columns are {listed}")
            return column, f"using column {column!r}"
        numeric = self.numeric
        if not numeric:
            raise InputError(f"no numeric column found; the file's columns are {listed}")
        if len(numeric) == 1:
            return numeric[0], f"using column {numeric[0]!r}, the only numeric one"
        series_like = [n for n in numeric if not _looks_like_index(self.columns[n])]
        chosen = (series_like or numeric)[-1]
        skipped = [n for n in numeric if n != chosen]
        return chosen, (
            f"using column {chosen!r}; also numeric: {', '.join(repr(n) for n in skipped)} (choose another column to use it instead)"
        )


def load_series(source, column: str | None = None) -> pd.Series:
    """Read a numeric series from a CSV file.

    Args:
        source: a path (str or PathLike), raw bytes, or a binary file-like object.
            Either a CSV with a header row, or one number per line without header.
        column: the column to use; when None, a numeric column is chosen and the
            choice is explained in `series.attrs["note"]`; `series.attrs["numeric_columns"]`
            lists the columns that could be chosen instead.

    Returns:
        A float Series of shape `(length,)`, named after its column.

    Raises:
        InputError: empty or oversized file, undecodable bytes, no numeric column,
            an unknown column, or a missing / non-numeric / infinite / too large cell (named by line).
    """
    return read_table(source).series(column)


def read_table(source) -> Table:
    """Parse a CSV file once (see `load_series` for what `source` may be); every column is converted at once."""
    text = _decode(_read_bytes(source))
    # lines end at \n, \r\n or \r only, as in an editor: str.splitlines would also break at
    # unicode separators inside a cell and shift every line number after it
    lines = re.split(r"\r\n|\r|\n", text)
    while lines and not lines[-1].strip():
        lines.pop()
    if not any(line.strip() for line in lines):
        raise InputError("the file is empty; it needs a header row and numbers below it, or one number per line")
    if len(lines) > MAX_SERIES_LENGTH + 1:
        raise InputError(f"the file has {len(lines):,} lines; the limit is {MAX_SERIES_LENGTH:,} values — use a shorter excerpt")
    blank = next(i for i, line in enumerate(lines) if line.strip())
    lines, first_line = lines[blank:], 1 + blank  # blank lines before the header: skipped, and still counted
    if re.fullmatch(r"sep=[,;\t]", lines[0].strip(), re.IGNORECASE):  # a spreadsheet's hint naming the delimiter
        delimiter, lines, first_line = lines[0].strip()[4], lines[1:], first_line + 1
    else:
        delimiter = _sniff_delimiter(lines[0])
    if not lines:
        raise InputError("the file is empty; it needs a header row and numbers below it, or one number per line")
    width = lines[0].count(delimiter) + 1
    if width > MAX_COLUMNS:
        raise InputError(f"the file has {width:,} columns; the limit is {MAX_COLUMNS} — keep only the series' column")
    has_header = not np.isfinite(_parse_number(lines[0].split(delimiter)[0]))
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(lines)),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise InputError(f"the file is not a readable CSV: {_first_line(exc)}") from None
    frame = frame.fillna("")  # blank lines come back as NaN even with dtype=str
    if has_header:
        names, frame = _names(frame.iloc[0].tolist()), frame.iloc[1:]
    else:
        names = ["value"] if frame.shape[1] == 1 else [f"column {i + 1}" for i in range(frame.shape[1])]
    if frame.empty:
        raise InputError("the file has a header row but no numbers below it")
    first_line += has_header
    columns = [_column(name, frame[i], first_line, delimiter) for i, name in zip(frame.columns, names, strict=True)]
    columns = [
        dataclasses.replace(c, text=frame[i].str.strip(_BLANKS_AND_QUOTES).tolist()) if _INDEX_NAMES.match(c.name.strip()) else c
        for i, c in zip(frame.columns, columns, strict=True)
    ]
    return Table({c.name: c for c in columns})


def short_name(text: str) -> str:
    """A name from a user's file (a column, the file itself) as labels show it: one line, at most MAX_NAME_CHARACTERS."""
    name = " ".join(str(text).split())
    return name if len(name) <= MAX_NAME_CHARACTERS else name[: MAX_NAME_CHARACTERS - 1] + "…"


def _names(header: list[str]) -> list[str]:
    """Header cells as column names: stripped, shortened, never empty, and all different."""
    names: list[str] = []
    for i, cell in enumerate(header):
        name = short_name(cell) or f"column {i + 1}"
        if name in names:  # e.g. "a" and " a ", which only differ in spaces
            name = f"{name} (column {i + 1})"
        names.append(name)
    return names


def _column(name: str, cells: pd.Series, first_line: int, delimiter: str) -> Column:
    """Convert one column's cells to numbers, all at once; cells are looked at one by one only in a column that needs it."""
    note = ""
    other_notation = np.zeros(len(cells), dtype=bool)
    try:
        numbers = cells.astype("float64").to_numpy(copy=True)  # plain numbers (Python's float syntax), the usual case
    except (TypeError, ValueError):
        cells = cells.astype(str).str.strip(_BLANKS_AND_QUOTES)
        text = ~cells.str.fullmatch(_PLAIN_NUMBER).to_numpy()
        numbers = np.full(len(cells), np.nan)
        numbers[~text] = cells[~text].astype("float64").to_numpy()
        commas = text & cells.str.contains(",", regex=False).to_numpy()
        if commas.any():  # all other notations a user may mean hold a comma
            grouped = commas & cells.str.fullmatch(_THOUSANDS).to_numpy()
            # in a comma-separated file a cell holding a comma was quoted on purpose: "1,234" is one thousand
            # two hundred thirty-four there (a spreadsheet's export), while elsewhere it may be a decimal comma
            if delimiter == "," and grouped.any() and not (commas & ~grouped).any():
                numbers[grouped] = cells[grouped].str.replace(",", "", regex=False).astype("float64").to_numpy()
                example = cells[grouped].iloc[0]
                note = f"commas read as thousands separators ({example!r} as {example.replace(',', '')})"
            # numbers written with a decimal comma or thousands separators count as numbers here, so that
            # such a column is chosen and its first such cell named with the fix
            other_notation = commas & cells.str.fullmatch(f"{_DECIMAL_COMMA}|{_THOUSANDS}|{_DOT_THOUSANDS_DECIMAL_COMMA}").to_numpy()
    usable = np.isfinite(numbers) & (np.abs(numbers) <= MAX_MAGNITUDE)
    share = float((usable | other_notation).sum()) / max(len(cells), 1)
    problem = None
    if not usable.all():
        bad = int(np.argmin(usable))
        cell = str(cells.iloc[bad]).strip(_BLANKS_AND_QUOTES)
        problem = f"line {first_line + bad}, column {quote(name)} {_problem(cell)}; fix or remove that row"
    return Column(name, np.where(usable, numbers, np.nan), problem, share, note)


def _problem(cell: str) -> str:
    """What is wrong with one cell, in words, with the fix when there is an obvious one."""
    if not cell:
        return "is empty"
    if cell.lower() in _MISSING:
        return f"is missing (it holds {quote(cell)})"
    number = _parse_number(cell)
    if np.isfinite(number):
        return (
            f"holds {quote(cell)}, beyond ±{MAX_MAGNITUDE:g}, the largest size this lab trains on; "
            "express the series in larger units (thousands, millions)"
        )
    if np.isinf(number):  # inf, -Infinity, 1e400
        return f"holds {quote(cell)}, which is not a finite number"
    if re.fullmatch(_DOT_THOUSANDS_DECIMAL_COMMA, cell):
        plain = cell.replace(".", "").replace(",", ".")
        return f"holds {quote(cell)}; write numbers without thousands separators and with a dot for decimals ({plain})"
    if re.fullmatch(_THOUSANDS, cell):
        return (
            f"holds {quote(cell)}; write numbers without thousands separators ({cell.replace(',', '')}), "
            f"or with a dot if the comma marks decimals ({cell.replace(',', '.', 1)})"
        )
    if re.fullmatch(_DECIMAL_COMMA, cell):
        return f"holds {quote(cell)}; write decimals with a dot (e.g. {cell.replace(',', '.')})"
    return f"holds {quote(cell)}, which is not a number"


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not path:
            raise InputError("no file given: name a CSV file")
        try:
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES:
                raise InputError(_too_big(size))
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"no file at {quote(path, 120)}; check the path") from None
        except IsADirectoryError:
            raise InputError(f"{quote(path, 120)} is a folder, not a file") from None
        except PermissionError:
            raise InputError(f"{quote(path, 120)} cannot be read (permission denied)") from None
        except OSError as exc:  # a name too long, a device that fails
            raise InputError(f"{quote(path, 120)} cannot be read: {exc.strerror or exc}") from None
    elif hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise InputError(f"expected a file path, bytes or an open binary file, got {type(source).__name__}")
    if len(data) > MAX_FILE_BYTES:
        raise InputError(_too_big(len(data), at_least=True))
    return data


def _too_big(size: int, at_least: bool = False) -> str:
    return (
        f"the file is {'over ' if at_least else ''}{size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:g} MB "
        f"({MAX_SERIES_LENGTH:,} values) — use a shorter excerpt"
    )


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputError("the file looks binary (it contains NUL bytes), not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 text (undecodable byte 0x{data[exc.start]:02x} at position {exc.start:,}); save it as a UTF-8 CSV"
        ) from None


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _parse_number(cell: str) -> float:
    """The number in one cell, or NaN for anything else (text, empty); inf where it overflows."""
    cell = cell.strip().strip('"').strip("'")
    try:
        return float(cell)
    except ValueError:
        return float("nan")


def _looks_like_index(column: Column) -> bool:
    if _INDEX_NAMES.match(column.name.strip()):
        return True
    numbers = column.numbers
    if len(numbers) < 3 or not np.isfinite(numbers).all():
        return False
    return bool(np.all(np.diff(numbers) == 1) and np.all(numbers == np.round(numbers)))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def parse_values(text: str) -> list[float]:
    """Numbers typed by a user, separated by commas, semicolons or spaces: "5, 6, 7" -> [5.0, 6.0, 7.0]."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("type some numbers, separated by commas, e.g. 5, 6, 7")
    values = []
    for i, token in enumerate(t for t in re.split(r"[,;\s]+", text.strip()) if t):
        number = _parse_number(token)
        if not np.isfinite(number):
            raise InputError(f"value {i + 1}, {quote(token)}, is not a finite number; use numbers like 5, 6.5, -2")
        if abs(number) > MAX_MAGNITUDE:
            raise InputError(f"value {i + 1}, {quote(token)}, is beyond ±{MAX_MAGNITUDE:g}; use smaller numbers")
        values.append(number)
    return values
