"""Prediction bands for forecasts h days ahead, and how well they hold.

A band is a pair of relative bounds per horizon around a central forecast:
from a random walk with the training years' daily volatility
(:func:`random_walk_quantiles`) or from the quantiles of a forecast's own
errors on the validation year (:func:`empirical_quantiles`). :func:`dollar_band`
draws the random walk's band in dollars instead, to show why the course does not.
:func:`interval_scores` measures a band on the test year: coverage (the share
of days inside it) and mean width.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm


def interval_band(
    center: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A band ``center * (1 + low)`` .. ``center * (1 + high)``; low and high are
    relative, shape (H,)."""
    center = np.asarray(center, dtype=float)
    return center * (1.0 + np.asarray(low)[None, :]), center * (
        1.0 + np.asarray(high)[None, :]
    )


def random_walk_quantiles(
    sigma: float, horizon: int, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Relative bounds of a random walk's central band: ``exp(±z sigma sqrt(h)) - 1``,
    each shape (H,)."""
    z = norm.ppf(0.5 + coverage / 2.0)
    spread = z * sigma * np.sqrt(np.arange(1, horizon + 1))
    return np.exp(-spread) - 1.0, np.exp(spread) - 1.0


def dollar_band(
    origin_price: np.ndarray, dollar_sigma: float, horizon: int, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """A random walk's central band drawn in dollars: ``origin ± z * dollar_sigma *
    sqrt(h)``, each shape (m, H).

    ``dollar_sigma`` is the standard deviation of the daily dollar changes of the
    training years. A dollar move measured when a price was lower (or higher) does
    not fit the price of the test year; a relative move (:func:`random_walk_quantiles`)
    does, which is why the course's bands are drawn on the log scale.
    """
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be between 0 and 1, got {coverage}")
    z = norm.ppf(0.5 + coverage / 2.0)
    spread = z * dollar_sigma * np.sqrt(np.arange(1, horizon + 1))
    origin = np.asarray(origin_price, dtype=float)[:, None]
    return origin - spread[None, :], origin + spread[None, :]


def empirical_quantiles(
    actual: np.ndarray, forecast: np.ndarray, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Relative bounds from the errors a forecast made (validation year): quantiles of
    ``actual / forecast - 1``."""
    ratio = np.asarray(actual, dtype=float) / np.asarray(forecast, dtype=float) - 1.0
    if np.isnan(ratio).all(axis=0).any():
        raise ValueError("some horizon has no validation error to take quantiles of")
    tail = (1.0 - coverage) / 2.0
    return np.nanquantile(ratio, tail, axis=0), np.nanquantile(
        ratio, 1.0 - tail, axis=0
    )


def interval_scores(
    actual: np.ndarray, low: np.ndarray, high: np.ndarray, origin_price: np.ndarray
) -> pd.DataFrame:
    """Coverage (share of known days inside the band) and mean width (% of the origin's
    price) per horizon."""
    actual = np.asarray(actual, dtype=float)
    known = ~np.isnan(actual)
    inside = (low <= actual) & (actual <= high)
    width = 100.0 * (high - low) / np.asarray(origin_price, dtype=float)[:, None]
    rows = [
        {
            "h": k + 1,
            "coverage": float(inside[known[:, k], k].mean()),
            "width_pct": float(width[known[:, k], k].mean()),
            "days": int(known[:, k].sum()),
        }
        for k in range(actual.shape[1])
    ]
    return pd.DataFrame(rows)
