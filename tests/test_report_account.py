import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.periods import Split
from lstm_helpers.data.windows import report_windows
from lstm_helpers.lessons import report_account as ra
from lstm_helpers.models.report_model import ModelConfig

TINY = ModelConfig(
    name="tiny",
    units=3,
    layers=1,
    dropout=0.0,
    epochs=1,
    batch_size=64,
    jit_compile=False,
)
SPLIT = Split("2016", "2017", "2017")


def walk(seed: int, start: float, name: str = "High") -> pd.Series:
    days = pd.bdate_range("2013-01-01", "2017-12-29")
    rng = np.random.default_rng(seed)
    return pd.Series(
        start * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(days)))),
        index=days,
        name=name,
    )


@pytest.fixture(scope="module")
def stocks():
    return {"IBM": walk(1, 150.0), "AAPL": walk(2, 60.0), "AABA": walk(3, 30.0)}


def test_sources_are_ibm_and_aaba_or_the_first_ticker_said():
    assert ra.account_sources(["IBM", "AAPL"], ["AABA", "AAPL", "IBM"]) == (
        ["IBM", "AABA"],
        [],
    )
    sources, notes = ra.account_sources(["XYZ", "ABC"], ["ABC", "XYZ"])
    assert sources == ["XYZ"]  # one stand-in for both, trained once
    assert len(notes) == 2 and "no IBM file" in notes[0] and "XYZ stands in" in notes[1]
    with pytest.raises(ValueError, match="no tickers"):
        ra.account_sources([], ["IBM"])


def test_last_year_windows_fit_model_and_scaler_on_that_year_alone(stocks):
    series = stocks["IBM"]
    data = ra.last_year_windows(series, SPLIT)
    year = series.loc["2016"]
    assert (
        data.scaler.data_min_[0] == year.min()
        and data.scaler.data_max_[0] == year.max()
    )
    assert len(data.X_train) == len(year) - 60 and data.train_dates[0] > pd.Timestamp(
        "2016-03-01"
    )
    full = report_windows(series, **SPLIT.windows())
    # the same test days as the per-stock protocol
    assert data.test_dates.equals(full.test_dates)
    assert np.array_equal(data.test_actual, full.test_actual)
    with pytest.raises(ValueError, match="High: 40 days in 2016 is too few"):
        ra.last_year_windows(
            pd.concat([series.loc[:"2015"], year.iloc[-40:], series.loc["2017"]]), SPLIT
        )


def test_another_stocks_scaler_reads_and_undoes_the_same_prices(stocks):
    ibm, aapl = (report_windows(stocks[t], **SPLIT.windows()) for t in ("IBM", "AAPL"))
    moved = ra.rescaled(aapl, ibm.scaler)
    assert moved.scaler is ibm.scaler and not np.allclose(moved.X_test, aapl.X_test)
    # the last value of each window, undone by the scaler it was scaled with, is
    # yesterday's price
    assert np.allclose(moved.to_prices(moved.X_test[:, -1, 0]), aapl.test_previous)
    assert np.allclose(aapl.to_prices(aapl.X_test[:, -1, 0]), aapl.test_previous)
    # AAPL (about 60) read on IBM's scale (about 150) sits low
    assert moved.X_test.max() < 1.0


def test_applied_lists_every_stock_each_way_once(stocks):
    windows = {t: report_windows(s, **SPLIT.windows()) for t, s in stocks.items()}
    inputs = ra.applied("IBM", windows)
    assert list(inputs) == [
        ("IBM", ra.OWN_SCALER),
        ("AAPL", ra.OWN_SCALER),
        ("AAPL", ra.SOURCE_SCALER),
        ("AABA", ra.OWN_SCALER),
        ("AABA", ra.SOURCE_SCALER),
    ]
    assert inputs[("AABA", ra.SOURCE_SCALER)].scaler is windows["IBM"].scaler
    with pytest.raises(ValueError, match="'HD' is not among"):
        ra.applied("HD", windows)


def test_one_job_predicts_every_window_set_and_the_outputs_are_cut_back(stocks):
    windows = {t: report_windows(s, **SPLIT.windows()) for t, s in stocks.items()}
    inputs = ra.applied("AABA", windows)
    job = ra.transfer_job(TINY, windows["AABA"], inputs, seed=3, label="x")
    assert job.X.shape == windows["AABA"].X_train.shape and job.seed == 3
    assert len(job.X_predict) == sum(len(d.X_test) for d in inputs.values())
    # a model that repeats the window's last value
    persistence_outputs = job.X_predict[:, -1, 0]
    forecasts = ra.split_outputs(persistence_outputs, inputs)
    for key, data in inputs.items():
        assert np.allclose(forecasts[key], data.test_previous), key
    with pytest.raises(ValueError, match="outputs for"):
        ra.split_outputs(persistence_outputs[:-1], inputs)


def test_account_table_says_where_the_report_lies_within_the_seeds():
    runs = pd.DataFrame(
        {
            "hypothesis": ["h"] * 4 + ["per stock"],
            "model": ["m"] * 5,
            "ticker": ["A", "A", "A", "B", "Z"],
            "seed": [0, 1, 2, 0, 0],
            "rmse": [1.0, 3.0, 2.0, 5.0, 7.0],
        }
    )
    table = ra.account_table(
        runs, {("A", "m"): 2.9, ("B", "m"): 5.0, ("C", "m"): 7.0}, stand_in={"Z": "C"}
    )
    a, b, z = (
        table.loc[("h", "m", "A")],
        table.loc[("h", "m", "B")],
        table.loc[("per stock", "m", "Z")],
    )
    assert (a["mean"], a["min"], a["max"], a["runs"], a["std"]) == (
        2.0,
        1.0,
        3.0,
        3,
        1.0,
    )
    assert a["within"] and a["ratio"] == pytest.approx(2.0 / 2.9)
    assert np.isnan(b["std"]) and b["within"]  # one run equal to the report's number
    assert z["report"] == 7.0 and z["within"]  # scored against the stand-in's row
    assert not ra.account_table(runs, {("A", "m"): 3.1}).loc[("h", "m", "A"), "within"]
    # nothing to compare: not a match
    assert not ra.account_table(runs, {}).loc[("h", "m", "A"), "within"]
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['rmse'\]"):
        ra.account_table(runs.drop(columns="rmse"), {})


def test_run_account_trains_each_reading_once_and_scores_every_stock(
    stocks, tmp_cache, tmp_results
):
    prices = {t: s.to_frame() for t, s in stocks.items()}
    per_stock = pd.DataFrame(
        {
            "ticker": ["AAPL", "IBM"],
            "model": ["tiny", "tiny"],
            "seed": [0, 0],
            "rmse": [1.5, 99.0],
        }
    )
    runs = ra.run_account(
        prices,
        {"tiny": TINY},
        [0],
        SPLIT,
        train_tickers=["IBM", "AAPL"],
        sources=["IBM", "AABA"],
        per_stock=per_stock,
        scored_tickers=["IBM", "AAPL"],
        workers=1,
    )
    assert list(dict.fromkeys(runs["hypothesis"])) == [
        ra.PER_STOCK,
        ra.SCALED,
        ra.LAST_YEAR,
        "IBM's model, each stock's own scaler",
        "IBM's model, IBM's scaler",
        "AABA's model, each stock's own scaler",
        "AABA's model, AABA's scaler",
    ]
    own = runs[runs["hypothesis"] == ra.PER_STOCK].set_index("ticker")
    # IBM and AABA from their own models, AAPL given
    assert list(own.index) == ["IBM", "AAPL", "AABA"]
    # a source's own model wins
    assert own.loc["AAPL", "rmse"] == 1.5 and own.loc["IBM", "rmse"] != 99.0
    assert set(
        runs.loc[runs["hypothesis"] == "IBM's model, IBM's scaler", "ticker"]
    ) == {"AAPL"}
    assert set(
        runs.loc[runs["hypothesis"] == "AABA's model, AABA's scaler", "ticker"]
    ) == {"IBM", "AAPL"}
    scaled = runs[runs["hypothesis"] == ra.SCALED].set_index("ticker")["rmse"]
    span = stocks["AAPL"].loc[:"2016"].max() - stocks["AAPL"].loc[:"2016"].min()
    assert scaled["AAPL"] == pytest.approx(1.5 / span)
    again = ra.run_account(
        prices,
        {"tiny": TINY},
        [0],
        SPLIT,
        train_tickers=["IBM", "AAPL"],
        sources=["IBM", "AABA"],
        per_stock=per_stock,
        scored_tickers=["IBM", "AAPL"],
        workers=1,
    )
    # nothing trained twice
    assert set(again.loc[again["source"] != "comparison", "source"]) == {"cache"}
    with pytest.raises(ValueError, match=r"no prices for \['HD'\]"):
        ra.run_account(
            prices, {"tiny": TINY}, [0], SPLIT, train_tickers=["HD"], sources=["IBM"]
        )


def test_format_account_shows_spread_matches_and_the_reports_row():
    runs = pd.DataFrame(
        {
            "hypothesis": ["h"] * 4 + ["per stock"],
            "model": ["m"] * 5,
            "ticker": ["A", "A", "A", "B", "Z"],
            "seed": [0, 1, 2, 0, 0],
            "rmse": [1.0, 3.0, 2.0, 150.0, 0.0213],
        }
    )
    table = ra.account_table(
        runs, {("A", "m"): 2.9, ("B", "m"): 160.6}, stand_in={"Z": "A"}
    )
    text = ra.format_account(table, "m", stand_in={"Z": "A"})
    assert (
        text.loc["h (1-3 seeds)", "A"] == "2.00 ± 1.00 *"
        and text.loc["h (1-3 seeds)", "B"] == "150"
    )
    assert text.loc["per stock (1 seed)", "Z"] == "0.0213"
    assert list(text.loc["the report"]) == ["2.90", "161", "2.90 (A's)"]
    assert list(ra.format_account(table, "m", tickers=["Z", "B"]).columns) == [
        "Z",
        "B",
        "A",
    ]
    ranges = ra.format_account(table, "m", spread="range")
    assert (
        ranges.loc["h (1-3 seeds)", "A"] == "1.00 - 3.00 *"
        and ranges.loc["h (1-3 seeds)", "B"] == "150"
    )
    with pytest.raises(ValueError, match="spread must be"):
        ra.format_account(table, "m", spread="iqr")
    with pytest.raises(ValueError, match="no runs of 'x'"):
        ra.format_account(table.iloc[:0], "x")
