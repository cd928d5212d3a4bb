"""Conformal prediction: bands from the scores of past errors, with a coverage
guarantee.

A score measures how badly a forecast missed, e.g. the absolute error
``|actual - forecast|``; a band holds the days whose score is at most a
threshold (``forecast ± threshold`` for the absolute error).
:func:`conformal_quantile` takes the threshold from calibration scores (split
conformal prediction): if the calibration and test days are exchangeable (any
order of them as likely as any other), the band holds a new day with
probability at least ``coverage``. Prices are not exchangeable: their
volatility changes. :func:`adaptive_conformal` moves the level day by day
instead, lowering it after each miss and raising it after each hit, so that
the long-run share of misses stays near its target whatever the data do.

References
----------
Angelopoulos, A. N. and Bates, S. (2021), "A gentle introduction to conformal
prediction and distribution-free uncertainty quantification", arXiv:2107.07511.
Gibbs, I. and Candès, E. (2021), "Adaptive conformal inference under
distribution shift", *Advances in Neural Information Processing Systems* 34.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers.evaluation.input_checks import _check_whole, _vectors


def _check_coverage(coverage: float) -> float:
    """``coverage`` as a float strictly between 0 and 1, or a ValueError."""
    if not 0 < coverage < 1:
        raise ValueError(
            f"coverage must be between 0 and 1 (exclusive), got {coverage}"
        )
    return float(coverage)


def conformal_quantile(scores: ArrayLike, coverage: float) -> float:
    """The split-conformal threshold: the k-th smallest of n calibration scores, with
    ``k = ceil((n + 1) coverage)``.

    The plain empirical quantile at ``coverage`` would hold a new exchangeable
    score a little less often than ``coverage``; counting the new score as an
    (n + 1)-th one corrects that. The band then holds with probability at least
    ``coverage``, and at most ``coverage + 1 / (n + 1)`` when the scores have no
    ties (Angelopoulos and Bates 2021). ``(n + 1) coverage`` is rounded to 9
    decimals before the ceiling, so that float noise (``100 * 0.55`` is
    55.00000000000001) does not move k.

    Parameters
    ----------
    scores : array-like, shape (n,)
        Calibration scores, finite, ``n >= 1``.
    coverage : float
        The share of new scores the threshold should hold, between 0 and 1
        (exclusive).

    Returns
    -------
    float
        The k-th smallest score; ``np.inf`` when ``k > n`` (too few scores for
        this coverage: only an unbounded band is sure to hold).
    """
    (s,) = _vectors(scores=scores)
    return _threshold(s, _check_coverage(coverage))


def _threshold(scores: np.ndarray, coverage: float) -> float:
    """:func:`conformal_quantile` without the checks; ``inf`` for a coverage of 1 or
    more, ``-inf`` for 0 or less."""
    if coverage <= 0:
        return -math.inf
    k = math.ceil(round((len(scores) + 1) * coverage, 9))
    if k > len(scores):
        return math.inf
    return float(np.partition(scores, k - 1)[k - 1])


def _test_scores(scores: ArrayLike) -> np.ndarray:
    """``scores`` as a 1-D float array, finite but for NaN at the end."""
    try:
        x = np.asarray(scores, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"scores must hold numbers ({err})") from err
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"scores must be one-dimensional and non-empty, got {x.shape}")
    known = int(np.sum(~np.isnan(x)))
    if np.isnan(x[:known]).any():
        raise ValueError(
            "scores has NaN before its last known value, at position "
            f"{int(np.flatnonzero(np.isnan(x))[0])}: NaN may only mark the steps at "
            "the end whose outcome is past the data"
        )
    if np.isinf(x).any():
        raise ValueError("scores has infinite values")
    return x


def adaptive_conformal(
    scores: ArrayLike,
    calibration: ArrayLike,
    coverage: float,
    gamma: float,
    delay: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Adaptive conformal inference: a threshold per test step whose level learns
    from the misses.

    The score of step s becomes known at step ``s + delay`` (a forecast
    ``delay`` days ahead learns its outcome ``delay`` days later). Starting from
    ``alpha = 1 - coverage``, at each step t in time order:

    1. if step ``s = t - delay`` exists, its score is now known: with
       ``err_s = 1`` if ``scores[s] > q[s]`` else 0, the level moves to
       ``alpha + gamma * ((1 - coverage) - err_s)`` (down after a miss, up after
       a hit);
    2. ``q[t]`` is :func:`conformal_quantile` of the known scores (the
       calibration scores and ``scores[s]`` for every ``s <= t - delay``) at
       coverage ``1 - alpha``. ``alpha`` may leave (0, 1): at ``alpha <= 0`` the
       threshold is ``inf`` (the whole line, a sure hit), at ``alpha >= 1`` it
       is ``-inf`` (an empty band, a sure miss). That keeps ``alpha`` within
       about ``[-delay gamma, 1 + delay gamma]``.

    Nothing at step t depends on a score after ``t - delay``. With ``delay =
    1`` the share of misses over m steps is within ``(max(alpha_1, 1 - alpha_1)
    + gamma) / (gamma m)`` of ``1 - coverage`` for any sequence of scores
    (Gibbs and Candès 2021, with ``alpha_1 = 1 - coverage``): a larger
    ``gamma`` follows a change faster and gives a noisier threshold.

    Parameters
    ----------
    scores : array-like, shape (m,)
        The test scores in time order. NaN only at the end, for steps whose
        outcome is past the data: they are never used, but get a threshold.
    calibration : array-like, shape (n0,)
        Scores known before the first test step; finite, ``n0 >= 1``.
    coverage : float
        Target share of hits, between 0 and 1 (exclusive).
    gamma : float
        Step size of the level, positive.
    delay : int, default 1
        Steps until a score becomes known, at least 1.

    Returns
    -------
    q : np.ndarray, shape (m,)
        The threshold of each step (may be ``inf`` or ``-inf``).
    alpha : np.ndarray, shape (m,)
        The level ``alpha[t]`` used for ``q[t]``.
    """
    target = 1.0 - _check_coverage(coverage)
    if not (math.isfinite(gamma) and gamma > 0):
        raise ValueError(f"gamma must be a positive number, got {gamma}")
    delay = _check_whole(delay, "delay", 1)
    (calib,) = _vectors(calibration=calibration)
    test = _test_scores(scores)
    known_until = int(np.sum(~np.isnan(test)))  # steps < known_until have a score

    q, alphas = np.empty(len(test)), np.empty(len(test))
    alpha = target
    for t in range(len(test)):
        s = t - delay  # the step whose score becomes known now
        if 0 <= s < known_until:
            alpha += gamma * (target - float(test[s] > q[s]))
        alphas[t] = alpha
        seen = test[: max(0, min(s + 1, known_until))]
        q[t] = _threshold(np.concatenate((calib, seen)), 1.0 - alpha)
    return q, alphas
