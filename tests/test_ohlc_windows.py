"""Tests of lstm_helpers.lessons.ohlc_windows: four prices per day, relative to the last
Close."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.windows import report_windows
from lstm_helpers.evaluation.benchmarks import close_based, close_based_recent
from lstm_helpers.lessons.ohlc_windows import ohlc_windows, rule_share


@pytest.fixture(scope="module")
def frame():
    days = pd.bdate_range("2015-01-01", "2017-12-29")
    rng = np.random.default_rng(4)
    close = 30 * np.exp(np.cumsum(rng.normal(0.0004, 0.012, len(days))))
    open_ = close * np.exp(rng.normal(0, 0.004, len(days)))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.005, len(days))))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.005, len(days))))
    return pd.DataFrame(
        {"Open": open_, "High": high, "Low": low, "Close": close}, index=days
    )


def test_shapes_days_and_values(frame):
    data, filled = ohlc_windows(frame, "High", "2016", "2017", "2017", window=10)
    base = report_windows(frame["High"], "2016", "2017", "2017", window=10)
    assert (
        filled == []
        and data.X_train.shape[1:] == (10, 4)
        and data.test_dates.equals(base.test_dates)
    )
    np.testing.assert_array_equal(data.test_previous, base.test_previous)
    # the first test window: the 10 days before the first test day, over their last
    # Close, minus 1, over the scale
    first = frame.index.get_loc(data.test_dates[0])
    rows = frame.iloc[first - 10 : first][["Open", "High", "Low", "Close"]].to_numpy()
    np.testing.assert_allclose(data.X_test[0] * data.scale, rows / rows[-1, 3] - 1.0)
    np.testing.assert_allclose(
        data.reference, frame["Close"].shift(1).loc[data.test_dates].to_numpy()
    )
    # the targets map back exactly
    np.testing.assert_allclose(data.to_prices(data.y_test), data.test_actual)


def test_the_close_based_rule_is_one_constant_output(frame):
    data, _ = ohlc_windows(frame, "High", "2016", "2017", "2017", window=10)
    m = float((frame["High"] / frame["Close"]).loc[:"2016"].mean())
    rule = data.to_prices(np.full(len(data.test_dates), (m - 1.0) / data.scale))
    np.testing.assert_allclose(
        rule, close_based(frame, "2016").loc[data.test_dates].to_numpy()
    )


def test_missing_values(frame):
    gappy = frame.copy()
    gappy.loc[pd.Timestamp("2017-03-01"), "Low"] = np.nan
    data, filled = ohlc_windows(gappy, "High", "2016", "2017", "2017", window=10)
    assert filled == [pd.Timestamp("2017-03-01")] and np.isfinite(data.X_test).all()
    gappy.loc[pd.Timestamp("2017-03-02"), "Close"] = np.nan
    with pytest.raises(ValueError, match="need a Close on every day"):
        ohlc_windows(gappy, "High", "2016", "2017", "2017", window=10)
    with pytest.raises(ValueError, match="missing Open"):
        ohlc_windows(
            frame.drop(columns="Open"), "High", "2016", "2017", "2017", window=10
        )


def test_residual_windows_output_zero_is_the_60_day_rule(frame):
    data, _ = ohlc_windows(
        frame, "High", "2016", "2017", "2017", window=60, residual_days=60
    )
    plain, _ = ohlc_windows(frame, "High", "2016", "2017", "2017", window=60)
    assert data.transform == "rule_relative"
    # the same inputs
    np.testing.assert_allclose(data.X_test * data.scale, plain.X_test * plain.scale)
    rule = close_based_recent(frame, "High", 60).loc[data.test_dates].to_numpy()
    # output 0: the rule
    np.testing.assert_allclose(data.to_prices(np.zeros(len(rule))), rule)
    # the targets map back exactly
    np.testing.assert_allclose(data.to_prices(data.y_test), data.test_actual)
    with pytest.raises(
        ValueError, match="residual_days must be between 1 and the window"
    ):
        ohlc_windows(frame, "High", "2016", "2017", "2017", window=10, residual_days=60)


def test_rule_share_worked_by_hand():
    days = pd.bdate_range("2016-01-04", periods=6)
    close = pd.Series([10.0, 10.0, 10.0, 10.0, 10.0, 10.0], index=days)
    high = pd.Series([11.0, 11.0, 11.0, 11.0, 12.0, 10.0], index=days)
    frame = pd.DataFrame({"Close": close, "High": high})
    # days = 1: the rule's log forecast of day t is log(High[t-1] / Close[t-1]); y[t] =
    # log(High[t] / 10)
    y = np.log(high / 10.0).iloc[1:]
    rule = np.log(high / close).shift(1).iloc[1:]
    expected = 1 - np.mean((y - rule) ** 2) / np.var(y)
    assert rule_share(frame, "High", "2016", days=1) == pytest.approx(expected)
    with pytest.raises(ValueError, match="'Close' column"):
        rule_share(frame.drop(columns="Close"))


def test_a_gap_year_is_neither_trained_on_nor_scored_in_ohlc_windows():
    days = pd.bdate_range("2012-01-02", "2017-12-29")
    close = pd.Series(
        50 + np.cumsum(np.random.default_rng(5).normal(0, 1, len(days))), index=days
    )
    frame = pd.DataFrame(
        {"Open": close + 0.1, "High": close + 0.5, "Low": close - 0.5, "Close": close}
    )
    data, _ = ohlc_windows(frame, train_end="2015", test_start="2017", test_end="2017")
    assert data.train_dates.max() <= pd.Timestamp("2015-12-31")
    assert data.test_dates.min().year == 2017
