"""Grading a class: run every submitted learner copy and tabulate its exercise checks.

A teacher collects the learners' copies of the lessons, one folder per learner
(``DIR/alice/01_baselines.ipynb``) or files side by side (``DIR/alice_01.ipynb``:
the file's name stands for the learner). :func:`grade` runs each notebook and
reads the line every exercise check printed (``✔ ... passed``, ``… not done
yet``, ``✘ ... failed``), one row per learner and exercise, and writes the
table as CSV and HTML. A file that is not a notebook, a notebook that raises,
loops or runs out of memory gets its own row; the others still grade.

Grading runs the learners' code with the teacher's rights. Each notebook runs
in its own process (and kernel) with a time limit and a memory limit, in a
temporary copy (the submission is never written to), with a temporary model
cache and the ``quick`` profile; every cell runs even after one fails. That
limits accidents, not intent: a hostile notebook can still read what the
teacher's account can. Grade untrusted work inside a throwaway container (the
README shows one), as autograders such as nbgrader and Otter-Grader advise.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lstm_helpers.checks._shared import MARKS
from lstm_helpers.course.exercise_copies import CHECK_ID, STATEMENT_ID

LINE = re.compile(rf"^({'|'.join(MARKS.values())}) (.+?): ({'|'.join(MARKS)}) — (.*)$", re.S)
"""One check's result as :class:`lstm_helpers.checks.Result` prints it."""
COLUMNS = ["learner", "notebook", "exercise", "title", "status", "message"]
KERNEL = "lstm-course"


@dataclass
class Limits:
    """What one notebook may use: wall-clock seconds, memory (MiB of address space), seconds per cell."""

    seconds: float = 900.0
    memory_mib: int = 16384
    cell_seconds: float = 600.0


def submissions(folder: Path) -> list[tuple[str, Path]]:
    """``(learner, path)`` for every ``.ipynb`` under ``folder``: a sub-folder names its learner, else the file does."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of submissions")
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        rel = path.relative_to(folder)
        found.append((rel.parts[0] if len(rel.parts) > 1 else path.stem, path))
    return found


def _title(nb: dict, n: int) -> str:
    for cell in nb.get("cells", []):
        if cell.get("id") == STATEMENT_ID.format(n):
            first = "".join(cell.get("source", "")).strip().splitlines()
            return first[0].lstrip("# ").strip() if first else ""
    return ""


def check_rows(nb: dict) -> list[dict]:
    """One row per exercise check cell of an executed notebook: its number, title, status and message."""
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
            status, message = "not run", "the check cell printed nothing (was it deleted or changed?)"
        rows.append({"exercise": n, "title": _title(nb, n), "status": status, "message": message})
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


def run_one(source: Path, target: Path, limits: Limits, workdir: Path) -> str | None:
    """Execute ``source`` into ``target`` in a child process; return why it did not finish (None if it did)."""
    env = {**os.environ, "LSTM_COURSE_PROFILE": "quick", "LSTM_COURSE_CACHE": str(workdir / "cache"),
           "MPLBACKEND": "Agg"}
    for name in ("LSTM_COURSE_PROGRESS", "LSTM_COURSE_KEYS", "LSTM_COURSE_SCHEDULER", "LSTM_COURSE_RETRAIN"):
        env.pop(name, None)
    command = [sys.executable, "-m", "lstm_helpers.course.grading", "--run-one", str(source), str(target),
               str(limits.cell_seconds)]
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=lambda: _limit_memory(limits.memory_mib))
    try:
        output, _ = process.communicate(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the notebook's kernel is in the same process group
        process.communicate()
        return f"stopped after {limits.seconds:g} s (the time limit): does it loop?"
    if process.returncode != 0 or not target.exists():
        tail = output.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        memory = " (memory limit?)" if "MemoryError" in output.decode("utf-8", "replace") else ""
        return f"the notebook did not run to the end{memory}: {tail[0][:300]}"
    return None


def _execute(source: str, target: str, cell_seconds: float) -> None:
    """The child's work: run every cell (errors included) with the course's kernel and save the result."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(source, as_version=4)
    client = NotebookClient(nb, timeout=cell_seconds, kernel_name=KERNEL, allow_errors=True,
                            resources={"metadata": {"path": str(Path.cwd())}})
    client.execute()
    nbformat.write(nb, target)


def grade_notebook(learner: str, path: Path, limits: Limits) -> list[dict]:
    """The rows of one submission (its checks, or one row saying why it could not be graded)."""
    base = {"learner": learner, "notebook": path.name}
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return [{**base, "exercise": None, "title": "", "status": "not graded",
                 "message": f"{path.name} is not a notebook that can be read ({type(err).__name__}: {err})"}]
    with tempfile.TemporaryDirectory(prefix="lstm-course-grade-") as tmp:
        workdir = Path(tmp)
        copy = workdir / path.name
        shutil.copyfile(path, copy)  # the submission itself is never opened for writing
        done = workdir / ("executed-" + path.name)
        start = time.perf_counter()
        why = run_one(copy, done, limits, workdir)
        seconds = time.perf_counter() - start
        if why is not None:
            return [{**base, "exercise": None, "title": "", "status": "not graded", "message": why}]
        nb = json.loads(done.read_text(encoding="utf-8"))
    rows = [{**base, **row} for row in check_rows(nb)]
    errors = cell_errors(nb)
    if errors:
        rows.append({**base, "exercise": None, "title": "", "status": "cell errors",
                     "message": f"{len(errors)} cell(s) raised; the first: {errors[0][:300]}"})
    if not rows:
        rows.append({**base, "exercise": None, "title": "", "status": "no exercises",
                     "message": f"ran in {seconds:.0f} s, but has no exercise check cells (exercise-N-check)"})
    return rows


def grade(folder: Path, output: Path, limits: Limits | None = None, workers: int | None = None) -> pd.DataFrame:
    """Grade every submission under ``folder``; write ``grades.csv`` and ``grades.html`` into ``output``.

    ``workers`` notebooks run side by side, each in its own limited process (default: one per CPU
    core); the table keeps the submissions' order whichever finishes first.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`, one row per learner, notebook and exercise (or
        one row for a notebook that could not be graded).
    """
    limits = limits or Limits()
    found = submissions(folder)
    if not found:
        raise FileNotFoundError(f"{folder}: no .ipynb files to grade")
    def one(item: tuple[str, Path]) -> list[dict]:
        learner, path = item
        graded = grade_notebook(learner, path, limits)
        print(f"{learner}: {path.name} graded", flush=True)
        return graded

    workers = max(1, workers or os.cpu_count() or 1)
    print(f"grading {len(found)} notebook(s), {min(workers, len(found))} at a time ...", flush=True)
    with ThreadPoolExecutor(workers) as pool:  # each notebook runs in a process of its own
        rows = [row for graded in pool.map(one, found) for row in graded]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["exercise"] = table["exercise"].astype("Int64")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    table.to_csv(output / "grades.csv", index=False)
    (output / "grades.html").write_text(_html(table), encoding="utf-8")
    counts = table["status"].value_counts()
    print(f"{len(found)} notebook(s), {len(table)} row(s): "
          + ", ".join(f"{n} {status}" for status, n in counts.items())
          + f"; written to {output / 'grades.csv'} and grades.html", flush=True)
    return table


def _html(table: pd.DataFrame) -> str:
    colours = {"passed": "#d8f0d8", "failed": "#f6d6d6", "not done yet": "#f3f3f3"}
    rows = []
    for row in table.itertuples(index=False):
        cells = "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
        rows.append(f'<tr style="background:{colours.get(row.status, "#fbe8c8")}">{cells}</tr>')
    head = "".join(f"<th>{c}</th>" for c in table.columns)
    return ("<!doctype html><meta charset='utf-8'><title>lstm-course grades</title>"
            "<style>body{font-family:sans-serif}td,th{padding:4px 8px;border:1px solid #ccc;text-align:left}"
            "table{border-collapse:collapse}</style><h1>Exercise checks</h1>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table>\n")


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "--run-one":
    _execute(sys.argv[2], sys.argv[3], float(sys.argv[4]))
