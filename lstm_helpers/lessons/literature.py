"""The report's other literature designs, beyond its own Keras model (the first half of
the literature and walk-forward lesson).

- The networks of Solution 2 (Castilla) are
  :data:`lstm_helpers.models.stack_model.CASTILLA` and
  :data:`~lstm_helpers.models.stack_model.CASTILLA_CLASSIFIER`; the classifier's labels
  are :func:`lstm_helpers.training.forecasting.up_labels`.
- :func:`classification_scores`: "up" calls scored against the constant answer
  chosen on the training years, with a binomial test (the best constant of the
  test days beside it, as hindsight).
- :func:`fraction_split_end`: the last training day of a chronological split
  by fraction (Solution 4's 75:25).

Walk-forward evaluation is :mod:`lstm_helpers.lessons.walkforward`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_helpers.evaluation.direction import calls_test


def classification_scores(
    actual: np.ndarray,
    previous: np.ndarray,
    proba: np.ndarray,
    train_share_up: float,
    threshold: float = 0.5,
) -> dict[str, float]:
    """A classifier's "up" calls against the constant chosen on the training years, with
    a binomial test.

    Scored like every direction call of the course
    (:func:`lstm_helpers.evaluation.direction.calls_test`): days without a move are left
    out, the bar is the constant answer the training years favour, and the best constant
    of the test days is shown beside it as hindsight.

    Parameters
    ----------
    actual, previous : ndarray, shape (n,)
        Each test day's value and the value of the day before.
    proba : ndarray, shape (n,)
        Predicted probability of "up".
    train_share_up : float
        :func:`lstm_helpers.evaluation.direction.share_up` of the training prices.
    threshold : float, default 0.5
        Call "up" when ``proba > threshold``, else "down".

    Returns
    -------
    dict
        ``accuracy``; ``balanced_accuracy`` (mean of the hit rates on up days and
        on down days; 0.5 for any constant answer); ``base_rate_up`` (share of up
        days = accuracy of always answering "up"); ``bar`` (the training years'
        constant on the test days) and ``p_value`` of a binomial test that the
        accuracy exceeds it; ``hindsight`` (the better constant on the test
        days, a reference only); ``share_called_up``; ``n`` (days with a move).
    """
    proba = np.asarray(proba, dtype=float).ravel()
    calls = np.where(proba > threshold, 1.0, -1.0)
    result = calls_test(actual, previous, calls, train_share_up)
    moved = np.asarray(actual, dtype=float) != np.asarray(previous, dtype=float)
    truth = (np.asarray(actual, dtype=float) > np.asarray(previous, dtype=float))[moved]
    called = calls[moved] > 0
    hit_up = called[truth].mean() if truth.any() else np.nan
    hit_down = (~called[~truth]).mean() if (~truth).any() else np.nan
    return {
        "accuracy": result.accuracy,
        "balanced_accuracy": float(np.nanmean([hit_up, hit_down])),
        "base_rate_up": result.share_up,
        "bar": result.bar,
        "p_value": result.p_value,
        "hindsight": result.hindsight,
        "share_called_up": float(called.mean()),
        "n": result.n,
    }


def fraction_split_end(index: pd.DatetimeIndex, fraction: float = 0.75) -> pd.Timestamp:
    """The last training day of a chronological split that trains on ``fraction`` of the
    days."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    if len(index) < 2:
        raise ValueError("need at least two days to split")
    return index[int(np.floor(fraction * len(index))) - 1]


def purged_neighbours(
    X_train: np.ndarray,
    y_train: np.ndarray,
    train_days: np.ndarray,
    X_test: np.ndarray,
    test_days: np.ndarray,
    k: int = 5,
    gap: int = 5,
) -> np.ndarray:
    """A k-nearest-neighbours forecast that may not use training windows within ``gap``
    days of the test window.

    For each test window, the ``k`` nearest training windows (Euclidean
    distance) are taken among those whose position differs from the test
    window's by more than ``gap`` days, and their targets averaged: a *purged*
    split, which removes the overlap of neighbouring windows while keeping the
    same test days as the shuffled split it purges.

    Parameters
    ----------
    X_train, X_test : ndarray, shapes (n, d) and (m, d)
    y_train : ndarray, shape (n,)
    train_days, test_days : ndarray of int, shapes (n,) and (m,)
        Each window's position in the series.
    k : int, default 5
    gap : int, default 5
        Training windows with ``|train_day - test_day| <= gap`` are left out.

    Returns
    -------
    ndarray, shape (m,)
    """
    from sklearn.neighbors import NearestNeighbors

    # enough candidates to keep k after the purge
    wanted = min(len(y_train), k + 2 * gap + 1)
    found = (
        NearestNeighbors(n_neighbors=wanted)
        .fit(X_train)
        .kneighbors(X_test, return_distance=False)
    )
    far = np.abs(train_days[found] - test_days[:, None]) > gap
    keep = far & (np.cumsum(far, axis=1) <= k)
    if (keep.sum(axis=1) < k).any():
        raise ValueError(
            f"fewer than {k} training windows lie more than {gap} "
            "days from some test window"
        )
    return (y_train[found] * keep).sum(axis=1) / k
