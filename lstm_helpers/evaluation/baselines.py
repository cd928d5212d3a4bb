"""One-step-ahead baseline forecasts of a daily price series.

Every function here takes the *full* price history as a date-indexed
:class:`pandas.Series` and returns a Series on the same index whose value on
day ``t`` is a forecast of ``series[t]`` made with the data up to day ``t - 1``
only. Where there is not enough history for a forecast the value is NaN.

Computing the forecasts over the whole history and slicing the test period
afterwards (as :func:`forecast_table` does) means the first test day is
forecast from the last training days, exactly as a model deployed at the end
of training would do it.

The three baselines:

- :func:`persistence`: tomorrow's price is today's price (the "naive" or
  random-walk forecast). Any model worth training must beat it.
- :func:`simple_moving_average`: the mean of the last ``window`` prices.
- :func:`exponential_moving_average`: a running mean that weights the old
  average by ``decay`` and the newest price by ``1 - decay``.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "exponential_moving_average",
    "forecast_table",
    "persistence",
    "simple_moving_average",
]


def _check_series(series: pd.Series, name: str = "series") -> pd.Series:
    """Return ``series`` as a float Series after checking it can be forecast.

    Raises
    ------
    TypeError
        If ``series`` is not a pandas Series.
    ValueError
        If it is empty, not numeric, holds NaN or infinite values, or its index
        is not in increasing order (the forecasts rely on row order being time order).
    """
    if not isinstance(series, pd.Series):
        raise TypeError(
            f"{name} must be a pandas Series indexed by date, got "
            f"{type(series).__name__}"
        )
    if series.empty:
        raise ValueError(f"{name} is empty: there is nothing to forecast")
    try:
        values = series.astype(float)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must hold numbers (dtype {series.dtype} does not convert to float)"
        ) from err
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        first = values.index[int(np.flatnonzero(bad)[0])]
        raise ValueError(
            f"{name} has {int(bad.sum())} NaN or infinite value(s), the first at "
            f"{first}; "
            "drop or fill them before forecasting"
        )
    if not series.index.is_monotonic_increasing:
        raise ValueError(
            f"{name} index is not sorted in increasing (time) order; sort it first"
        )
    return values


def _check_window(window: int) -> int:
    if isinstance(window, bool) or not isinstance(window, numbers.Integral):
        raise ValueError(f"window must be a whole number of days, got {window!r}")
    if window < 1:
        raise ValueError(f"window must be at least 1 day, got {window}")
    return int(window)


def _check_decay(decay: float) -> float:
    if isinstance(decay, bool) or not isinstance(decay, numbers.Real):
        raise ValueError(
            f"decay must be a number strictly between 0 and 1, got {decay!r}"
        )
    if not 0.0 < decay < 1.0:
        raise ValueError(f"decay must be strictly between 0 and 1, got {decay}")
    return float(decay)


def persistence(series: pd.Series) -> pd.Series:
    """Forecast each day's value with the previous day's value.

    ``forecast[t] = series[t - 1]``; the first day has no forecast (NaN).

    Parameters
    ----------
    series : pandas.Series, shape (n,)
        Prices in time order, indexed by date. No NaN.

    Returns
    -------
    pandas.Series, shape (n,)
        The forecasts, on the same index; ``NaN`` at position 0.

    Raises
    ------
    ValueError
        If ``series`` is empty, holds NaN/inf or is not sorted by date.
    """
    values = _check_series(series)
    return values.shift(1).rename("persistence")


def simple_moving_average(series: pd.Series, window: int = 100) -> pd.Series:
    """Forecast each day's value with the mean of the previous ``window`` values.

    ``forecast[t] = mean(series[t - window], ..., series[t - 1])``. The first
    ``window`` days have no forecast (NaN); if the series has ``window`` values
    or fewer, every forecast is NaN.

    Parameters
    ----------
    series : pandas.Series, shape (n,)
        Prices in time order, indexed by date. No NaN.
    window : int, default 100
        Number of past days averaged, at least 1. ``window=1`` is :func:`persistence`.

    Returns
    -------
    pandas.Series, shape (n,)
        The forecasts, on the same index; ``NaN`` at positions ``0 .. window - 1``.

    Raises
    ------
    ValueError
        If ``window < 1`` or not an integer, or ``series`` is empty, holds NaN/inf
        or is not sorted by date.
    """
    values = _check_series(series)
    window = _check_window(window)
    x = values.to_numpy()
    forecast = np.full(x.shape, np.nan)
    if len(x) > window:
        # Row i of the view is x[i : i + window]; its mean forecasts day i + window.
        window_means = sliding_window_view(x, window).mean(axis=1)
        forecast[window:] = window_means[: len(x) - window]
    return pd.Series(forecast, index=series.index, name="sma")


def exponential_moving_average(series: pd.Series, decay: float = 0.5) -> pd.Series:
    """Forecast each day's value with an exponential running mean of the past.

    The running mean follows the "exponential moving average" of Ganegedara's
    DataCamp LSTM stock tutorial::

        m[t] = decay * m[t - 1] + (1 - decay) * series[t - 1]
        forecast[t] = m[t]

    so ``decay`` (γ) is the weight kept by the *old average* and ``1 - decay``
    the weight of the newest price. Decay near 1 gives a slow, smooth average
    that lags the price; decay near 0 gives a forecast close to
    :func:`persistence`. The mean starts at the first value, ``m[0] = series[0]``,
    so ``forecast[1] = series[0]``; day 0 has no past and no forecast (NaN).
    (The tutorial starts the mean at 0.0 instead, which biases its first few
    forecasts towards zero; the effect fades like ``decay ** t``.)

    Parameters
    ----------
    series : pandas.Series, shape (n,)
        Prices in time order, indexed by date. No NaN.
    decay : float, default 0.5
        Weight of the previous average, strictly between 0 and 1.

    Returns
    -------
    pandas.Series, shape (n,)
        The forecasts, on the same index; ``NaN`` at position 0.

    Raises
    ------
    ValueError
        If ``decay`` is not in (0, 1), or ``series`` is empty, holds NaN/inf or
        is not sorted by date.
    """
    values = _check_series(series)
    decay = _check_decay(decay)
    x = values.to_numpy()
    forecast = np.full(x.shape, np.nan)
    running_mean = x[0]
    for t in range(1, len(x)):
        running_mean = decay * running_mean + (1.0 - decay) * x[t - 1]
        forecast[t] = running_mean
    return pd.Series(forecast, index=series.index, name="ema")


def forecast_table(
    series: pd.Series,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp | None = None,
    window: int = 100,
    decay: float = 0.5,
) -> pd.DataFrame:
    """The actual prices and the three baseline forecasts over a test period.

    The forecasts are computed from the full ``series`` and then cut to the
    days in ``[start, end]``, so the first test day is forecast from the last
    days before ``start`` (e.g. the first 2017 persistence forecast is the last
    2016 price).

    Parameters
    ----------
    series : pandas.Series, shape (n,)
        The full price history in time order, indexed by date. No NaN.
    start, end : str or Timestamp
        First and last day (or period, like ``"2017"``) of the test, inclusive,
        as understood by ``series.loc[start:end]``. ``end=None`` runs to the end.
    window : int, default 100
        Window of :func:`simple_moving_average`.
    decay : float, default 0.5
        Decay of :func:`exponential_moving_average`.

    Returns
    -------
    pandas.DataFrame, shape (m, 4)
        Indexed by the test days, with columns ``actual``, ``persistence``,
        ``sma`` and ``ema``. A forecast is NaN where there was not enough
        history before that day (only when ``start`` is within ``window`` days of
        the beginning of ``series``).

    Raises
    ------
    ValueError
        If the period holds no days of ``series``, or for the reasons the
        baselines raise.
    """
    values = _check_series(series)
    table = pd.DataFrame(
        {
            "actual": values,
            "persistence": persistence(values),
            "sma": simple_moving_average(values, window=window),
            "ema": exponential_moving_average(values, decay=decay),
        },
        index=values.index,
    )
    period = table.loc[start:end]
    if period.empty:
        first, last = values.index[0], values.index[-1]
        raise ValueError(
            f"no days of the series fall in [{start}, {end}] (the series runs {first} "
            f".. {last})"
        )
    return period
