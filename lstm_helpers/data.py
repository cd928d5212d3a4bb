"""Loading the daily price files, with validation that names what is wrong.

The files follow the DJIA 30 layout ``Date,Open,High,Low,Close,Volume,Name``,
one trading day a row. :func:`load_prices` reads one such file and either
returns a clean, date-indexed frame or refuses with a :class:`ValueError` that
names the file and the row, date or column at fault. It repairs only what is
unambiguous (rows out of date order) and says so with a :class:`DataWarning`;
a missing value is reported and left missing, never replaced with a made-up
price.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_helpers.paths import DATA_DIR

PRICE_COLUMNS: tuple[str, ...] = ("Open", "High", "Low", "Close")
"""The price columns every file must have."""

REQUIRED_COLUMNS: tuple[str, ...] = ("Date", *PRICE_COLUMNS, "Volume", "Name")
"""Every column of the format, in file order."""


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
        A CSV file with the columns ``Date,Open,High,Low,Close,Volume,Name``.
    target : str, default "High"
        The column the lessons forecast. A missing value there is reported with
        a warning that says so (and is left missing); the code that builds
        windows decides what to do with that day.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Date`` (a sorted, unique ``DatetimeIndex``), with float
        columns Open, High, Low, Close, Volume and the string column Name.

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
        raise _fail(path, f"is not a readable CSV file ({type(err).__name__}: {err})") from err

    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise _fail(
            path,
            f"missing column(s) {', '.join(missing)}; expected {','.join(REQUIRED_COLUMNS)}, "
            f"found {','.join(raw.columns)}",
        )
    if raw.empty:
        raise _fail(path, "has a header but no data rows")

    dates = pd.to_datetime(raw["Date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(
            path,
            f"line {_line(i)}: Date {raw['Date'].iloc[i]!r} is not a date in YYYY-MM-DD form "
            f"({int(bad.sum())} bad date(s) in all)",
        )
    dup = dates.duplicated(keep=False)
    if dup.any():
        first = dates[dup].iloc[0]
        lines = [_line(i) for i in np.flatnonzero((dates == first).to_numpy())]
        raise _fail(path, f"duplicate date {first.date()} on lines {lines}")

    frame = pd.DataFrame(index=pd.DatetimeIndex(dates, name="Date"))
    for col in (*PRICE_COLUMNS, "Volume"):
        text = raw[col]
        values = pd.to_numeric(text, errors="coerce")
        nonnum = values.isna() & text.notna()
        if nonnum.any():
            i = int(np.flatnonzero(nonnum.to_numpy())[0])
            raise _fail(
                path,
                f"line {_line(i)} ({dates.iloc[i].date()}): {col} {text.iloc[i]!r} is not a number",
            )
        negative = values.notna() & (values < 0)
        if negative.any():
            i = int(np.flatnonzero(negative.to_numpy())[0])
            raise _fail(
                path, f"line {_line(i)} ({dates.iloc[i].date()}): {col} {values.iloc[i]} is negative"
            )
        if col != "Volume":
            zero = (values == 0).to_numpy()
            if zero.any():
                # A traded stock has no price of exactly 0: the source wrote 0 for "unknown".
                shown = ", ".join(str(d.date()) for d in dates[zero][:5])
                warnings.warn(
                    f"{path.name}: {col} is 0.0 on {shown}; a price cannot be zero, "
                    "so it is treated as missing",
                    DataWarning,
                    stacklevel=2,
                )
                values = values.mask(zero)
        frame[col] = values.to_numpy(dtype=float)

    names = raw["Name"].dropna().str.strip().unique()
    if len(names) > 1:
        raise _fail(path, f"Name column holds several tickers ({', '.join(map(str, names[:5]))})")
    frame["Name"] = names[0] if len(names) else path.stem.split("_")[0]

    if not frame.index.is_monotonic_increasing:
        warnings.warn(
            f"{path.name}: rows were not in date order; sorted them by Date",
            DataWarning,
            stacklevel=2,
        )
        frame = frame.sort_index()

    for col in (*PRICE_COLUMNS, "Volume"):
        gaps = frame.index[frame[col].isna()]
        if len(gaps):
            shown = ", ".join(str(d.date()) for d in gaps[:5])
            more = f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""
            role = (
                "the target column: left missing, the window builder decides"
                if col == target
                else "left missing (not the target column)"
            )
            warnings.warn(
                f"{path.name}: {col} missing on {shown}{more}; {role}",
                DataWarning,
                stacklevel=2,
            )
    return frame


def ticker_path(ticker: str, data_dir: str | Path | None = None) -> Path:
    """Find the price file of ``ticker`` in ``data_dir``.

    A file belongs to a ticker when its name is ``TICKER.csv`` or starts with
    ``TICKER_`` (as in ``IBM_2006-01-01_to_2018-01-01.csv``).

    Parameters
    ----------
    ticker : str
        The ticker symbol, e.g. ``"IBM"``; case does not matter.
    data_dir : str or Path, optional
        The folder to look in; default the course's bundled ``data/``.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist or has no file for the ticker.
    ValueError
        If several files match.
    """
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such data folder")
    sym = ticker.strip().upper()
    matches = sorted(
        p for p in folder.glob("*.csv") if p.stem.upper() == sym or p.stem.upper().startswith(sym + "_")
    )
    if not matches:
        have = ", ".join(available_tickers(folder)) or "none"
        raise FileNotFoundError(f"{folder}: no price file for ticker {sym!r} (tickers here: {have})")
    if len(matches) > 1:
        raise ValueError(f"{folder}: several files for ticker {sym!r}: {[p.name for p in matches]}")
    return matches[0]


def available_tickers(data_dir: str | Path | None = None) -> list[str]:
    """List the tickers that have a price file in ``data_dir`` (default: bundled ``data/``)."""
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    return sorted({p.stem.split("_")[0].upper() for p in folder.glob("*.csv")})


def load_ticker(ticker: str, data_dir: str | Path | None = None, target: str = "High") -> pd.DataFrame:
    """Load one ticker's prices by name: :func:`ticker_path` then :func:`load_prices`."""
    return load_prices(ticker_path(ticker, data_dir), target=target)


def file_md5(path: str | Path) -> str:
    """Hex MD5 of a file, as ``md5sum`` prints it (used to key caches and check data)."""
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def split_by_year(
    prices: pd.DataFrame | pd.Series,
    train_end: str = "2016",
    test_start: str = "2017",
    test_end: str | None = "2017",
) -> tuple[pd.DataFrame | pd.Series, pd.DataFrame | pd.Series]:
    """Split a date-indexed frame into the report's train and test periods.

    Parameters
    ----------
    prices : DataFrame or Series
        Indexed by date, sorted.
    train_end : str, default "2016"
        Last period (year or date) of training, inclusive.
    test_start, test_end : str, default "2017"
        First and last period of the test, inclusive; ``test_end=None`` runs to the end.

    Returns
    -------
    (train, test)
        Two views of ``prices``.

    Raises
    ------
    ValueError
        If either part is empty or the periods overlap.
    """
    train = prices.loc[:train_end]
    test = prices.loc[test_start:test_end]
    if train.empty or test.empty:
        raise ValueError(
            f"split train..{train_end} / {test_start}..{test_end} leaves an empty part "
            f"(data run {prices.index.min().date()}..{prices.index.max().date()})"
        )
    if train.index.max() >= test.index.min():
        raise ValueError(f"train (..{train_end}) and test ({test_start}..) overlap")
    return train, test


def load_tickers(
    tickers: list[str] | str,
    data_dir: str | Path | None = None,
    target: str = "High",
    report: bool = True,
) -> dict[str, pd.DataFrame]:
    """Load several tickers and print what the loader repaired or left missing.

    The lessons use this instead of :func:`load_ticker` so that the loader's
    warnings appear as short, readable lines (``note: IBM_...csv: Open missing
    on 2017-07-31; ...``) rather than as tracebacks with file paths.

    Parameters
    ----------
    tickers : list of str or str
        Ticker symbols, or one comma-separated string.
    data_dir : str or Path, optional
        Folder of price files; default the bundled ``data/``.
    target : str, default "High"
        The forecast column (see :func:`load_prices`).
    report : bool, default True
        Print each warning as a ``note:`` line.

    Returns
    -------
    dict
        Ticker -> DataFrame, in the order given.
    """
    if isinstance(tickers, str):
        tickers = [t for t in (s.strip() for s in tickers.split(",")) if t]
    if not tickers:
        raise ValueError("no tickers given")
    frames: dict[str, pd.DataFrame] = {}
    for ticker in tickers:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            frames[ticker.upper()] = load_ticker(ticker, data_dir, target=target)
        for w in caught:
            if report and issubclass(w.category, DataWarning):
                print(f"note: {w.message}")
            elif not issubclass(w.category, DataWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return frames


def calendar_gaps(prices: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Trading days that some files have and others lack.

    One file alone cannot show a missing trading day; comparing files can.

    Parameters
    ----------
    prices : dict of str -> DataFrame
        Ticker -> price frame.

    Returns
    -------
    DataFrame
        Indexed by date, one boolean column per ticker (True: the file has
        the day), with only the days that not every file has.
    """
    if not prices:
        raise ValueError("calendar_gaps needs at least one price frame")
    union = sorted(set().union(*(frame.index for frame in prices.values())))
    has = pd.DataFrame(
        {ticker: pd.Index(union).isin(frame.index) for ticker, frame in prices.items()},
        index=pd.DatetimeIndex(union, name="Date"),
    )
    return has[~has.all(axis=1)]
