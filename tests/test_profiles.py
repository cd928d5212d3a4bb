"""Tests of lstm_helpers.profiles."""

import pytest

from lstm_helpers import profiles


def test_explicit_values_win_and_none_takes_the_profile():
    cfg = profiles.settings("01", "standard", window=20, decay=None, tickers="ibm, hd")
    assert cfg["window"] == 20 and cfg["decay"] == 0.5
    assert cfg["tickers"] == ["IBM", "HD"] and cfg["profile"] == "standard"


def test_default_profile_comes_from_environment(monkeypatch):
    monkeypatch.setenv(profiles.PROFILE_ENV, "full")
    assert profiles.settings("00")["profile"] == "full"
    monkeypatch.delenv(profiles.PROFILE_ENV)
    assert profiles.settings("00")["profile"] == "standard"


def test_quick_keeps_every_ticker_for_cheap_tables():
    for lesson in ("00", "01"):
        assert profiles.settings(lesson, "quick")["tickers"] == profiles.settings(lesson, "standard")["tickers"]
        # both read one shared list, so the comparison above cannot notice it shrinking: name the four
        assert profiles.settings(lesson, "quick")["tickers"] == ["IBM", "AAPL", "AMZN", "HD"]


def test_bad_names():
    with pytest.raises(ValueError, match="unknown profile 'fast'"):
        profiles.settings("00", "fast")
    with pytest.raises(ValueError, match="no profile settings for lesson '99'"):
        profiles.settings("99", "quick")
    with pytest.raises(ValueError, match="lesson 01 has no parameter"):
        profiles.settings("01", "quick", epochs=3)


def test_every_tickers_parameter_accepts_a_comma_separated_string():
    cfg = profiles.settings("06", "quick", train_tickers="ibm, hd", wf_tickers="AMZN")
    assert cfg["train_tickers"] == ["IBM", "HD"] and cfg["wf_tickers"] == ["AMZN"]
