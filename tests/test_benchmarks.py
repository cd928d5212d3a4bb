"""Tests of lstm_helpers.evaluation.benchmarks: drift, AR on returns, the Close-based
forecast; no look-ahead."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.evaluation.benchmarks import (
    AR_NAME,
    ar_returns,
    benchmark_forecasts,
    close_based,
    close_based_recent,
    dollar_drift,
    fit_ar_returns,
)


@pytest.fixture(scope="module")
def frame():
    days = pd.bdate_range("2014-01-01", "2017-12-29")
    rng = np.random.default_rng(3)
    close = 50 * np.exp(np.cumsum(rng.normal(0.0005, 0.01, len(days))))
    high = close * (1 + np.abs(rng.normal(0.004, 0.003, len(days))))
    return pd.DataFrame({"High": high, "Close": close}, index=days)


def test_drift_worked_by_hand():
    days = pd.bdate_range("2017-01-02", periods=5)
    s = pd.Series([10.0, 12.0, 14.0, 20.0, 21.0], index=days)
    f = dollar_drift(s, days[2])  # training 10, 12, 14: mean change 2
    assert np.isnan(f.iloc[0])
    np.testing.assert_allclose(f.iloc[1:], [12.0, 14.0, 16.0, 22.0])


def test_ar_recovers_a_known_autoregression():
    rng = np.random.default_rng(0)
    n = 4000
    r = np.zeros(n)
    for t in range(2, n):
        r[t] = 0.0002 + 0.4 * r[t - 1] - 0.2 * r[t - 2] + rng.normal(0, 0.01)
    s = pd.Series(
        100 * np.exp(np.cumsum(r)), index=pd.bdate_range("2000-01-03", periods=n)
    )
    fit = fit_ar_returns(s, s.index[3000], max_order=6)
    assert fit.order == 2
    np.testing.assert_allclose(fit.coef[1:], [0.4, -0.2], atol=0.05)
    forecast, _ = ar_returns(s, s.index[3000], max_order=6)
    t = 3500  # the forecast of day t from the prices up to t - 1, by hand
    lr = np.diff(np.log(s.to_numpy()))
    by_hand = s.iloc[t - 1] * np.exp(
        fit.coef[0] + fit.coef[1] * lr[t - 2] + fit.coef[2] * lr[t - 3]
    )
    assert forecast.iloc[t] == pytest.approx(by_hand)


def test_close_based_worked_by_hand():
    days = pd.bdate_range("2017-01-02", periods=4)
    f = pd.DataFrame(
        {"Close": [10.0, 20.0, 10.0, 30.0], "High": [11.0, 22.0, 30.0, 31.0]},
        index=days,
    )
    # training days 0..2: High / Close = 1.1, 1.1, 3.0 -> mean 5.2 / 3
    out = close_based(f, days[2])
    assert np.isnan(out.iloc[0])
    np.testing.assert_allclose(out.iloc[1:], np.array([10.0, 20.0, 10.0]) * 5.2 / 3)
    with pytest.raises(ValueError, match="'Close' column"):
        close_based(f.drop(columns="Close"), days[2])


def test_close_based_recent_worked_by_hand():
    days = pd.bdate_range("2017-01-02", periods=5)
    f = pd.DataFrame(
        {
            "Close": [10.0, 20.0, 10.0, 30.0, 40.0],
            "High": [11.0, 22.0, 30.0, 33.0, 44.0],
        },
        index=days,
    )
    # ratios 1.1, 1.1, 3.0, 1.1, 1.1; with 2 days the forecast of day t is Close[t-1] *
    # mean(ratio[t-2], ratio[t-1])
    out = close_based_recent(f, "High", days=2)
    assert out.iloc[:2].isna().all()
    np.testing.assert_allclose(
        out.iloc[2:], [20.0 * 1.1, 10.0 * (1.1 + 3.0) / 2, 30.0 * (3.0 + 1.1) / 2]
    )
    assert out.name == "High from Close (2-day ratio)"
    with pytest.raises(ValueError, match="at least 1"):
        close_based_recent(f, "High", days=0)


@pytest.mark.parametrize("name", ["drift", "ar", "close", "recent"])
def test_a_test_period_price_changes_no_earlier_forecast_and_no_parameter(frame, name):
    def run(fr):
        if name == "drift":
            return dollar_drift(fr["High"], "2016")
        if name == "ar":
            return ar_returns(fr["High"], "2016")[0]
        if name == "recent":
            return close_based_recent(fr, "High")
        return close_based(fr, "2016")

    base = run(frame)
    changed = frame.copy()
    day = changed.index.get_loc(pd.Timestamp("2017-06-15"))
    changed.iloc[day] = changed.iloc[day] * 3  # High and Close of one test day
    after = run(changed)
    # up to and including that day
    pd.testing.assert_series_equal(base.iloc[: day + 1], after.iloc[: day + 1])
    # the next day reads it
    assert not np.isclose(base.iloc[day + 1], after.iloc[day + 1])


def test_one_list_of_benchmarks_with_the_same_names_everywhere(frame):
    days = frame.loc["2017"].index
    found = benchmark_forecasts(frame, "High", "2016", days)
    rules = ["High from Close (training-years ratio)", "High from Close (60-day ratio)"]
    assert list(found.forecasts) == ["drift", AR_NAME, *rules] and found.left_out == {}
    assert found.fair_rule == rules[1]
    pd.testing.assert_series_equal(
        found.forecasts["drift"], dollar_drift(frame["High"], "2016").loc[days]
    )
    forecast, fit = ar_returns(frame["High"], "2016")
    pd.testing.assert_series_equal(found.forecasts[AR_NAME], forecast.loc[days])
    assert found.ar_order == fit.order
    # the Close-based one only when there is a Close and the target is another column
    assert list(benchmark_forecasts(frame, "Close", "2016", days).forecasts) == [
        "drift",
        AR_NAME,
    ]
    no_close = benchmark_forecasts(frame[["High"]], "High", "2016", days)
    assert list(no_close.forecasts) == ["drift", AR_NAME] and no_close.fair_rule is None


def test_a_benchmark_that_cannot_forecast_a_day_is_left_out_and_said(frame):
    days = frame.loc["2017"].index
    holed = frame.copy()
    holed.loc[days[10], "Close"] = np.nan  # the next day has no Close-based forecast
    found = benchmark_forecasts(holed, "High", "2016", days)
    # the training-years rule lacks the day after the hole; the 60-day rule lacks the 60
    # days after it
    assert found.left_out == {
        "High from Close (training-years ratio)": 1,
        "High from Close (60-day ratio)": 60,
    }
    assert found.fair_rule is None and list(found.forecasts) == ["drift", AR_NAME]
    assert found.notes("SYN")[0] == (
        "SYN: High from Close (training-years ratio) left out "
        "(1 test day(s) without a forecast)"
    )
    with pytest.raises(ValueError, match="not in the prices"):
        benchmark_forecasts(
            frame, "High", "2016", days.append(pd.DatetimeIndex(["2031-01-02"]))
        )
