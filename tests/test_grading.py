"""Grading a class: every kind of submission gets its row, and nothing submitted is changed."""

import json

import pandas as pd
import pytest

from lstm_helpers.course import grading
from lstm_helpers.paths import REPO_ROOT

LESSON = "00_data.ipynb"


def _lesson(folder: str) -> dict:
    return json.loads((REPO_ROOT / folder / LESSON).read_text(encoding="utf-8"))


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    _write(folder / "alice" / LESSON, _lesson("notebooks"))  # every exercise solved
    _write(folder / "bob" / LESSON, _lesson("exercises"))  # nothing done
    planted = _lesson("notebooks")
    for cell in planted["cells"]:
        if cell.get("id") == "exercise-1-answer":
            cell["source"] = "".join(cell["source"]).replace("series.loc[:train_end], series.loc[test_start:test_end]",
                                                             "series.loc[:test_start], series.loc[test_start:test_end]")
    _write(folder / "carol" / LESSON, planted)  # test days in training
    (folder / "dave_00_data.ipynb").write_text('{"cells": [', encoding="utf-8")  # not a notebook
    raises = _lesson("exercises")
    raises["cells"].insert(3, {"cell_type": "code", "id": "boom", "metadata": {}, "execution_count": None,
                               "outputs": [], "source": "raise RuntimeError('boom')\n"})
    _write(folder / "erin" / LESSON, raises)
    before = {p: p.read_bytes() for p in folder.rglob("*.ipynb")}
    out = tmp_path_factory.mktemp("grades")
    table = grading.grade(folder, out, grading.Limits(seconds=300))
    return folder, out, table, before


def test_every_submission_gets_its_rows(graded):
    _, _, table, _ = graded
    status = {(r.learner, r.exercise): r.status for r in table.itertuples()}
    assert [status[("alice", n)] for n in (1, 2, 3)] == ["passed"] * 3
    assert [status[("bob", n)] for n in (1, 2, 3)] == ["not done yet"] * 3
    assert status[("carol", 1)] == "failed" and status[("carol", 2)] == "passed"
    carol = table[(table["learner"] == "carol") & (table["exercise"] == 1)]["message"].iloc[0]
    assert "test days leak into training" in carol
    dave = table[table["learner"] == "dave_00_data"]
    assert list(dave["status"]) == ["not graded"] and "not a notebook" in dave["message"].iloc[0]
    erin = table[table["learner"] == "erin"]
    assert list(erin["status"]) == ["not done yet"] * 3 + ["cell errors"]  # the other cells still ran
    assert "RuntimeError: boom" in erin["message"].iloc[-1]


def test_the_table_is_written_and_nothing_submitted_changes(graded):
    folder, out, table, before = graded
    assert {p: p.read_bytes() for p in folder.rglob("*.ipynb")} == before
    assert not [p for p in folder.rglob("*") if p.is_file() and p not in before]
    read = pd.read_csv(out / "grades.csv")
    assert list(read.columns) == grading.COLUMNS and len(read) == len(table)
    page = (out / "grades.html").read_text(encoding="utf-8")
    assert page.count("<tr") == len(table) + 1 and "test days leak into training" in page


def test_a_notebook_that_loops_is_stopped_and_named(tmp_path):
    loops = _lesson("exercises")
    loops["cells"].insert(3, {"cell_type": "code", "id": "loop", "metadata": {}, "execution_count": None,
                              "outputs": [], "source": "while True:\n    pass\n"})
    _write(tmp_path / "in" / "frank" / LESSON, loops)
    table = grading.grade(tmp_path / "in", tmp_path / "out", grading.Limits(seconds=10))
    assert list(table["status"]) == ["not graded"] and "time limit" in table["message"].iloc[0]


def test_check_rows_read_each_result_line():
    nb = {"cells": [{"id": "exercise-1", "cell_type": "markdown", "source": "### Exercise 1 ★ — A title\n\ntext"},
                    {"id": "exercise-1-check", "cell_type": "code",
                     "outputs": [{"output_type": "execute_result",
                                  "data": {"text/plain": "✘ a title: failed — the reason, on\ntwo lines"}}]},
                    {"id": "exercise-2-check", "cell_type": "code", "outputs": []}]}
    rows = grading.check_rows(nb)
    assert rows[0] == {"exercise": 1, "title": "Exercise 1 ★ — A title", "status": "failed",
                       "message": "the reason, on\ntwo lines"}
    assert rows[1]["status"] == "not run"
    with pytest.raises(FileNotFoundError, match="no such folder"):
        grading.submissions(REPO_ROOT / "no-such-folder")
