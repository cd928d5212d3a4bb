"""Tests of lstm_helpers.data: every bad input gets a clear error or a stated repair."""

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_helpers import DATA_DIR
from lstm_helpers.data import (
    DataWarning,
    available_tickers,
    calendar_gaps,
    file_md5,
    load_prices,
    load_ticker,
    load_tickers,
    split_by_year,
    ticker_path,
)

HEADER = "Date,Open,High,Low,Close,Volume,Name\n"
GOOD_ROWS = [
    "2017-01-03,10.0,11.0,9.5,10.5,1000,TST",
    "2017-01-04,10.5,11.5,10.0,11.0,1200,TST",
    "2017-01-05,11.0,12.0,10.8,11.8,900,TST",
]


def write(tmp_path: Path, text: str, name: str = "TST_2017.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def good_file(tmp_path: Path) -> Path:
    return write(tmp_path, HEADER + "\n".join(GOOD_ROWS) + "\n")


def test_good_file_loads_clean(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = load_prices(good_file(tmp_path))
    assert list(frame.columns) == ["Open", "High", "Low", "Close", "Volume", "Name"]
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "Date"
    assert frame.index.is_monotonic_increasing
    assert frame["High"].dtype == float
    assert frame["High"].tolist() == [11.0, 11.5, 12.0]
    assert (frame["Name"] == "TST").all()


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv: no such price file"):
        load_prices(tmp_path / "nope.csv")


def test_empty_file(tmp_path):
    path = write(tmp_path, "")
    with pytest.raises(ValueError, match=r"TST_2017\.csv: the file is empty"):
        load_prices(path)


def test_header_only(tmp_path):
    with pytest.raises(ValueError, match="no data rows"):
        load_prices(write(tmp_path, HEADER))


def test_binary_file_is_not_csv(tmp_path):
    path = tmp_path / "TST.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match=r"TST\.csv"):
        load_prices(path)


def test_other_text_is_not_this_format(tmp_path):
    path = write(tmp_path, '{"Date": "2017-01-03", "High": 11}\n')
    with pytest.raises(ValueError, match="missing column"):
        load_prices(path)


def test_renamed_column(tmp_path):
    text = HEADER.replace("High", "Hi") + "\n".join(GOOD_ROWS)
    with pytest.raises(ValueError, match=r"TST_2017\.csv: missing column\(s\) High"):
        load_prices(write(tmp_path, text))


def test_missing_column(tmp_path):
    rows = [",".join(r.split(",")[:-1]) for r in GOOD_ROWS]
    text = "Date,Open,High,Low,Close,Volume\n" + "\n".join(rows)
    with pytest.raises(ValueError, match=r"missing column\(s\) Name"):
        load_prices(write(tmp_path, text))


def test_bad_date_names_line(tmp_path):
    rows = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace("2017-01-05", "05/01/2017")]
    with pytest.raises(ValueError, match=r"line 4: Date '05/01/2017' is not a date"):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_duplicate_date(tmp_path):
    rows = [*GOOD_ROWS, GOOD_ROWS[1]]
    with pytest.raises(ValueError, match=r"duplicate date 2017-01-04 on lines \[3, 5\]"):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_non_numeric_price(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("11.5", "11,5x"), GOOD_ROWS[2]]
    text = HEADER + "\n".join(r if "x" not in r else r.replace("11,5x", '"11.5x"') for r in rows)
    with pytest.raises(ValueError, match=r"line 3 \(2017-01-04\): High '11.5x' is not a number"):
        load_prices(write(tmp_path, text))


def test_negative_price(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("10.0,11.0", "-10.0,11.0"), GOOD_ROWS[2]]
    with pytest.raises(ValueError, match=r"line 3 \(2017-01-04\): Low -10.0 is negative"):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_negative_volume(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",1200,", ",-5,"), GOOD_ROWS[2]]
    with pytest.raises(ValueError, match=r"line 3 \(2017-01-04\): Volume -5 is negative"):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_several_tickers(tmp_path):
    rows = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace("TST", "OTH")]
    with pytest.raises(ValueError, match="several tickers"):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_rows_out_of_order_are_sorted_with_warning(tmp_path):
    rows = [GOOD_ROWS[2], GOOD_ROWS[0], GOOD_ROWS[1]]
    with pytest.warns(DataWarning, match="not in date order; sorted"):
        frame = load_prices(write(tmp_path, HEADER + "\n".join(rows)))
    assert frame.index.is_monotonic_increasing
    assert frame["High"].tolist() == [11.0, 11.5, 12.0]  # values travel with their dates


def test_missing_value_in_other_column_is_reported_and_kept_missing(tmp_path):
    rows = [GOOD_ROWS[0], "2017-01-04,,11.5,,11.0,1200,TST", GOOD_ROWS[2]]
    with pytest.warns(DataWarning) as record:
        frame = load_prices(write(tmp_path, HEADER + "\n".join(rows)))
    text = " | ".join(str(w.message) for w in record)
    assert "Open missing on 2017-01-04; left missing (not the target column)" in text
    assert "Low missing on 2017-01-04" in text
    assert np.isnan(frame.loc["2017-01-04", "Open"])
    assert frame.loc["2017-01-04", "High"] == 11.5


def test_missing_target_is_reported_never_filled(tmp_path):
    rows = [GOOD_ROWS[0], "2017-01-04,10.5,,10.0,11.0,1200,TST", GOOD_ROWS[2]]
    with pytest.warns(DataWarning, match="High missing on 2017-01-04; the target column"):
        frame = load_prices(write(tmp_path, HEADER + "\n".join(rows)))
    assert np.isnan(frame.loc["2017-01-04", "High"])


def test_zero_price_is_treated_as_missing_with_warning(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",10.0,11.0,", ",0.0,11.0,"), GOOD_ROWS[2]]
    with pytest.warns(DataWarning, match=r"Low is 0.0 on 2017-01-04; a price cannot be zero"):
        frame = load_prices(write(tmp_path, HEADER + "\n".join(rows)))
    assert np.isnan(frame.loc["2017-01-04", "Low"])


def test_file_is_never_modified(tmp_path):
    rows = [GOOD_ROWS[2], GOOD_ROWS[0], "2017-01-04,,11.5,,11.0,1200,TST"]
    path = write(tmp_path, HEADER + "\n".join(rows))
    before = hashlib.md5(path.read_bytes()).hexdigest()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_prices(path)
    assert file_md5(path) == before


def test_bundled_data_matches_checksums():
    lines = (DATA_DIR / "MD5SUMS").read_text().split("\n")
    pairs = [line.split() for line in lines if line.strip()]
    assert len(pairs) == 5
    for digest, name in pairs:
        assert file_md5(DATA_DIR / name) == digest, name


def test_bundled_quirks_are_reported():
    with pytest.warns(DataWarning) as record:
        ibm = load_ticker("IBM")
    text = " | ".join(str(w.message) for w in record)
    assert "Open missing on 2017-07-31" in text and "Low missing on 2017-07-31" in text
    assert ibm["High"].notna().all()
    assert ibm.index[0] == pd.Timestamp("2006-01-03") and ibm.index[-1] == pd.Timestamp("2017-12-29")


def test_ticker_lookup(tmp_path):
    assert available_tickers() == ["AABA", "AAPL", "AMZN", "HD", "IBM"]
    assert ticker_path("ibm").name.startswith("IBM_")
    with pytest.raises(FileNotFoundError, match=r"no price file for ticker 'XYZ' \(tickers here: AABA"):
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
    assert gaps.iloc[0].to_dict() == {"IBM": True, "AAPL": False, "AMZN": False, "HD": True, "AABA": False}


def test_split_by_year():
    frame = load_ticker("AAPL")
    train, test = split_by_year(frame)
    assert train.index.max().year == 2016 and test.index.min().year == 2017
    assert len(train) + len(test) == len(frame)
    with pytest.raises(ValueError, match="empty part"):
        split_by_year(frame, train_end="2016", test_start="2019", test_end="2019")
    with pytest.raises(ValueError, match="overlap"):
        split_by_year(frame, train_end="2017", test_start="2017")
