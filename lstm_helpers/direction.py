"""Direction calls against the best constant answer, with a binomial test.

A direction score (:func:`lstm_helpers.metrics.directional_accuracy`) means
something only beside what a forecaster gets without looking: always answering
"up" scores the share of up days, always answering "down" the rest. The bar is
the better of the two, not a coin's 0.5. Days on which the price did not move
are left out of both, the same way.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lstm_helpers.input_checks import _vectors
from lstm_helpers.metrics import directional_accuracy

__all__ = ["DirectionTest", "constant_directions", "direction_test"]


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
