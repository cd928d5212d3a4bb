"""Scores of distributional forecasts: quantiles, bands and Gaussian forecasts.

A point forecast is scored by its error; a forecast of a distribution by how
well the actual value sits in it (Hyndman and Athanasopoulos 2021, section 5.9).
:func:`pinball_loss` scores quantile forecasts at one level and
:func:`quantile_scores` averages it over several levels day by day. A band is
scored by :func:`coverage` (the share of days inside it) and by
:func:`winkler_scores` (its width plus a penalty for each miss). A Gaussian
forecast (a mean and a standard deviation per day) is scored by
:func:`crps_gaussian` (a log-normal one by :func:`crps_lognormal`);
:func:`pit_gaussian` checks its calibration and
:func:`gaussian_band` turns it into a central band.

The per-day scores give NaN on the days whose actual is NaN (days past the end
of the data, whose outcome is not known yet); drop those days before a paired
test (:func:`lstm_helpers.evaluation.significance.score_difference_test`).
Other bad input (NaN where the actual is known, mismatched lengths, a level
outside (0, 1)) is refused with a :class:`ValueError` that names the argument.

References
----------
Hyndman, R. J. and Athanasopoulos, G. (2021), *Forecasting: principles and
practice*, 3rd edition, OTexts, section 5.9 "Evaluating distributional forecast
accuracy" (quantile scores, the Winkler score, the CRPS).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm

from lstm_helpers.evaluation.input_checks import _as_vector, _vectors


def _check_level(value: float, name: str) -> float:
    """``value`` as a float strictly between 0 and 1, or a ValueError naming it."""
    if not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {value}")
    return float(value)


def _known_days(actual: ArrayLike, **others: ArrayLike) -> list[np.ndarray]:
    """``[known, actual, *others]``: which days' actual is known, then the inputs as
    float arrays of shape (n,).

    A NaN actual marks a day past the end of the data. On the known days every
    input must be finite; on the others the forecasts may be NaN too.
    """
    arrays = {}
    for name, values in {"actual": actual, **others}.items():
        try:
            arrays[name] = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name} must hold numbers ({err})") from err
        if arrays[name].ndim != 1:
            raise ValueError(
                f"{name} must be one-dimensional, got shape {arrays[name].shape}"
            )
    if len({len(x) for x in arrays.values()}) > 1:
        shown = ", ".join(f"{name} has {len(x)}" for name, x in arrays.items())
        raise ValueError(f"length mismatch: {shown} values")
    known = ~np.isnan(arrays["actual"])
    if not known.any():
        raise ValueError(
            "actual has no known day (every value is NaN): nothing to score"
        )
    for name, x in arrays.items():
        bad = known & ~np.isfinite(x)
        if bad.any():
            raise ValueError(
                f"{name} has {int(bad.sum())} NaN or infinite value(s) on days whose "
                f"actual is known, the first at position {int(np.flatnonzero(bad)[0])}"
            )
    return [known, *arrays.values()]


def _pinball(u: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """The pinball loss of errors ``u = actual - forecast`` at level(s) ``q``."""
    return np.maximum(q * u, (q - 1.0) * u)


def _positive_sd(sd: np.ndarray) -> np.ndarray:
    """``sd`` unchanged if every value is positive, else a ValueError."""
    if (sd <= 0).any():
        raise ValueError(f"sd must be positive, got {float(sd.min())}")
    return sd


def pinball_loss(actual: ArrayLike, forecast: ArrayLike, level: float) -> float:
    """Mean pinball (quantile) loss of forecasts of the ``level`` quantile.

    With ``u = actual - forecast`` and ``q = level``, the mean of
    ``max(q u, (q - 1) u)``: a forecast below the actual costs ``q`` per unit, one
    above it ``1 - q``, so the expected loss is smallest for the true quantile. It
    equals :func:`sklearn.metrics.mean_pinball_loss` with ``alpha=level``; at
    ``q = 0.5`` it is half the mean absolute error.

    Parameters
    ----------
    actual, forecast : array-like, shape (n,)
        Observed values and forecasts of their ``level`` quantile; no NaN.
    level : float
        The quantile forecast, between 0 and 1 (exclusive).

    Returns
    -------
    float
        The mean loss over the n days (lower is better).
    """
    y, f = _vectors(actual=actual, forecast=forecast)
    return float(np.mean(_pinball(y - f, _check_level(level, "level"))))


def quantile_scores(
    actual: ArrayLike, forecasts: ArrayLike, levels: ArrayLike
) -> np.ndarray:
    """Pinball loss averaged over several quantile levels, day by day.

    Parameters
    ----------
    actual : array-like, shape (n,)
        Observed values; NaN for a day whose outcome is not known.
    forecasts : array-like, shape (n, Q)
        ``forecasts[t, j]`` forecasts the ``levels[j]`` quantile of day t.
    levels : array-like, shape (Q,)
        Quantile levels, each between 0 and 1 (exclusive).

    Returns
    -------
    np.ndarray, shape (n,)
        Day t's mean over the Q levels of :func:`pinball_loss`'s terms; NaN
        where ``actual`` is NaN. One number per day, for a paired test between
        two methods.
    """
    (known, y), q = _known_days(actual), _as_vector(levels, "levels")
    for level in q:
        _check_level(level, "levels")
    f = np.asarray(forecasts, dtype=float)
    if f.shape != (len(y), len(q)):
        raise ValueError(
            f"forecasts must have shape (n, Q) = ({len(y)}, {len(q)}), got {f.shape}"
        )
    if not np.isfinite(f[known]).all():
        raise ValueError("forecasts has NaN or infinite values on known days")
    scores = np.full(len(y), np.nan)
    scores[known] = _pinball(y[known, None] - f[known], q[None, :]).mean(axis=1)
    return scores


def coverage(actual: ArrayLike, low: ArrayLike, high: ArrayLike) -> float:
    """Share of the known days with ``low <= actual <= high``.

    Parameters
    ----------
    actual : array-like, shape (n,)
        Observed values; NaN for a day past the end of the data. Such days are
        left out, not counted as misses.
    low, high : array-like, shape (n,)
        The band's bounds, finite on every day whose actual is known.

    Returns
    -------
    float
        Days inside the band divided by the days whose actual is known.
    """
    known, y, lo, hi = _known_days(actual, low=low, high=high)
    inside = (lo[known] <= y[known]) & (y[known] <= hi[known])
    return float(inside.mean())


def winkler_scores(
    actual: ArrayLike, low: ArrayLike, high: ArrayLike, coverage: float
) -> np.ndarray:
    """Winkler score of a central band, day by day.

    With ``alpha = 1 - coverage`` the score is the width ``high - low``, plus
    ``(2 / alpha) (low - actual)`` when the actual falls below the band and
    ``(2 / alpha) (actual - high)`` when it falls above. A narrow band that
    misses often scores worse than a wider one that holds.

    Parameters
    ----------
    actual : array-like, shape (n,)
        Observed values; NaN for a day whose outcome is not known.
    low, high : array-like, shape (n,)
        The band, meant to hold ``coverage`` of the days; ``low <= high``.
    coverage : float
        The band's nominal coverage, between 0 and 1 (exclusive).

    Returns
    -------
    np.ndarray, shape (n,)
        The score of each day (lower is better); NaN where ``actual`` is NaN.

    References
    ----------
    Winkler, R. L. (1972), "A decision-theoretic approach to interval
    estimation", *Journal of the American Statistical Association* 67(337),
    187-191. Hyndman and Athanasopoulos (2021), section 5.9.
    """
    alpha = 1.0 - _check_level(coverage, "coverage")
    known, y, lo, hi = _known_days(actual, low=low, high=high)
    y, lo, hi = y[known], lo[known], hi[known]
    if (lo > hi).any():
        raise ValueError(f"low is above high on {int((lo > hi).sum())} known day(s)")
    penalty = np.maximum(lo - y, 0.0) + np.maximum(y - hi, 0.0)
    scores = np.full(len(known), np.nan)
    scores[known] = (hi - lo) + (2.0 / alpha) * penalty
    return scores


def crps_gaussian(actual: ArrayLike, mean: ArrayLike, sd: ArrayLike) -> np.ndarray:
    """Continuous ranked probability score of Gaussian forecasts, day by day.

    The CRPS of a forecast distribution F at the actual y is
    ``∫ (F(x) - 1{x >= y})^2 dx``: the squared distance between the forecast's
    and the outcome's distribution functions. For F = N(mean, sd^2) it has the
    closed form ``sd (z (2 Φ(z) - 1) + 2 φ(z) - 1 / sqrt(pi))`` with
    ``z = (y - mean) / sd``. It is in the units of y, and as ``sd -> 0`` it
    tends to the absolute error ``|y - mean|``.

    Parameters
    ----------
    actual : array-like, shape (n,)
        Observed values; NaN for a day whose outcome is not known.
    mean, sd : array-like, shape (n,)
        The forecast's mean and standard deviation; ``sd > 0`` on known days.

    Returns
    -------
    np.ndarray, shape (n,)
        The score of each day (lower is better); NaN where ``actual`` is NaN.

    References
    ----------
    Gneiting, T. and Raftery, A. E. (2007), "Strictly proper scoring rules,
    prediction, and estimation", *Journal of the American Statistical
    Association* 102(477), 359-378 (the closed form, with the opposite sign:
    their scores are higher for better forecasts).
    """
    known, y, mu, sigma = _known_days(actual, mean=mean, sd=sd)
    y, mu, sigma = y[known], mu[known], _positive_sd(sigma[known])
    z = (y - mu) / sigma
    scores = np.full(len(known), np.nan)
    scores[known] = sigma * (
        z * (2.0 * norm.cdf(z) - 1.0) + 2.0 * norm.pdf(z) - 1.0 / np.sqrt(np.pi)
    )
    return scores


def crps_lognormal(
    actual: ArrayLike, log_mean: ArrayLike, log_sd: ArrayLike
) -> np.ndarray:
    """Continuous ranked probability score of log-normal forecasts, day by day.

    For a forecast ``exp(X)``, ``X ~ N(log_mean, log_sd^2)``, and an actual ``y > 0``
    the CRPS (see :func:`crps_gaussian`) has the closed form
    ``y (2 Φ(w) - 1) - 2 exp(log_mean + log_sd^2 / 2) (Φ(w - log_sd) +
    Φ(log_sd / sqrt(2)) - 1)`` with ``w = (log y - log_mean) / log_sd``. A random
    walk's price ratio ``h`` days ahead is such a forecast.

    Parameters
    ----------
    actual : array-like, shape (n,)
        Observed positive values; NaN for a day whose outcome is not known.
    log_mean, log_sd : array-like, shape (n,) or scalars
        The mean and standard deviation of the forecast's logarithm; ``log_sd > 0``.

    Returns
    -------
    np.ndarray, shape (n,)
        The score of each day (lower is better); NaN where ``actual`` is NaN.

    References
    ----------
    Baran, S. and Lerch, S. (2015), "Log-normal distribution based Ensemble Model
    Output Statistics models for probabilistic wind-speed forecasting", *Quarterly
    Journal of the Royal Meteorological Society* 141(691), 2289-2299.
    """
    y = np.asarray(actual, dtype=float)
    mean = np.broadcast_to(np.asarray(log_mean, dtype=float), y.shape)
    sd = np.broadcast_to(np.asarray(log_sd, dtype=float), y.shape)
    known, y, mu, sigma = _known_days(y, log_mean=mean, log_sd=sd)
    y, mu, sigma = y[known], mu[known], _positive_sd(sigma[known])
    if (y <= 0).any():
        raise ValueError("actual must be positive for a log-normal forecast")
    w = (np.log(y) - mu) / sigma
    scores = np.full(len(known), np.nan)
    scores[known] = y * (2.0 * norm.cdf(w) - 1.0) - 2.0 * np.exp(
        mu + sigma**2 / 2.0
    ) * (norm.cdf(w - sigma) + norm.cdf(sigma / np.sqrt(2.0)) - 1.0)
    return scores


def pit_gaussian(actual: ArrayLike, mean: ArrayLike, sd: ArrayLike) -> np.ndarray:
    """Probability integral transform of Gaussian forecasts: ``Φ((y - mean) / sd)``.

    Each value is the forecast's probability of an outcome at or below the
    actual one. When the forecasts are calibrated (the outcomes are drawn from
    them) the values are uniform on (0, 1); a hump in the middle means bands
    too wide, piles at 0 and 1 bands too narrow.

    Parameters
    ----------
    actual : array-like, shape (n,)
        Observed values; NaN for a day whose outcome is not known.
    mean, sd : array-like, shape (n,)
        The forecast's mean and standard deviation; ``sd > 0`` on known days.

    Returns
    -------
    np.ndarray, shape (n,)
        Values in [0, 1]; NaN where ``actual`` is NaN.

    References
    ----------
    Gneiting, T., Balabdaoui, F. and Raftery, A. E. (2007), "Probabilistic
    forecasts, calibration and sharpness", *Journal of the Royal Statistical
    Society: Series B* 69(2), 243-268.
    """
    known, y, mu, sigma = _known_days(actual, mean=mean, sd=sd)
    pit = np.full(len(known), np.nan)
    pit[known] = norm.cdf((y[known] - mu[known]) / _positive_sd(sigma[known]))
    return pit


def gaussian_band(
    mean: ArrayLike, sd: ArrayLike, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """The central band ``mean ± z sd`` of Gaussian forecasts, with
    ``z = Φ^{-1}(0.5 + coverage / 2)`` (1.645 for 90%).

    Parameters
    ----------
    mean, sd : array-like, shape (n,)
        The forecast's mean and standard deviation (``sd > 0``); no NaN.
    coverage : float
        The share of outcomes the band should hold, between 0 and 1 (exclusive).

    Returns
    -------
    low, high : np.ndarray, each shape (n,)
    """
    mu, sigma = _vectors(mean=mean, sd=sd)
    z = norm.ppf(0.5 + _check_level(coverage, "coverage") / 2.0)
    spread = z * _positive_sd(sigma)
    return mu - spread, mu + spread
