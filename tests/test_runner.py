"""Tests of lstm_helpers.course.runner on small notebooks the tests write (fixtures in
conftest)."""

import csv
import json
import os

import pytest
from conftest import make_notebook

from lstm_helpers.course import publishing, runner
from lstm_helpers.course.profiles import PROFILE_ENV


def test_lessons_are_found_in_order(lessons):
    names = [p.name for p in runner.lesson_notebooks(lessons)]
    assert names == ["00_first.ipynb", "01_broken.ipynb", "02_after.ipynb"]
    assert [p.name for p in runner.select(runner.lesson_notebooks(lessons), ["2"])] == [
        "02_after.ipynb"
    ]
    with pytest.raises(ValueError, match="no lesson numbered 07"):
        runner.select(runner.lesson_notebooks(lessons), ["07"])


def test_parse_param():
    assert runner.parse_param("epochs=3") == ("epochs", 3)
    assert runner.parse_param("tickers=IBM,HD") == ("tickers", "IBM,HD")
    assert runner.parse_param("seeds=[0, 1]") == ("seeds", [0, 1])
    with pytest.raises(ValueError, match="NAME=VALUE"):
        runner.parse_param("epochs")


def test_failure_stops_the_run_and_names_notebook_and_cell(lessons, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "01_broken.ipynb").write_text("stale complete-looking output")
    rows = runner.run_lessons(
        runner.lesson_notebooks(lessons),
        out,
        profile="quick",
        parameters={"greeting": "hi", "other": 1},
    )
    assert [r.status for r in rows] == ["ok", "FAILED", "not run"]
    # cell 0 is the parameters cell, 1 the injected one, then x = 1 and the raise.
    assert "cell 3 of the executed notebook" in rows[1].detail
    assert "starting \"raise RuntimeError('boom in lesson')\"" in rows[1].detail
    assert "RuntimeError: boom in lesson" in rows[1].detail
    # Nothing half-written looks complete: the stale output is gone, the failed run is
    # marked.
    assert not (out / "01_broken.ipynb").exists()
    assert (out / "01_broken.FAILED.ipynb").exists()
    assert not (out / "02_after.ipynb").exists()
    assert not (out / ".partial").exists()
    done = json.loads((out / "00_first.ipynb").read_text())
    printed = json.dumps([c.get("outputs", []) for c in done["cells"]])
    assert "hi quick" in printed  # declared parameters and the profile were injected
    with (out / runner.SUMMARY_NAME).open() as fh:
        summary = list(csv.DictReader(fh))
    assert [r["status"] for r in summary] == ["ok", "FAILED", "not run"]
    assert "01_broken.ipynb" in capsys.readouterr().out
    with pytest.raises(ValueError, match="not every lesson finished"):
        publishing.publish(out, lessons)


def test_run_leaves_the_callers_profile_variable_as_it_was(
    lessons, tmp_path, monkeypatch
):
    (lessons / "01_broken.ipynb").unlink()
    (lessons / "02_after.ipynb").unlink()
    monkeypatch.setenv(PROFILE_ENV, "quick")
    runner.run_lessons(
        runner.lesson_notebooks(lessons), tmp_path / "o1", profile="standard"
    )
    # the notebook checks that follow must stay quick
    assert os.environ[PROFILE_ENV] == "quick"
    monkeypatch.delenv(PROFILE_ENV)
    runner.run_lessons(
        runner.lesson_notebooks(lessons), tmp_path / "o2", profile="full"
    )
    assert PROFILE_ENV not in os.environ


PROGRESS_CELL = """
import os, time
for k in (1, 2):
    with open(os.environ["LSTM_COURSE_PROGRESS"], "a") as fh:
        fh.write(f"[{k}/2] model {k}: trained\\n")
    time.sleep(1.5)
with open(os.environ["LSTM_COURSE_KEYS"], "a") as fh:
    fh.write("k1 trained\\nk2 published\\n")
"""


def test_model_progress_is_echoed_while_the_lesson_runs_and_counted(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    make_notebook(src / "00_trains.ipynb", [PROGRESS_CELL])
    rows = runner.run_lessons(
        runner.lesson_notebooks(src), tmp_path / "out", profile="quick"
    )
    out = capsys.readouterr().out
    assert "    [1/2] model 1: trained" in out and "    [2/2] model 2: trained" in out
    # printed while the lesson ran
    assert out.index("[2/2] model 2") < out.index("ok in")
    assert rows[0].models == {"published": 1, "cache": 0, "trained": 1}
    assert (tmp_path / "out" / runner.KEYS_NAME).read_text() == (
        "k1 trained 00_trains.ipynb\nk2 published 00_trains.ipynb\n"
    )
    with (tmp_path / "out" / runner.SUMMARY_NAME).open() as fh:
        row = next(csv.DictReader(fh))
    assert (row["published"], row["trained"]) == ("1", "1")
    assert row["source_digest"] == runner.source_digest(src / "00_trains.ipynb")
