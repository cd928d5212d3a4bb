"""Executing the lessons in order with papermill (the engine behind ``make course``).

Each lesson is written to a hidden ``.partial/`` folder first and moved into
place only when it finished, so a notebook in the output folder is always a
complete run; a failed one is kept as ``NN_name.FAILED.ipynb`` and the run
stops, naming the notebook and the cell. While a lesson runs, the progress
lines of its models (see :mod:`lstm_helpers.training.scheduler`) are printed here as
they come, so they reach a terminal, a file or a CI log alike. The run ends
with a table of notebook, status, seconds and models loaded or trained, also
saved as ``run_summary.csv`` with a digest of each lesson's source (what
:mod:`lstm_helpers.course.publishing` checks before publishing).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lstm_helpers.course.profiles import DEFAULT_PROFILE, PROFILE_ENV
from lstm_helpers.paths import NOTEBOOK_DIR
from lstm_helpers.training.scheduler import KEYS_ENV, PROGRESS_ENV

KERNEL_NAME = "lstm-course"
SUMMARY_NAME = "run_summary.csv"
KEYS_NAME = "models_used.txt"


@dataclass
class LessonRun:
    """One row of the run's summary table."""

    notebook: str
    status: str  # "ok", "FAILED" or "not run"
    seconds: float
    detail: str = ""
    models: dict[str, int] = field(
        default_factory=lambda: {"published": 0, "cache": 0, "trained": 0}
    )
    source_digest: str = ""


def lesson_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The lessons ``NN_name.ipynb`` of ``folder``, in the order of their two-digit
    prefix."""
    found = [p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file()]
    return sorted(found, key=lambda p: p.name)


def select(notebooks: list[Path], only: list[str] | None) -> list[Path]:
    """Keep the lessons whose number is in ``only`` (all when ``only`` is empty).

    Raises
    ------
    ValueError
        If a requested number matches no lesson.
    """
    if not only:
        return notebooks
    wanted = [o.zfill(2) for o in only]
    missing = [
        w for w in wanted if not any(p.name.startswith(w + "_") for p in notebooks)
    ]
    if missing:
        names = ", ".join(p.name for p in notebooks)
        raise ValueError(f"no lesson numbered {', '.join(missing)} (lessons: {names})")
    return [p for p in notebooks if p.name[:2] in wanted]


def parse_param(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line; VALUE is a Python literal or else a
    string."""
    if "=" not in text:
        raise ValueError(f"parameter {text!r} is not NAME=VALUE")
    name, raw = text.split("=", 1)
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return name.strip(), value


def notebook_parameters(path: Path) -> set[str]:
    """Names declared in a notebook's ``parameters`` cell."""
    import papermill

    return set(papermill.inspect_notebook(str(path)).keys())


def source_digest(path: Path) -> str:
    """SHA-256 of a notebook's cell types and sources, not its outputs: which version of
    a lesson ran."""
    doc = json.loads(Path(path).read_text())
    cells = [
        (
            c["cell_type"],
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
        )
        for c in doc["cells"]
        if "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()[:16]


def kernel_name() -> str:
    """The course kernel if it is registered, else the default ``python3`` of this
    environment."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return KERNEL_NAME
    print(
        f"note: kernel {KERNEL_NAME!r} is not registered (make "
        "setup does it); using python3"
    )
    return "python3"


def _failure_detail(err: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        source = (
            err.source if isinstance(err.source, str) else "".join(err.source or [])
        )
        first = next((line for line in source.splitlines() if line.strip()), "")
        return (
            f"cell {err.cell_index} of the executed notebook (execution count "
            f"{err.exec_count}, "
            f"starting {first[:60]!r}): {err.ename}: {err.evalue}"
        )
    return f"{type(err).__name__}: {err}"


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set environment variables (None: unset) for the kernels started inside; restore
    them afterwards."""
    previous = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        yield
    finally:
        for k, v in previous.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


@contextmanager
def echo_progress(path: Path, prefix: str = "    ") -> Iterator[None]:
    """Print the lines appended to ``path`` while the block runs (a notebook's model
    progress)."""
    stop = threading.Event()

    def follow() -> None:
        offset = 0
        while True:
            finished = stop.wait(1.0)
            if path.exists():
                with path.open() as fh:
                    fh.seek(offset)
                    text = fh.read()
                complete = text[: text.rfind("\n") + 1]
                offset += len(complete.encode())
                for line in complete.splitlines():
                    print(prefix + line, flush=True)
            if finished:
                return

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _kernel_config() -> dict[str, Any]:
    """Kernels talk to the runner over local IPC sockets (no 'running over TCP'
    warning); TCP on Windows."""
    if os.name == "nt":
        return {}
    from traitlets.config import Config

    return {"config": Config({"KernelManager": {"transport": "ipc"}})}


def run_lessons(
    notebooks: list[Path],
    output: Path,
    profile: str = DEFAULT_PROFILE,
    parameters: dict[str, Any] | None = None,
) -> list[LessonRun]:
    """Execute ``notebooks`` in order into ``output``; stop at the first failure.

    Parameters
    ----------
    notebooks : list of Path
        Lesson notebooks, in the order to run them.
    output : Path
        Folder for the executed notebooks, ``run_summary.csv`` and ``models_used.txt``.
    profile : str
        Profile name, passed to every lesson (and set as ``LSTM_COURSE_PROFILE``).
    parameters : dict, optional
        Extra papermill parameters; each goes to the lessons that declare it.

    Returns
    -------
    list of LessonRun
        One row per notebook; those after a failure have status ``not run``.
    """
    import papermill

    parameters = dict(parameters or {})
    output.mkdir(parents=True, exist_ok=True)
    partial = output / ".partial"
    partial.mkdir(exist_ok=True)
    keys_file = output / KEYS_NAME
    keys_file.unlink(missing_ok=True)
    kernel = kernel_name()
    rows: list[LessonRun] = []
    for k, nb in enumerate(notebooks, 1):
        final = output / nb.name
        failed_copy = output / nb.name.replace(".ipynb", ".FAILED.ipynb")
        if rows and rows[-1].status != "ok":
            rows.append(LessonRun(nb.name, "not run", 0.0))
            continue
        declared = notebook_parameters(nb)
        # Inject only what differs from the notebook's own defaults, so a
        # standard run stays byte-for-byte the lesson a learner opens.
        inject = {key: val for key, val in parameters.items() if key in declared}
        if profile != DEFAULT_PROFILE and "profile" in declared:
            inject["profile"] = profile
        shown = ", ".join(f"{key}={val!r}" for key, val in inject.items()) or "defaults"
        print(f"[{k}/{len(notebooks)}] {nb.name} ({profile}; {shown}) ...", flush=True)
        for stale in (final, failed_copy):
            stale.unlink(missing_ok=True)
        work, progress, lesson_keys = (
            partial / nb.name,
            partial / f"{nb.stem}.progress",
            partial / f"{nb.stem}.keys",
        )
        row = LessonRun(nb.name, "ok", 0.0, source_digest=source_digest(nb))
        start = time.perf_counter()
        try:
            with (
                environment(
                    **{
                        PROFILE_ENV: profile,
                        PROGRESS_ENV: str(progress),
                        KEYS_ENV: str(lesson_keys),
                    }
                ),
                echo_progress(progress),
            ):
                papermill.execute_notebook(
                    str(nb),
                    str(work),
                    parameters=inject,
                    kernel_name=kernel,
                    cwd=str(output),
                    progress_bar=sys.stderr.isatty(),
                    log_output=False,
                    **_kernel_config(),
                )
        except Exception as err:  # any failure stops the run and is reported
            row.status, row.detail = "FAILED", _failure_detail(err)
        row.seconds = time.perf_counter() - start
        if lesson_keys.exists():
            lines = lesson_keys.read_text().splitlines()
            with keys_file.open("a") as fh:
                fh.writelines(f"{line} {nb.name}\n" for line in lines)
            for line in lines:
                row.models[line.split()[1]] += 1
        rows.append(row)
        if row.status == "ok":
            os.replace(work, final)
            print(f"    ok in {row.seconds:.1f} s", flush=True)
        else:
            if work.exists():
                os.replace(work, failed_copy)
            print(f"    FAILED after {row.seconds:.1f} s in {row.detail}", flush=True)
            print(f"    the executed notebook is kept as {failed_copy}", flush=True)
    shutil.rmtree(partial, ignore_errors=True)
    write_summary(rows, output, profile, parameters)
    return rows


def write_summary(
    rows: list[LessonRun], output: Path, profile: str, parameters: dict[str, Any]
) -> Path:
    """Print the table of notebook, status, seconds and models, and save it as
    ``run_summary.csv``."""
    width = max([len(r.notebook) for r in rows] + [8])
    print()
    print(
        f"{'notebook':<{width}}  {'status':<7}  {'seconds':>8} "
        f" {'published':>9}  {'cached':>6}  {'trained':>7}"
    )
    for r in rows:
        m = r.models
        print(
            f"{r.notebook:<{width}}  {r.status:<7}  "
            f"{r.seconds:>8.1f}  {m['published']:>9}  "
            f"{m['cache']:>6}  "
            f"{m['trained']:>7}"
        )
    total = {
        s: sum(r.models[s] for r in rows) for s in ("published", "cache", "trained")
    }
    print(
        f"{'total':<{width}}  {'':<7}  "
        f"{sum(r.seconds for r in rows):>8.1f}  "
        f"{total['published']:>9}  "
        f"{total['cache']:>6}  {total['trained']:>7}"
    )
    path = output / SUMMARY_NAME
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "notebook",
                "status",
                "seconds",
                "profile",
                "parameters",
                "published",
                "cached",
                "trained",
                "source_digest",
                "detail",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    r.notebook,
                    r.status,
                    f"{r.seconds:.1f}",
                    profile,
                    json.dumps(parameters),
                    r.models["published"],
                    r.models["cache"],
                    r.models["trained"],
                    r.source_digest,
                    r.detail,
                ]
            )
    print(f"summary saved to {path}")
    return path
