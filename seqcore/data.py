"""Reading a user's series from a CSV file (with a header) or a one-number-per-line file."""

from __future__ import annotations

import csv
import io
import os
import re

import numpy as np
import pandas as pd

from .config import InputError

MAX_FILE_BYTES = 2_000_000  # a 10,000-value series with a date column is ~200 kB
MAX_SERIES_LENGTH = 10_000  # one full-batch epoch over this many windows stays fast
MAX_COLUMNS = 100

# numeric columns with these names are usually the time axis, not the series
_INDEX_NAMES = re.compile(r"^(year|years|date|time|t|index|idx|id|month|day|step|period|#)$", re.IGNORECASE)


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
            an unknown column, or a missing / non-numeric / infinite cell (named by line).
    """
    text = _decode(_read_bytes(source))
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not any(line.strip() for line in lines):
        raise InputError("the file is empty; it needs a header row and numbers below it, or one number per line")
    if len(lines) > MAX_SERIES_LENGTH + 1:
        raise InputError(f"the file has {len(lines):,} lines; the limit is {MAX_SERIES_LENGTH:,} values — use a shorter excerpt")
    delimiter = _sniff_delimiter(lines[0])
    columns = lines[0].count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise InputError(f"the file has {columns:,} columns; the limit is {MAX_COLUMNS} — keep only the series' column")
    has_header = _parse_number(lines[0].split(delimiter)[0]) is None
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(lines)),
            sep=delimiter,
            header=0 if has_header else None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"the file is not a readable CSV: {_first_line(exc)}") from None
    if not has_header:
        frame.columns = ["value"] if frame.shape[1] == 1 else [f"column {i + 1}" for i in range(frame.shape[1])]
    frame = frame.fillna("")  # blank lines come back as NaN even with dtype=str
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputError("the file has a header row but no numbers below it")
    first_line = 2 if has_header else 1
    name, note = _choose_column(frame, column)
    numeric = [n for n in frame.columns if n == name or _numeric_share(frame[n]) >= 0.5]
    values = _to_numbers(frame[name], name, first_line)
    series = pd.Series(values, name=name, dtype=float)
    series.attrs["column"] = name
    series.attrs["note"] = note
    series.attrs["numeric_columns"] = numeric
    return series


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES:
                raise InputError(_too_big(size))
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"no file at {path!r}; check the path") from None
        except IsADirectoryError:
            raise InputError(f"{path!r} is a folder, not a file") from None
        except PermissionError:
            raise InputError(f"{path!r} cannot be read (permission denied)") from None
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


def _parse_number(cell: str) -> float | None:
    """A finite number, or None for anything else (text, empty, nan, inf)."""
    try:
        number = float(cell.strip().strip('"').strip("'"))
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def _numeric_share(cells: pd.Series) -> float:
    # decimal commas count as numeric here, so such a column is chosen and its first comma named
    numeric = sum(_parse_number(c) is not None or _parse_number(c.replace(",", ".")) is not None for c in cells)
    return numeric / max(len(cells), 1)


def _choose_column(frame: pd.DataFrame, column: str | None) -> tuple[str, str]:
    names = list(frame.columns)
    listed = ", ".join(repr(n) for n in names[:10]) + (" …" if len(names) > 10 else "")
    if column is not None:
        if column not in names:
            raise InputError(f"no column named {column!r}; the file's columns are {listed}")
        return column, f"using column {column!r}"
    numeric = [n for n in names if _numeric_share(frame[n]) >= 0.5]
    if not numeric:
        raise InputError(f"no numeric column found; the file's columns are {listed}")
    if len(numeric) == 1:
        return numeric[0], f"using column {numeric[0]!r}, the only numeric one"
    series_like = [n for n in numeric if not _looks_like_index(n, frame[n])]
    chosen = (series_like or numeric)[-1]
    skipped = [n for n in numeric if n != chosen]
    return chosen, (
        f"using column {chosen!r}; also numeric: {', '.join(repr(n) for n in skipped)} (choose another column to use it instead)"
    )


def _looks_like_index(name: str, cells: pd.Series) -> bool:
    if _INDEX_NAMES.match(name.strip()):
        return True
    numbers = [_parse_number(c) for c in cells]
    if any(n is None for n in numbers) or len(numbers) < 3:
        return False
    steps = np.diff(numbers)
    return bool(np.all(steps == 1) and all(float(n).is_integer() for n in numbers))


def _to_numbers(cells: pd.Series, name: str, first_line: int) -> np.ndarray:
    values = np.empty(len(cells))
    for i, cell in enumerate(cells):
        number = _parse_number(cell)
        if number is None:
            line = first_line + i
            shown = cell.strip()
            if not shown:
                problem = "is empty"
            elif shown.lower() in ("nan", "na", "n/a", "null", "none", "-"):
                problem = f"is missing (it holds {shown!r})"
            elif shown.lower().strip("+-") in ("inf", "infinity") or _is_overflow(shown):
                problem = f"holds {shown[:40]!r}, which is not a finite number"
            elif "," in shown and _parse_number(shown.replace(",", ".")) is not None:
                problem = f"holds {shown[:40]!r}; write decimals with a dot (e.g. {shown.replace(',', '.')[:40]})"
            else:
                problem = f"holds {shown[:40]!r}, which is not a number"
            raise InputError(f"line {line}, column {name!r} {problem}; fix or remove that row")
        values[i] = number
    return values


def _is_overflow(cell: str) -> bool:
    try:
        return not np.isfinite(float(cell))
    except ValueError:
        return False


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def parse_values(text: str) -> list[float]:
    """Numbers typed by a user, separated by commas, semicolons or spaces: "5, 6, 7" -> [5.0, 6.0, 7.0]."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("type some numbers, separated by commas, e.g. 5, 6, 7")
    values = []
    for i, token in enumerate(t for t in re.split(r"[,;\s]+", text.strip()) if t):
        number = _parse_number(token)
        if number is None:
            raise InputError(f"value {i + 1}, {token[:40]!r}, is not a finite number; use numbers like 5, 6.5, -2")
        values.append(number)
    return values
