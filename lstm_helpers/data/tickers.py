"""Finding and loading tickers in a data folder.

A folder holds one CSV per ticker, named ``TICKER.csv`` or ``TICKER_anything.csv``
(the bundled ``data/`` uses ``IBM_2006-01-01_to_2018-01-01.csv``), in any
format :func:`lstm_helpers.data.prices.load_prices` reads. :func:`load_tickers` is what
the lessons call: it loads several tickers, prints what the loader repaired or
left missing, and leaves out every day whose target value is missing, so that
no forecaster is trained or scored on it and every lesson says how many days
it left out.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from lstm_helpers.data.prices import DataWarning, load_prices
from lstm_helpers.paths import DATA_DIR


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
        p
        for p in folder.glob("*.csv")
        if p.stem.upper() == sym or p.stem.upper().startswith(sym + "_")
    )
    if not matches:
        have = ", ".join(available_tickers(folder)) or "none"
        raise FileNotFoundError(
            f"{folder}: no price file for ticker {sym!r} (tickers here: {have})"
        )
    if len(matches) > 1:
        raise ValueError(
            f"{folder}: several files for ticker {sym!r}: {[p.name for p in matches]}"
        )
    return matches[0]


def available_tickers(data_dir: str | Path | None = None) -> list[str]:
    """List the tickers that have a price file in ``data_dir`` (default: bundled
    ``data/``)."""
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such data folder")
    return sorted({p.stem.split("_")[0].upper() for p in folder.glob("*.csv")})


def load_ticker(
    ticker: str, data_dir: str | Path | None = None, target: str = "High"
) -> pd.DataFrame:
    """Load one ticker's prices by name: :func:`ticker_path` then
    :func:`load_prices`."""
    return load_prices(ticker_path(ticker, data_dir), target=target)


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
        Ticker -> DataFrame, in the order given, without the days whose
        ``target`` is missing (a line says how many were left out, always).
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
        frame = frames[ticker.upper()]
        no_target = frame.index[frame[target].isna()]
        if len(no_target):
            shown = ", ".join(str(d.date()) for d in no_target[:5]) + (
                " ..." if len(no_target) > 5 else ""
            )
            print(
                f"{ticker.upper()}: left out {len(no_target)} day(s) "
                f"with no {target} value ({shown}): "
                "no forecaster trains on them or is scored on them"
            )
            frames[ticker.upper()] = frame.drop(index=no_target)
    return frames


def check_tickers(
    tickers: list[str] | str, data_dir: str | Path | None = None, target: str = "High"
) -> dict[str, pd.DataFrame]:
    """Load every ticker once, quietly; the loader's error for the first that fails.

    The runner calls this before the first lesson, so that a missing or broken
    file stops the run at once instead of in the middle of a lesson.
    """
    if isinstance(tickers, str):
        tickers = [t for t in (s.strip() for s in tickers.split(",")) if t]
    if not tickers:
        raise ValueError("no tickers given")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return {t.upper(): load_ticker(t, data_dir, target=target) for t in tickers}


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
