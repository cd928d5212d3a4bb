"""The report's data preparation: MinMax scaling fit on training years, 60-day windows.

The report (Steps 3-6) takes one column (``High``), scales it to [0, 1] with a
``MinMaxScaler`` fit on the training years only, and turns it into samples of
60 consecutive days (the input) followed by the next day (the target). The
test inputs begin with the last 60 training days, so every test day gets a
forecast. :func:`report_windows` does all of that in one call and keeps what
later lessons need next to the arrays (dates, unscaled prices, the previous
day's price for persistence and direction).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from lstm_helpers.data import DataWarning


def sliding_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a 1-D series into (input window, next value) pairs.

    Parameters
    ----------
    values : ndarray, shape (L,)
        The series, in time order.
    window : int
        Days in each input window.

    Returns
    -------
    X : ndarray, shape (L - window, window, 1)
        ``X[k] = values[k : k + window]`` as one feature per step.
    y : ndarray, shape (L - window,)
        ``y[k] = values[k + window]``, the day after the window.

    Raises
    ------
    ValueError
        If ``values`` is not 1-D or is not longer than ``window``.
    """
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"sliding_windows needs a 1-D series, got shape {values.shape}")
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if len(values) <= window:
        raise ValueError(f"series of {len(values)} values is too short for {window}-day windows")
    view = np.lib.stride_tricks.sliding_window_view(values, window)[:-1]
    return view[..., None].copy(), values[window:].copy()


@dataclass
class WindowedData:
    """Everything the report's protocol produces for one ticker.

    Attributes
    ----------
    X_train : ndarray, shape (n_train, window, 1)
        Scaled training windows.
    y_train : ndarray, shape (n_train,)
        Scaled next-day targets of the training windows.
    X_test : ndarray, shape (n_test, window, 1)
        Scaled windows whose next day is a test day.
    y_test : ndarray, shape (n_test,)
        Scaled targets of the test days.
    test_dates : DatetimeIndex, length n_test
        The test day each test window forecasts.
    test_actual : ndarray, shape (n_test,)
        Unscaled target on each test day.
    test_previous : ndarray, shape (n_test,)
        Unscaled target on the trading day before each test day (the
        persistence forecast, and the reference for direction).
    scaler : MinMaxScaler
        Fit on the training part of the series only.
    window : int
        Days per window.
    dropped : list of Timestamp
        Target days without a sample because the day or its window had a
        missing value.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_dates: pd.DatetimeIndex
    test_actual: np.ndarray
    test_previous: np.ndarray
    scaler: MinMaxScaler
    window: int
    dropped: list

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        """Map scaled model outputs back to prices, shape (n,) -> (n,)."""
        scaled = np.asarray(scaled, dtype=float).reshape(-1, 1)
        return self.scaler.inverse_transform(scaled).ravel()


def report_windows(
    series: pd.Series,
    train_end: str = "2016",
    test_start: str = "2017",
    test_end: str | None = "2017",
    window: int = 60,
) -> WindowedData:
    """Scale one price series and cut it into train and test windows, as the report does.

    Parameters
    ----------
    series : pandas.Series
        One column (the report uses ``High``), indexed by sorted dates.
    train_end : str, default "2016"
        Last training period, inclusive. The scaler is fit on these values only.
    test_start, test_end : str, default "2017"
        Test period, inclusive (``test_end=None``: to the end of the data).
    window : int, default 60
        Days per input window.

    Returns
    -------
    WindowedData

    Raises
    ------
    ValueError
        If a part is empty or the training part is shorter than one window.

    Warns
    -----
    DataWarning
        When a missing value removes samples; the warning lists the days.
        Nothing is filled in.
    """
    if not isinstance(series, pd.Series):
        raise ValueError(f"report_windows needs a pandas Series, got {type(series).__name__}")
    series = series.loc[:test_end] if test_end is not None else series
    train = series.loc[:train_end]
    test_mask = series.index >= pd.Timestamp(test_start)
    if train.empty or not test_mask.any():
        raise ValueError(
            f"{series.name}: split ..{train_end} / {test_start}..{test_end} leaves an empty part"
        )
    if len(train) <= window:
        raise ValueError(f"{series.name}: {len(train)} training days is too few for {window}-day windows")

    scaler = MinMaxScaler(feature_range=(0, 1))
    scaler.fit(train.dropna().to_numpy().reshape(-1, 1))
    scaled = scaler.transform(series.to_numpy().reshape(-1, 1)).ravel()
    X, y = sliding_windows(scaled, window)
    target_dates = series.index[window:]
    raw = series.to_numpy()
    previous = raw[window - 1 : -1]

    ok = ~np.isnan(X).any(axis=(1, 2)) & ~np.isnan(y)
    dropped = list(target_dates[~ok])
    if dropped:
        shown = ", ".join(str(d.date()) for d in dropped[:3])
        warnings.warn(
            f"{series.name}: {len(dropped)} sample(s) dropped because the day or its {window}-day "
            f"window has a missing value (first: {shown}); nothing was filled in",
            DataWarning,
            stacklevel=2,
        )

    is_train = np.asarray(target_dates <= train.index.max()) & ok
    is_test = np.asarray(target_dates >= pd.Timestamp(test_start)) & ok
    return WindowedData(
        X_train=X[is_train],
        y_train=y[is_train],
        X_test=X[is_test],
        y_test=y[is_test],
        test_dates=target_dates[is_test],
        test_actual=raw[window:][is_test],
        test_previous=previous[is_test],
        scaler=scaler,
        window=window,
        dropped=dropped,
    )


def range_table(
    prices: dict[str, pd.DataFrame],
    target: str = "High",
    train_end: str = "2016",
    test_start: str = "2017",
    test_end: str | None = "2017",
) -> pd.DataFrame:
    """How far the test period leaves the training range, per ticker.

    A ``MinMaxScaler`` fit on the training years maps the training maximum to
    1. Test prices above it become targets above 1, which a network trained
    only on targets in [0, 1] has never produced. This table measures that.

    Parameters
    ----------
    prices : dict of str -> DataFrame
        Ticker -> price frame (as from :func:`lstm_helpers.data.load_tickers`).
    target : str, default "High"
        The column to look at.
    train_end, test_start, test_end : str
        The split, as in :func:`report_windows`.

    Returns
    -------
    DataFrame
        One row per ticker: training min and max, test min and max, the share
        of test days above the training max, the largest test price as a
        percentage above the training max, and the largest scaled test value.
    """
    rows = {}
    for ticker, frame in prices.items():
        series = frame[target]
        train = series.loc[:train_end].dropna()
        test = series.loc[test_start:test_end].dropna()
        lo, hi = train.min(), train.max()
        rows[ticker] = {
            "train_min": lo,
            "train_max": hi,
            "test_min": test.min(),
            "test_max": test.max(),
            "test_days_above_train_max_%": 100.0 * float((test > hi).mean()),
            "test_max_above_train_max_%": 100.0 * (test.max() / hi - 1.0),
            "largest_scaled_test_value": (test.max() - lo) / (hi - lo),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
