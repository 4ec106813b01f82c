"""How long `seqcore.load_series` takes on the largest files it accepts (target: each within 1 s).

Usage: `.venv/bin/python bench/bench_parse.py [--repeat N]`. Prints one row per file shape: its size,
the median and the slowest of N parses, and what came out (the column chosen, or the message).
Run it with `PYTHONPATH=<another checkout>` to time another version of seqcore on the same files.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from seqcore.data import MAX_COLUMNS, MAX_FILE_BYTES, MAX_SERIES_LENGTH  # noqa: E402


def wide(rows: int) -> bytes:
    """`rows` rows of MAX_COLUMNS one-digit cells: the most cells that fit in the size limit."""
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    row = ",".join(str(i % 10) for i in range(MAX_COLUMNS))
    return ("\n".join([header] + [row] * rows) + "\n").encode()


def words(rows: int) -> bytes:
    """`rows` rows of MAX_COLUMNS one-letter cells but a last numeric column: every column needs a closer look."""
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    row = ",".join(["x"] * (MAX_COLUMNS - 1) + ["5"])
    return ("\n".join([header] + [row] * rows) + "\n").encode()


def dated(rows: int) -> bytes:
    """A date column and a value with many digits: the longest typical series."""
    rng = np.random.default_rng(0)
    values = 1000 + np.cumsum(rng.standard_normal(rows))
    lines = [f"2000-01-01T{i:05d},{v:.12f}" for i, v in enumerate(values)]
    return ("date,value\n" + "\n".join(lines) + "\n").encode()


def with_bad_last_cell(data: bytes) -> bytes:
    """The same file with its last cell spoiled: the message must still name the line."""
    return data.rstrip(b"\n")[:-1] + b"x\n"


def shapes() -> dict[str, bytes]:
    rows = (MAX_FILE_BYTES - 400) // (2 * MAX_COLUMNS)  # one digit and a comma per cell
    return {
        f"{rows:,} rows x {MAX_COLUMNS} columns": wide(rows),
        f"{rows:,} rows x {MAX_COLUMNS} columns, last cell bad": with_bad_last_cell(wide(rows)),
        f"{rows:,} rows x {MAX_COLUMNS} columns, 99 of them text": words(rows),
        f"{MAX_SERIES_LENGTH:,} rows, date and value": dated(MAX_SERIES_LENGTH),
        f"{MAX_SERIES_LENGTH:,} values, one per line": ("\n".join(["7.25"] * MAX_SERIES_LENGTH) + "\n").encode(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"seqcore from {Path(seqcore.__file__).parent}")
    print("| file | size | median | slowest | outcome |")
    print("|---|---|---|---|---|")
    for name, data in shapes().items():
        assert len(data) <= MAX_FILE_BYTES, (name, len(data))
        times, outcome = [], ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            try:
                series = seqcore.load_series(data)
                outcome = f"column {series.name!r}, {len(series):,} values"
            except seqcore.InputError as exc:
                outcome = str(exc)[:70]
            times.append(time.perf_counter() - start)
        print(f"| {name} | {len(data) / 1e6:.2f} MB | {statistics.median(times):.3f} s | {max(times):.3f} s | {outcome} |")


if __name__ == "__main__":
    main()
