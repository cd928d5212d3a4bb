"""Direction calls against a constant answer chosen before the test, with a binomial
test.

A direction score (:func:`lstm_helpers.evaluation.metrics.directional_accuracy`) means
something only beside what a forecaster gets without looking at the test days:
always answering "up" scores the share of up days, always answering "down" the
rest. Which of the two a forecaster would pick must be decided *before* the
test period, from the training years: the constant that was right more often
there (:func:`share_up` of the training prices). That choice's score on the
test days is **the bar** the binomial test is run against. The better of the
two constants on the test days themselves is shown beside it as the
**hindsight** constant: an upper reference that no forecaster could have
chosen in advance, never a bar to test against.

One rule for days without a move, everywhere: a day on which the price did not
move has no direction to get right and is left out (of the score, of the
shares, of the bars); on the other days a call of "no move" is wrong.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lstm_helpers.evaluation.input_checks import _vectors

__all__ = [
    "DirectionTest",
    "calls_test",
    "constant_directions",
    "direction_test",
    "share_up",
]


class DirectionTest(NamedTuple):
    """Result of :func:`direction_test` and :func:`calls_test`."""

    accuracy: float
    """Share of the moving days whose direction the calls got right."""
    n: int
    """Days on which the actual value moved (days without a move are left out)."""
    share_up: float
    """Share of those days that went up: the score of always answering "up"."""
    answer: str
    """The constant answer chosen on the training years: ``"up"`` if they went up at
    least as often as down."""
    bar: float
    """That answer's score on the test days: the bar of the test."""
    p_value: float
    """One-sided binomial p-value: the chance that calls right with probability ``bar``
    on each day get at least as many days right."""
    hindsight: float
    """The better constant on the test days themselves, ``max(share_up, 1 - share_up)``:
    an upper reference chosen after seeing them, not a bar."""
    hindsight_answer: str
    """``"up"`` or ``"down"``, whichever constant scores ``hindsight``."""


def constant_directions(actual: ArrayLike, previous: ArrayLike) -> tuple[int, float]:
    """How many days moved, and the share of them that went up (days without a move left
    out).

    ``share_up`` is the directional accuracy of always answering "up", and
    ``1 - share_up`` that of always answering "down".
    """
    a, p = _vectors(actual=actual, previous=previous)
    move = np.sign(a - p)
    moved = move != 0
    if not moved.any():
        raise ValueError(
            "actual never differs from previous: no day has a direction to forecast"
        )
    return int(moved.sum()), float(np.mean(move[moved] > 0))


def share_up(prices: ArrayLike) -> float:
    """The share of a price series' moving days that went up: how to choose the constant
    answer.

    Parameters
    ----------
    prices : array-like, shape (n,)
        Consecutive prices, e.g. the training years' ``High`` (NaN not allowed).
    """
    values = np.asarray(prices, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(
            "share_up needs a 1-D series of at least two prices, "
            f"got shape {values.shape}"
        )
    return constant_directions(values[1:], values[:-1])[1]


def calls_test(
    actual: ArrayLike, previous: ArrayLike, calls: ArrayLike, train_share_up: float
) -> DirectionTest:
    """Direction calls (+1 up, -1 down, 0 no move) scored and tested against the
    training years' constant.

    Parameters
    ----------
    actual, previous : array-like, shape (n,)
        Each day's value and the value of the day before.
    calls : array-like, shape (n,)
        The direction called for each day: the sign of ``forecast - previous``
        for a price forecast, +1 or -1 for a classifier.
    train_share_up : float
        :func:`share_up` of the training prices: "up" is the constant answer
        if it is at least 0.5, else "down".

    Returns
    -------
    DirectionTest
    """
    a, p, c = _vectors(actual=actual, previous=previous, calls=calls)
    if not 0.0 <= train_share_up <= 1.0:
        raise ValueError(
            f"train_share_up must be a share between 0 and 1, got {train_share_up}"
        )
    n, up = constant_directions(a, p)
    moved = a != p
    correct = int(np.sum(np.sign(c[moved]) == np.sign(a[moved] - p[moved])))
    answer = "up" if train_share_up >= 0.5 else "down"
    bar = up if answer == "up" else 1.0 - up
    p_value = float(stats.binomtest(correct, n, bar, alternative="greater").pvalue)
    hindsight = max(up, 1.0 - up)
    return DirectionTest(
        correct / n,
        n,
        up,
        answer,
        bar,
        p_value,
        hindsight,
        "up" if up >= 0.5 else "down",
    )


def direction_test(
    actual: ArrayLike, forecast: ArrayLike, previous: ArrayLike, train_share_up: float
) -> DirectionTest:
    """A price forecast's direction calls against the constant answer chosen on the
    training years.

    The calls are ``sign(forecast - previous)``, scored as
    :func:`lstm_helpers.evaluation.metrics.directional_accuracy` scores them (the same
    accuracy). The p-value is the chance that a forecaster right with
    probability ``bar`` on each of the ``n`` moving days, independently, gets
    at least as many right as this forecast did.

    Parameters
    ----------
    actual, forecast, previous : array-like, shape (n,)
        As for :func:`lstm_helpers.evaluation.metrics.directional_accuracy`.
    train_share_up : float
        :func:`share_up` of the training prices.

    Returns
    -------
    DirectionTest
    """
    a, f, p = _vectors(actual=actual, forecast=forecast, previous=previous)
    return calls_test(a, p, np.sign(f - p), train_share_up)
