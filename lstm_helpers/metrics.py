"""Forecast metrics, and tests for comparing two forecasts.

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

import numbers
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "DieboldMarianoResult",
    "diebold_mariano",
    "directional_accuracy",
    "evaluate",
    "lag_correlation",
    "mae",
    "mape",
    "mean_error",
    "metrics_table",
    "paired_comparison",
    "rmse",
    "skill_vs_persistence",
]

METRIC_NAMES: tuple[str, ...] = ("rmse", "mae", "mape", "bias", "directional_accuracy", "skill")
"""The keys of :func:`evaluate` and the columns of :func:`metrics_table`, in order."""


# --------------------------------------------------------------------------- checks


def _as_vector(values: ArrayLike, name: str) -> np.ndarray:
    """``values`` as a 1-D float array with no NaN/inf, or a ValueError naming ``name``."""
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must hold numbers ({err})") from err
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name} is empty")
    bad = ~np.isfinite(x)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} NaN or infinite value(s), the first at position "
            f"{int(np.flatnonzero(bad)[0])}; drop those days before scoring (e.g. with dropna())"
        )
    return x


def _vectors(**named: ArrayLike) -> list[np.ndarray]:
    """Check several named inputs and that they line up; return them as float arrays.

    Raises a ValueError if any is not a finite 1-D array, if their lengths
    differ, or if two of them are pandas Series with different indexes.
    """
    arrays = [_as_vector(values, name) for name, values in named.items()]
    lengths = {name: len(x) for name, x in zip(named, arrays, strict=True)}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"length mismatch: {shown} values")
    indexed = [(name, v.index) for name, v in named.items() if isinstance(v, pd.Series)]
    for name, index in indexed[1:]:
        first_name, first_index = indexed[0]
        if not index.equals(first_index):
            raise ValueError(
                f"{name} and {first_name} are Series with different indexes; align them "
                "(e.g. pick the rows of one DataFrame) so that each value is compared with the same day"
            )
    return arrays


def _check_whole(value: int, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


# --------------------------------------------------------------------------- point metrics


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
            f"actual is 0 at position {int(np.flatnonzero(zero)[0])}: the percentage error is undefined"
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


def directional_accuracy(actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike) -> float:
    """Fraction of days on which the forecast gets the direction of the move right.

    A day counts as right when ``sign(forecast - previous) == sign(actual - previous)``.

    Ties: days on which the actual price did not move (``actual == previous``)
    have no direction to get right and are left out of the fraction. On the
    other days a forecast of "no move" (``forecast == previous``) counts as
    wrong, so :func:`persistence <lstm_helpers.baselines.persistence>` scores 0.

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
        raise ValueError("actual never differs from previous: no day has a direction to forecast")
    return float(np.mean(forecast_move[moved] == actual_move[moved]))


def skill_vs_persistence(actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike) -> float:
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
        raise ValueError("persistence has zero error (actual equals previous everywhere): skill is undefined")
    return float(1.0 - rmse(a, f) / reference)


def evaluate(actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike) -> dict[str, float]:
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


def metrics_table(actual: ArrayLike, forecasts: Mapping[str, ArrayLike], previous: ArrayLike) -> pd.DataFrame:
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


# --------------------------------------------------------------------------- lagged correlation


def lag_correlation(actual: ArrayLike, forecast: ArrayLike, max_lag: int = 5) -> pd.Series:
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
        raise ValueError(f"max_lag={max_lag} is too large for {n} values: it must be at most n - 3 = {n - 3}")
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
                f"at lag {k} the forecast or the actual values are constant: correlation undefined"
            )
        correlations.append(float(np.corrcoef(f_part, a_part)[0, 1]))
    return pd.Series(correlations, index=pd.Index(lags, name="lag"), name="correlation")


# --------------------------------------------------------------------------- comparing forecasts


class DieboldMarianoResult(NamedTuple):
    """Result of :func:`diebold_mariano`."""

    statistic: float
    """HLN-corrected DM statistic; negative when forecast_a has the lower mean loss."""
    p_value: float
    """Two-sided p-value from Student's t with n - 1 degrees of freedom."""
    mean_loss_diff: float
    """Mean of ``d[t] = L(e_a[t]) - L(e_b[t])``."""
    n: int
    """Number of days compared."""


_LOSSES = {
    "squared": lambda e: e**2,
    "absolute": np.abs,
}


def diebold_mariano(
    actual: ArrayLike,
    forecast_a: ArrayLike,
    forecast_b: ArrayLike,
    horizon: int = 1,
    loss: str = "squared",
) -> DieboldMarianoResult:
    """Diebold-Mariano test of equal accuracy, with the Harvey-Leybourne-Newbold correction.

    With errors ``e_a = forecast_a - actual`` and ``e_b = forecast_b - actual``:

    - loss differential ``d[t] = L(e_a[t]) - L(e_b[t])`` and its mean ``d̄``;
    - autocovariances ``γ_k = (1/n) Σ_{t=k}^{n-1} (d[t] - d̄)(d[t-k] - d̄)``;
    - long-run variance ``V = γ_0 + 2 Σ_{k=1}^{h-1} γ_k`` (an ``h``-step forecast's
      errors are correlated up to lag ``h - 1``);
    - ``DM = d̄ / sqrt(V / n)``;
    - HLN (1997) small-sample statistic
      ``DM * sqrt((n + 1 - 2h + h(h - 1)/n) / n)``, compared with Student's t
      with ``n - 1`` degrees of freedom (two-sided).

    For ``h = 1`` the HLN statistic equals the one-sample t-statistic of ``d``.

    Parameters
    ----------
    actual, forecast_a, forecast_b : array-like, shape (n,)
        Observed values and two competing forecasts of them; no NaN, ``n >= 3``.
    horizon : int, default 1
        Forecast horizon ``h`` in days, ``1 <= h < n``; 1 for one-step-ahead forecasts.
    loss : {"squared", "absolute"}, default "squared"
        The loss ``L`` applied to each error.

    Returns
    -------
    DieboldMarianoResult
        ``(statistic, p_value, mean_loss_diff, n)``. A negative statistic means
        forecast_a has the lower loss; swapping a and b flips its sign and keeps
        the p-value.

    Raises
    ------
    ValueError
        For NaN or mismatched lengths, ``n < 3``, a bad ``horizon`` or ``loss``,
        a constant loss differential (zero variance, e.g. identical forecasts),
        or a long-run variance estimate that is not positive.

    References
    ----------
    Diebold, F. X. and Mariano, R. S. (1995), "Comparing predictive accuracy",
    *Journal of Business & Economic Statistics* 13(3), 253-263.
    Harvey, D., Leybourne, S. and Newbold, P. (1997), "Testing the equality of
    prediction mean squared errors", *International Journal of Forecasting* 13(2), 281-291.
    """
    a, fa, fb = _vectors(actual=actual, forecast_a=forecast_a, forecast_b=forecast_b)
    n = len(a)
    if n < 3:
        raise ValueError(f"the Diebold-Mariano test needs at least 3 days, got {n}")
    h = _check_whole(horizon, "horizon", 1)
    if h >= n:
        raise ValueError(f"horizon={h} must be smaller than the number of days n={n}")
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {sorted(_LOSSES)}, got {loss!r}")

    loss_fn = _LOSSES[loss]
    d = loss_fn(fa - a) - loss_fn(fb - a)
    if np.ptp(d) == 0:
        raise ValueError(
            "the loss differential is constant (zero variance), e.g. the two forecasts are identical: "
            "the test is undefined"
        )
    d_mean = float(np.mean(d))
    dev = d - d_mean
    gammas = [float(np.sum(dev[k:] * dev[: n - k]) / n) for k in range(h)]
    long_run_var = gammas[0] + 2.0 * sum(gammas[1:])
    if long_run_var <= 0:
        raise ValueError(
            f"the long-run variance estimate is not positive ({long_run_var:.3g}) with horizon={h}: "
            "the test is undefined for these data"
        )
    dm = d_mean / np.sqrt(long_run_var / n)
    hln_factor = np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    statistic = float(dm * hln_factor)
    p_value = float(2.0 * stats.t.sf(abs(statistic), df=n - 1))
    return DieboldMarianoResult(statistic=statistic, p_value=p_value, mean_loss_diff=d_mean, n=n)


def paired_comparison(a_values: ArrayLike, b_values: ArrayLike) -> dict[str, float]:
    """Compare two models' scores paired by run, e.g. their RMSE for each random seed.

    Parameters
    ----------
    a_values, b_values : array-like, shape (n,)
        The score of model a and model b in the same ``n`` runs (run ``i`` of
        both used the same seed / split); ``n >= 2``, no NaN.

    Returns
    -------
    dict
        - ``n``: number of pairs;
        - ``mean_diff``: mean of ``a - b`` (negative: a scores lower, i.e. better for an error);
        - ``std_diff``: sample standard deviation (``ddof=1``) of ``a - b``;
        - ``t_pvalue``: two-sided paired t-test p-value (:func:`scipy.stats.ttest_rel`);
        - ``wilcoxon_pvalue``: two-sided Wilcoxon signed-rank p-value
          (:func:`scipy.stats.wilcoxon`), NaN when ``n < 5`` (too few pairs for it
          to ever reach the usual levels).

    Raises
    ------
    ValueError
        For NaN or mismatched lengths, ``n < 2``, or differences that are all
        equal (zero spread: both tests are undefined).
    """
    a, b = _vectors(a_values=a_values, b_values=b_values)
    n = len(a)
    if n < 2:
        raise ValueError(f"a paired comparison needs at least 2 pairs, got {n}")
    diff = a - b
    if np.ptp(diff) == 0:
        raise ValueError(
            f"every difference a - b equals {diff[0]:.6g} (zero spread): the paired tests are undefined"
        )
    t_pvalue = float(stats.ttest_rel(a, b).pvalue)
    wilcoxon_pvalue = float(stats.wilcoxon(a, b).pvalue) if n >= 5 else float("nan")
    return {
        "n": n,
        "mean_diff": float(np.mean(diff)),
        "std_diff": float(np.std(diff, ddof=1)),
        "t_pvalue": t_pvalue,
        "wilcoxon_pvalue": wilcoxon_pvalue,
    }
