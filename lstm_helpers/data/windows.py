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

from lstm_helpers.data.periods import REPORT_SPLIT
from lstm_helpers.data.prices import DataWarning


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
        raise ValueError(
            f"sliding_windows needs a 1-D series, got shape {values.shape}"
        )
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if len(values) <= window:
        raise ValueError(
            f"series of {len(values)} values is too short for {window}-day windows"
        )
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
    train_dates : DatetimeIndex, length n_train
        The target day of each training window.
    transform : str
        What the model sees and predicts: ``"level"`` (scaled prices, the
        report), ``"log_return"`` or ``"relative"`` (see :func:`variant_windows`).
    scale : float
        For ``log_return`` and ``relative``: the training standard deviation
        that model outputs are multiplied by.
    reference : ndarray, optional
        For ``close_relative`` and ``rule_relative``
        (:mod:`lstm_helpers.lessons.ohlc_windows`): what each test day's output is
        relative to, the previous day's Close or the Close-based rule's forecast.
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
    train_dates: pd.DatetimeIndex | None = None
    transform: str = "level"
    scale: float = 1.0
    reference: np.ndarray | None = None

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        """Map scaled price levels back to prices, shape (n,) -> (n,)."""
        scaled = np.asarray(scaled, dtype=float).reshape(-1, 1)
        return self.scaler.inverse_transform(scaled).ravel()

    def to_prices(self, outputs: np.ndarray) -> np.ndarray:
        """Turn model outputs on the test windows into price forecasts, shape (n_test,).

        ``level``: undo the MinMax scaling. ``log_return``: previous price times
        ``exp(output * scale)``. ``relative``: previous price times
        ``1 + output * scale``. An output of 0 is persistence for the last two.
        """
        outputs = np.asarray(outputs, dtype=float).ravel()
        if len(outputs) != len(self.test_previous):
            raise ValueError(
                f"{len(outputs)} outputs for {len(self.test_previous)} test days"
            )
        if self.transform == "level":
            return self.inverse(outputs)
        if self.transform == "log_return":
            return self.test_previous * np.exp(outputs * self.scale)
        if self.transform == "relative":
            return self.test_previous * (1.0 + outputs * self.scale)
        # lstm_helpers.lessons.ohlc_windows
        if self.transform in ("close_relative", "rule_relative"):
            # the previous Close, or the rule's forecast
            return self.reference * (1.0 + outputs * self.scale)
        raise ValueError(f"unknown transform {self.transform!r}")


def report_windows(
    series: pd.Series,
    train_end: str = REPORT_SPLIT.train_end,
    test_start: str = REPORT_SPLIT.test_start,
    test_end: str | None = REPORT_SPLIT.test_end,
    window: int = 60,
) -> WindowedData:
    """Scale one price series and cut it into train and test windows, as the report
    does.

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
        raise ValueError(
            f"report_windows needs a pandas Series, got {type(series).__name__}"
        )
    series = series.loc[:test_end] if test_end is not None else series
    train = series.loc[:train_end]
    test_mask = series.index >= pd.Timestamp(test_start)
    if train.empty or not test_mask.any():
        raise ValueError(
            f"{series.name}: split ..{train_end} / {test_start}..{test_end} leaves an "
            "empty part"
        )
    if len(train) <= window:
        raise ValueError(
            f"{series.name}: {len(train)} training days is too few "
            f"for {window}-day windows"
        )

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
            f"{series.name}: {len(dropped)} sample(s) dropped because the day or its "
            f"{window}-day "
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
        train_dates=target_dates[is_train],
    )


TRANSFORMS: tuple[str, ...] = ("level", "log_return", "relative")


def variant_windows(
    series: pd.Series,
    transform: str,
    train_end: str = REPORT_SPLIT.train_end,
    test_start: str = REPORT_SPLIT.test_start,
    test_end: str | None = REPORT_SPLIT.test_end,
    window: int = 60,
) -> WindowedData:
    """Windows for the same forecast, with another thing for the model to see and
    predict.

    Parameters
    ----------
    series : pandas.Series
        One price column indexed by sorted dates, no missing values.
    transform : {"level", "log_return", "relative"}
        ``level`` is :func:`report_windows` (MinMax-scaled prices).
        ``log_return``: the input is the window's daily log returns
        ``log(x_k / x_{k-1})`` and the target the next day's log return.
        ``relative``: every window is normalised by its last value,
        ``x_k / x_last - 1``, and so is the target ``x_next / x_last - 1``.
        Both are divided by the standard deviation of the training targets,
        so the network sees values of order 1. Neither depends on the price
        level, so 2017 prices above the training range look like any others.
    train_end, test_start, test_end, window
        As in :func:`report_windows`.

    Returns
    -------
    WindowedData
        With ``transform`` and ``scale`` set; use ``to_prices`` to turn model
        outputs into price forecasts. The MinMax scaler is kept but unused.
    """
    if transform not in TRANSFORMS:
        raise ValueError(
            f"transform must be one of {', '.join(TRANSFORMS)}, got {transform!r}"
        )
    base = report_windows(series, train_end, test_start, test_end, window)
    if transform == "level":
        return base
    if series.isna().any():
        raise ValueError(
            f"{series.name}: variant_windows needs a series without missing values"
        )
    series = series.loc[:test_end] if test_end is not None else series
    raw = series.to_numpy(dtype=float)
    if transform == "log_return":
        steps = np.diff(np.log(raw))  # steps[k] = log(x[k+1] / x[k])
        # y[k] = steps[k + window] -> target day k + window + 1
        X, y = sliding_windows(steps, window)
        target_dates = series.index[window + 1 :]
    else:
        # X[k] = raw[k : k + window], target day k + window
        X, _ = sliding_windows(raw, window)
        last = X[:, -1:, :]
        y = raw[window:] / last[:, 0, 0] - 1.0
        X = X / last - 1.0
        target_dates = series.index[window:]
    is_train = np.asarray(target_dates <= base.train_dates.max())
    is_test = np.asarray(target_dates >= pd.Timestamp(test_start))
    # the same days as the report's windows
    if not target_dates[is_test].equals(base.test_dates):
        raise ValueError(
            f"{series.name}: {transform} windows do not cover the same test days"
        )
    scale = float(np.std(y[is_train]))
    return WindowedData(
        X_train=X[is_train] / scale,
        y_train=y[is_train] / scale,
        X_test=X[is_test] / scale,
        y_test=y[is_test] / scale,
        test_dates=target_dates[is_test],
        test_actual=base.test_actual,
        test_previous=base.test_previous,
        scaler=base.scaler,
        window=window,
        dropped=[],
        train_dates=target_dates[is_train],
        transform=transform,
        scale=scale,
    )
