"""Forecast metrics: the point metrics of one forecast, and its lagged correlation.

All functions take plain arrays, lists or pandas Series of equal length. They
refuse NaN, infinite values and length mismatches with a :class:`ValueError`
that names the argument at fault: a lesson drops the days without a forecast
explicitly (e.g. ``table.dropna()``) before scoring, so nothing is skipped
silently here. Two Series must also share the same index, so that values are
never compared across different days by accident.

Conventions
-----------
- error ``e[t] = forecast[t] - actual[t]``; :func:`mean_error` (the bias) is
  negative when the forecast is too low on average (under-predicting).
- ``previous[t]`` is the actual value of the day before ``t``; it is the
  persistence forecast and the reference for direction and skill.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from lstm_helpers.evaluation.input_checks import _check_whole, _vectors

__all__ = [
    "directional_accuracy",
    "evaluate",
    "lag_correlation",
    "mae",
    "mape",
    "mean_error",
    "metrics_table",
    "rmse",
    "skill_vs_persistence",
]

METRIC_NAMES: tuple[str, ...] = (
    "rmse",
    "mae",
    "mape",
    "bias",
    "directional_accuracy",
    "skill",
)
"""The keys of :func:`evaluate` and the columns of :func:`metrics_table`, in order."""


# --------------------------------------------------------------------------- point
# metrics


def rmse(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Root mean squared error, ``sqrt(mean((forecast - actual) ** 2))``.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and their forecasts, no NaN.

    Returns
    -------
    float
        In the units of the prices.
    """
    a, f = _vectors(actual=actual, forecast=forecast)
    return float(np.sqrt(np.mean((f - a) ** 2)))


def mae(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute error, ``mean(|forecast - actual|)``.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and their forecasts, no NaN.

    Returns
    -------
    float
        In the units of the prices.
    """
    a, f = _vectors(actual=actual, forecast=forecast)
    return float(np.mean(np.abs(f - a)))


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute percentage error, ``100 * mean(|forecast - actual| / |actual|)``.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values (none zero) and their forecasts, no NaN.

    Returns
    -------
    float
        In percent: ``1.0`` means the forecast is off by 1 % on an average day.

    Raises
    ------
    ValueError
        Also if an actual value is 0 (the percentage is undefined).
    """
    a, f = _vectors(actual=actual, forecast=forecast)
    zero = a == 0
    if zero.any():
        raise ValueError(
            f"actual is 0 at position {int(np.flatnonzero(zero)[0])}: the percentage "
            "error is undefined"
        )
    return float(100.0 * np.mean(np.abs(f - a) / np.abs(a)))


def mean_error(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean error (bias), ``mean(forecast - actual)``.

    Negative means the forecast is too low on average (under-predicting),
    positive too high. A forecast that lags a rising price has a negative bias.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and their forecasts, no NaN.

    Returns
    -------
    float
        In the units of the prices.
    """
    a, f = _vectors(actual=actual, forecast=forecast)
    return float(np.mean(f - a))


def directional_accuracy(
    actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike
) -> float:
    """Fraction of days on which the forecast gets the direction of the move right.

    A day counts as right when ``sign(forecast - previous) == sign(actual - previous)``.

    Ties: days on which the actual price did not move (``actual == previous``)
    have no direction to get right and are left out of the fraction. On the
    other days a forecast of "no move" (``forecast == previous``) counts as
    wrong, so :func:`persistence <lstm_helpers.evaluation.baselines.persistence>` scores
    0.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and their forecasts, no NaN.
    previous : array-like, shape (n,)
        The actual value of the day before each day (``previous[t] = actual[t - 1]``
        in the full series).

    Returns
    -------
    float
        Between 0 and 1; 0.5 is what a coin toss gets on average.

    Raises
    ------
    ValueError
        For NaN or mismatched lengths, or when the actual value never moves
        (every day is a tie).
    """
    a, f, p = _vectors(actual=actual, forecast=forecast, previous=previous)
    actual_move = np.sign(a - p)
    forecast_move = np.sign(f - p)
    moved = actual_move != 0
    if not moved.any():
        raise ValueError(
            "actual never differs from previous: no day has a direction to forecast"
        )
    return float(np.mean(forecast_move[moved] == actual_move[moved]))


def skill_vs_persistence(
    actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike
) -> float:
    """Skill score against persistence, ``1 - RMSE(forecast) / RMSE(previous)``.

    1 is a perfect forecast, 0 is no better than repeating yesterday's price,
    and a negative value is worse than that.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and their forecasts, no NaN.
    previous : array-like, shape (n,)
        The actual value of the day before each day: the persistence forecast.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For NaN or mismatched lengths, or when persistence is perfect (its RMSE is 0).
    """
    a, f, p = _vectors(actual=actual, forecast=forecast, previous=previous)
    reference = rmse(a, p)
    if reference == 0:
        raise ValueError(
            "persistence has zero error (actual equals previous "
            "everywhere): skill is undefined"
        )
    return float(1.0 - rmse(a, f) / reference)


def evaluate(
    actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike
) -> dict[str, float]:
    """All point metrics of one forecast.

    Parameters
    ----------
    actual, forecast, previous : array-like, shape (n,)
        Observed values, their forecasts and the previous day's observed values; no NaN.

    Returns
    -------
    dict
        ``rmse``, ``mae``, ``mape`` (percent), ``bias`` (:func:`mean_error`),
        ``directional_accuracy`` and ``skill`` (:func:`skill_vs_persistence`).
    """
    a, f, p = _vectors(actual=actual, forecast=forecast, previous=previous)
    return {
        "rmse": rmse(a, f),
        "mae": mae(a, f),
        "mape": mape(a, f),
        "bias": mean_error(a, f),
        "directional_accuracy": directional_accuracy(a, f, p),
        "skill": skill_vs_persistence(a, f, p),
    }


def metrics_table(
    actual: ArrayLike, forecasts: Mapping[str, ArrayLike], previous: ArrayLike
) -> pd.DataFrame:
    """:func:`evaluate` for several forecasts, one row each, for a lesson's table.

    Parameters
    ----------
    actual, previous : array-like, shape (n,)
        Observed values and the previous day's observed values; no NaN.
    forecasts : mapping of str to array-like, shape (n,) each
        Forecast name to forecasts, e.g. ``{"persistence": ..., "lstm": ...}``.

    Returns
    -------
    pandas.DataFrame, shape (len(forecasts), 6)
        Indexed by forecast name (index name ``"forecast"``), in the mapping's
        order, with the columns rmse, mae, mape, bias, directional_accuracy, skill.

    Raises
    ------
    ValueError
        If ``forecasts`` is empty, or a forecast fails :func:`evaluate`'s checks
        (the message names the forecast).
    """
    if not forecasts:
        raise ValueError("forecasts is empty: pass at least one {name: forecast} pair")
    rows = {}
    for name, forecast in forecasts.items():
        try:
            rows[name] = evaluate(actual, forecast, previous)
        except ValueError as err:
            raise ValueError(f"forecast {name!r}: {err}") from err
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(METRIC_NAMES))
    table.index.name = "forecast"
    return table


# --------------------------------------------------------------------------- lagged
# correlation


def lag_correlation(
    actual: ArrayLike, forecast: ArrayLike, max_lag: int = 5
) -> pd.Series:
    """Correlation of the forecast with the actual series shifted by ``k`` days.

    For ``k = -max_lag .. max_lag`` the value is the Pearson correlation of
    ``forecast[t]`` with ``actual[t - k]`` over the days ``t`` where both exist.
    A forecast equal to yesterday's price (persistence) correlates perfectly at
    ``k = 1``; a forecast that merely "follows" the price peaks at ``k = 1`` too,
    which shows it is close to yesterday's price rather than a look at tomorrow's.
    A real forecast of the day itself peaks at ``k = 0``.

    On price *levels* every lag correlates highly (prices trend); the peak is
    what matters. Passing daily changes (``actual - previous`` and
    ``forecast - previous``) gives sharper contrasts.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and forecasts of the same days, no NaN.
    max_lag : int, default 5
        Largest shift in days, ``0 <= max_lag <= n - 3`` (every lag keeps at
        least 3 overlapping days).

    Returns
    -------
    pandas.Series, shape (2 * max_lag + 1,)
        Indexed by ``k`` (index name ``"lag"``).

    Raises
    ------
    ValueError
        For NaN or mismatched lengths, a bad ``max_lag``, or a constant stretch
        of data that makes a correlation undefined.
    """
    a, f = _vectors(actual=actual, forecast=forecast)
    n = len(a)
    max_lag = _check_whole(max_lag, "max_lag", 0)
    if max_lag > n - 3:
        raise ValueError(
            f"max_lag={max_lag} is too large for {n} values: it "
            f"must be at most n - 3 = {n - 3}"
        )
    lags = np.arange(-max_lag, max_lag + 1)
    correlations = []
    for k in lags:
        # Pair forecast[t] with actual[t - k] for every t where both indexes are valid.
        if k >= 0:
            f_part, a_part = f[k:], a[: n - k]
        else:
            f_part, a_part = f[: n + k], a[-k:]
        if np.ptp(f_part) == 0 or np.ptp(a_part) == 0:
            raise ValueError(
                f"at lag {k} the forecast or the actual values are constant: "
                "correlation undefined"
            )
        correlations.append(float(np.corrcoef(f_part, a_part)[0, 1]))
    return pd.Series(correlations, index=pd.Index(lags, name="lag"), name="correlation")
