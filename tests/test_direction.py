"""Tests of lstm_helpers.direction: direction calls against the best constant answer."""

import numpy as np
import pytest

from lstm_helpers.direction import constant_directions, direction_test
from lstm_helpers.metrics import directional_accuracy

# --------------------------------------------------------------------------
# Direction calls against the best constant answer
# --------------------------------------------------------------------------


def test_constant_directions_leave_ties_out_like_directional_accuracy():
    previous = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 10.0])
    actual = np.array([11.0, 9.0, 9.0, 10.0, 8.0, 10.0])  # up, down, down, tie, down, tie
    n, share_up = constant_directions(actual, previous)
    assert (n, share_up) == (4, 0.25)
    # the constant answers scored by the metric agree with the shares, ties counted the same way
    assert directional_accuracy(actual, previous + 1.0, previous) == share_up
    assert directional_accuracy(actual, previous - 1.0, previous) == 1.0 - share_up
    with pytest.raises(ValueError, match="no day has a direction"):
        constant_directions(previous, previous)


def test_direction_test_bar_is_the_best_constant_answer_worked_by_hand():
    # 10 moving days, 7 down: always "down" scores 0.7, the bar. A forecast right on 9 of 10:
    previous = np.full(11, 100.0)
    actual = previous + np.array([1, 1, 1, -1, -1, -1, -1, -1, -1, -1, 0], dtype=float)
    forecast = previous - 1.0
    forecast[:2] = 101.0  # right on the first two up days, wrong on the third; right on every down day
    result = direction_test(actual, forecast, previous)
    assert result.n == 10 and result.accuracy == 0.9 and result.best_answer == "down"
    assert result.best_constant == pytest.approx(0.7)
    # P(X >= 9) for X ~ Binomial(10, 0.7) = 10 * 0.7^9 * 0.3 + 0.7^10
    assert result.p_value == pytest.approx(10 * 0.7**9 * 0.3 + 0.7**10)
    # always "down" itself is not better than the bar
    assert direction_test(actual, previous - 1.0, previous).p_value > 0.5
