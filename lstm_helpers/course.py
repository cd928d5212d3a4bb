"""Run every lesson in order with papermill: ``python -m lstm_helpers.course``.

The executed notebooks go to an output folder (default ``build/notebooks/``),
never over the sources. Each lesson is written to a hidden ``.partial/``
folder first and moved into place only when it finished, so a notebook in the
output folder is always a complete run; a failed one is kept as
``NN_name.FAILED.ipynb`` and the run stops with a non-zero exit that names
the notebook and the cell. The run ends with a table of notebook, status and
seconds, also saved as ``run_summary.csv`` in the output folder.

``--publish`` copies the notebooks of a finished ``standard`` run back into
``notebooks/`` (what the repository shows a learner), without papermill's
machine-local metadata.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstm_helpers.paths import BUILD_DIR, NOTEBOOK_DIR
from lstm_helpers.profiles import DEFAULT_PROFILE, PROFILE_ENV, PROFILE_NAMES

KERNEL_NAME = "lstm-course"
SUMMARY_NAME = "run_summary.csv"


@dataclass
class LessonRun:
    """One row of the run's summary table."""

    notebook: str
    status: str  # "ok", "FAILED" or "not run"
    seconds: float
    detail: str = ""


def lesson_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The lessons ``NN_name.ipynb`` of ``folder``, in the order of their two-digit prefix."""
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
    missing = [w for w in wanted if not any(p.name.startswith(w + "_") for p in notebooks)]
    if missing:
        names = ", ".join(p.name for p in notebooks)
        raise ValueError(f"no lesson numbered {', '.join(missing)} (lessons: {names})")
    return [p for p in notebooks if p.name[:2] in wanted]


def parse_param(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line; VALUE is a Python literal or else a string."""
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


def kernel_name() -> str:
    """The course kernel if it is registered, else the default ``python3`` of this environment."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return KERNEL_NAME
    print(f"note: kernel {KERNEL_NAME!r} is not registered (make setup does it); using python3")
    return "python3"


def _failure_detail(err: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(err, PapermillExecutionError):
        source = err.source if isinstance(err.source, str) else "".join(err.source or [])
        first = next((line for line in source.splitlines() if line.strip()), "")
        return (
            f"cell {err.cell_index} of the executed notebook (execution count {err.exec_count}, "
            f"starting {first[:60]!r}): {err.ename}: {err.evalue}"
        )
    return f"{type(err).__name__}: {err}"


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
        Folder for the executed notebooks and ``run_summary.csv``.
    profile : str
        Profile name, passed to every lesson (and set as ``LSTM_COURSE_PROFILE``).
    parameters : dict, optional
        Extra papermill parameters; each goes to the lessons that declare it.

    Returns
    -------
    list of LessonRun
        One row per notebook; those after a failure have status ``not run``.
    """
    parameters = dict(parameters or {})
    # The kernels inherit this process's environment; set the profile for them and put back
    # what was there before, so that the caller's environment is unchanged afterwards.
    previous = os.environ.get(PROFILE_ENV)
    os.environ[PROFILE_ENV] = profile
    try:
        return _run(notebooks, output, profile, parameters)
    finally:
        if previous is None:
            os.environ.pop(PROFILE_ENV, None)
        else:
            os.environ[PROFILE_ENV] = previous


def _run(notebooks: list[Path], output: Path, profile: str, parameters: dict[str, Any]) -> list[LessonRun]:
    import papermill

    output.mkdir(parents=True, exist_ok=True)
    partial = output / ".partial"
    partial.mkdir(exist_ok=True)
    kernel = kernel_name()
    show_bar = sys.stderr.isatty()
    rows: list[LessonRun] = []
    failed = False
    for k, nb in enumerate(notebooks, 1):
        final = output / nb.name
        failed_copy = output / nb.name.replace(".ipynb", ".FAILED.ipynb")
        if failed:
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
        work = partial / nb.name
        start = time.perf_counter()
        try:
            papermill.execute_notebook(
                str(nb),
                str(work),
                parameters=inject,
                kernel_name=kernel,
                cwd=str(output),
                progress_bar=show_bar,
                log_output=False,
            )
        except Exception as err:  # any failure stops the run and is reported
            seconds = time.perf_counter() - start
            detail = _failure_detail(err)
            if work.exists():
                os.replace(work, failed_copy)
            rows.append(LessonRun(nb.name, "FAILED", seconds, detail))
            print(f"    FAILED after {seconds:.1f} s in {detail}", flush=True)
            print(f"    the executed notebook is kept as {failed_copy}", flush=True)
            failed = True
            continue
        seconds = time.perf_counter() - start
        os.replace(work, final)
        rows.append(LessonRun(nb.name, "ok", seconds))
        print(f"    ok in {seconds:.1f} s", flush=True)
    shutil.rmtree(partial, ignore_errors=True)
    write_summary(rows, output, profile, parameters)
    return rows


def write_summary(rows: list[LessonRun], output: Path, profile: str, parameters: dict[str, Any]) -> Path:
    """Print the table of notebook, status and seconds and save it as ``run_summary.csv``."""
    width = max([len(r.notebook) for r in rows] + [8])
    print()
    print(f"{'notebook':<{width}}  {'status':<7}  {'seconds':>8}")
    for r in rows:
        print(f"{r.notebook:<{width}}  {r.status:<7}  {r.seconds:>8.1f}")
    print(f"{'total':<{width}}  {'':<7}  {sum(r.seconds for r in rows):>8.1f}")
    path = output / SUMMARY_NAME
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["notebook", "status", "seconds", "profile", "parameters", "detail"])
        for r in rows:
            writer.writerow(
                [r.notebook, r.status, f"{r.seconds:.1f}", profile, json.dumps(parameters), r.detail]
            )
    print(f"summary saved to {path}")
    return path


def clean_for_publishing(nb_path: Path) -> dict:
    """Load an executed notebook and drop papermill's run metadata (paths, timestamps)."""
    doc = json.loads(nb_path.read_text())
    doc.get("metadata", {}).pop("papermill", None)
    for cell in doc.get("cells", []):
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    return doc


def publish(output: Path, sources: Path = NOTEBOOK_DIR) -> list[Path]:
    """Copy the notebooks of a complete ``standard`` run in ``output`` over the lesson sources.

    Raises
    ------
    ValueError
        If the run was not a complete, successful standard run with default parameters.
    """
    summary = output / SUMMARY_NAME
    if not summary.exists():
        raise ValueError(f"{summary}: no run summary; run `make course` first")
    with summary.open() as fh:
        rows = list(csv.DictReader(fh))
    bad = [r["notebook"] for r in rows if r["status"] != "ok"]
    if bad or not rows:
        raise ValueError(f"{summary}: not every lesson finished ({', '.join(bad) or 'empty run'})")
    if {r["profile"] for r in rows} != {"standard"} or {r["parameters"] for r in rows} != {"{}"}:
        raise ValueError(f"{summary}: only a standard run with default parameters is published")
    names = {p.name for p in lesson_notebooks(sources)}
    if {r["notebook"] for r in rows} != names:
        raise ValueError(f"{summary}: the run did not cover every lesson in {sources}")
    written = []
    for r in rows:
        doc = clean_for_publishing(output / r["notebook"])
        target = sources / r["notebook"]
        target.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m lstm_helpers.course",
        description="Execute the lessons in order with papermill (outputs go to build/, never the sources).",
    )
    parser.add_argument("--profile", choices=PROFILE_NAMES, default=DEFAULT_PROFILE)
    parser.add_argument("--only", action="append", metavar="NN", help="run only lesson NN (repeatable)")
    parser.add_argument("--tickers", help="comma-separated tickers, e.g. IBM,HD")
    parser.add_argument("--data-dir", help="folder of price CSVs (default: the bundled data/)")
    parser.add_argument("--output", type=Path, default=BUILD_DIR / "notebooks")
    parser.add_argument("--source", type=Path, default=NOTEBOOK_DIR, help="folder of the lessons")
    parser.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="any lesson parameter"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="copy a finished standard run from --output into notebooks/ (runs nothing)",
    )
    args = parser.parse_args(argv)

    if args.publish:
        try:
            written = publish(args.output, args.source)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"published {len(written)} notebooks into {args.source}")
        return 0

    try:
        parameters = dict(parse_param(p) for p in args.param)
        if args.tickers:
            parameters["tickers"] = args.tickers
        if args.data_dir:
            data_dir = Path(args.data_dir).expanduser().resolve()
            if not data_dir.is_dir():
                raise ValueError(f"--data-dir {args.data_dir}: no such folder")
            parameters["data_dir"] = str(data_dir)
        notebooks = select(lesson_notebooks(args.source), args.only)
        if not notebooks:
            raise ValueError(f"no lessons found in {args.source}")
        declared = set().union(*(notebook_parameters(nb) for nb in notebooks))
        unknown = sorted(set(parameters) - declared)
        if unknown:
            raise ValueError(f"no selected lesson declares parameter(s) {', '.join(unknown)}")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    rows = run_lessons(notebooks, args.output.resolve(), args.profile, parameters)
    failed = [r for r in rows if r.status == "FAILED"]
    if failed:
        print(f"error: {failed[0].notebook} failed in {failed[0].detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
