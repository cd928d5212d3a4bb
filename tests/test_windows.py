"""Tests of lstm_helpers.data.windows: the report's scaling and windows."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.prices import DataWarning
from lstm_helpers.data.tickers import load_ticker
from lstm_helpers.data.windows import report_windows, sliding_windows, variant_windows


def test_sliding_windows_shapes_and_values():
    X, y = sliding_windows(np.arange(10.0), 3)
    assert X.shape == (7, 3, 1) and y.shape == (7,)
    assert X[0, :, 0].tolist() == [0, 1, 2] and y[0] == 3
    assert X[-1, :, 0].tolist() == [6, 7, 8] and y[-1] == 9
    with pytest.raises(ValueError, match="too short"):
        sliding_windows(np.arange(3.0), 3)
    with pytest.raises(ValueError, match="1-D"):
        sliding_windows(np.zeros((3, 2)), 1)


@pytest.fixture(scope="module")
def ibm():
    with pytest.warns(DataWarning):
        return load_ticker("IBM")


def test_report_protocol_on_ibm(ibm):
    data = report_windows(ibm["High"])
    n_train_days = len(ibm.loc[:"2016"])
    assert data.X_train.shape == (n_train_days - 60, 60, 1)
    # every 2017 day gets a forecast
    assert data.X_test.shape == (len(ibm.loc["2017"]), 60, 1)
    assert data.test_dates[0] == pd.Timestamp("2017-01-03")
    # The scaler saw only the training years.
    train = ibm["High"].loc[:"2016"]
    assert (
        data.scaler.data_min_[0] == train.min()
        and data.scaler.data_max_[0] == train.max()
    )
    assert data.y_train.min() == 0.0 and data.y_train.max() <= 1.0
    # The first test window is the last 60 training days.
    np.testing.assert_allclose(
        data.inverse(data.X_test[0, :, 0]), train.iloc[-60:].to_numpy()
    )
    np.testing.assert_allclose(data.inverse(data.y_test), data.test_actual)
    assert data.test_previous[0] == train.iloc[-1]
    np.testing.assert_array_equal(data.test_previous[1:], data.test_actual[:-1])


def test_missing_target_drops_samples_and_says_so(ibm):
    high = ibm["High"].copy()
    high.loc["2017-03-01"] = np.nan
    with pytest.warns(DataWarning, match="61 sample"):
        data = report_windows(high)
    assert pd.Timestamp("2017-03-01") in data.dropped
    assert len(data.test_dates) == len(ibm.loc["2017"]) - 61
    assert not np.isnan(data.X_test).any()


def test_bad_splits(ibm):
    with pytest.raises(ValueError, match="empty part"):
        report_windows(ibm["High"], test_start="2019", test_end="2019")
    with pytest.raises(ValueError, match="too few"):
        report_windows(ibm["High"].loc["2016-06":], window=200)
    with pytest.raises(ValueError, match="pandas Series"):
        report_windows(ibm["High"].to_numpy())


def test_variant_windows_reject_unknown_transform(ibm):
    from lstm_helpers.data.windows import variant_windows

    with pytest.raises(ValueError, match="transform must be one of"):
        variant_windows(ibm["High"], "diff")
    assert variant_windows(ibm["High"], "level").transform == "level"
    with pytest.raises(ValueError, match="3 outputs for 251 test days"):
        report_windows(ibm["High"]).to_prices(np.zeros(3))


@pytest.mark.parametrize("transform", ["log_return", "relative"])
def test_variant_windows_cover_the_report_days_and_invert(ibm, transform):
    from lstm_helpers.data.windows import variant_windows

    base = report_windows(ibm["High"])
    data = variant_windows(ibm["High"], transform)
    assert data.transform == transform and data.scale > 0
    assert data.test_dates.equals(base.test_dates)
    np.testing.assert_array_equal(data.test_previous, base.test_previous)
    # The true targets map back to the actual prices; an output of 0 is persistence.
    np.testing.assert_allclose(
        data.to_prices(data.y_test), data.test_actual, rtol=1e-12
    )
    np.testing.assert_allclose(
        data.to_prices(np.zeros(len(data.y_test))), data.test_previous
    )
    # Nothing after a window's last day is in it: the last input step is the previous
    # day.
    if transform == "relative":
        assert np.all(data.X_test[:, -1, 0] == 0.0)
    else:
        np.testing.assert_allclose(
            data.X_test[0, -1, 0] * data.scale,
            np.log(base.test_previous[0] / ibm["High"].loc[:"2016"].iloc[-2]),
        )
    assert data.train_dates.max() <= pd.Timestamp("2016-12-31")
    assert abs(np.std(data.y_train) - 1.0) < 1e-9


@pytest.mark.parametrize("transform", [None, "level", "log_return", "relative"])
def test_a_gap_year_is_neither_trained_on_nor_scored(transform):
    """train_end=2015, test_start=2017: no target day of 2016 in either part, for every
    window builder."""
    days = pd.bdate_range("2012-01-02", "2017-12-29")
    series = pd.Series(
        50 + np.cumsum(np.random.default_rng(4).normal(0, 1, len(days))),
        index=days,
        name="High",
    )
    split = {"train_end": "2015", "test_start": "2017", "test_end": "2017"}
    data = (
        report_windows(series, **split)
        if transform is None
        else variant_windows(series, transform, **split)
    )
    assert data.train_dates.max() <= pd.Timestamp("2015-12-31")
    assert (
        data.test_dates.min() >= pd.Timestamp("2017-01-01")
        and data.test_dates.min().year == 2017
    )
