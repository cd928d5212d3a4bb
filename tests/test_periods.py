"""Tests of lstm_helpers.data.periods: the report's split, one chosen from the data, and
clear refusals."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.periods import Split, choose_split, full_years, range_table
from lstm_helpers.data.tickers import load_tickers


def frame(start, end):
    days = pd.bdate_range(start, end)
    return pd.DataFrame({"High": np.linspace(1, 2, len(days))}, index=days)


def test_bundled_data_gives_the_reports_split():
    split = choose_split(load_tickers(["IBM", "AAPL"], report=False))
    assert (split.train_end, split.test_start, split.test_end) == (
        "2016",
        "2017",
        "2017",
    )
    assert split.is_report() and split.describe().startswith(
        "train ..2016, test 2017..2017 (the report's split"
    )
    assert split.windows() == {
        "train_end": "2016",
        "test_start": "2017",
        "test_end": "2017",
    }


def test_other_years_test_on_the_last_full_calendar_year():
    assert full_years(frame("2010-03-15", "2015-12-31").index) == [
        2011,
        2012,
        2013,
        2014,
        2015,
    ]
    split = choose_split({"A": frame("2010-03-15", "2015-12-31")})
    assert (split.train_end, split.test_start, split.test_end, split.is_report()) == (
        "2014",
        "2015",
        "2015",
        False,
    )
    # a file that runs to the middle of a year tests on the year before
    assert choose_split({"A": frame("2019-01-02", "2026-11-20")}).test_start == "2025"
    # several tickers: the last year every one of them covers
    assert (
        choose_split(
            {
                "A": frame("2010-01-04", "2016-12-30"),
                "B": frame("2009-01-02", "2015-12-31"),
            }
        ).test_start
        == "2015"
    )


def test_given_periods_fill_in_the_rest():
    f = {"A": frame("2006-01-02", "2017-12-29")}
    assert choose_split(f, test_start=2015) == Split("2014", "2015", "2015", "given")
    assert choose_split(f, train_end="2012") == Split("2012", "2013", "2013", "given")
    assert choose_split(
        f, train_end="2016-06-30", test_start="2016-07-01", test_end="2017"
    ) == Split("2016-06-30", "2016-07-01", "2017", "given")
    assert Split("2016-06-30", "2016-07-01", "2017").train_year == 2016


def test_refusals_name_the_ticker_and_its_dates():
    f = {"A": frame("2006-01-02", "2017-12-29")}
    with pytest.raises(
        ValueError,
        match=r"A has data 2006-01-02..2017-12-29, so its test "
        r"period is empty",
    ):
        choose_split(f, test_start="2019")
    with pytest.raises(
        ValueError, match=r"only 260 training days; the lessons need at least 310"
    ):
        choose_split(f, train_end="2006")
    with pytest.raises(ValueError, match="overlap"):
        choose_split(f, train_end="2017", test_start="2017")
    with pytest.raises(ValueError, match="no calendar year is fully covered"):
        choose_split({"A": frame("2017-03-01", "2017-10-31")})
    with pytest.raises(ValueError, match="at least one"):
        choose_split({})


def test_range_table_measures_prices_above_training_max():
    frames = load_tickers(["IBM", "AMZN"], report=False)
    table = range_table(frames)
    amzn = frames["AMZN"]["High"]
    hi = amzn.loc[:"2016"].max()
    assert table.loc["AMZN", "train_max"] == hi
    assert table.loc["AMZN", "test_days_above_train_max_%"] == pytest.approx(
        100 * (amzn.loc["2017"] > hi).mean()
    )
    assert table.loc["AMZN", "largest_scaled_test_value"] > 1  # 2017 leaves the range
    assert table.loc["IBM", "largest_scaled_test_value"] < 1  # IBM stays inside it
    # the two "how far above" columns, from the prices: MinMax scaling of the 2017
    # maximum with the training years' min and max, and that maximum in percent above
    # the training one
    lo, top = amzn.loc[:"2016"].min(), amzn.loc["2017"].max()
    assert table.loc["AMZN", "largest_scaled_test_value"] == pytest.approx(
        (top - lo) / (hi - lo), rel=1e-12
    )
    assert table.loc["AMZN", "test_max_above_train_max_%"] == pytest.approx(
        100 * (top - hi) / hi, rel=1e-12
    )
