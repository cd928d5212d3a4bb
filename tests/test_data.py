"""Tests of lstm_helpers.data.prices: every bad input gets a clear error or a stated
repair."""

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_helpers import DATA_DIR
from lstm_helpers.data.prices import (
    TARGETS,
    DataWarning,
    canonical_column,
    file_md5,
    load_prices,
)
from lstm_helpers.data.tickers import load_ticker

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


def test_missing_column_names_it_and_the_accepted_formats(tmp_path):
    # no Close
    rows = [",".join(r.split(",")[:4] + r.split(",")[5:]) for r in GOOD_ROWS]
    text = "Date,Open,High,Low,Volume,Name\n" + "\n".join(rows)
    with pytest.raises(
        ValueError,
        match=r"missing column\(s\) Close \(found "
        r"Date,Open,High,Low,Volume,Name\); "
        r"accepted formats: DJIA 30 .* and Yahoo Finance",
    ):
        load_prices(write(tmp_path, text))


YAHOO = "Date,Open,High,Low,Close,Adj Close,Volume\n"
YAHOO_ROWS = [
    "2017-01-03,10.0,11.0,9.5,10.5,10.1,1000",
    "2017-01-04,10.5,11.5,10.0,11.0,10.6,1200",
]


def test_yahoo_finance_file_takes_its_ticker_from_the_file_name(tmp_path):
    frame = load_prices(write(tmp_path, YAHOO + "\n".join(YAHOO_ROWS), name="msft.csv"))
    assert list(frame.columns) == [
        "Open",
        "High",
        "Low",
        "Close",
        "Adj Close",
        "Volume",
        "Name",
    ]
    assert (frame["Name"] == "MSFT").all() and frame["Adj Close"].tolist() == [
        10.1,
        10.6,
    ]


@pytest.mark.parametrize(
    "header",
    [
        "date,open,high,low,close,adj close,volume",
        "DATE,OPEN,HIGH,LOW,CLOSE,ADJ_CLOSE,VOLUME",
        " Date , Open,High,Low,Close,AdjClose,Volume",
    ],
)
def test_headers_in_any_case_and_spelling(tmp_path, header):
    frame = load_prices(
        write(tmp_path, header + "\n" + "\n".join(YAHOO_ROWS), name="X_2017.csv")
    )
    assert frame["High"].tolist() == [11.0, 11.5] and frame["Adj Close"].tolist() == [
        10.1,
        10.6,
    ]
    assert (frame["Name"] == "X").all()


def test_yahoo_null_is_a_missing_value(tmp_path):
    rows = [YAHOO_ROWS[0], "2017-01-04,null,null,null,null,null,null"]
    with pytest.warns(
        DataWarning, match="High missing on 2017-01-04; the target column"
    ):
        frame = load_prices(write(tmp_path, YAHOO + "\n".join(rows), name="Y.csv"))
    assert frame["High"].isna().tolist() == [False, True]


@pytest.mark.parametrize("target", ["Close", "Adj Close"])
def test_other_targets(tmp_path, target):
    rows = [YAHOO_ROWS[0], YAHOO_ROWS[1].replace(",11.0,10.6,", ",,,")]
    with pytest.warns(
        DataWarning, match=f"{target} missing on 2017-01-04; the target column"
    ):
        load_prices(
            write(tmp_path, YAHOO + "\n".join(rows), name="Y.csv"), target=target
        )


def test_target_refusals(tmp_path):
    djia = good_file(tmp_path)
    with pytest.raises(
        ValueError,
        match=r"TST_2017\.csv: has no 'Adj Close' column to forecast "
        r".* accepted formats",
    ):
        load_prices(djia, target="Adj Close")
    with pytest.raises(
        ValueError,
        match=r"cannot forecast 'Volume': the target must be one of "
        r"High, Close",
    ):
        load_prices(djia, target="Volume")
    assert TARGETS[0] == "High"  # the report's column is the default everywhere


def test_a_column_given_twice_is_refused(tmp_path):
    text = "Date,Open,High,high,Low,Close,Volume\n2017-01-03,1,2,2,1,2,10\n"
    with pytest.raises(ValueError, match=r"column\(s\) High appear more than once"):
        load_prices(write(tmp_path, text))


def test_canonical_column():
    assert [
        canonical_column(c) for c in ("adj_close", "ADJ CLOSE", "date", "Hi", "ticker")
    ] == ["Adj Close", "Adj Close", "Date", "Hi", "ticker"]


def test_bad_date_names_line(tmp_path):
    rows = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace("2017-01-05", "05/01/2017")]
    with pytest.raises(ValueError, match=r"line 4: Date '05/01/2017' is not a date"):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_duplicate_date(tmp_path):
    rows = [*GOOD_ROWS, GOOD_ROWS[1]]
    with pytest.raises(
        ValueError, match=r"duplicate date 2017-01-04 on lines \[3, 5\]"
    ):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_non_numeric_price(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("11.5", "11,5x"), GOOD_ROWS[2]]
    text = HEADER + "\n".join(
        r if "x" not in r else r.replace("11,5x", '"11.5x"') for r in rows
    )
    with pytest.raises(
        ValueError, match=r"line 3 \(2017-01-04\): High '11.5x' is not a number"
    ):
        load_prices(write(tmp_path, text))


def test_negative_price(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("10.0,11.0", "-10.0,11.0"), GOOD_ROWS[2]]
    with pytest.raises(
        ValueError, match=r"line 3 \(2017-01-04\): Low -10.0 is negative"
    ):
        load_prices(write(tmp_path, HEADER + "\n".join(rows)))


def test_negative_volume(tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace(",1200,", ",-5,"), GOOD_ROWS[2]]
    with pytest.raises(
        ValueError, match=r"line 3 \(2017-01-04\): Volume -5 is negative"
    ):
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
    # values travel with their dates
    assert frame["High"].tolist() == [11.0, 11.5, 12.0]


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
    with pytest.warns(
        DataWarning, match="High missing on 2017-01-04; the target column"
    ):
        frame = load_prices(write(tmp_path, HEADER + "\n".join(rows)))
    assert np.isnan(frame.loc["2017-01-04", "High"])


def test_zero_price_is_treated_as_missing_with_warning(tmp_path):
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1].replace(",10.0,11.0,", ",0.0,11.0,"),
        GOOD_ROWS[2],
    ]
    with pytest.warns(
        DataWarning, match=r"Low is 0.0 on 2017-01-04; a price cannot be zero"
    ):
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
    assert ibm.index[0] == pd.Timestamp("2006-01-03") and ibm.index[-1] == pd.Timestamp(
        "2017-12-29"
    )
