"""The report's other literature designs, beyond its own Keras model (the first half of the literature and walk-forward lesson).

- The networks of Solution 2 (Castilla) are :data:`lstm_helpers.models.CASTILLA`
  and :data:`~lstm_helpers.models.CASTILLA_CLASSIFIER`; the classifier's labels are
  :func:`lstm_helpers.forecasting.up_labels`.
- :func:`classification_scores`: "up" calls scored against the best constant
  answer (always up or always not up), with a binomial test.
- :func:`fraction_split_end`: the last training day of a chronological split
  by fraction (Solution 4's 75:25).

Walk-forward evaluation is :mod:`lstm_helpers.walkforward`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def classification_scores(up: np.ndarray, proba: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy of "up" calls against the base rate, with a one-sided binomial test.

    Parameters
    ----------
    up : ndarray, shape (n,)
        1.0 where tomorrow's value was above today's, else 0.0.
    proba : ndarray, shape (n,)
        Predicted probability of "up".
    threshold : float, default 0.5
        Call "up" when ``proba > threshold``.

    Returns
    -------
    dict
        ``accuracy``; ``balanced_accuracy`` (mean of the hit rates on up days and
        on the other days; 0.5 for any constant answer); ``base_rate_up`` (share
        of up days = accuracy of always answering "up"); ``best_constant`` (the
        better of always up / always not up); ``share_called_up``; ``p_value``
        of a binomial test that the accuracy exceeds ``best_constant``; ``n``.
    """
    up = np.asarray(up, dtype=float).ravel()
    proba = np.asarray(proba, dtype=float).ravel()
    if up.shape != proba.shape or up.size == 0:
        raise ValueError(f"up and proba must be non-empty and of equal length, got {up.shape} and {proba.shape}")
    called = proba > threshold
    truth = up > 0.5
    correct = int((called == truth).sum())
    n = len(up)
    hit_up = called[truth].mean() if truth.any() else np.nan
    hit_down = (~called[~truth]).mean() if (~truth).any() else np.nan
    base = float(truth.mean())
    best = max(base, 1.0 - base)
    return {
        "accuracy": correct / n,
        "balanced_accuracy": float(np.nanmean([hit_up, hit_down])),
        "base_rate_up": base,
        "best_constant": best,
        "share_called_up": float(called.mean()),
        "p_value": float(stats.binomtest(correct, n, best, alternative="greater").pvalue),
        "n": n,
    }


def fraction_split_end(index: pd.DatetimeIndex, fraction: float = 0.75) -> pd.Timestamp:
    """The last training day of a chronological split that trains on ``fraction`` of the days."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    if len(index) < 2:
        raise ValueError("need at least two days to split")
    return index[int(np.floor(fraction * len(index))) - 1]
