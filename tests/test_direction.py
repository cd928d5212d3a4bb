"""Tests of lstm_helpers.evaluation.direction: direction calls against the constant
chosen on the training years."""

import numpy as np
import pytest

from lstm_helpers.evaluation.direction import (
    calls_test,
    constant_directions,
    direction_test,
    share_up,
)
from lstm_helpers.evaluation.metrics import directional_accuracy


def test_constant_directions_leave_ties_out_like_directional_accuracy():
    previous = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 10.0])
    # up, down, down, tie, down, tie
    actual = np.array([11.0, 9.0, 9.0, 10.0, 8.0, 10.0])
    n, up = constant_directions(actual, previous)
    assert (n, up) == (4, 0.25)
    # the constant answers scored by the metric agree with the shares, ties counted the
    # same way
    assert directional_accuracy(actual, previous + 1.0, previous) == up
    assert directional_accuracy(actual, previous - 1.0, previous) == 1.0 - up
    with pytest.raises(ValueError, match="no day has a direction"):
        constant_directions(previous, previous)


def test_share_up_of_a_price_series_leaves_days_without_a_move_out():
    # up, tie, up, down
    assert share_up([10.0, 11.0, 11.0, 12.0, 11.0]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="at least two prices"):
        share_up([10.0])


# 10 moving days, 7 down, and a day without a move
PREVIOUS = np.full(11, 100.0)
ACTUAL = PREVIOUS + np.array([1, 1, 1, -1, -1, -1, -1, -1, -1, -1, 0], dtype=float)


def test_the_bar_is_the_constant_chosen_on_the_training_years_worked_by_hand():
    forecast = PREVIOUS - 1.0
    # right on the first two up days, wrong on the third; right on every down day
    forecast[:2] = 101.0
    # training years that went up more often: the constant is "up", right on 3 of 10
    # test days
    result = direction_test(ACTUAL, forecast, PREVIOUS, train_share_up=0.51)
    assert result.n == 10 and result.accuracy == 0.9
    assert result.answer == "up" and result.bar == pytest.approx(0.3)
    # beside it, not tested
    assert result.hindsight_answer == "down" and result.hindsight == pytest.approx(0.7)
    # P(X >= 9) for X ~ Binomial(10, 0.3)
    assert result.p_value == pytest.approx(10 * 0.3**9 * 0.7 + 0.3**10)
    # training years that went down more often: the bar is "down", 0.7, and P(X >= 9)
    # for Binomial(10, 0.7)
    down = direction_test(ACTUAL, forecast, PREVIOUS, train_share_up=0.49)
    assert down.bar == pytest.approx(0.7) and down.p_value == pytest.approx(
        10 * 0.7**9 * 0.3 + 0.7**10
    )
    # the constant itself does not beat its own bar
    assert direction_test(ACTUAL, PREVIOUS - 1.0, PREVIOUS, 0.49).p_value > 0.5
    with pytest.raises(ValueError, match="between 0 and 1"):
        direction_test(ACTUAL, forecast, PREVIOUS, train_share_up=51.0)


def test_calls_are_scored_like_the_metric_and_a_no_move_call_is_wrong():
    forecast = PREVIOUS + np.array(
        [1, -1, 0, -1, -1, 1, -1, -1, -1, -1, 1], dtype=float
    )
    by_forecast = direction_test(ACTUAL, forecast, PREVIOUS, 0.5)
    assert (
        by_forecast.accuracy == directional_accuracy(ACTUAL, forecast, PREVIOUS) == 0.7
    )
    by_calls = calls_test(ACTUAL, PREVIOUS, np.sign(forecast - PREVIOUS), 0.5)
    assert by_calls == by_forecast
