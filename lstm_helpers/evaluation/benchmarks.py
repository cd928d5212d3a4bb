"""Benchmarks fitted on the training years: the forecasts a model must beat besides
persistence.

Each is one-step-ahead: the forecast of day t uses prices up to day t - 1 and
parameters estimated on the training years only (``train_end`` and before),
so a test-period price never changes a parameter (``tests/test_benchmarks.py``
perturbs later prices to check it).

- :func:`dollar_drift`: the random walk with drift (Hyndman & Athanasopoulos,
  *Forecasting: Principles and Practice*, "drift method"): yesterday's value
  plus the mean daily change of the training years.
- :func:`ar_returns`: a linear autoregression on daily log returns, its order
  chosen on the training years by the Bayesian information criterion, fitted
  by least squares.
- :func:`close_based`: tomorrow's ``High`` from today's ``Close``, times the
  mean ratio of a day's ``High`` to its ``Close`` in the training years.
- :func:`close_based_recent`: the same with the mean ratio of the last 60
  trading days, the window the report's LSTM reads (the fair rule: a
  regime's average over eleven years goes stale, see the experiments lesson).

:func:`benchmark_forecasts` gives all of them for one stock on the test days,
under the names every table uses, and says which could not forecast every day:
the one list of benchmarks the baselines, experiments and walk-forward code share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_helpers.evaluation.baselines import _check_series


def _training(
    series: pd.Series, train_end: str | pd.Timestamp, need: int, what: str
) -> pd.Series:
    train = series.loc[:train_end]
    if len(train) < need:
        raise ValueError(
            f"{what} needs at least {need} training days up to "
            f"{train_end}; got {len(train)}"
        )
    return train


def dollar_drift(series: pd.Series, train_end: str | pd.Timestamp) -> pd.Series:
    """Random walk with drift: ``forecast[t] = series[t - 1] + mean daily change of the
    training years``.

    The drift here is a step in the series' own units (dollars for a price),
    estimated once; the multi-step lesson's drift is a relative daily rate
    (:func:`lstm_helpers.lessons.multi_step.relative_drift_rate`).

    Parameters
    ----------
    series : Series
        Daily prices, sorted dates, no NaN.
    train_end : str or Timestamp
        Last training day (or period, e.g. ``"2016"``); the drift is estimated
        on ``series.loc[:train_end]``.

    Returns
    -------
    Series
        Same index; NaN on the first day.
    """
    series = _check_series(series)
    train = _training(series, train_end, 2, "the drift")
    # the mean of train.diff()
    step = (train.iloc[-1] - train.iloc[0]) / (len(train) - 1)
    return (series.shift(1) + step).rename(f"{series.name or 'series'} drift")


@dataclass(frozen=True)
class ARFit:
    """A linear autoregression on log returns, as :func:`fit_ar_returns` chose and
    fitted it.

    Attributes
    ----------
    order : int
        p, the number of lagged returns (0: a constant mean return).
    coef : ndarray, shape (p + 1,)
        Intercept, then the coefficients of lags 1..p.
    bic : dict of int -> float
        The criterion of every order tried, on the same training returns.
    """

    order: int
    coef: np.ndarray
    bic: dict[int, float]


def _lagged(
    returns: np.ndarray, order: int, start: int
) -> tuple[np.ndarray, np.ndarray]:
    """Design matrix [1, r_{t-1}, ..., r_{t-p}] and targets r_t for t = start .. len -
    1."""
    rows = np.arange(start, len(returns))
    design = np.column_stack(
        [np.ones(len(rows))] + [returns[rows - k] for k in range(1, order + 1)]
    )
    return design, returns[rows]


def fit_ar_returns(
    series: pd.Series, train_end: str | pd.Timestamp, max_order: int = 10
) -> ARFit:
    """Choose and fit an AR(p) on the training years' daily log returns.

    Every order 0..``max_order`` is fitted by least squares on the same
    training returns (those from day ``max_order + 1`` on, so that every order
    has its lags), and the one with the lowest BIC,
    ``n log(RSS / n) + (p + 1) log n``, is kept.
    """
    if max_order < 0:
        raise ValueError(f"max_order must be at least 0, got {max_order}")
    series = _check_series(series)
    train = _training(series, train_end, max_order + 30, "the autoregression")
    returns = np.diff(np.log(train.to_numpy(dtype=float)))
    fits, bic = {}, {}
    for p in range(max_order + 1):
        design, target = _lagged(returns, p, max_order)
        coef, *_ = np.linalg.lstsq(design, target, rcond=None)
        rss = float(np.sum((target - design @ coef) ** 2))
        n = len(target)
        bic[p] = n * np.log(rss / n) + (p + 1) * np.log(n)
        fits[p] = coef
    best = min(bic, key=bic.get)
    return ARFit(best, fits[best], bic)


def ar_returns(
    series: pd.Series, train_end: str | pd.Timestamp, max_order: int = 10
) -> tuple[pd.Series, ARFit]:
    """One-step forecasts of an AR(p) on log returns: ``series[t - 1] * exp(predicted
    return of day t)``.

    The order and the coefficients come from the training years only
    (:func:`fit_ar_returns`); the forecast of day t reads the returns up to
    day t - 1.

    Returns
    -------
    forecast : Series
        Same index; NaN on the first ``p + 1`` days.
    fit : ARFit
    """
    series = _check_series(series)
    fit = fit_ar_returns(series, train_end, max_order)
    log_price = np.log(series.to_numpy(dtype=float))
    returns = np.full(len(series), np.nan)
    returns[1:] = np.diff(log_price)  # returns[t] = log p_t - log p_{t-1}
    predicted = np.full(len(series), fit.coef[0])
    for k in range(1, fit.order + 1):
        lagged = np.full(len(series), np.nan)
        lagged[k:] = returns[:-k]  # r_{t-k}
        predicted = predicted + fit.coef[k] * lagged
    forecast = np.full(len(series), np.nan)
    forecast[1:] = np.exp(log_price[:-1] + predicted[1:])
    return pd.Series(
        forecast, index=series.index, name=f"{series.name or 'series'} AR({fit.order})"
    ), fit


def close_based(
    frame: pd.DataFrame, train_end: str | pd.Timestamp, target: str = "High"
) -> pd.Series:
    """Tomorrow's ``target`` from today's ``Close``: ``Close[t - 1] * m``.

    ``m`` is the mean, over the training years, of ``target[t] / Close[t]``
    (how far above a day's close its High lies). Read as a random walk of the
    Close: tomorrow's Close is expected at today's, and tomorrow's High that
    typical distance above it.

    Parameters
    ----------
    frame : DataFrame
        Daily prices with a ``Close`` column and the ``target`` column.
    train_end : str or Timestamp
        Last training day (or period).
    target : str, default "High"

    Returns
    -------
    Series
        Same index; NaN on the first day and wherever the previous Close is missing.
    """
    for column in ("Close", target):
        if column not in frame.columns:
            raise ValueError(
                f"the Close-based forecast needs a {column!r} column; "
                f"the frame has {list(frame.columns)}"
            )
    close = frame["Close"].astype(float)
    ratio = frame[target].astype(float) / close
    train = ratio.loc[:train_end].dropna()
    if train.empty:
        raise ValueError(
            f"no training day up to {train_end} with both {target} and Close"
        )
    return (close.shift(1) * float(train.mean())).rename(
        f"{target} from Close (training-years ratio)"
    )


RECENT_DAYS = 60
"""The Close-based rule's window: the 60 trading days the report's LSTM sees, chosen for
that reason before looking at any test year (not tuned)."""


def recent_ratio(
    frame: pd.DataFrame, target: str = "High", days: int = RECENT_DAYS
) -> pd.Series:
    """The mean of ``target / Close`` over the ``days`` trading days up to and including
    each day.

    The one place the course computes the Close-based rule's recent ratio: the rule
    (:func:`close_based_recent`), the residual OHLC windows and the rule's share of the
    target's variance (:mod:`lstm_helpers.lessons.ohlc_windows`) all read it. NaN for
    the first ``days - 1`` days and wherever a ratio of the window is missing.
    """
    for column in ("Close", target):
        if column not in frame.columns:
            raise ValueError(
                f"the Close-based forecast needs a {column!r} column; "
                f"the frame has {list(frame.columns)}"
            )
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    return (
        (frame[target].astype(float) / frame["Close"].astype(float))
        .rolling(days, min_periods=days)
        .mean()
    )


def close_based_recent(
    frame: pd.DataFrame, target: str = "High", days: int = RECENT_DAYS
) -> pd.Series:
    """Tomorrow's ``target`` from today's ``Close`` and the last ``days`` days' ratio:
    ``Close[t-1] * m[t-1]``.

    ``m[t-1]`` is the mean of ``target[s] / Close[s]`` over the ``days`` trading
    days up to and including ``t - 1``: what the forecaster knows on the
    evening of day ``t - 1``, the same 60 days the report's LSTM reads. No
    parameter is fitted (the window is fixed in advance), so nothing of the
    test period is used before the day it is known.

    Parameters
    ----------
    frame : DataFrame
        Daily prices with a ``Close`` column and the ``target`` column.
    target : str, default "High"
    days : int, default 60

    Returns
    -------
    Series
        Same index; NaN for the first ``days`` days and wherever the previous
        Close or a ratio of the window is missing.
    """
    ratio = recent_ratio(frame, target, days)
    return (
        (frame["Close"].astype(float) * ratio)
        .shift(1)
        .rename(f"{target} from Close ({days}-day ratio)")
    )


AR_NAME = "AR on returns"
"""The AR benchmark's name in every table (its order, chosen per stock and training
span, is in :class:`Benchmarks`)."""


@dataclass
class Benchmarks:
    """The benchmarks of one stock on the days they are scored on: the one list every
    lesson uses.

    Attributes
    ----------
    forecasts : dict of str to Series
        ``"drift"``, ``"AR on returns"`` and, when the frame has a ``Close``
        column and the target is another column, the two Close-based rules
        (``"<target> from Close (training-years ratio)"`` and ``"<target> from
        Close (60-day ratio)"``); each a forecast for every one of the days,
        in that order.
    left_out : dict of str to int
        A benchmark that cannot forecast some of the days (a missing price the
        day before) is not scored: its name and how many days it lacks.
    ar_order : int
        The AR's order, chosen by BIC on the training years.
    fair_rule : str or None
        The name of the benchmark every model is judged against besides
        persistence: the 60-day Close-based rule where there is one.
    """

    forecasts: dict[str, pd.Series]
    left_out: dict[str, int]
    ar_order: int
    fair_rule: str | None = None

    def notes(self, ticker: str) -> list[str]:
        """One line per benchmark left out, for a lesson to print (nothing is dropped
        silently)."""
        return [
            f"{ticker}: {name} left out ({n} test day(s) without a forecast)"
            for name, n in self.left_out.items()
        ]


def benchmark_forecasts(
    frame: pd.DataFrame, target: str, train_end: str | pd.Timestamp, days: pd.Index
) -> Benchmarks:
    """Drift, the AR on returns and the target from the Close, fitted up to
    ``train_end``, on ``days``.

    Parameters
    ----------
    frame : DataFrame
        One stock's daily prices with the ``target`` column (and ``Close`` for the
        Close-based benchmark).
    target : str
        The forecast column.
    train_end : str or Timestamp
        Last training day (or period): every parameter is estimated up to it.
    days : Index
        The days to forecast (the test days), all in ``frame``'s index.

    Returns
    -------
    Benchmarks
    """
    missing = days.difference(frame.index)
    if len(missing):
        raise ValueError(
            f"{len(missing)} of the days to forecast are not in "
            f"the prices (the first {missing[0]})"
        )
    series = frame[target]
    ar, fit = ar_returns(series, train_end)
    every = {"drift": dollar_drift(series, train_end), AR_NAME: ar}
    fair = None
    if "Close" in frame.columns and target != "Close":
        every[f"{target} from Close (training-years ratio)"] = close_based(
            frame, train_end, target
        )
        fair = f"{target} from Close ({RECENT_DAYS}-day ratio)"
        every[fair] = close_based_recent(frame, target)
    forecasts, left_out = {}, {}
    for name, forecast in every.items():
        on_days = forecast.loc[days]
        if on_days.isna().any():
            left_out[name] = int(on_days.isna().sum())
        else:
            forecasts[name] = on_days
    return Benchmarks(
        forecasts, left_out, fit.order, fair if fair in forecasts else None
    )
