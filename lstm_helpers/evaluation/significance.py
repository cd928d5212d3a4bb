"""Is one forecast really better than another? Tests for comparing two forecasts.

:func:`diebold_mariano` compares two forecasts of the same days by their
day-by-day losses; :func:`diebold_mariano_nw` does it with an
autocorrelation-robust (Newey-West) variance, and :func:`autocorrelation`
checks the plain test's assumption. :func:`score_difference_test` is the same
test on any two per-day scores (pinball, Winkler, CRPS: see
:mod:`lstm_helpers.evaluation.distribution_scores`). :func:`paired_comparison`
compares two models' scores paired by run (e.g. one RMSE per random seed);
:func:`pooled_ratio_test` pools paired error ratios over stocks and seeds;
:func:`seed_mean_test` tests a model trained with several seeds against one
forecast, and :func:`chance_count` says how many favourable results chance
alone gives over many tests
(direction calls are tested in :mod:`lstm_helpers.evaluation.direction`). Inputs are
checked like those of :mod:`lstm_helpers.evaluation.metrics`
(:mod:`lstm_helpers.evaluation.input_checks`): NaN, infinite values, length mismatches
and Series with different indexes are refused with a :class:`ValueError`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lstm_helpers.evaluation.input_checks import _check_whole, _vectors

__all__ = [
    "DieboldMarianoResult",
    "autocorrelation",
    "chance_count",
    "diebold_mariano",
    "diebold_mariano_nw",
    "loss_differential",
    "newey_west_lags",
    "paired_comparison",
    "pooled_ratio_test",
    "score_difference_test",
    "seed_mean_test",
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
    """Diebold-Mariano test of equal accuracy, with the Harvey-Leybourne-Newbold
    correction.

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
    prediction mean squared errors", *International Journal of Forecasting* 13(2),
    281-291.
    """
    a, fa, fb = _vectors(actual=actual, forecast_a=forecast_a, forecast_b=forecast_b)
    h = _days_and_horizon(len(a), horizon)
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {sorted(_LOSSES)}, got {loss!r}")

    loss_fn = _LOSSES[loss]
    return _hln_test(loss_fn(fa - a) - loss_fn(fb - a), h)


def score_difference_test(
    scores_a: ArrayLike, scores_b: ArrayLike, horizon: int = 1
) -> DieboldMarianoResult:
    """Diebold-Mariano test (HLN-corrected) of two methods' per-day scores.

    :func:`diebold_mariano` with the loss differential ``d[t] = scores_a[t] -
    scores_b[t]`` taken as given: any score of a forecast of day t works, e.g.
    the pinball loss, the Winkler score or the CRPS of
    :mod:`lstm_helpers.evaluation.distribution_scores`. With squared errors as
    the scores it is :func:`diebold_mariano` exactly. Forecasts ``h`` days
    ahead overlap, so their scores are correlated up to lag ``h - 1``; the test
    allows for that with ``horizon = h``.

    Parameters
    ----------
    scores_a, scores_b : array-like, shape (n,)
        The two methods' scores of the same n days (lower is better); no NaN
        (drop the days whose outcome is not known), ``n >= 3``.
    horizon : int, default 1
        Forecast horizon ``h`` in days, ``1 <= h < n``.

    Returns
    -------
    DieboldMarianoResult
        ``(statistic, p_value, mean_loss_diff, n)``. A negative statistic means
        ``scores_a`` is lower (better) on average.

    Raises
    ------
    ValueError
        As :func:`diebold_mariano`: NaN or mismatched lengths, ``n < 3``, a bad
        ``horizon``, a constant difference, or a long-run variance that is not
        positive.
    """
    a, b = _vectors(scores_a=scores_a, scores_b=scores_b)
    return _hln_test(a - b, _days_and_horizon(len(a), horizon))


def _days_and_horizon(n: int, horizon: int) -> int:
    """The horizon as an int, after checking ``n >= 3`` and ``1 <= horizon < n``."""
    if n < 3:
        raise ValueError(f"the Diebold-Mariano test needs at least 3 days, got {n}")
    h = _check_whole(horizon, "horizon", 1)
    if h >= n:
        raise ValueError(f"horizon={h} must be smaller than the number of days n={n}")
    return h


def _hln_test(d: np.ndarray, h: int) -> DieboldMarianoResult:
    """The Diebold-Mariano test with the HLN correction on a loss differential ``d``
    (see :func:`diebold_mariano`)."""
    n = len(d)
    if np.ptp(d) == 0:
        raise ValueError(
            "the loss differential is constant (zero variance), e.g. the two forecasts "
            "are identical: "
            "the test is undefined"
        )
    d_mean = float(np.mean(d))
    dev = d - d_mean
    gammas = [float(np.sum(dev[k:] * dev[: n - k]) / n) for k in range(h)]
    long_run_var = gammas[0] + 2.0 * sum(gammas[1:])
    if long_run_var <= 0:
        raise ValueError(
            f"the long-run variance estimate is not positive ({long_run_var:.3g}) with "
            f"horizon={h}: "
            "the test is undefined for these data"
        )
    dm = d_mean / np.sqrt(long_run_var / n)
    hln_factor = np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    statistic = float(dm * hln_factor)
    p_value = float(2.0 * stats.t.sf(abs(statistic), df=n - 1))
    return DieboldMarianoResult(
        statistic=statistic, p_value=p_value, mean_loss_diff=d_mean, n=n
    )


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
        - ``mean_diff``: mean of ``a - b`` (negative: a scores lower, i.e. better for an
          error);
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
            f"every difference a - b equals {diff[0]:.6g} (zero spread): the paired "
            "tests are undefined"
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


def seed_mean_test(
    actual: ArrayLike, forecasts: list[ArrayLike], reference: ArrayLike
) -> DieboldMarianoResult:
    """Diebold-Mariano test of a model trained with several seeds against one reference
    forecast.

    Each seed's network is one draw of the model. The test asks whether the
    model's *expected* squared error (over seeds) differs from the
    reference's: it applies :func:`diebold_mariano` (one step ahead, squared
    loss) to the seed-mean loss differential
    ``d[t] = mean_s (forecasts[s][t] - actual[t])**2 - (reference[t] - actual[t])**2``.
    With one seed it is the plain test. Testing each seed on its own instead
    would count the same days once per seed, as if they were independent.

    Parameters
    ----------
    actual, reference : array-like, shape (n,)
    forecasts : list of array-like, each of shape (n,)
        One forecast per seed.

    Returns
    -------
    DieboldMarianoResult
        A negative statistic means the model's mean loss is lower than the reference's.
    """
    if not forecasts:
        raise ValueError("seed_mean_test needs at least one forecast")
    a, ref = _vectors(actual=actual, reference=reference)
    runs = [_vectors(actual=a, forecast=f)[1] for f in forecasts]
    if len(a) < 3:
        raise ValueError(
            f"the Diebold-Mariano test needs at least 3 days, got {len(a)}"
        )
    d = np.mean([(f - a) ** 2 for f in runs], axis=0) - (ref - a) ** 2
    return _hln_test(d, 1)


def chance_count(
    tests: int, favourable: int, level: float = 0.05
) -> tuple[float, float]:
    """How many favourable significant results chance alone gives, and how surprising
    ``favourable`` is.

    Under the null hypothesis (equal accuracy everywhere), a two-sided test at
    ``level`` comes out significant *in the model's favour* with probability
    ``level / 2``. Over ``tests`` independent tests the count ``X`` of such
    results is Binomial(``tests``, ``level / 2``).

    Returns
    -------
    expected : float
        ``tests * level / 2``, the favourable count chance alone gives on average.
    tail : float
        ``P(X >= favourable)``: the chance of at least this many favourable
        results with no real difference (1.0 for ``favourable = 0``). Tests on
        the same days (one stock's folds share no day, but two models' tests on
        one fold do) are not independent; read the tail as a guide then.
    """
    tests, favourable = (
        _check_whole(tests, "tests", 0),
        _check_whole(favourable, "favourable", 0),
    )
    if favourable > tests:
        raise ValueError(
            f"favourable ({favourable}) cannot exceed the number of tests ({tests})"
        )
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    p = level / 2
    return tests * p, float(stats.binom.sf(favourable - 1, tests, p))


def loss_differential(
    actual: ArrayLike, forecast_a: ArrayLike, forecast_b: ArrayLike
) -> np.ndarray:
    """The day-by-day squared-error difference ``d[t] = e_a[t]**2 - e_b[t]**2`` that the
    DM test averages."""
    a, fa, fb = _vectors(actual=actual, forecast_a=forecast_a, forecast_b=forecast_b)
    return (fa - a) ** 2 - (fb - a) ** 2


def autocorrelation(values: ArrayLike, max_lag: int = 10) -> np.ndarray:
    """Sample autocorrelation of ``values`` at lags 1..``max_lag`` (the DM test at h = 1
    assumes it is near 0)."""
    (x,) = _vectors(values=values)
    if not 1 <= max_lag < len(x):
        raise ValueError(f"max_lag must be between 1 and {len(x) - 1}, got {max_lag}")
    x = x - x.mean()
    denom = float(np.sum(x * x))
    if denom == 0:
        raise ValueError("values are constant: the autocorrelation is undefined")
    return np.array(
        [float(np.sum(x[k:] * x[:-k]) / denom) for k in range(1, max_lag + 1)]
    )


def newey_west_lags(n: int) -> int:
    """A fixed rule of thumb for the Newey-West lag: ``floor(4 (n / 100) ** (2 / 9))``
    (4 for 251 days).

    It grows slowly with ``n`` and looks at nothing but ``n``: it is not the
    data-dependent bandwidth selection of Newey & West (1994), which estimates
    how correlated the series is before choosing.
    """
    return int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


def diebold_mariano_nw(
    actual: ArrayLike,
    forecast_a: ArrayLike,
    forecast_b: ArrayLike,
    lags: int | None = None,
) -> DieboldMarianoResult:
    """Diebold-Mariano test with a Newey-West (autocorrelation-robust) variance of the
    mean loss difference.

    The plain test at h = 1 (:func:`diebold_mariano`) assumes the daily loss
    differences are uncorrelated. This version changes only the variance: it
    adds their autocovariances up to lag ``L`` with Bartlett weights,
    ``V = γ_0 + 2 Σ_{k=1..L} (1 - k / (L + 1)) γ_k`` (with ``γ_k = (1/n) Σ_t
    (d[t] - d̄)(d[t-k] - d̄)``). The weights fall linearly from 1 to 0, which
    keeps ``V`` positive and trusts the noisier far lags less; a correlated
    differential then does not pass for more evidence than it is. Everything
    else is :func:`diebold_mariano`'s at h = 1: the Harvey-Leybourne-Newbold
    factor ``sqrt((n - 1) / n)`` on ``d̄ / sqrt(V / n)`` and a two-sided
    p-value from Student's t with ``n - 1`` degrees of freedom. With ``L = 0``
    the two tests agree exactly.

    Parameters
    ----------
    actual, forecast_a, forecast_b : array-like, shape (n,)
    lags : int, optional
        L; default :func:`newey_west_lags` of n (a rule of thumb, see there).

    Returns
    -------
    DieboldMarianoResult
        ``statistic`` negative when forecast_a has the lower mean squared error.
    """
    d = loss_differential(actual, forecast_a, forecast_b)
    n = len(d)
    if n < 3:
        raise ValueError(f"need at least 3 days, got {n}")
    lags = newey_west_lags(n) if lags is None else int(lags)
    if not 0 <= lags < n:
        raise ValueError(f"lags must be between 0 and {n - 1}, got {lags}")
    d_mean = float(d.mean())
    dc = d - d_mean
    variance = float(np.sum(dc * dc) / n)
    for k in range(1, lags + 1):
        variance += 2.0 * (1.0 - k / (lags + 1.0)) * float(np.sum(dc[k:] * dc[:-k]) / n)
    if variance <= 0:
        raise ValueError(
            "the loss differential has no variance: the two "
            "forecasts err alike on every day"
        )
    # HLN at h = 1, as diebold_mariano
    statistic = d_mean / np.sqrt(variance / n) * np.sqrt((n - 1) / n)
    p_value = float(2.0 * stats.t.sf(abs(statistic), df=n - 1))
    return DieboldMarianoResult(
        statistic=float(statistic), p_value=p_value, mean_loss_diff=d_mean, n=n
    )


def pooled_ratio_test(a_values: ArrayLike, b_values: ArrayLike) -> dict[str, float]:
    """Is model a's error smaller than model b's, over many (stock, seed) pairs at once?

    Works on ``log(a / b)`` per pair, which is scale-free (a ratio of RMSEs on
    one stock means the same on every stock) and symmetric (a 20% gain and a
    20% loss cancel in log terms).

    Parameters
    ----------
    a_values, b_values : array-like, shape (n,)
        Positive errors of the two models, paired (same stock, same seed).

    Returns
    -------
    dict
        ``n``; ``mean_log_ratio`` and ``geometric_mean_ratio`` (its exponential:
        0.9 means a's errors are 10% smaller on average); ``t_pvalue`` (one-sample
        t-test of the log ratios against 0, two-sided); ``wilcoxon_pvalue``
        (signed-rank, two-sided); ``a_smaller`` (pairs where a < b) and
        ``sign_pvalue`` (two-sided binomial test of that count against n / 2).
    """
    a, b = _vectors(a_values=a_values, b_values=b_values)
    if len(a) < 2:
        raise ValueError(f"a pooled test needs at least 2 pairs, got {len(a)}")
    if (a <= 0).any() or (b <= 0).any():
        raise ValueError("errors must be positive to take their log ratio")
    log_ratio = np.log(a / b)
    if np.ptp(log_ratio) == 0:
        raise ValueError(
            "every log ratio is the same (zero spread): the tests are undefined"
        )
    smaller = int(np.sum(log_ratio < 0))
    ties = int(np.sum(log_ratio == 0))
    return {
        "n": len(a),
        "mean_log_ratio": float(log_ratio.mean()),
        "geometric_mean_ratio": float(np.exp(log_ratio.mean())),
        "t_pvalue": float(stats.ttest_1samp(log_ratio, 0.0).pvalue),
        "wilcoxon_pvalue": float(stats.wilcoxon(log_ratio).pvalue),
        "a_smaller": smaller,
        "sign_pvalue": float(stats.binomtest(smaller, len(a) - ties, 0.5).pvalue)
        if len(a) > ties
        else float("nan"),
    }
