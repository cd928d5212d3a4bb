"""Errors without the currency: the RMSE ratio to persistence, and MASE.

A dollar RMSE of AMZN (price around 1,000 USD) and one of HD (around 150 USD)
cannot be averaged: the mean would be AMZN's. Two measures remove the dollars,
and only one of them removes the price level too:

- :func:`mase`, the mean absolute scaled error of Hyndman & Koehler (2006):
  the forecast's mean absolute error divided by :func:`naive_scale`, the mean
  absolute one-day change of the training years (the in-sample error of the
  naive forecast). Below 1: better than the naive forecast was, on average,
  in the training years. Its yardstick comes from other years than the
  errors, so a stock whose price (and daily moves) grew scores higher with
  the same skill: on the course's data persistence's own MASE runs from 0.80
  (IBM) to 2.64 (AMZN). Compare MASEs between forecasts of one stock.
- :func:`rmse_ratio`: the RMSE divided by persistence's RMSE on the same days
  (1 - the skill score of :mod:`lstm_helpers.evaluation.metrics`). Below 1: better than
  persistence on these days. Numerator and yardstick come from the same days,
  so this is the one to compare or average across stocks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers.evaluation.input_checks import _vectors


def naive_scale(train: ArrayLike) -> float:
    """The mean absolute one-day change of the training values, ``mean |y_t -
    y_{t-1}|``.

    Raises
    ------
    ValueError
        For fewer than two values, NaN, or a series that never changes (scale 0).
    """
    (y,) = _vectors(train=train)
    if len(y) < 2:
        raise ValueError(
            f"the naive scale needs at least two training values, got {len(y)}"
        )
    scale = float(np.mean(np.abs(np.diff(y))))
    if scale == 0:
        raise ValueError("the training values never change: the naive scale is 0")
    return scale


def mase(actual: ArrayLike, forecast: ArrayLike, scale: float) -> float:
    """Mean absolute scaled error: ``mean |forecast - actual| / scale``.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Test values and their forecasts, no NaN.
    scale : float
        :func:`naive_scale` of the training values of the same series.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    a, f = _vectors(actual=actual, forecast=forecast)
    return float(np.mean(np.abs(f - a)) / scale)


def rmse_ratio(actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike) -> float:
    """RMSE of ``forecast`` divided by the RMSE of persistence (``previous``) on the
    same days."""
    a, f, p = _vectors(actual=actual, forecast=forecast, previous=previous)
    base = float(np.sqrt(np.mean((p - a) ** 2)))
    if base == 0:
        raise ValueError("persistence is exact on every day: the ratio is undefined")
    return float(np.sqrt(np.mean((f - a) ** 2)) / base)
