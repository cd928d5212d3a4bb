"""Grading a class: run every submitted learner copy and tabulate its exercise checks.

A teacher collects the learners' copies of the lessons, one folder per learner
(``DIR/alice/01_baselines.ipynb``) or files side by side (``DIR/alice_01.ipynb``:
the file's name stands for the learner). :func:`grade` runs each notebook and
records every exercise check, one row per learner and exercise, and writes the
table as CSV and HTML (a learner x exercise grid with points and totals, and a
gradebook CSV with one row per learner). A file that is not a notebook, a notebook
that raises, loops or runs out of memory gets its own row; the others still grade.

**Verdicts the notebook cannot print for itself.** The grade does not read what a
check cell printed. Before a notebook runs, every check cell is replaced by the
grader's: it runs the *lesson's* check (from the course's learner copy, so a
changed or deleted check cell is restored, and said so on its row) with the
checks loaded afresh from a read-only copy of the package, and prints its verdict
with a random token the notebook never saw. The process that drives the kernel
passes each verdict on as soon as its cell has run, so a notebook stopped by a
limit keeps the verdicts of the checks before the stop.

**The course's files out of reach.** Each notebook runs in a temporary folder of
its own, on a snapshot of its submission (the submissions folder is neither its
working directory nor in its arguments or environment), with the package, the
data and the published results from a read-only copy in that folder, a temporary
model cache and the ``quick`` profile, under a time limit (per notebook and per
cell) and a memory limit. The submissions are hashed before and after grading;
one that changed is reported.

What this does not stop (the README says it too): code in the notebook runs in
the same kernel as the grader's cells, with the teacher's user rights. It can
change what the checks rely on there (NumPy, the package's other modules, Python's
built-ins, IPython's input hooks), read files the teacher can read, find the
teacher's command line in ``/proc``, and undo a file's read-only mode. Grade
untrusted work inside a throwaway container (the README shows one), as
autograders such as nbgrader and Otter-Grader advise.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lstm_helpers.checks._shared import MARKS
from lstm_helpers.course.exercise_copies import ANSWER_ID, CHECK_ID, STATEMENT_ID
from lstm_helpers.paths import REPO_ROOT

LINE = re.compile(
    rf"^({'|'.join(MARKS.values())}) (.+?): "
    rf"({'|'.join(MARKS)}) — (.*)$",
    re.S,
)
"""One check's result as :class:`lstm_helpers.checks.Result` prints it."""
COLUMNS = ["learner", "notebook", "exercise", "title", "points", "status", "message"]
KERNEL = "lstm-course"
EXERCISE_DIR = REPO_ROOT / "exercises"
COURSE_PARTS = ("lstm_helpers", "data", "results")
"""What a graded notebook gets of the course, as a read-only copy in its own folder."""
VERDICT = "GRADED "
"""The prefix of the lines in which the driving process passes each verdict on (JSON
after it)."""


@dataclass
class Limits:
    """What one notebook may use: wall-clock seconds, memory (MiB of address space),
    seconds per cell."""

    seconds: float = 900.0
    memory_mib: int = 16384
    cell_seconds: float = 600.0


def submissions(folder: Path) -> list[tuple[str, Path]]:
    """``(learner, path)`` for every file under ``folder``: a sub-folder names its
    learner, else the file does.

    Every file counts (a ``README.txt`` too: it gets a row saying it was not graded);
    only Jupyter's ``.ipynb_checkpoints`` copies and hidden files are left out.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of submissions")
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if ".ipynb_checkpoints" in rel.parts or any(
            part.startswith(".") for part in rel.parts
        ):
            continue
        found.append((rel.parts[0] if len(rel.parts) > 1 else path.stem, path))
    return found


def _stars(heading: str) -> int:
    match = re.search(r"(★+)", heading)
    return len(match.group(1)) if match else 1


def _title(nb: dict, n: int) -> str:
    for cell in nb.get("cells", []):
        if cell.get("id") == STATEMENT_ID.format(n):
            first = "".join(cell.get("source", "")).strip().splitlines()
            return first[0].lstrip("# ").strip() if first else ""
    return ""


@dataclass(frozen=True)
class Reference:
    """One lesson's exercises as the course's learner copy has them: check cell sources
    and titles."""

    stem: str
    checks: dict[int, str]
    titles: dict[int, str]


def references(folder: Path = EXERCISE_DIR) -> dict[str, Reference]:
    """The course's learner copies, by file stem (``01_baselines``): the checks a grade
    counts."""
    out = {}
    for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        checks = {}
        for cell in nb["cells"]:
            match = CHECK_ID.match(str(cell.get("id", "")))
            if match:
                checks[int(match.group(1))] = "".join(cell["source"]).strip()
        out[path.stem] = Reference(
            path.stem, checks, {n: _title(nb, n) for n in checks}
        )
    return out


def lesson_of(name: str, nb: dict, known: dict[str, Reference]) -> Reference | None:
    """The lesson a submission is a copy of: by a lesson's name in the file name, else
    by its exercises' titles."""
    for stem, ref in known.items():
        if stem in name or stem.split("_", 1)[1] in name:
            return ref
    titles = {n: _title(nb, n) for n in range(1, 10)}
    for ref in known.values():
        if ref.titles and all(titles.get(n) == t for n, t in ref.titles.items()):
            return ref
    return None


def grader_source(n: int, check: str, token: str) -> str:
    """The cell that replaces check ``n``: the lesson's check on a fresh copy of the
    checks, its verdict marked.

    Only ``lstm_helpers.checks`` is loaded again (from the read-only copy first on the
    path), so a check rebound in the notebook (``checks.x = ...``) or a changed check
    module in memory does not count.
    """
    ast.parse(check, mode="eval")  # a check cell is one expression
    return (
        f"# the grader's run of exercise {n}'s check (the lesson's own)\n"
        "import sys as _g_sys\n"
        "for _g_name in [m for m in list(_g_sys.modules) if "
        "m.startswith('lstm_helpers.checks')]:\n"
        "    del _g_sys.modules[_g_name]\n"
        "import lstm_helpers.checks as _g_checks\n"
        "try:\n"
        f"    _g_result = eval({check!r}, {{**get_ipython().user_ns, 'checks': "
        f"_g_checks}})\n"
        "    _g_line = [_g_result.status, _g_result.message]\n"
        "except BaseException as _g_error:\n"
        "    _g_line = ['error', f'{type(_g_error).__name__}: {_g_error}']\n"
        f"print({token!r}, {n}, *_g_line, sep='\\x1f')\n"
    )


def prepare(nb: dict, reference: Reference, token: str) -> tuple[dict, dict[int, str]]:
    """``nb`` with every check cell replaced by the grader's (a missing one put back
    after its answer cell).

    Returns the notebook and, per exercise, what was found: ``"changed"`` (the check
    cell's code was not the lesson's) or ``"missing"`` (no check cell with its id).
    """
    cells, notes, seen = nb.get("cells", []), {}, set()
    for cell in cells:
        match = CHECK_ID.match(str(cell.get("id", "")))
        if match and int(match.group(1)) in reference.checks:
            n = int(match.group(1))
            seen.add(n)
            if (
                cell.get("cell_type") != "code"
                or "".join(cell.get("source", "")).strip() != reference.checks[n]
            ):
                notes[n] = "changed"
            cell.update(
                {
                    "cell_type": "code",
                    "source": grader_source(n, reference.checks[n], token),
                    "outputs": [],
                    "execution_count": None,
                    "metadata": {},
                }
            )
    for n in sorted(set(reference.checks) - seen):
        notes[n] = "missing"
        at = next(
            (
                k + 1
                for k, c in enumerate(cells)
                if ANSWER_ID.match(str(c.get("id", "")))
                and int(ANSWER_ID.match(c["id"]).group(1)) == n
            ),
            len(cells),
        )
        cells.insert(
            at,
            {
                "cell_type": "code",
                "id": f"exercise-{n}-check",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": grader_source(n, reference.checks[n], token),
            },
        )
    nb["cells"] = cells
    return nb, notes


def check_rows(nb: dict) -> list[dict]:
    """One row per exercise check cell of an executed notebook, read from what it
    printed.

    For a learner reading their own run; :func:`grade` never uses it (a printed line can
    be forged).
    """
    rows = []
    for cell in nb.get("cells", []):
        match = CHECK_ID.match(str(cell.get("id", "")))
        if not match:
            continue
        n = int(match.group(1))
        texts = []
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")))
            texts.append("".join(out.get("data", {}).get("text/plain", "")))
            if out.get("output_type") == "error":
                texts.append(f"error: {out.get('ename')}: {out.get('evalue')}")
        text = "".join(texts).strip().strip("'\"")
        line = LINE.match(text)
        if line:
            status, message = line.group(3), line.group(4).strip()
        elif text.startswith("error:"):
            status, message = "error", text.removeprefix("error: ")
        else:
            status, message = (
                "not run",
                ("the check cell printed nothing (was it deleted or changed?)"),
            )
        rows.append(
            {
                "exercise": n,
                "title": _title(nb, n),
                "status": status,
                "message": message,
            }
        )
    return rows


def cell_errors(nb: dict) -> list[str]:
    """The errors raised by cells that are not exercise checks, as ``ename: evalue``."""
    errors = []
    for cell in nb.get("cells", []):
        if CHECK_ID.match(str(cell.get("id", ""))):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"{out.get('ename')}: {out.get('evalue')}")
    return errors


def _limit_memory(mib: int) -> None:  # runs in the child before it starts
    import resource

    os.setsid()
    limit = mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def course_copy(workdir: Path, root: Path = REPO_ROOT) -> Path:
    """A read-only copy of the course's package, data and published results in
    ``workdir/course``.

    ``root`` is the course (default: this one), or a copy made when grading began
    (:func:`grade` makes one, so that a notebook that writes into the teacher's course
    changes nothing a later notebook gets).
    """
    target = workdir / "course"
    for part in COURSE_PARTS:
        shutil.copytree(
            root / part,
            target / part,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    _set_writable(target, False)
    return target


def _set_writable(folder: Path, writable: bool) -> None:
    add = stat.S_IWUSR
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(
            mode | add
            if writable
            else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        )


def run_one(
    source: Path,
    target: Path,
    limits: Limits,
    workdir: Path,
    course: Path | None = None,
    token: str = "",
    hide: tuple[Path, ...] = (),
) -> tuple[str | None, dict[int, tuple[str, str]]]:
    """Execute ``source`` into ``target`` in a child process whose environment names
    none of ``hide``.

    Returns why it did not finish (None if it did) and the verdicts its grader cells
    gave, by exercise, as ``(status, message)``; those that ran before a stop are kept.
    """
    # The environment without where the grader was started (PWD, OLDPWD: the submissions
    # may lie below it) and without any value that names a folder to hide (the
    # submissions, the course).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LSTM_COURSE_")
        and k not in ("PWD", "OLDPWD")
        and not any(str(folder) in v for folder in hide)
    }
    env.update(
        {
            "LSTM_COURSE_PROFILE": "quick",
            "LSTM_COURSE_CACHE": str(workdir / "cache"),
            "MPLBACKEND": "Agg",
            "LSTM_COURSE_BUILD": str(workdir / "build"),
            "PWD": str(workdir),
        }
    )
    # the read-only copy comes first on the path: the kernel imports the package from it
    if course is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(course), *filter(None, [env.get("PYTHONPATH")])]
        )
    command = [
        sys.executable,
        "-m",
        "lstm_helpers.course.grading",
        "--run-one",
        str(source),
        str(target),
        str(limits.cell_seconds),
        token,
        str(course or ""),
    ]
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: _limit_memory(limits.memory_mib),
    )
    why = None
    try:
        output, _ = process.communicate(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        # the notebook's kernel is in the same process group
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        why = f"stopped after {limits.seconds:g} s (the time limit): does it loop?"
    text = output.decode("utf-8", "replace")
    verdicts = {}
    for line in text.splitlines():
        if line.startswith(VERDICT):
            n, status, message = json.loads(line.removeprefix(VERDICT))
            verdicts[int(n)] = (status, message)
    if why is None and (process.returncode != 0 or not target.exists()):
        tail = [
            line for line in text.strip().splitlines() if not line.startswith(VERDICT)
        ][-1:] or ["no output"]
        memory = " (memory limit?)" if "MemoryError" in text else ""
        if "CellTimeoutError" in text:
            why = (
                "a cell ran past the per-cell time limit "
                f"({limits.cell_seconds:g} s): does it loop?"
            )
        else:
            why = f"the notebook did not run to the end{memory}: {tail[0][:300]}"
    return why, verdicts


def _stamps(folder: Path) -> dict[str, int]:
    """Each file's change time (``st_ctime_ns``, which no process can set back) under
    ``folder``."""
    return {str(p): p.stat().st_ctime_ns for p in folder.rglob("*") if p.is_file()}


def _execute(
    source: str, target: str, cell_seconds: float, token: str, course: str = ""
) -> None:
    """The child's work: run every cell (errors included), pass each grader verdict on
    at once, save the result.

    A verdict counts only from a cell the grader wrote (its id is an exercise check's),
    only with the run's token, which the notebook's own cells never saw, and only while
    the read-only copy of the course in the notebook's folder is as it was made (a write
    there changes a file's change time).
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(source, as_version=4)
    stamps = _stamps(Path(course)) if course else {}

    def passed_on(cell: Any, cell_index: int, execute_reply: Any) -> None:
        match = CHECK_ID.match(str(cell.get("id", "")))
        if not match or not token:
            return
        text = "".join(
            o.get("text", "")
            for o in cell.get("outputs", [])
            if o.get("output_type") == "stream"
        )
        for line in text.splitlines():
            parts = line.split("\x1f")
            if len(parts) == 4 and parts[0] == token and parts[1] == match.group(1):
                if course and _stamps(Path(course)) != stamps:
                    parts[2:] = [
                        "not graded",
                        "the notebook changed the course's files in its folder "
                        "(the "
                        "package, data or results) before this check ran",
                    ]
                print(
                    VERDICT + json.dumps([int(parts[1]), parts[2], parts[3]]),
                    flush=True,
                )

    client = NotebookClient(
        nb,
        timeout=cell_seconds,
        kernel_name=KERNEL,
        allow_errors=True,
        resources={"metadata": {"path": str(Path.cwd())}},
        on_cell_executed=passed_on,
    )
    client.execute()
    nbformat.write(nb, target)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digests(root: Path) -> dict[str, str]:
    """The digest of every file of the course's parts that a graded notebook gets
    (:data:`COURSE_PARTS`)."""
    return {
        str(p): _digest(p)
        for part in COURSE_PARTS
        for p in sorted((root / part).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def grade_notebook(
    learner: str,
    path: Path,
    limits: Limits,
    known: dict[str, Reference] | None = None,
    snapshot: bytes | None = None,
    course_root: Path = REPO_ROOT,
    hide: tuple[Path, ...] = (),
) -> list[dict]:
    """The rows of one submission: a row per exercise of its lesson (or one row saying
    why it was not graded).

    ``snapshot`` is the file's content as read when grading began (default: read now);
    the notebook runs on a copy of it in a temporary folder and never sees ``path``.
    """
    known = references() if known is None else known
    base = {"learner": learner, "notebook": path.name}
    try:
        raw = snapshot if snapshot is not None else path.read_bytes()
        nb = json.loads(raw.decode("utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
    except (OSError, UnicodeDecodeError, ValueError) as err:
        what = (
            "is not a notebook"
            if path.suffix != ".ipynb"
            else "is not a notebook that can be read"
        )
        return [
            {
                **base,
                "exercise": None,
                "title": "",
                "points": None,
                "status": "not graded",
                "message": f"{path.name} {what} ({type(err).__name__}: "
                f"{str(err)[:200]})",
            }
        ]
    reference = lesson_of(path.name, nb, known)
    if reference is None or not reference.checks:
        return [
            {
                **base,
                "exercise": None,
                "title": "",
                "points": None,
                "status": "no exercises",
                "message": f"{path.name} is not a copy of a lesson with exercises",
            }
        ]
    token = secrets.token_hex(16)
    nb, notes = prepare(nb, reference, token)
    with tempfile.TemporaryDirectory(prefix="lstm-course-grade-") as tmp:
        workdir = Path(tmp)
        course = course_copy(workdir, course_root)
        copy = workdir / f"{reference.stem}.ipynb"
        copy.write_text(json.dumps(nb), encoding="utf-8")
        done = workdir / "executed.ipynb"
        try:
            why, verdicts = run_one(
                copy,
                done,
                limits,
                workdir,
                course,
                token,
                (*hide, path.parent.resolve(), REPO_ROOT),
            )
            executed = (
                json.loads(done.read_text(encoding="utf-8")) if why is None else None
            )
        finally:
            _set_writable(course, True)  # so that the temporary folder can be removed
    rows = []
    for n in sorted(reference.checks):
        title = reference.titles.get(n, "")
        status, message = verdicts.get(n, ("not run", why or "its check did not run"))
        if n in notes:
            message += (
                f" (its check cell was {notes[n]}: the lesson's check "
                "was run in its place)"
            )
        rows.append(
            {
                **base,
                "exercise": n,
                "title": title,
                "points": _stars(title) if status == "passed" else 0,
                "status": status,
                "message": message,
            }
        )
    if why is not None:
        rows.append(
            {
                **base,
                "exercise": None,
                "title": "",
                "points": None,
                "status": "not graded",
                "message": why,
            }
        )
    elif executed is not None:
        errors = cell_errors(executed)
        if errors:
            rows.append(
                {
                    **base,
                    "exercise": None,
                    "title": "",
                    "points": None,
                    "status": "cell errors",
                    "message": f"{len(errors)} cell(s) raised; the first: "
                    f"{errors[0][:300]}",
                }
            )
    return rows


def grade(
    folder: Path, output: Path, limits: Limits | None = None, workers: int | None = None
) -> pd.DataFrame:
    """Grade every submission under ``folder``; write the tables into ``output``.

    ``workers`` notebooks run side by side, each in its own limited process (default:
    one per CPU core); the table keeps the submissions' order whichever finishes first.
    Every file is read once before any notebook runs (the grade is of that snapshot),
    and hashed again at the end: a file that changed meanwhile gets a row saying so.

    Writes ``grades.csv`` (a row per learner, notebook and exercise), ``gradebook.csv``
    (a row per learner, a column per exercise with its points, and the total) and
    ``grades.html`` (the grid, each cell linked to its message).

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`, one row per learner, notebook and exercise (or
        one row for a file that could not be graded).
    """
    limits = limits or Limits()
    found = submissions(folder)
    if not found:
        raise FileNotFoundError(f"{folder}: no files to grade")
    known = references()
    snapshots = {path: path.read_bytes() for _, path in found}
    before = {
        path: hashlib.sha256(data).hexdigest() for path, data in snapshots.items()
    }
    workers = max(1, workers or os.cpu_count() or 1)
    print(
        f"grading {len(found)} file(s), {min(workers, len(found))} at a time ...",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="lstm-course-grading-") as master:
        # the course as it is now: every notebook gets a copy of this
        root = course_copy(Path(master)).parent
        course_files = _digests(REPO_ROOT)

        def one(item: tuple[str, Path]) -> list[dict]:
            learner, path = item
            graded = grade_notebook(
                learner,
                path,
                limits,
                known,
                snapshots[path],
                root / "course",
                (Path(folder).resolve(),),
            )
            print(f"{learner}: {path.name} graded", flush=True)
            return graded

        try:
            # each notebook runs in a process of its own
            with ThreadPoolExecutor(workers) as pool:
                rows = [row for graded in pool.map(one, found) for row in graded]
        finally:
            _set_writable(root / "course", True)
    if _digests(REPO_ROOT) != course_files:
        rows.append(
            {
                "learner": "",
                "notebook": "",
                "exercise": None,
                "title": "",
                "points": None,
                "status": "course changed",
                "message": "the course's package, data or results changed while "
                "the class was graded (every notebook ran on a copy "
                "made before; check who changed them)",
            }
        )
    for learner, path in found:
        if not path.exists() or _digest(path) != before[path]:
            rows.append(
                {
                    "learner": learner,
                    "notebook": path.name,
                    "exercise": None,
                    "title": "",
                    "points": None,
                    "status": "changed",
                    "message": f"{path.name} changed while the class was graded "
                    "(graded as it was when grading began)",
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["exercise"] = table["exercise"].astype("Int64")
    table["points"] = table["points"].astype("Int64")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    table.to_csv(output / "grades.csv", index=False)
    book = gradebook(table)
    book.to_csv(output / "gradebook.csv")
    (output / "grades.html").write_text(_html(table, book), encoding="utf-8")
    counts = table["status"].value_counts()
    print(
        f"{len(found)} file(s), {len(table)} row(s): "
        + ", ".join(f"{n} {status}" for status, n in counts.items())
        + f"; written to {output / 'grades.csv'}, gradebook.csv "
        "and grades.html",
        flush=True,
    )
    return table


def _column(row: Any) -> str:
    return f"{Path(row.notebook).stem.split('_', 1)[-1]} {int(row.exercise)}"


def gradebook(table: pd.DataFrame) -> pd.DataFrame:
    """One row per learner, one column per exercise (``lesson N``) with its points, and
    ``total``.

    An exercise's points are its stars when its check passed, else 0; a learner with no
    row for an exercise others did gets 0 there too.
    """
    graded = table.dropna(subset=["exercise"])
    if graded.empty:
        return pd.DataFrame(
            {"total": 0}, index=pd.Index(sorted(set(table["learner"])), name="learner")
        )
    graded = graded.assign(column=[_column(r) for r in graded.itertuples()])
    book = graded.pivot_table(
        index="learner",
        columns="column",
        values="points",
        aggfunc="sum",
        fill_value=0,
        sort=False,
    )
    book = book.reindex(sorted(set(table["learner"])), fill_value=0).astype(int)
    book["total"] = book.sum(axis=1)
    return book


def _html(table: pd.DataFrame, book: pd.DataFrame) -> str:
    colours = {"passed": "#d8f0d8", "failed": "#f6d6d6", "not done yet": "#f3f3f3"}
    marks = {**MARKS, "error": "!", "not run": "–"}
    index = {}
    rows = []
    for k, row in enumerate(table.itertuples(index=False)):
        if not pd.isna(row.exercise):
            index[(row.learner, _column(row))] = (k, row.status)
        cells = "".join(
            f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row
        )
        rows.append(
            f'<tr id="r{k}" '
            f'style="background:{colours.get(row.status, "#fbe8c8")}">{cells}</tr>'
        )
    exercises = [c for c in book.columns if c != "total"]
    grid = [
        "<tr><th>learner</th>"
        + "".join(f"<th>{html.escape(c)}</th>" for c in exercises)
        + "<th>total</th></tr>"
    ]
    for learner, points in book.iterrows():
        cells = []
        for c in exercises:
            k, status = index.get((learner, c), (None, "not run"))
            mark = html.escape(marks.get(status, "?"))
            link = f'<a href="#r{k}">{mark} {points[c]}</a>' if k is not None else mark
            cells.append(
                f'<td style="background:{colours.get(status, "#fbe8c8")}">{link}</td>'
            )
        name = html.escape(str(learner))
        grid.append(
            f"<tr><th>{name}</th>{''.join(cells)}<td>{points['total']}</td></tr>"
        )
    head = "".join(f"<th>{c}</th>" for c in table.columns)
    return (
        "<!doctype html><meta charset='utf-8'><title>lstm-course grades</title>"
        "<style>body{font-family:sans-serif}td,th{padding:4px 8px;border:1px solid "
        "#ccc;text-align:left}"
        "table{border-collapse:collapse}</style><h1>Exercise checks</h1>"
        "<p>Points per exercise: its stars when its check passed. A cell links to "
        "its message below.</p>"
        f"<table>{''.join(grid)}</table><h2>Every check</h2>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table>\n"
    )


if __name__ == "__main__" and len(sys.argv) == 7 and sys.argv[1] == "--run-one":
    _execute(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], sys.argv[6])
