"""Loading one daily price file, with validation that names what is wrong.

:func:`load_prices` reads the formats people download, one trading day a row:

- the DJIA 30 data set's ``Date,Open,High,Low,Close,Volume,Name`` (the bundled files);
- Yahoo Finance's ``Date,Open,High,Low,Close,Adj Close,Volume`` (no ``Name``:
  the ticker comes from the file name, ``AAPL.csv`` or ``AAPL_anything.csv``);
- either with headers in any case (``date,open,high,...``), ``Adj_Close``
  or ``adjclose`` for ``Adj Close``, and ``null`` for a missing value.

It either returns a clean, date-indexed frame or refuses with a
:class:`ValueError` that names the file and the row, date or column at fault.
It repairs only what is unambiguous (rows out of date order) and says so with
a :class:`DataWarning`; a missing value is reported and left missing, never
replaced with a made-up price. Finding files in a folder is
:mod:`lstm_helpers.data.tickers`'s.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

PRICE_COLUMNS: tuple[str, ...] = ("Open", "High", "Low", "Close")
"""The price columns every file must have."""

REQUIRED_COLUMNS: tuple[str, ...] = ("Date", *PRICE_COLUMNS, "Volume")
"""The columns every file must have (any case)."""

OPTIONAL_COLUMNS: tuple[str, ...] = ("Adj Close", "Name")
"""Columns read when present: Yahoo Finance's adjusted close, the DJIA set's ticker."""

TARGETS: tuple[str, ...] = ("High", "Close", "Adj Close", "Open", "Low")
"""Columns a lesson may forecast (the report's is ``High``)."""

FORMATS = (
    "accepted formats: DJIA 30 (Date,Open,High,Low,Close,Volume,Name) and Yahoo "
    "Finance "
    "(Date,Open,High,Low,Close,Adj Close,Volume), headers in any case"
)


def canonical_column(name: str) -> str:
    """The column a header means, whatever its case and spacing: ``adj_close`` -> ``Adj
    Close``."""
    key = "".join(ch for ch in str(name).lower() if ch.isalnum())
    for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        if key == column.lower().replace(" ", ""):
            return column
    return str(name).strip()


class DataWarning(UserWarning):
    """A price file had something the loader repaired or left for the caller."""


def _fail(path: Path, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}")


def _line(row: int) -> int:
    """File line number of data row ``row`` (0-based), counting the header as line 1."""
    return int(row) + 2


def load_prices(path: str | Path, target: str = "High") -> pd.DataFrame:
    """Read one daily price file and check it.

    Parameters
    ----------
    path : str or Path
        A CSV file in one of the accepted formats (see the module docstring).
    target : str, default "High"
        The column the lessons forecast (one of :data:`TARGETS`). A missing
        value there is reported with a warning that says so (and is left
        missing; :func:`lstm_helpers.data.tickers.load_tickers` leaves such days out).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Date`` (a sorted, unique ``DatetimeIndex``), with float
        columns Open, High, Low, Close, Volume (and Adj Close when the file has
        it) and the string column Name (from the file name when it has none).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is empty, is not a CSV of this format, lacks a column,
        has a date that does not parse, a duplicate date, a non-numeric or
        negative price or volume, or more than one ticker.
        The message names the file and the row, date or column at fault.

    Warns
    -----
    DataWarning
        When rows were out of date order (they are sorted), when a price is
        exactly 0 (the source's mark for unknown: treated as missing), and
        for every column with missing values (they stay missing).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such price file")
    if path.is_dir():
        raise _fail(path, "is a folder, not a CSV price file")
    if path.stat().st_size == 0:
        raise _fail(path, "the file is empty")
    try:
        raw = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except pd.errors.EmptyDataError as err:
        raise _fail(path, "the file is empty") from err
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise _fail(
            path, f"is not a readable CSV file ({type(err).__name__}: {err})"
        ) from err

    found = [str(c).strip() for c in raw.columns]
    raw.columns = [canonical_column(c) for c in raw.columns]
    doubled = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if doubled:
        raise _fail(
            path,
            f"column(s) {', '.join(doubled)} appear more than once ({','.join(found)})",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise _fail(
            path,
            f"missing column(s) {', '.join(missing)} (found "
            f"{','.join(found)}); {FORMATS}",
        )
    if target not in TARGETS:
        raise _fail(
            path,
            f"cannot forecast {target!r}: the target must be one "
            f"of {', '.join(TARGETS)}",
        )
    if target not in raw.columns:
        raise _fail(
            path,
            f"has no {target!r} column to forecast (found "
            f"{','.join(found)}); {FORMATS}",
        )
    if raw.empty:
        raise _fail(path, "has a header but no data rows")

    dates = pd.to_datetime(raw["Date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(
            path,
            f"line {_line(i)}: Date {raw['Date'].iloc[i]!r} is not a date in "
            "YYYY-MM-DD form "
            f"({int(bad.sum())} bad date(s) in all)",
        )
    dup = dates.duplicated(keep=False)
    if dup.any():
        first = dates[dup].iloc[0]
        lines = [_line(i) for i in np.flatnonzero((dates == first).to_numpy())]
        raise _fail(path, f"duplicate date {first.date()} on lines {lines}")

    frame = pd.DataFrame(index=pd.DatetimeIndex(dates, name="Date"))
    numeric = [
        *PRICE_COLUMNS,
        *(["Adj Close"] if "Adj Close" in raw.columns else []),
        "Volume",
    ]
    for col in numeric:
        text = raw[col]
        values = pd.to_numeric(text, errors="coerce")
        nonnum = values.isna() & text.notna()
        if nonnum.any():
            i = int(np.flatnonzero(nonnum.to_numpy())[0])
            raise _fail(
                path,
                f"line {_line(i)} ({dates.iloc[i].date()}): {col} {text.iloc[i]!r} is "
                "not a number",
            )
        negative = values.notna() & (values < 0)
        if negative.any():
            i = int(np.flatnonzero(negative.to_numpy())[0])
            raise _fail(
                path,
                f"line {_line(i)} ({dates.iloc[i].date()}): {col} "
                f"{values.iloc[i]} is negative",
            )
        if col != "Volume":
            zero = (values == 0).to_numpy()
            if zero.any():
                # A traded stock has no price of exactly 0: the source wrote 0 for
                # "unknown".
                shown = ", ".join(str(d.date()) for d in dates[zero][:5])
                warnings.warn(
                    f"{path.name}: {col} is 0.0 on {shown}; a price cannot be zero, "
                    "so it is treated as missing",
                    DataWarning,
                    stacklevel=2,
                )
                values = values.mask(zero)
        frame[col] = values.to_numpy(dtype=float)

    names = raw["Name"].dropna().str.strip().unique() if "Name" in raw.columns else []
    if len(names) > 1:
        raise _fail(
            path,
            f"Name column holds several tickers ({', '.join(map(str, names[:5]))})",
        )
    frame["Name"] = names[0] if len(names) else path.stem.split("_")[0].upper()

    if not frame.index.is_monotonic_increasing:
        warnings.warn(
            f"{path.name}: rows were not in date order; sorted them by Date",
            DataWarning,
            stacklevel=2,
        )
        frame = frame.sort_index()

    for col in numeric:
        gaps = frame.index[frame[col].isna()]
        if len(gaps):
            shown = ", ".join(str(d.date()) for d in gaps[:5])
            more = f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""
            role = (
                "the target column: these days are left out of training and scoring"
                if col == target
                else "left missing (not the target column)"
            )
            warnings.warn(
                f"{path.name}: {col} missing on {shown}{more}; {role}",
                DataWarning,
                stacklevel=2,
            )
    return frame


def file_md5(path: str | Path) -> str:
    """Hex MD5 of a file, as ``md5sum`` prints it (the tests check the bundled data
    against ``data/MD5SUMS``)."""
    return hashlib.md5(Path(path).read_bytes()).hexdigest()
