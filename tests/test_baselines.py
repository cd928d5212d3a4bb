"""Tests of lstm_helpers.evaluation.baselines: hand-computed cases, no look-ahead, bad
input, real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.evaluation.baselines import (
    exponential_moving_average,
    forecast_table,
    persistence,
    simple_moving_average,
)
from lstm_helpers.evaluation.metrics import rmse

DAYS = pd.date_range("2020-01-01", periods=6, freq="D")
SMALL = pd.Series([10.0, 12.0, 11.0, 15.0, 14.0, 18.0], index=DAYS, name="High")


def _random_walk(n: int = 60, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    prices = 100.0 + np.cumsum(rng.normal(0.0, 1.0, n))
    return pd.Series(prices, index=pd.bdate_range("2016-01-04", periods=n))


# ---------------------------------------------------------------------------
# hand-computed


def test_persistence_small():
    got = persistence(SMALL)
    np.testing.assert_array_equal(got.to_numpy(), [np.nan, 10, 12, 11, 15, 14])
    assert got.index.equals(SMALL.index)


def test_sma_small():
    got = simple_moving_average(SMALL, window=3)
    # day 3: mean(10, 12, 11) = 11; day 4: mean(12, 11, 15) = 38/3; day 5: mean(11, 15,
    # 14) = 40/3
    expected = [np.nan, np.nan, np.nan, 11.0, 38 / 3, 40 / 3]
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-12)
    assert got.index.equals(SMALL.index)


def test_sma_window_one_is_persistence():
    np.testing.assert_array_equal(
        simple_moving_average(SMALL, 1).to_numpy(), persistence(SMALL).to_numpy()
    )


def test_sma_window_longer_than_series_is_all_nan():
    assert simple_moving_average(SMALL, window=6).isna().all()
    assert simple_moving_average(SMALL, window=50).isna().all()


def test_ema_small():
    got = exponential_moving_average(SMALL, decay=0.5)
    # m starts at the first value, 10: forecast[1] = 0.5*10 + 0.5*10 = 10
    # forecast[2] = 0.5*10 + 0.5*12 = 11
    # forecast[3] = 0.5*11 + 0.5*11 = 11
    # forecast[4] = 0.5*11 + 0.5*15 = 13
    # forecast[5] = 0.5*13 + 0.5*14 = 13.5
    expected = [np.nan, 10.0, 11.0, 11.0, 13.0, 13.5]
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-12)


def test_ema_decay_weights_the_old_average():
    got = exponential_moving_average(SMALL, decay=0.9)
    # forecast[2] = 0.9*10 + 0.1*12 = 10.2; forecast[3] = 0.9*10.2 + 0.1*11 = 10.28
    np.testing.assert_allclose(
        got.iloc[1:4].to_numpy(), [10.0, 10.2, 10.28], rtol=0, atol=1e-12
    )


def test_ema_matches_pandas_ewm():
    series = _random_walk(200)
    expected = series.ewm(alpha=1 - 0.7, adjust=False).mean().shift(1)
    np.testing.assert_allclose(
        exponential_moving_average(series, 0.7), expected, rtol=1e-13
    )


def test_forecast_table_uses_history_before_start():
    series = _random_walk(300)
    table = forecast_table(series, "2016-07-01", "2016-09-30", window=20, decay=0.3)
    assert list(table.columns) == ["actual", "persistence", "sma", "ema"]
    assert table.index[0] >= pd.Timestamp("2016-07-01")
    assert table.index[-1] <= pd.Timestamp("2016-09-30")
    first = series.index.get_loc(table.index[0])
    assert table["persistence"].iloc[0] == series.iloc[first - 1]
    assert table["sma"].iloc[0] == pytest.approx(
        series.iloc[first - 20 : first].mean(), abs=1e-12
    )
    assert not table.isna().any().any()
    np.testing.assert_array_equal(
        table["actual"], series.loc["2016-07-01":"2016-09-30"]
    )
    # the EMA column too runs over the whole history, with the decay asked for (pandas'
    # ewm)
    ema = series.ewm(alpha=1 - 0.3, adjust=False).mean().shift(1).loc[table.index]
    np.testing.assert_allclose(table["ema"], ema, rtol=1e-13)


# --------------------------------------------------------------------------- no
# look-ahead

BASELINES = {
    "persistence": persistence,
    "sma": lambda s: simple_moving_average(s, window=5),
    "ema": lambda s: exponential_moving_average(s, decay=0.8),
}


@pytest.mark.parametrize("name", list(BASELINES))
def test_changing_a_later_price_never_changes_an_earlier_forecast(name):
    forecast = BASELINES[name]
    series = _random_walk(40)
    base = forecast(series).to_numpy()
    for k in range(len(series)):
        changed = series.copy()
        changed.iloc[k] += 1000.0
        after = forecast(changed).to_numpy()
        # forecasts of days 0..k were made before day k's price was known
        np.testing.assert_array_equal(
            after[: k + 1], base[: k + 1], err_msg=f"{name}: look-ahead at k={k}"
        )
        # ... and day k's price does reach the forecast of day k + 1 (once there is
        # enough history)
        if k + 1 < len(series) and not np.isnan(base[k + 1]):
            assert after[k + 1] != base[k + 1], (
                f"{name}: day {k} never used for day {k + 1}"
            )


@pytest.mark.parametrize("name", list(BASELINES))
def test_appending_days_never_changes_earlier_forecasts(name):
    forecast = BASELINES[name]
    series = _random_walk(40)
    full = forecast(series).to_numpy()
    for m in range(1, len(series)):
        np.testing.assert_array_equal(forecast(series.iloc[:m]).to_numpy(), full[:m])


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_sma_rejects_bad_window(window):
    with pytest.raises(ValueError, match="window"):
        simple_moving_average(SMALL, window=window)


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.1, 1.5, np.nan])
def test_ema_rejects_decay_outside_open_unit_interval(decay):
    with pytest.raises(ValueError, match="decay"):
        exponential_moving_average(SMALL, decay=decay)


@pytest.mark.parametrize(
    "func", [persistence, simple_moving_average, exponential_moving_average]
)
def test_baselines_reject_nan_empty_and_unsorted(func):
    with_nan = SMALL.copy()
    with_nan.iloc[2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        func(with_nan)
    with pytest.raises(ValueError, match="empty"):
        func(SMALL.iloc[:0])
    with pytest.raises(ValueError, match="sorted"):
        func(SMALL.iloc[::-1])
    with pytest.raises(TypeError, match="pandas Series"):
        func(SMALL.to_numpy())


def test_forecast_table_rejects_empty_period():
    with pytest.raises(ValueError, match="no days"):
        forecast_table(SMALL, "2021-01-01", "2021-12-31")


# --------------------------------------------------------------------------- real data

# Persistence RMSE of the High column over 2017, computed independently of this code
# when the data were chosen, as recorded in data/README.md (to the digits given there).
PUBLISHED_PERSISTENCE_RMSE_2017 = {
    "IBM": 1.539,
    "AAPL": 1.700,
    "AMZN": 12.61,
    "HD": 1.205,
}


@pytest.mark.filterwarnings("ignore::lstm_helpers.data.prices.DataWarning")
@pytest.mark.parametrize("ticker", list(PUBLISHED_PERSISTENCE_RMSE_2017))
def test_persistence_rmse_2017_matches_published_values(ticker):
    from lstm_helpers.data.tickers import load_ticker
    from lstm_helpers.paths import DATA_DIR

    high = load_ticker(ticker)["High"]
    table = forecast_table(high, "2017", "2017")
    # the first 2017 forecast is the last 2016 High
    assert table["persistence"].iloc[0] == high.loc["2016"].iloc[-1]
    reference = PUBLISHED_PERSISTENCE_RMSE_2017[ticker]
    digits = len(str(reference).split(".")[1])
    assert round(rmse(table["actual"], table["persistence"]), digits) == reference
    # the value the data README records
    assert str(reference) in (DATA_DIR / "README.md").read_text()
