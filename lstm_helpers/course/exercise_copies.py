"""Learner copies of the lessons: the solutions taken out, the outputs cleared.

The lessons in ``notebooks/`` hold each exercise's solution between two marker
lines in the answer cell::

    def my_sma(series, window):
        # BEGIN SOLUTION
        return series.rolling(window).mean().shift(1)
        # END SOLUTION

:func:`write_copies` (``make exercises``, ``python -m lstm_helpers.course
--exercises``) writes one copy of every lesson into ``exercises/`` with each
such block replaced by a placeholder, ``# YOUR CODE HERE`` and, inside a
function, ``raise NotImplementedError``, which the checks of
:mod:`lstm_helpers.checks` report as "not done yet". An answer cell at the
top level sets its names to ``None`` above the markers, so they still exist
in the copy. Outputs, execution counts and the runner's metadata are cleared,
and a note on top says where the solutions are. The copies are a pure function
of the lessons: ``tests/test_exercise_copies.py`` fails when a committed copy
differs from what :func:`learner_copy` writes now.

A copy that would change is first saved under ``build/exercises-backup/`` (it
may hold a learner's answers), so writing the copies never loses work.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import time
from pathlib import Path

from lstm_helpers.course.runner import lesson_notebooks
from lstm_helpers.paths import BUILD_DIR, REPO_ROOT

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
# The cells of exercise N, by id: its statement (markdown), the answer cell, the check
# cell.
STATEMENT_ID = "exercise-{}"
ANSWER_ID = re.compile(r"^exercise-(\d+)-answer$")
CHECK_ID = re.compile(r"^exercise-(\d+)-check$")
PLACEHOLDER = "# YOUR CODE HERE"
EXERCISE_DIR: Path = REPO_ROOT / "exercises"
BACKUP_DIR: Path = BUILD_DIR / "exercises-backup"
NOTE_ID = "learner-copy-note"
# A cell that shows an exercise's answer (the package's own function) carries this tag
# and opens with a comment that starts with AFTER_COMMENT. In a copy its code is
# commented out, so that Run All shows no answer (AFTER_COPY says how to see it); in the
# book its output is folded behind a click.
AFTER_TAG = "after-you-tried"
AFTER_COMMENT = "# After you tried"
AFTER_COPY = (
    "# After you tried: delete the # before the line(s) below and run this cell to\n"
    "# see the package's own version (Run All leaves it out: no answer too early)."
)


def strip_solutions(source: str, where: str = "cell") -> str:
    """``source`` with every solution block replaced by the placeholder.

    Parameters
    ----------
    source : str
        A code cell's source.
    where : str
        Named in the error message (e.g. ``"notebooks/01_baselines.ipynb, cell
        exercise-1-answer"``).

    Raises
    ------
    ValueError
        For a BEGIN without its END, an END without a BEGIN, or a nested BEGIN.
    """
    out: list[str] = []
    indent: str | None = None
    for number, line in enumerate(source.split("\n"), 1):
        mark = line.strip()
        if mark == BEGIN:
            if indent is not None:
                raise ValueError(
                    f"{where}, line {number}: {BEGIN} inside another solution block"
                )
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + PLACEHOLDER)
            # inside a function: keep it valid Python, and "not done yet" for the check
            if indent:
                out.append(
                    indent + 'raise NotImplementedError("not done yet: write this '
                    'function")'
                )
        elif mark == END:
            if indent is None:
                raise ValueError(
                    f"{where}, line {number}: {END} without a {BEGIN} above it"
                )
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise ValueError(f"{where}: {BEGIN} without an {END}")
    return "\n".join(out)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def learner_copy(lesson: dict, name: str) -> dict:
    """The learner copy of one lesson (a notebook as a dict), named ``name`` in messages
    and in the note."""
    nb = copy.deepcopy(lesson)
    nb["metadata"] = {
        k: v
        for k, v in nb.get("metadata", {}).items()
        if k in ("kernelspec", "language_info")
    }
    answers = 0
    for cell in nb["cells"]:
        cell["metadata"] = {
            k: v for k, v in cell.get("metadata", {}).items() if k == "tags" and v
        }
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        stripped = strip_solutions(
            source, f"notebooks/{name}, cell {cell.get('id', '?')}"
        )
        answers += stripped != source
        cell["source"] = _lines(stripped)
        cell["outputs"] = []
        cell["execution_count"] = None
        if AFTER_TAG in cell["metadata"].get("tags", []):
            cell["source"] = _lines(after_you_tried(stripped))
    note = {
        "cell_type": "markdown",
        "id": NOTE_ID,
        "metadata": {},
        "source": _lines(
            f"> **Your copy to work in.** This is `exercises/{name}`, written by `make "
            "exercises` from the "
            f"lesson `notebooks/{name}` with the {answers} exercise solution(s) taken "
            "out and the outputs "
            "cleared. Run it from the top, fill in each cell marked `# YOUR CODE HERE` "
            "and run the check "
            f"below it. `notebooks/{name}` holds worked solutions and the outputs of a "
            "full run, to compare "
            "with after you tried."
        ),
    }
    nb["cells"].insert(1, note)
    return nb


def after_you_tried(source: str) -> str:
    """A cell that shows an exercise's answer, as its learner copy holds it: every
    line of code commented out, under :data:`AFTER_COPY` (the lesson's comments
    dropped)."""
    code = [line for line in source.splitlines() if not line.lstrip().startswith("#")]
    return "\n".join([AFTER_COPY, *(f"# {line}" for line in code if line.strip())])


def render(nb: dict) -> str:
    """The text a notebook is saved as (the lessons' own format: one-space indent, a
    final newline)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def expected_copies(source: Path) -> dict[str, str]:
    """``{file name: text}`` of the learner copy of every lesson in ``source``."""
    copies = {}
    for path in lesson_notebooks(source):
        try:
            lesson = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}: not a readable notebook ({err})") from None
        copies[path.name] = render(learner_copy(lesson, path.name))
    return copies


def write_copies(
    source: Path, target: Path = EXERCISE_DIR, backup: Path = BACKUP_DIR
) -> list[Path]:
    """Write the learner copies of the lessons in ``source`` into ``target``; return the
    files written.

    A copy that already exists and would change is saved under ``backup`` first;
    a lesson copy whose lesson is gone is moved there too. Files that are not
    lesson copies (``NN_name.ipynb``) are left alone.
    """
    copies = expected_copies(source)
    if not copies:
        raise ValueError(f"no lessons found in {source}")
    target.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    written = []
    stale = [p for p in lesson_notebooks(target) if p.name not in copies]
    for name, text in copies.items():
        path = target / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        if path.exists():
            _back_up(path, backup, stamp)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for path in stale:
        _back_up(path, backup, stamp)
        path.unlink()
    return written


def _back_up(path: Path, backup: Path, stamp: str) -> Path:
    backup.mkdir(parents=True, exist_ok=True)
    saved = backup / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, saved)
    print(f"kept the previous {path.name} as {saved}")
    return saved
