"""Tests of the papermill runner (lstm_helpers.course) on small notebooks the tests write."""

import csv
import json
import os
from pathlib import Path

import nbformat
import pytest

from lstm_helpers import course
from lstm_helpers.profiles import PROFILE_ENV


def make_notebook(path: Path, code: list[str], params: str = "greeting = 'hello'\nprofile = 'standard'") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(c) for c in code]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def lessons(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    make_notebook(src / "00_first.ipynb", ["print(greeting, profile)"])
    make_notebook(src / "01_broken.ipynb", ["x = 1", "raise RuntimeError('boom in lesson')"])
    make_notebook(src / "02_after.ipynb", ["print('never')"])
    (src / "notes.ipynb").write_text("{}")  # not a lesson: no NN_ prefix
    return src


def test_lessons_are_found_in_order(lessons):
    names = [p.name for p in course.lesson_notebooks(lessons)]
    assert names == ["00_first.ipynb", "01_broken.ipynb", "02_after.ipynb"]
    assert [p.name for p in course.select(course.lesson_notebooks(lessons), ["2"])] == ["02_after.ipynb"]
    with pytest.raises(ValueError, match="no lesson numbered 07"):
        course.select(course.lesson_notebooks(lessons), ["07"])


def test_parse_param():
    assert course.parse_param("epochs=3") == ("epochs", 3)
    assert course.parse_param("tickers=IBM,HD") == ("tickers", "IBM,HD")
    assert course.parse_param("seeds=[0, 1]") == ("seeds", [0, 1])
    with pytest.raises(ValueError, match="NAME=VALUE"):
        course.parse_param("epochs")


def test_failure_stops_the_run_and_names_notebook_and_cell(lessons, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "01_broken.ipynb").write_text("stale complete-looking output")
    rows = course.run_lessons(
        course.lesson_notebooks(lessons), out, profile="quick", parameters={"greeting": "hi", "other": 1}
    )
    assert [r.status for r in rows] == ["ok", "FAILED", "not run"]
    # cell 0 is the parameters cell, 1 the injected one, then x = 1 and the raise.
    assert "cell 3 of the executed notebook" in rows[1].detail
    assert "starting \"raise RuntimeError('boom in lesson')\"" in rows[1].detail
    assert "RuntimeError: boom in lesson" in rows[1].detail
    # Nothing half-written looks complete: the stale output is gone, the failed run is marked.
    assert not (out / "01_broken.ipynb").exists()
    assert (out / "01_broken.FAILED.ipynb").exists()
    assert not (out / "02_after.ipynb").exists()
    assert not (out / ".partial").exists()
    done = json.loads((out / "00_first.ipynb").read_text())
    printed = json.dumps([c.get("outputs", []) for c in done["cells"]])
    assert "hi quick" in printed  # declared parameters and the profile were injected
    with (out / course.SUMMARY_NAME).open() as fh:
        summary = list(csv.DictReader(fh))
    assert [r["status"] for r in summary] == ["ok", "FAILED", "not run"]
    assert "01_broken.ipynb" in capsys.readouterr().out
    with pytest.raises(ValueError, match="not every lesson finished"):
        course.publish(out, lessons)


def test_run_leaves_the_callers_profile_variable_as_it_was(lessons, tmp_path, monkeypatch):
    (lessons / "01_broken.ipynb").unlink()
    (lessons / "02_after.ipynb").unlink()
    monkeypatch.setenv(PROFILE_ENV, "quick")
    course.run_lessons(course.lesson_notebooks(lessons), tmp_path / "o1", profile="standard")
    assert os.environ[PROFILE_ENV] == "quick"  # the notebook checks that follow must stay quick
    monkeypatch.delenv(PROFILE_ENV)
    course.run_lessons(course.lesson_notebooks(lessons), tmp_path / "o2", profile="full")
    assert PROFILE_ENV not in os.environ


def test_publish_takes_only_a_complete_standard_run(lessons, tmp_path):
    (lessons / "01_broken.ipynb").unlink()
    (lessons / "02_after.ipynb").unlink()
    out = tmp_path / "out"
    rows = course.run_lessons(course.lesson_notebooks(lessons), out, profile="quick")
    assert [r.status for r in rows] == ["ok"]
    with pytest.raises(ValueError, match="only a standard run"):
        course.publish(out, lessons)
    course.run_lessons(course.lesson_notebooks(lessons), out, profile="standard")
    written = course.publish(out, lessons)
    doc = json.loads(written[0].read_text())
    assert "papermill" not in doc["metadata"]
    assert not any("papermill" in c["metadata"] for c in doc["cells"])
    assert len(doc["cells"]) == 2  # nothing injected in a standard run with default parameters
    assert "hello standard" in json.dumps(doc)


def test_main_rejects_bad_options(lessons, capsys):
    src = ["--source", str(lessons)]
    assert course.main([*src, "--only", "99"]) == 2
    assert "no lesson numbered 99" in capsys.readouterr().err
    assert course.main([*src, "--data-dir", "/no/such/folder"]) == 2
    assert "--data-dir /no/such/folder: no such folder" in capsys.readouterr().err
    assert course.main([*src, "-p", "no_such_parameter=1"]) == 2
    assert "no selected lesson declares parameter(s) no_such_parameter" in capsys.readouterr().err


def test_main_exit_status_names_the_failed_lesson(lessons, tmp_path, capsys):
    code = course.main(["--source", str(lessons), "--output", str(tmp_path / "o"), "--only", "01"])
    assert code == 1
    assert "01_broken.ipynb failed in cell" in capsys.readouterr().err
