"""The committed notebooks are what the published results give, checked without training
anything.

Every lesson runs in the standard profile from ``results/models`` alone (an
empty local cache, no training allowed), and every printed output is compared
with the committed notebook's: the result tables of trained models included.

A lesson that needs a model the published results do not hold (its key changed
because the code did) fails in CI (``CI=true``): what lands must load for every
learner. Locally it is skipped with the count, so work in progress can be
tested; ``make publish`` brings the count back to zero.

The published results must also load under another Python than the one that
made them: a second interpreter (the ``second_python`` fixture of
``conftest.py``: a venv of another Python minor version; ``.ci/run`` makes one)
runs a lesson with trained models from the published results and must train
nothing and print what the committed notebook shows.
"""

import csv
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import run_json, strict

from lstm_helpers.course.publishing import compare_outputs
from lstm_helpers.course.runner import SUMMARY_NAME, lesson_notebooks
from lstm_helpers.paths import NOTEBOOK_DIR


def not_published(lesson: Path, detail: str) -> None:
    """Fail in CI, skip elsewhere: ``lesson`` asks for models the published results do
    not hold."""
    message = f"{lesson.name}: not checked, {detail.split('NotPublishedError: ')[-1]}"
    if strict():
        pytest.fail(
            f"{message}. Run `make course` and `make publish` so "
            "that every learner loads them."
        )
    pytest.skip(message)


RUN = """
import json, sys
from pathlib import Path
from lstm_helpers.course.publishing import run_from_published
(row,) = run_from_published([Path(sys.argv[1])], Path(sys.argv[2]))
print(json.dumps({"status": row.status, "detail": row.detail, "models": row.models,
                  "python": ".".join(map(str, sys.version_info[:2]))}))
"""
SIDE_BY_SIDE = 2
"""Lessons run from the published results at once. Each runs in a process of its own:
the runner sets environment variables for its kernels, so two runs cannot share one
process. Nothing trains here, and most of a lesson is one kernel's single thread, so two
at a time use both cores."""


def run_in_a_process(python: str, lesson: Path, folder: Path) -> dict:
    """``run_from_published`` of one lesson in a fresh interpreter: its row as a dict."""
    row, error = run_json(python, RUN, str(lesson), str(folder), cwd=folder.parent)
    return row if error is None else {"status": "failed", "detail": error}


@pytest.fixture(scope="module")
def published_runs(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    """Every lesson run from the published results, :data:`SIDE_BY_SIDE` at a time: name
    -> (row, folder)."""
    root = tmp_path_factory.mktemp("from-published")
    lessons = lesson_notebooks(NOTEBOOK_DIR)
    with ThreadPoolExecutor(SIDE_BY_SIDE) as pool:
        rows = pool.map(
            lambda p: run_in_a_process(sys.executable, p, root / p.stem), lessons
        )
        return {
            p.name: (row, root / p.stem) for p, row in zip(lessons, rows, strict=True)
        }


@pytest.mark.parametrize("lesson", lesson_notebooks(NOTEBOOK_DIR), ids=lambda p: p.stem)
def test_committed_notebook_is_what_the_published_results_give(lesson, published_runs):
    row, folder = published_runs[lesson.name]
    if row["status"] != "ok" and "NotPublishedError" in row["detail"]:
        not_published(lesson, row["detail"])
    assert row["status"] == "ok", row["detail"]
    assert row["models"]["trained"] == 0
    assert compare_outputs(folder / lesson.name, lesson) == []


def test_a_second_interpreter_loads_the_published_results_and_trains_nothing(
    tmp_path, second_python
):
    python = second_python
    lesson = next(
        p for p in lesson_notebooks(NOTEBOOK_DIR) if p.stem.endswith("keras_model")
    )
    row = run_in_a_process(python, lesson, tmp_path / "run")
    assert row["status"] != "failed", row["detail"]
    assert row["python"] != ".".join(map(str, sys.version_info[:2])), (
        "the second interpreter is this one's version"
    )
    if row["status"] != "ok" and "NotPublishedError" in row["detail"]:
        not_published(lesson, row["detail"])
    assert row["status"] == "ok", row["detail"]
    assert (
        row["models"]["trained"] == 0
        and row["models"]["cache"] == 0
        and row["models"]["published"] >= 1
    )
    with (tmp_path / "run" / SUMMARY_NAME).open() as fh:
        assert [r["trained"] for r in csv.DictReader(fh)] == ["0"]
    assert compare_outputs(tmp_path / "run" / lesson.name, lesson) == []
