"""Windows of all four daily prices, Open, High, Low and Close, for an LSTM given what the Close-based rule sees.

The baselines lesson found that tomorrow's High forecast from today's Close
(:func:`lstm_helpers.benchmarks.close_based`) beats persistence, a rule that
reads a column the report's networks never see. :func:`ohlc_windows` gives a
network that column, and the Open and the Low too. Like the experiments
lesson's bias fixes it works relative to the price level, so that 2017 prices
above the training range look like any others: every value of a window is
divided by the window's last Close (minus 1), the target is tomorrow's High
relative to today's Close, and both are divided by the standard deviation of
the training targets. An output of ``m - 1`` (over that scale) is the
Close-based rule with ratio ``m``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_helpers.windows import WindowedData, report_windows

OHLC: tuple[str, ...] = ("Open", "High", "Low", "Close")


def ohlc_windows(
    frame: pd.DataFrame,
    target: str = "High",
    train_end: str = "2016",
    test_start: str = "2017",
    test_end: str | None = "2017",
    window: int = 60,
) -> tuple[WindowedData, list[pd.Timestamp]]:
    """Windows of shape (window, 4) relative to the last Close, for the same test days as the report's.

    A missing Open, High or Low (the target column has none: such days are
    left out when the file is loaded) is filled with that day's Close; the
    days filled are returned so that the lesson can say so.

    Returns
    -------
    data : WindowedData
        ``transform="close_relative"``: ``to_prices`` gives ``previous Close *
        (1 + output * scale)``.
    filled : list of Timestamp
        The days whose Open, High or Low was filled with the Close.
    """
    missing = [c for c in OHLC if c not in frame.columns]
    if missing:
        raise ValueError(f"OHLC windows need the columns {', '.join(OHLC)}; missing {', '.join(missing)}")
    frame = frame.loc[:test_end] if test_end is not None else frame
    base = report_windows(frame[target], train_end, test_start, test_end, window)
    prices = frame[list(OHLC)].astype(float)
    if prices["Close"].isna().any():
        raise ValueError(f"OHLC windows need a Close on every day; missing on {prices.index[prices['Close'].isna()][0].date()}")
    gaps = prices.isna().any(axis=1)
    filled = list(prices.index[gaps])
    prices = prices.apply(lambda column: column.fillna(prices["Close"]))
    raw = prices.to_numpy()  # (n_days, 4)
    close, high = raw[:, 3], frame[target].to_numpy(dtype=float)
    n = len(raw) - window
    X = np.stack([raw[k : k + window] for k in range(n)])  # X[k]: days k .. k + window - 1
    last_close = close[window - 1 : window - 1 + n]
    X = X / last_close[:, None, None] - 1.0
    y = high[window:] / last_close - 1.0
    target_dates = frame.index[window:]
    is_train = np.asarray(target_dates <= base.train_dates.max())
    is_test = np.asarray(target_dates >= pd.Timestamp(test_start))
    if not target_dates[is_test].equals(base.test_dates):
        raise ValueError(f"{target}: OHLC windows do not cover the same test days as the report's")
    scale = float(np.std(y[is_train]))
    data = WindowedData(
        X_train=X[is_train] / scale, y_train=y[is_train] / scale, X_test=X[is_test] / scale, y_test=y[is_test] / scale,
        test_dates=target_dates[is_test], test_actual=base.test_actual, test_previous=base.test_previous,
        scaler=base.scaler, window=window, dropped=[], train_dates=target_dates[is_train],
        transform="close_relative", scale=scale, reference=last_close[is_test],
    )
    return data, filled
