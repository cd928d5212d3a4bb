"""Tests of lstm_helpers.data.tickers: finding files in a folder, loading several, days
without a target."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.tickers import (
    available_tickers,
    calendar_gaps,
    check_tickers,
    load_ticker,
    load_tickers,
    ticker_path,
)

HEADER = "Date,Open,High,Low,Close,Volume,Name\n"
GOOD_ROWS = [
    "2017-01-03,10.0,11.0,9.5,10.5,1000,TST",
    "2017-01-04,10.5,11.5,10.0,11.0,1200,TST",
    "2017-01-05,11.0,12.0,10.8,11.8,900,TST",
]


def write(tmp_path, text, name="TST_2017.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def good_file(tmp_path):
    return write(tmp_path, HEADER + "\n".join(GOOD_ROWS) + "\n")


def test_ticker_lookup(tmp_path):
    assert available_tickers() == ["AABA", "AAPL", "AMZN", "HD", "IBM"]
    assert ticker_path("ibm").name.startswith("IBM_")
    with pytest.raises(
        FileNotFoundError, match=r"no price file for ticker 'XYZ' \(tickers here: AABA"
    ):
        ticker_path("XYZ")
    with pytest.raises(FileNotFoundError, match="no such data folder"):
        ticker_path("IBM", tmp_path / "missing")


def test_any_csv_in_the_format_works_by_name(tmp_path):
    good_file(tmp_path)
    frame = load_ticker("TST", tmp_path)
    assert len(frame) == 3
    write(tmp_path, HEADER + "\n".join(GOOD_ROWS), name="TST.csv")
    with pytest.raises(ValueError, match="several files for ticker 'TST'"):
        ticker_path("TST", tmp_path)


def test_load_tickers_prints_notes(capsys):
    frames = load_tickers("IBM, HD")
    out = capsys.readouterr().out
    assert list(frames) == ["IBM", "HD"]
    assert "note: HD_2006-01-01_to_2018-01-01.csv: Low is 0.0 on 2009-04-17" in out
    with pytest.raises(ValueError, match="no tickers"):
        load_tickers("")


def test_calendar_gaps_finds_the_missing_day():
    frames = load_tickers(["IBM", "AAPL", "AMZN", "HD", "AABA"], report=False)
    gaps = calendar_gaps(frames)
    assert list(gaps.index) == [pd.Timestamp("2010-04-01")]
    assert gaps.iloc[0].to_dict() == {
        "IBM": True,
        "AAPL": False,
        "AMZN": False,
        "HD": True,
        "AABA": False,
    }


def test_days_without_a_target_are_left_out_and_said(tmp_path, capsys):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",11.5,", ",,"), GOOD_ROWS[2]]
    write(tmp_path, HEADER + "\n".join(rows))
    frames = load_tickers(["tst"], tmp_path, report=False)
    assert list(frames["TST"].index) == [
        pd.Timestamp("2017-01-03"),
        pd.Timestamp("2017-01-05"),
    ]
    assert (
        "TST: left out 1 day(s) with no High value (2017-01-04)"
        in capsys.readouterr().out
    )
    # the same day with another target is kept: only the forecast column decides
    assert (
        len(load_tickers(["TST"], tmp_path, target="Close", report=False)["TST"]) == 3
    )
    # the loader itself keeps the row
    assert np.isnan(load_ticker("TST", tmp_path)["High"]).sum() == 1


def test_check_tickers_fails_at_once_with_the_loaders_message(tmp_path):
    good_file(tmp_path)
    write(tmp_path, "Date,Open,High\n2017-01-03,1,2\n", name="BAD.csv")
    assert list(check_tickers("tst", tmp_path)) == ["TST"]
    with pytest.raises(
        ValueError, match=r"BAD\.csv: missing column\(s\) Low, Close, Volume"
    ):
        check_tickers(["TST", "BAD"], tmp_path)
    with pytest.raises(FileNotFoundError, match="no price file for ticker 'NONE'"):
        check_tickers("NONE", tmp_path)
    with pytest.raises(FileNotFoundError, match="no such data folder"):
        available_tickers(tmp_path / "missing")
