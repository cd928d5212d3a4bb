"""Tests of lstm_helpers.evaluation.metrics: hand-computed values, conventions and error
messages."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.evaluation.metrics import (
    METRIC_NAMES,
    directional_accuracy,
    evaluate,
    lag_correlation,
    mae,
    mape,
    mean_error,
    metrics_table,
    rmse,
    skill_vs_persistence,
)

# --------------------------------------------------------------------------- point
# metrics

ACTUAL = np.array([100.0, 102.0, 101.0, 104.0])
FORECAST = np.array([101.0, 100.0, 101.0, 106.0])  # errors f - a: +1, -2, 0, +2
PREVIOUS = np.array([99.0, 100.0, 102.0, 101.0])


def test_rmse_mae_bias_by_hand():
    # squared errors 1, 4, 0, 4 -> mean 9/4 -> rmse 1.5
    assert rmse(ACTUAL, FORECAST) == pytest.approx(1.5, abs=1e-12)
    # absolute errors 1, 2, 0, 2 -> mean 5/4
    assert mae(ACTUAL, FORECAST) == pytest.approx(1.25, abs=1e-12)
    # errors sum to +1 -> bias +0.25 (over-predicting)
    assert mean_error(ACTUAL, FORECAST) == pytest.approx(0.25, abs=1e-12)


def test_mape_is_in_percent():
    # 1/100 + 2/102 + 0/101 + 2/104, averaged, times 100
    expected = 100 * (1 / 100 + 2 / 102 + 0 + 2 / 104) / 4
    assert mape(ACTUAL, FORECAST) == pytest.approx(expected, abs=1e-12)
    assert mape([200.0], [202.0]) == pytest.approx(1.0)


def test_bias_is_negative_when_under_predicting():
    assert mean_error([10.0, 20.0], [9.0, 19.0]) == pytest.approx(-1.0)


def test_directional_accuracy_by_hand():
    # actual moves: +1, +2, -1, +3; forecast moves: +2, 0, -1, +5
    # right on days 0, 2, 3; "no move" on day 1 counts as wrong -> 3/4
    assert directional_accuracy(ACTUAL, FORECAST, PREVIOUS) == pytest.approx(0.75)


def test_directional_accuracy_excludes_days_without_actual_move():
    actual = np.array([10.0, 10.0, 12.0, 9.0, 9.0])
    previous = np.array([10.0, 11.0, 10.0, 10.0, 9.0])  # moves 0, -1, +2, -1, 0
    forecast = np.array([11.0, 10.5, 11.0, 10.5, 8.0])  # moves +1, -0.5, +1, +0.5, -1
    # days 0 and 4 are ties and left out whatever the forecast says;
    # of days 1, 2, 3 the forecast gets 1 and 2 right -> 2/3
    assert directional_accuracy(actual, forecast, previous) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="never differs"):
        directional_accuracy([5.0, 5.0], [6.0, 4.0], [5.0, 5.0])


def test_persistence_has_zero_skill_and_zero_direction():
    assert skill_vs_persistence(ACTUAL, PREVIOUS, PREVIOUS) == 0.0
    assert directional_accuracy(ACTUAL, PREVIOUS, PREVIOUS) == 0.0
    assert skill_vs_persistence(ACTUAL, ACTUAL, PREVIOUS) == 1.0


def test_skill_by_hand():
    # persistence errors -1, -2, +1, -3 -> rmse sqrt(15/4); forecast rmse 1.5
    expected = 1 - 1.5 / math.sqrt(15 / 4)
    assert skill_vs_persistence(ACTUAL, FORECAST, PREVIOUS) == pytest.approx(
        expected, abs=1e-12
    )


def test_evaluate_and_metrics_table():
    result = evaluate(ACTUAL, FORECAST, PREVIOUS)
    assert tuple(result) == METRIC_NAMES
    assert result["rmse"] == pytest.approx(1.5)
    assert result["bias"] == pytest.approx(0.25)
    # the other four, by hand as in the tests above: each name carries its own metric
    assert result["mae"] == pytest.approx(1.25, abs=1e-12)
    assert result["mape"] == pytest.approx(
        100 * (1 / 100 + 2 / 102 + 0 + 2 / 104) / 4, abs=1e-12
    )
    assert result["directional_accuracy"] == pytest.approx(0.75, abs=1e-12)
    assert result["skill"] == pytest.approx(1 - 1.5 / math.sqrt(15 / 4), abs=1e-12)
    table = metrics_table(
        ACTUAL, {"model": FORECAST, "persistence": PREVIOUS}, PREVIOUS
    )
    assert list(table.index) == ["model", "persistence"]
    assert table.index.name == "forecast"
    assert list(table.columns) == list(METRIC_NAMES)
    assert table.loc["model"].to_dict() == pytest.approx(result)
    assert table.loc["persistence", "skill"] == 0.0


def test_metrics_accept_aligned_series():
    index = pd.bdate_range("2017-01-02", periods=4)
    result = evaluate(
        pd.Series(ACTUAL, index), pd.Series(FORECAST, index), pd.Series(PREVIOUS, index)
    )
    assert result["rmse"] == pytest.approx(1.5)


# --------------------------------------------------------------------------- error
# messages


@pytest.mark.parametrize("func", [rmse, mae, mape, mean_error])
def test_two_argument_metrics_reject_bad_input(func):
    with pytest.raises(
        ValueError, match=r"length mismatch: actual has 4, forecast has 3"
    ):
        func(ACTUAL, FORECAST[:3])
    with pytest.raises(ValueError, match=r"forecast has 1 NaN .* position 2"):
        func(ACTUAL, [1.0, 2.0, np.nan, 4.0])
    with pytest.raises(ValueError, match="actual has 1 NaN"):
        func([np.nan, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="actual is empty"):
        func([], [])
    with pytest.raises(ValueError, match="one-dimensional"):
        func(np.ones((2, 2)), np.ones((2, 2)))


@pytest.mark.parametrize("func", [directional_accuracy, skill_vs_persistence, evaluate])
def test_three_argument_metrics_reject_bad_input(func):
    with pytest.raises(ValueError, match="previous has 3"):
        func(ACTUAL, FORECAST, PREVIOUS[:3])
    with pytest.raises(ValueError, match="previous has 1 NaN"):
        func(ACTUAL, FORECAST, [np.nan, 1.0, 1.0, 1.0])


def test_series_with_different_indexes_are_refused():
    a = pd.Series(ACTUAL, index=pd.bdate_range("2017-01-02", periods=4))
    f = pd.Series(FORECAST, index=pd.bdate_range("2017-01-03", periods=4))
    with pytest.raises(ValueError, match="different indexes"):
        rmse(a, f)


def test_mape_rejects_zero_actual():
    with pytest.raises(ValueError, match="actual is 0 at position 1"):
        mape([1.0, 0.0], [1.0, 1.0])


def test_skill_rejects_perfect_persistence():
    with pytest.raises(ValueError, match="persistence has zero error"):
        skill_vs_persistence([1.0, 2.0], [1.5, 2.5], [1.0, 2.0])


def test_metrics_table_names_the_bad_forecast():
    with pytest.raises(ValueError, match=r"forecast 'broken': .*NaN"):
        metrics_table(
            ACTUAL, {"ok": FORECAST, "broken": [1.0, np.nan, 1.0, 1.0]}, PREVIOUS
        )
    with pytest.raises(ValueError, match="forecasts is empty"):
        metrics_table(ACTUAL, {}, PREVIOUS)


# --------------------------------------------------------------------------- lag
# correlation


def test_lag_correlation_of_persistence_peaks_at_one():
    rng = np.random.default_rng(1)
    prices = 100 + np.cumsum(rng.normal(size=300))
    actual, previous = prices[1:], prices[:-1]
    corr = lag_correlation(actual, previous, max_lag=3)
    assert list(corr.index) == [-3, -2, -1, 0, 1, 2, 3]
    assert corr.index.name == "lag"
    assert corr.idxmax() == 1
    assert corr.loc[1] == pytest.approx(1.0, abs=1e-12)
    # on daily changes the other lags are near zero
    changes = np.diff(prices)
    corr_changes = lag_correlation(changes[1:], changes[:-1], max_lag=3)
    assert corr_changes.loc[1] == pytest.approx(1.0, abs=1e-12)
    assert corr_changes.drop(1).abs().max() < 0.25


def test_lag_correlation_sign_convention():
    x = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0, 9.0])
    # forecast[t] = actual[t + 2] (a forecast that "knows the future") peaks at k = -2
    corr = lag_correlation(x[:-2], x[2:], max_lag=2)
    assert corr.loc[-2] == pytest.approx(1.0, abs=1e-12)
    assert corr.loc[0] == pytest.approx(np.corrcoef(x[:-2], x[2:])[0, 1], abs=1e-12)


def test_lag_correlation_rejects_bad_max_lag():
    with pytest.raises(ValueError, match="max_lag=5 is too large for 6 values"):
        lag_correlation(np.arange(6.0), np.arange(6.0) ** 2, max_lag=5)
    with pytest.raises(ValueError, match="max_lag must be at least 0"):
        lag_correlation(np.arange(6.0), np.arange(6.0), max_lag=-1)
    with pytest.raises(ValueError, match="constant"):
        lag_correlation(np.arange(6.0), np.ones(6), max_lag=1)
