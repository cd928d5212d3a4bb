"""Is one forecast really better than another? Tests for comparing two forecasts.

:func:`diebold_mariano` compares two forecasts of the same days by their
day-by-day losses; :func:`paired_comparison` compares two models' scores
paired by run (e.g. one RMSE per random seed); :func:`direction_test` compares
a forecast's direction calls with the best constant answer. Inputs are checked like those of
:mod:`lstm_helpers.metrics` (:mod:`lstm_helpers._checks`): NaN, infinite values,
length mismatches and Series with different indexes are refused with a
:class:`ValueError`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lstm_helpers._checks import _check_whole, _vectors
from lstm_helpers.metrics import directional_accuracy

__all__ = [
    "DieboldMarianoResult",
    "DirectionTest",
    "constant_directions",
    "diebold_mariano",
    "direction_test",
    "paired_comparison",
]


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


class DirectionTest(NamedTuple):
    """Result of :func:`direction_test`."""

    accuracy: float
    """Share of the moving days whose direction the forecast got right (:func:`~lstm_helpers.metrics.directional_accuracy`)."""
    n: int
    """Days on which the actual value moved (ties, ``actual == previous``, are left out)."""
    share_up: float
    """Share of those days that went up: the score of always answering "up"."""
    best_constant: float
    """The better of always "up" and always "down": ``max(share_up, 1 - share_up)``."""
    best_answer: str
    """``"up"`` or ``"down"``, whichever constant answer scores ``best_constant``."""
    p_value: float
    """One-sided binomial p-value that a forecast right as often as ``best_constant`` gets at least this many days right."""


def constant_directions(actual: ArrayLike, previous: ArrayLike) -> tuple[int, float]:
    """How many days moved, and the share of them that went up.

    Ties (``actual == previous``) are left out, exactly as
    :func:`lstm_helpers.metrics.directional_accuracy` leaves them out, so that
    ``share_up`` is the directional accuracy of always answering "up" and
    ``1 - share_up`` that of always answering "down".
    """
    a, p = _vectors(actual=actual, previous=previous)
    move = np.sign(a - p)
    moved = move != 0
    if not moved.any():
        raise ValueError("actual never differs from previous: no day has a direction to forecast")
    return int(moved.sum()), float(np.mean(move[moved] > 0))


def direction_test(actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike) -> DirectionTest:
    """A forecast's direction calls against the best constant answer, with a one-sided binomial test.

    A direction score means something only beside what a forecaster gets
    without looking: always answering "up" scores the share of up days, always
    answering "down" the rest. The bar is the better of the two (not a coin's
    0.5). The p-value is the chance that a forecaster right with probability
    ``best_constant`` on each of the ``n`` moving days, independently, gets at
    least as many right as this forecast did.

    Parameters
    ----------
    actual, forecast, previous : array-like, shape (n,)
        As for :func:`lstm_helpers.metrics.directional_accuracy`.

    Returns
    -------
    DirectionTest
    """
    accuracy = directional_accuracy(actual, forecast, previous)
    n, share_up = constant_directions(actual, previous)
    best = max(share_up, 1.0 - share_up)
    correct = round(accuracy * n)
    p_value = float(stats.binomtest(correct, n, best, alternative="greater").pvalue)
    return DirectionTest(accuracy, n, share_up, best, "up" if share_up >= 0.5 else "down", p_value)
