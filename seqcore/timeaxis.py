"""A series' time axis: the years or dates of its file's time column when it has one, else positions 0, 1, 2, …

The axis travels as the series' index, and `series.attrs["time"]` names it ("year", "date", …).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

YEARLY = {"year", "years"}


def time_index(numbers: np.ndarray, text: list[str] | None) -> pd.Index | None:
    """A time column as an index, if it is one: strictly increasing numbers (years) or dates; else None."""
    if len(numbers) and np.isfinite(numbers).all():
        if np.all(np.diff(numbers) > 0):
            whole = np.all(numbers == np.round(numbers))
            return pd.Index(numbers.astype(np.int64) if whole else numbers)
        return None
    if not text:
        return None
    with warnings.catch_warnings():  # pandas warns when it has to guess a format per cell
        warnings.simplefilter("ignore")
        dates = pd.to_datetime(pd.Series(text), errors="coerce", format="mixed")
    if dates.isna().any() or not dates.is_monotonic_increasing or not dates.is_unique:
        return None
    return pd.DatetimeIndex(dates)


def with_time(series: pd.Series, name: str, index: pd.Index) -> pd.Series:
    """`series` with `index` (same length) as its time axis, named `name`."""
    series = series.copy()
    series.index = index
    series.attrs["time"] = name
    return series


def as_series(series, values: np.ndarray) -> pd.Series:
    """`values` `(length,)` as a float Series that keeps `series`' name, attrs and time axis, if it had them."""
    out = pd.Series(values, name=getattr(series, "name", None), dtype=float)
    if isinstance(series, pd.Series):
        out.attrs.update(series.attrs)
        if "time" in series.attrs and len(series.index) == len(values):
            out.index = series.index
    return out


def times(series: pd.Series, positions=None) -> np.ndarray:
    """The time of each position (all by default): years, dates, or the positions themselves."""
    positions = np.arange(len(series)) if positions is None else np.asarray(positions, dtype=int)
    if "time" not in series.attrs:
        return positions
    return np.asarray(series.index[positions])


def after_end(series: pd.Series, steps: int) -> np.ndarray:
    """The times of `steps` values after the series' end, continuing its spacing (the last step of a time axis)."""
    if "time" not in series.attrs or len(series) < 2:
        return np.arange(len(series), len(series) + steps)
    index = series.index
    step = index[-1] - index[-2]
    return np.asarray([index[-1] + step * k for k in range(1, steps + 1)])


def axis_title(series: pd.Series) -> str:
    return series.attrs.get("time", "position in the series")


def unit(series: pd.Series) -> str:
    """What one value of the series is, for sentences: "year" for a yearly series, else "value"."""
    return "year" if str(series.attrs.get("time", "")).strip().lower() in YEARLY else "value"


def to_json(series: pd.Series) -> object:
    """The series' values, with its time axis and period when it has them, as JSON can hold them."""
    values = series.to_numpy().tolist()
    if "time" not in series.attrs and "period" not in series.attrs:
        return values
    record: dict = {"values": values}
    if "time" in series.attrs:
        index = series.index
        dates = isinstance(index, pd.DatetimeIndex)
        record |= {"time": series.attrs["time"], "dates": dates}
        record["times"] = [t.isoformat() for t in index] if dates else np.asarray(index).tolist()
    if "period" in series.attrs:
        record["period"] = int(series.attrs["period"])
    return record


def from_json(record, name: str | None) -> pd.Series:
    """The Series `to_json` stored (a plain list of values from older runs too)."""
    if isinstance(record, list):
        return pd.Series(record, name=name, dtype=float)
    series = pd.Series(record["values"], name=name, dtype=float)
    if "time" in record:
        index = pd.DatetimeIndex(pd.to_datetime(record["times"])) if record["dates"] else pd.Index(record["times"])
        series = with_time(series, record["time"], index)
    if "period" in record:
        series.attrs["period"] = record["period"]
    return series
