"""Tests of lstm_helpers.course.profiles."""

import pytest

from lstm_helpers.course import profiles


def test_explicit_values_win_and_none_takes_the_profile():
    cfg = profiles.settings(
        "baselines", "standard", window=20, decay=None, tickers="ibm, hd"
    )
    assert cfg["window"] == 20 and cfg["decay"] == 0.5
    assert cfg["tickers"] == ["IBM", "HD"] and cfg["profile"] == "standard"


def test_default_profile_comes_from_environment(monkeypatch):
    monkeypatch.setenv(profiles.PROFILE_ENV, "full")
    assert profiles.settings("data")["profile"] == "full"
    monkeypatch.delenv(profiles.PROFILE_ENV)
    assert profiles.settings("data")["profile"] == "standard"


def test_quick_keeps_every_ticker_for_cheap_tables():
    for lesson in ("data", "baselines"):
        assert (
            profiles.settings(lesson, "quick")["tickers"]
            == profiles.settings(lesson, "standard")["tickers"]
        )
        # both read one shared list, so the comparison above cannot notice it shrinking:
        # name the four
        assert profiles.settings(lesson, "quick")["tickers"] == [
            "IBM",
            "AAPL",
            "AMZN",
            "HD",
        ]


def test_bad_names():
    with pytest.raises(ValueError, match="unknown profile 'fast'"):
        profiles.settings("data", "fast")
    with pytest.raises(ValueError, match="no profile settings for lesson 'nope'"):
        profiles.settings("nope", "quick")
    with pytest.raises(ValueError, match="lesson baselines has no parameter"):
        profiles.settings("baselines", "quick", epochs=3)


def test_every_tickers_parameter_accepts_a_comma_separated_string():
    cfg = profiles.settings(
        "literature_walkforward", "quick", train_tickers="ibm, hd", wf_tickers="AMZN"
    )
    assert cfg["train_tickers"] == ["IBM", "HD"] and cfg["wf_tickers"] == ["AMZN"]


def test_one_tickers_setting_drives_every_lesson():
    assert (
        profiles.settings("experiments", "standard")["train_tickers"]
        == profiles.REPORT_TICKERS
    )
    assert profiles.settings("experiments", "standard", tickers="XYZ,ABC")[
        "train_tickers"
    ] == ["XYZ", "ABC"]
    assert profiles.settings("experiments", "quick", tickers="XYZ,ABC")[
        "train_tickers"
    ] == ["XYZ"]
    assert (
        profiles.settings("literature_walkforward", "standard")["wf_tickers"]
        == profiles.REPORT_TICKERS
    )
    assert profiles.settings("literature_walkforward", "quick", tickers="XYZ,ABC,DEF")[
        "wf_tickers"
    ] == ["XYZ"]
    assert profiles.settings("literature_walkforward", "full", tickers="XYZ,ABC,DEF")[
        "wf_tickers"
    ] == ["XYZ", "ABC", "DEF"]
    # lessons about one stock take the first
    for lesson in ("lstm_cell", "learning", "keras_model"):
        assert profiles.settings(lesson, "quick", tickers="hd, ibm")["ticker"] == "HD"
    with pytest.raises(ValueError, match="no tickers"):
        profiles.settings("data", "quick", tickers=" , ")


def test_every_lesson_takes_the_shared_data_parameters():
    for lesson in profiles.LESSON_NAMES:
        cfg = profiles.settings(
            lesson, "quick", target="Close", train_end="2014", test_start="2015"
        )
        assert (
            cfg["target"],
            cfg["train_end"],
            cfg["test_start"],
            cfg["test_end"],
        ) == ("Close", "2014", "2015", None)


def test_every_lesson_file_has_settings_under_its_name():
    from lstm_helpers.course.runner import lesson_notebooks

    names = [p.stem.split("_", 1)[1] for p in lesson_notebooks()]
    assert names == list(profiles.LESSON_NAMES)


@pytest.mark.parametrize("profile", profiles.PROFILE_NAMES)
def test_the_gates_lesson_trains_the_adding_problem_as_the_memory_lesson(profile):
    # the same settings give its plain RNN, LSTM and GRU the memory lesson's keys
    gates = profiles.settings("gates_today", profile)
    memory = profiles.settings("memory", profile)
    shared = ("delays", "seeds", "epochs", "n_train", "n_test", "batch_size", "lr")
    assert {k: gates[k] for k in shared} == {k: memory[k] for k in shared}
