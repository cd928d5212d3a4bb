"""The learner copies in exercises/ are what `make exercises` writes now, and the
exercises follow one shape.

A copy that differs from what :func:`lstm_helpers.course.exercise_copies.learner_copy`
writes from its lesson fails here; the fix is `make exercises`. (Working in exercises/
yourself makes this test fail too: your answers are the difference. Run the tests on a
clean checkout.)
"""

import ast
import json
import re

import pytest

from lstm_helpers import checks
from lstm_helpers.course.cli import main
from lstm_helpers.course.exercise_copies import (
    AFTER_COMMENT,
    AFTER_COPY,
    AFTER_TAG,
    BEGIN,
    END,
    EXERCISE_DIR,
    PLACEHOLDER,
    after_you_tried,
    expected_copies,
    learner_copy,
    render,
    strip_solutions,
    write_copies,
)
from lstm_helpers.course.runner import lesson_notebooks
from lstm_helpers.paths import NOTEBOOK_DIR

LESSONS = lesson_notebooks(NOTEBOOK_DIR)
MAIN_PATH = [p for p in LESSONS if not p.stem.startswith("9")]
"""The lessons with exercises: every one but the appendices (``9N_name``), which explain
and do not drill."""
HEADING = re.compile(r"^### Exercise (\d+) (★{1,3}) — \S")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def exercises(path):
    """[(number, statement cell, answer cell, check cell)] of one lesson, in order."""
    found, all_cells = [], cells(path)
    for k, cell in enumerate(all_cells):
        match = HEADING.match(source(cell)) if cell["cell_type"] == "markdown" else None
        if match:
            found.append(
                (int(match.group(1)), cell, all_cells[k + 1], all_cells[k + 2], k)
            )
    return found


@pytest.fixture(scope="module")
def copies():
    """What `make exercises` would write now, computed once for the module."""
    return expected_copies(NOTEBOOK_DIR)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_committed_copy_is_what_make_exercises_writes(lesson, copies):
    expected = copies[lesson.name]
    copy = EXERCISE_DIR / lesson.name
    assert copy.exists(), f"exercises/{lesson.name} is missing: run `make exercises`"
    assert copy.read_text(encoding="utf-8") == expected, (
        f"exercises/{lesson.name} differs from the learner copy of "
        f"notebooks/{lesson.name}: run `make exercises` "
        "(if you are working in exercises/, your answers are the difference; test a "
        "clean checkout)"
    )


def test_no_copy_without_a_lesson():
    assert sorted(p.name for p in lesson_notebooks(EXERCISE_DIR)) == sorted(
        p.name for p in LESSONS
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_has_two_to_four_exercises_of_one_shape(lesson):
    if lesson not in MAIN_PATH:
        assert exercises(lesson) == [], f"{lesson.name}: an appendix has no exercises"
        return
    found = exercises(lesson)
    assert 2 <= len(found) <= 4, f"{lesson.name}: {len(found)} exercises"
    assert [n for n, *_ in found] == list(range(1, len(found) + 1)), (
        f"{lesson.name}: numbered 1, 2, ..."
    )
    for n, _statement, answer, check, _ in found:
        assert (
            answer["cell_type"] == "code"
            and BEGIN in source(answer)
            and END in source(answer)
        ), (lesson.name, n)
        assert (
            answer["id"] == f"exercise-{n}-answer"
            and check["id"] == f"exercise-{n}-check"
        )
        call = ast.parse(source(check)).body
        assert len(call) == 1 and source(check).startswith("checks."), (
            f"{lesson.name} exercise {n}: one check call"
        )
        assert callable(
            getattr(checks, source(check).split("(")[0].removeprefix("checks."))
        )


def test_the_course_mixes_kinds_of_exercise():
    headings = [source(s).splitlines()[0] for p in LESSONS for _, s, *_ in exercises(p)]
    assert sum("Predict" in h for h in headings) >= 4
    for p in MAIN_PATH:  # one open experiment in every lesson
        assert any(
            "Your own experiment" in source(s).splitlines()[0]
            for _, s, *_ in exercises(p)
        ), p.name
    assert len(headings) >= 2 * len(MAIN_PATH)


def _names_defined(code: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_later_cells_never_use_an_answer(lesson):
    """The names an answer cell defines (my_...) appear in no cell but its own
    exercise's."""
    all_cells = cells(lesson)
    for n, _, answer, _check, k in exercises(lesson):
        defined = {
            name for name in _names_defined(source(answer)) if name.startswith("my_")
        }
        assert defined, f"{lesson.name} exercise {n}: answers are named my_..."
        for j, cell in enumerate(all_cells):
            if cell["cell_type"] != "code" or j in (k + 1, k + 2):
                continue
            used = {
                node.id
                for node in ast.walk(ast.parse(source(cell)))
                if isinstance(node, ast.Name)
            }
            assert not (used & defined), (
                f"{lesson.name}: cell {cell['id']} uses "
                f"{used & defined} of exercise {n}"
            )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_copy_holds_no_solution_and_no_output(lesson):
    copy = learner_copy(json.loads(lesson.read_text(encoding="utf-8")), lesson.name)
    text = render(copy)
    assert BEGIN not in text and END not in text
    code = [source(c) for c in copy["cells"] if c["cell_type"] == "code"]
    assert sum(c.count(PLACEHOLDER) for c in code) == len(exercises(lesson))
    for cell in copy["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert set(cell["metadata"]) <= {"tags"}
    assert "notebooks/" + lesson.name in source(copy["cells"][1])
    # the rest of the lesson is unchanged: same cells, same order, plus the note
    assert [c["id"] for c in copy["cells"]] == [
        cells(lesson)[0]["id"],
        "learner-copy-note",
        *[c["id"] for c in cells(lesson)[1:]],
    ]


def test_strip_solutions():
    inside = (
        "def f(x):\n    '''doc'''\n    # BEGIN SOLUTION\n    "
        "return x\n    # END SOLUTION\n"
    )
    assert strip_solutions(inside) == (
        "def f(x):\n    '''doc'''\n    # YOUR CODE HERE\n"
        '    raise NotImplementedError("not done yet: '
        'write this function")\n'
    )
    top = "a = None  # your answer\n# BEGIN SOLUTION\na = 3\n# END SOLUTION"
    assert strip_solutions(top) == "a = None  # your answer\n# YOUR CODE HERE"
    assert strip_solutions("x = 1") == "x = 1"


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("# BEGIN SOLUTION\nx = 1", "without an # END SOLUTION"),
        ("x = 1\n# END SOLUTION", "line 2: # END SOLUTION without"),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION",
            "line 2: # BEGIN SOLUTION inside",
        ),
    ],
)
def test_unbalanced_markers_name_the_cell_and_line(bad, problem):
    with pytest.raises(ValueError, match=re.escape(problem)) as err:
        strip_solutions(bad, "notebooks/01_x.ipynb, cell exercise-1-answer")
    assert "notebooks/01_x.ipynb, cell exercise-1-answer" in str(err.value)


def _lesson(path, answer):
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "t",
                "metadata": {},
                "source": ["# Lesson"],
            },
            {
                "cell_type": "code",
                "id": "a",
                "metadata": {"papermill": {}},
                "execution_count": 3,
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["4\n"]}
                ],
                "source": [answer],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3"}, "papermill": {"duration": 1}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))


def test_write_copies_keeps_what_it_replaces(tmp_path, capsys):
    src, out, backup = (
        tmp_path / "notebooks",
        tmp_path / "exercises",
        tmp_path / "backup",
    )
    src.mkdir()
    _lesson(src / "00_a.ipynb", "x = None\n# BEGIN SOLUTION\nx = 4\n# END SOLUTION")
    assert [p.name for p in write_copies(src, out, backup)] == ["00_a.ipynb"]
    written = json.loads((out / "00_a.ipynb").read_text())
    assert "".join(written["cells"][2]["source"]) == "x = None\n# YOUR CODE HERE"
    assert (
        written["cells"][2]["outputs"] == [] and "papermill" not in written["metadata"]
    )
    # up to date: nothing written, nothing backed up
    assert write_copies(src, out, backup) == []
    (out / "00_a.ipynb").write_text(
        (out / "00_a.ipynb").read_text().replace("x = None", "x = 4  # mine")
    )
    (out / "07_gone.ipynb").write_text("{}")  # a copy whose lesson was removed
    (out / "notes.ipynb").write_text("{}")  # not a lesson copy: left alone
    write_copies(src, out, backup)
    kept = sorted(p.name.split(".")[0] for p in backup.iterdir())
    assert (
        kept == ["00_a", "07_gone"]
        and "x = 4  # mine" in next(backup.glob("00_a*")).read_text()
    )
    assert not (out / "07_gone.ipynb").exists() and (out / "notes.ipynb").exists()
    assert "kept the previous 00_a.ipynb" in capsys.readouterr().out


def test_write_copies_names_a_broken_lesson(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    (src / "00_a.ipynb").write_text("{not json")
    with pytest.raises(ValueError, match=r"00_a\.ipynb: not a readable notebook"):
        write_copies(src, tmp_path / "exercises", tmp_path / "backup")
    _lesson(src / "00_a.ipynb", "# BEGIN SOLUTION\nx = 4")
    with pytest.raises(
        ValueError, match=r"00_a.ipynb, cell a: # BEGIN SOLUTION without"
    ):
        write_copies(src, tmp_path / "exercises", tmp_path / "backup")


def test_course_command_reports_errors(tmp_path, capsys):
    empty = tmp_path / "none"
    empty.mkdir()
    assert main(["--exercises", "--source", str(empty)]) == 2
    assert "no lessons found" in capsys.readouterr().err


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_cell_hides_the_checks_module(lesson):
    for cell in cells(lesson):
        if cell["cell_type"] == "code":
            assert "checks" not in _names_defined(source(cell)), (
                f"{lesson.name}, cell {cell['id']} assigns `checks`"
            )


def _names_in(function) -> set[str]:
    """Every plain name a function's source uses (``f(...)``, not ``model.f(...)``)."""
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


SHOWN = re.compile(r"show_source\(\s*([\w.]+)")


def answers_shown(nb: dict) -> list[str]:
    """The cells of a lesson that show an exercise's answer without the after-you-tried
    mark: a ``show_source`` of a function an earlier exercise's check calls (the check
    compares the learner's answer with it), not tagged and opened as :data:`AFTER_TAG`
    and :data:`AFTER_COMMENT` say."""
    problems, answered = [], set()
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        called = re.match(r"\s*checks\.(\w+)\(", source)
        if called:
            check = getattr(checks, called.group(1))
            answered |= _names_in(getattr(check, "__wrapped__", check))
        shown = {m.split(".")[-1] for m in SHOWN.findall(source)}
        if shown & answered:
            tagged = AFTER_TAG in cell.get("metadata", {}).get("tags", [])
            if not (tagged and source.startswith(AFTER_COMMENT)):
                problems.append(f"cell {k} shows {sorted(shown & answered)} unmarked")
    return problems


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_answer_shows_before_the_learner_tries(lesson):
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    assert answers_shown(nb) == []
    copy = json.loads((EXERCISE_DIR / lesson.name).read_text(encoding="utf-8"))
    for cell in copy["cells"]:
        if AFTER_TAG in cell.get("metadata", {}).get("tags", []):
            lines = "".join(cell["source"]).splitlines()
            # nothing runs in the copy: Run All shows no answer
            assert all(line.startswith("#") for line in lines), lines
            assert "".join(cell["source"]).startswith(AFTER_COPY)


def test_an_unmarked_answer_is_found_and_the_copy_comments_the_marked_one_out():
    lesson = next(p for p in LESSONS if p.stem.endswith("multi_step"))
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    marked = [c for c in nb["cells"] if AFTER_TAG in c["metadata"].get("tags", [])]
    assert marked, "the multi-step lesson shows recursive_paths after its exercise"
    marked[0]["metadata"]["tags"].remove(AFTER_TAG)  # planted: the mark forgotten
    assert answers_shown(nb) != []
    assert after_you_tried("# After you tried: x\nshow_source(f)\n") == (
        AFTER_COPY + "\n# show_source(f)"
    )
