"""Tests of the command line, python -m lstm_helpers.course."""

from conftest import make_notebook

from lstm_helpers.course import cli as course


def test_main_rejects_bad_options(lessons, capsys):
    src = ["--source", str(lessons)]
    assert course.main([*src, "--only", "99"]) == 2
    assert "no lesson numbered 99" in capsys.readouterr().err
    assert course.main([*src, "--data-dir", "/no/such/folder"]) == 2
    assert "--data-dir /no/such/folder: no such folder" in capsys.readouterr().err
    assert course.main([*src, "-p", "no_such_parameter=1"]) == 2
    assert (
        "no selected lesson declares parameter(s) no_such_parameter"
    ) in capsys.readouterr().err


def test_main_exit_status_names_the_failed_lesson(lessons, tmp_path, capsys):
    code = course.main(
        ["--source", str(lessons), "--output", str(tmp_path / "o"), "--only", "01"]
    )
    assert code == 1
    assert "01_broken.ipynb failed in cell" in capsys.readouterr().err


def test_data_is_checked_before_the_first_lesson(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "o"
    src.mkdir()
    make_notebook(
        src / "00_data.ipynb",
        ["print(tickers)"],
        params="tickers = None\ntest_start = None",
    )
    args = ["--source", str(src), "--output", str(out)]
    assert course.main([*args, "--tickers", "IBM,NOPE"]) == 2
    assert "no price file for ticker 'NOPE'" in capsys.readouterr().err
    assert not out.exists()  # nothing ran
    assert course.main([*args, "-p", "test_start=2030"]) == 2
    assert "its test period is empty" in capsys.readouterr().err
    assert "IBM, AAPL, AMZN, HD: train ..2016, test 2017..2017" in course.check_data({})


def test_grade_needs_a_folder_of_submissions(tmp_path, capsys):
    assert course.main(["--grade", str(tmp_path / "missing")]) == 2
    assert "no such folder of submissions" in capsys.readouterr().err
    assert course.main(["--grade", str(tmp_path)]) == 2
    assert "no files to grade" in capsys.readouterr().err
