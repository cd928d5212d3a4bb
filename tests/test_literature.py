"""Tests of lstm_helpers.lessons.literature: Solution 2's "will it rise?" scores and
Solution 4's split."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lstm_helpers.lessons.literature import (
    classification_scores,
    fraction_split_end,
    purged_neighbours,
)


def test_classification_scores_by_hand():
    # the last day does not move
    up = np.array([1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0], dtype=float)
    previous = np.full(11, 10.0)
    actual = previous + np.where(up > 0, 1.0, -1.0)
    actual[-1] = previous[-1]
    proba = np.array([0.9, 0.8, 0.2, 0.1, 0.6, 0.7, 0.4, 0.6, 0.3, 0.9, 0.9])
    s = classification_scores(actual, previous, proba, train_share_up=0.6)
    # Moving days: calls up T T F F T T F T F T -> correct on 1,2,4,6,7,8,10 = 7 of 10;
    # day 11 left out.
    assert s["accuracy"] == pytest.approx(0.7) and s["n"] == 10
    # Hit rate on up days 5/7, on the down days 2/3.
    assert s["balanced_accuracy"] == pytest.approx((5 / 7 + 2 / 3) / 2)
    # training years mostly up: the bar is always "up", right on 7 of 10 here (also the
    # hindsight constant)
    assert s["base_rate_up"] == pytest.approx(0.7) and s["bar"] == pytest.approx(0.7)
    assert s["hindsight"] == pytest.approx(0.7)
    assert s["p_value"] == pytest.approx(stats.binom.sf(6, 10, 0.7))
    assert s["share_called_up"] == pytest.approx(0.6)
    # training years mostly down: the bar is always "down", right on 3 of 10; the
    # hindsight stays 0.7
    d = classification_scores(actual, previous, proba, train_share_up=0.4)
    assert d["bar"] == pytest.approx(0.3) and d["hindsight"] == pytest.approx(0.7)
    assert d["p_value"] == pytest.approx(stats.binom.sf(6, 10, 0.3))
    always_up = classification_scores(actual, previous, np.ones(11), 0.6)
    assert (
        always_up["accuracy"] == pytest.approx(0.7)
        and always_up["balanced_accuracy"] == 0.5
    )
    with pytest.raises(ValueError, match="length mismatch"):
        classification_scores(actual, previous, proba[:3], 0.6)


def test_fraction_split_end():
    index = pd.bdate_range("2020-01-01", periods=8)
    assert fraction_split_end(index, 0.75) == index[5]  # 6 training days of 8
    with pytest.raises(ValueError, match="between 0 and 1"):
        fraction_split_end(index, 1.0)


def test_purged_neighbours_skip_training_windows_close_in_time():
    days = np.arange(40)
    # a window's only feature grows with its day: the nearest windows are the nearest
    # days
    X = (days**1.5)[:, None]
    y = days.astype(float) * 10
    test = np.array([20])
    train = np.setdiff1d(days, test)
    # by hand: distances from day 20 in X grow with |day - 20|, a little faster after it
    # than before
    plain = purged_neighbours(X[train], y[train], train, X[test], test, k=5, gap=0)
    purged = purged_neighbours(X[train], y[train], train, X[test], test, k=5, gap=3)
    # the five nearest days
    assert plain[0] == pytest.approx(10 * (19 + 21 + 18 + 22 + 17) / 5)
    # none within 3 days of day 20
    assert purged[0] == pytest.approx(10 * (16 + 24 + 15 + 25 + 14) / 5)
    with pytest.raises(ValueError, match="fewer than 5"):
        purged_neighbours(
            X[train][:8], y[train][:8], train[:8], X[test], test, k=5, gap=30
        )
