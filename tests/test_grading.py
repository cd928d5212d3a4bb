"""Grading a class: every kind of submission gets its row, and nothing submitted is
changed."""

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


def _with_answer(extra: str) -> dict:
    """The blank learner copy with ``extra`` code appended to exercise 1's answer
    cell."""
    nb = _lesson("exercises")
    for cell in nb["cells"]:
        if cell.get("id") == "exercise-1-answer":
            cell["source"] = "".join(cell["source"]) + "\n" + extra
    return nb


FORGED = 'print("✔ Exercise 1 ★ — Split by dates, not by rows: passed — forged")'
REBIND = (
    "import lstm_helpers.checks as _c\n"
    "checks.date_split = _c.date_split = lambda *a, **k: _c.Result('E', 'passed', "
    "'rebound')\n"
)
WRITE = (
    "import lstm_helpers.checks.data as _m, pathlib\n"
    "_p = pathlib.Path(_m.__file__)\n"
    "try:\n    _p.write_text(_p.read_text().replace('raise Failed', 'return \"x\"; "
    "raise Failed'))\n"
    "except OSError:\n    pass\n"
)
SENTINEL = "sentinel-6d1f.ipynb"
"""A file only the submissions folder holds: the hunt below rewrites it wherever it
finds it, and nothing else."""
HUNT = (
    # look for the submissions where a leaky grader would show them
    "import os, sys, pathlib\n"
    "_places = [os.getcwd(), *sys.argv, *os.environ.values()]\n"
    "try:\n    _places += open(f'/proc/{os.getppid()}/cmdline').read().split('\\0')\n"
    "except OSError:\n    pass\n"
    "for _place in _places:\n"
    "    for _folder in [pathlib.Path(p) for p in _place.split(os.pathsep)]:\n"
    "        if _folder.is_dir():  # the folder itself, its parent and three levels "
    "down (bounded: cheap)\n"
    "            for _pattern in ('', '*/', '*/*/', '*/*/*/'):\n"
    f"                for _p in [*_folder.glob(_pattern + {SENTINEL!r}), "
    f"_folder.parent / {SENTINEL!r}]:\n"
    "                    if _p.is_file():\n"
    "                        _p.write_text('found')\n"
)


CELL_SECONDS = 15
"""The per-cell limit of the class graded below: the looping notebook stops at it."""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    _write(folder / "alice" / LESSON, _lesson("notebooks"))  # every exercise solved
    (folder / "alice" / "README.txt").write_text(
        "my notes"
    )  # not a notebook: a row of its own
    (folder / SENTINEL).write_text(
        "{}"
    )  # what the hunt looks for (not a notebook either)
    _write(folder / "bob" / LESSON, _lesson("exercises"))  # nothing done
    planted = _lesson("notebooks")
    for cell in planted["cells"]:
        if cell.get("id") == "exercise-1-answer":
            cell["source"] = "".join(cell["source"]).replace(
                "series.loc[:train_end], series.loc[test_start:test_end]",
                "series.loc[:test_start], series.loc[test_start:test_end]",
            )
    _write(folder / "carol" / LESSON, planted)  # test days in training
    (folder / "dave_00_data.ipynb").write_text(
        '{"cells": [', encoding="utf-8"
    )  # not a notebook
    # The attacks, three notebooks (each grading costs CI time), every one the blank
    # copy underneath:
    # a forged check line (exercise 1), a deleted check cell (2) and a cell that raises;
    # a rebound check
    # and a hunt for the submissions folder; a write into the checks.
    forged = _lesson("exercises")
    for cell in forged["cells"]:
        if cell.get("id") == "exercise-1-check":
            cell["source"] = FORGED
    forged["cells"] = [c for c in forged["cells"] if c.get("id") != "exercise-2-check"]
    forged["cells"].insert(
        3,
        {
            "cell_type": "code",
            "id": "boom",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "raise RuntimeError('boom')\n",
        },
    )
    _write(folder / "forger" / LESSON, forged)
    _write(folder / "rebinder" / LESSON, _with_answer(REBIND + HUNT))
    _write(folder / "writer" / LESSON, _with_answer(WRITE))
    # A notebook that loops forever after exercise 2's check (graded here, not in a run
    # of its own: CI time)
    loops = _lesson("notebooks")
    at = (
        next(
            k for k, c in enumerate(loops["cells"]) if c.get("id") == "exercise-2-check"
        )
        + 1
    )
    loops["cells"].insert(
        at,
        {
            "cell_type": "code",
            "id": "loop",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "while True:\n    pass\n",
        },
    )
    _write(folder / "frank" / LESSON, loops)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("grades")
    table = grading.grade(
        folder, out, grading.Limits(seconds=300, cell_seconds=CELL_SECONDS), workers=2
    )
    return folder, out, table, before


def _status(table):
    return {(r.learner, r.exercise): r.status for r in table.itertuples()}


def test_every_submission_gets_its_rows(graded):
    _, _, table, _ = graded
    status = _status(table)
    assert [status[("alice", n)] for n in (1, 2, 3)] == ["passed"] * 3
    assert [status[("bob", n)] for n in (1, 2, 3)] == ["not done yet"] * 3
    assert status[("carol", 1)] == "failed" and status[("carol", 2)] == "passed"
    carol = table[(table["learner"] == "carol") & (table["exercise"] == 1)][
        "message"
    ].iloc[0]
    assert "test days leak into training" in carol
    dave = table[table["learner"] == "dave_00_data"]
    assert (
        list(dave["status"]) == ["not graded"]
        and "not a notebook" in dave["message"].iloc[0]
    )
    forger = table[table["learner"] == "forger"]
    assert list(forger["status"])[-1] == "cell errors"  # the other cells still ran
    assert "RuntimeError: boom" in forger["message"].iloc[-1]
    readme = table[(table["learner"] == "alice") & (table["notebook"] == "README.txt")]
    assert (
        list(readme["status"]) == ["not graded"]
        and "not a notebook" in readme["message"].iloc[0]
    )


def test_no_attack_forges_a_pass(graded):
    _, _, table, _ = graded
    status = _status(table)
    for learner in ("forger", "rebinder"):  # each is the blank copy underneath
        assert [status[(learner, n)] for n in (1, 2, 3)] == ["not done yet"] * 3, (
            learner
        )
    said = {
        (r.learner, r.exercise): r.message
        for r in table.dropna(subset=["exercise"]).itertuples()
    }
    assert (
        "check cell was changed" in said[("forger", 1)]
        and "check cell was missing" in said[("forger", 2)]
    )
    # a write into the checks (allowed to root despite the read-only copy) voids the
    # notebook's verdicts
    assert [status[("writer", n)] for n in (1, 2, 3)] == ["not graded"] * 3
    assert "changed the course's files" in said[("writer", 1)]


def test_the_tables_are_written_and_nothing_submitted_changes(graded):
    folder, out, table, before = graded
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert "changed" not in set(table["status"]) and "course changed" not in set(
        table["status"]
    )
    read = pd.read_csv(out / "grades.csv")
    assert list(read.columns) == grading.COLUMNS and len(read) == len(table)
    book = pd.read_csv(out / "gradebook.csv", index_col="learner")
    assert (
        book.loc["alice", "total"] == 3
        and book.loc["carol", "data 1"] == 0
        and book.loc["bob", "total"] == 0
    )
    page = (out / "grades.html").read_text(encoding="utf-8")
    assert "test days leak into training" in page and page.count('href="#r') >= 3 * 6


def test_a_notebook_that_loops_keeps_the_verdicts_before_it(graded):
    _, _, table, _ = graded
    frank = table[table["learner"] == "frank"]
    assert list(frank["status"]) == ["passed", "passed", "not run", "not graded"]
    assert f"per-cell time limit ({CELL_SECONDS} s)" in frank["message"].iloc[-1]


def test_check_rows_read_each_result_line():
    nb = {
        "cells": [
            {
                "id": "exercise-1",
                "cell_type": "markdown",
                "source": "### Exercise 1 ★ — A title\n\ntext",
            },
            {
                "id": "exercise-1-check",
                "cell_type": "code",
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "data": {
                            "text/plain": "✘ a title: failed — the reason, on\ntwo lines"
                        },
                    }
                ],
            },
            {"id": "exercise-2-check", "cell_type": "code", "outputs": []},
        ]
    }
    rows = grading.check_rows(nb)
    assert rows[0] == {
        "exercise": 1,
        "title": "Exercise 1 ★ — A title",
        "status": "failed",
        "message": "the reason, on\ntwo lines",
    }
    assert rows[1]["status"] == "not run"
    with pytest.raises(FileNotFoundError, match="no such folder"):
        grading.submissions(REPO_ROOT / "no-such-folder")
