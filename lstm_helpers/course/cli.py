"""Run every lesson in order with papermill: ``python -m lstm_helpers.course`` (``make
course``).

The executed notebooks go to an output folder (default ``build/notebooks/``),
never over the sources; :mod:`lstm_helpers.course.runner` executes them and
:mod:`lstm_helpers.course.publishing` copies a finished standard run back
(``--publish``, ``make publish``). ``--exercises`` (``make exercises``) writes
the learner copies of the lessons into ``exercises/`` (see
:mod:`lstm_helpers.course.exercise_copies`).

Trained models come from the local cache or the published results when their
key matches, else they train (see :mod:`lstm_helpers.training.scheduler`).
``--retrain`` ignores both and trains everything, reporting how far each new
result is from the published one; ``--scheduler ADDRESS`` trains on a Dask
cluster instead of local worker processes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lstm_helpers.course import profiles
from lstm_helpers.course.exercise_copies import EXERCISE_DIR, write_copies
from lstm_helpers.course.profiles import DEFAULT_PROFILE, PROFILE_NAMES
from lstm_helpers.course.publishing import publish
from lstm_helpers.course.runner import (
    SUMMARY_NAME,
    environment,
    lesson_notebooks,
    notebook_parameters,
    parse_param,
    run_lessons,
    select,
)
from lstm_helpers.data.periods import choose_split
from lstm_helpers.data.tickers import check_tickers
from lstm_helpers.paths import BUILD_DIR, NOTEBOOK_DIR
from lstm_helpers.training.cache import RETRAIN_ENV
from lstm_helpers.training.scheduler import SCHEDULER_ENV

__all__ = [
    "SUMMARY_NAME",
    "check_data",
    "lesson_notebooks",
    "main",
    "parse_param",
    "publish",
    "run_lessons",
    "select",
]


def check_data(parameters: dict, profile: str = DEFAULT_PROFILE) -> str:
    """Load every ticker the lessons will use and choose the split, before any lesson
    runs.

    The tickers are resolved the way the lessons resolve them
    (:func:`lstm_helpers.course.profiles.settings` of the lesson that uses the most:
    tickers, train_tickers and wf_tickers). Returns the split's description; raises the
    loader's or the split's error (ValueError, FileNotFoundError), which names the file
    or the ticker.
    """
    known = profiles.settings("literature_walkforward", profile)
    cfg = profiles.settings(
        "literature_walkforward",
        profile,
        **{k: v for k, v in parameters.items() if k in known},
    )
    tickers = list(
        dict.fromkeys([*cfg["tickers"], *cfg["train_tickers"], *cfg["wf_tickers"]])
    )
    frames = check_tickers(tickers, cfg["data_dir"], cfg["target"])
    split = choose_split(frames, cfg["train_end"], cfg["test_start"], cfg["test_end"])
    return f"{', '.join(frames)}: {split.describe()}"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m lstm_helpers.course",
        description="Execute the lessons in order with papermill (outputs "
        "go to build/, never the sources).",
    )
    parser.add_argument("--profile", choices=PROFILE_NAMES, default=DEFAULT_PROFILE)
    parser.add_argument(
        "--only", action="append", metavar="NN", help="run only lesson NN (repeatable)"
    )
    parser.add_argument("--tickers", help="comma-separated tickers, e.g. IBM,HD")
    parser.add_argument(
        "--data-dir", help="folder of price CSVs (default: the bundled data/)"
    )
    parser.add_argument("--output", type=Path, default=BUILD_DIR / "notebooks")
    parser.add_argument(
        "--source", type=Path, default=NOTEBOOK_DIR, help="folder of the lessons"
    )
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any lesson parameter",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="copy a finished standard run from --output into "
        "notebooks/ (runs nothing)",
    )
    parser.add_argument(
        "--exercises",
        action="store_true",
        help="write the learner copies of the lessons (solutions "
        "out, outputs cleared) into exercises/ (runs nothing)",
    )
    parser.add_argument(
        "--grade",
        type=Path,
        metavar="DIR",
        help="run every learner copy under DIR (quick profile, one "
        "process each, time and memory "
        "limits) and write the exercise checks' table to --output "
        "(default build/grades/)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="with --grade: the most one notebook may run",
    )
    parser.add_argument(
        "--cell-time-limit",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="with --grade: the most one cell may run",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="with --grade: notebooks graded side by side (default: one per CPU core)",
    )
    parser.add_argument(
        "--retrain",
        action="store_true",
        help="ignore the local cache and the published results: train every model",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="train on the Dask cluster at ADDRESS (pip install -e '.[cluster]')",
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

    if args.grade is not None:
        from lstm_helpers.course.grading import Limits, grade

        output = (
            args.output
            if args.output != BUILD_DIR / "notebooks"
            else BUILD_DIR / "grades"
        )
        try:
            grade(
                args.grade.expanduser(),
                output,
                Limits(
                    seconds=args.time_limit,
                    cell_seconds=min(args.cell_time_limit, args.time_limit),
                ),
                workers=args.jobs,
            )
        except FileNotFoundError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        return 0

    if args.exercises:
        try:
            written = write_copies(args.source, EXERCISE_DIR)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(
            f"{len(written)} learner "
            f"cop{'y' if len(written) == 1 else 'ies'} written "
            f"into {EXERCISE_DIR}" + (" (all were up to date)" if not written else "")
        )
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
            raise ValueError(
                f"no selected lesson declares parameter(s) {', '.join(unknown)}"
            )
        print(f"data checked: {check_data(parameters, args.profile)}", flush=True)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    # --retrain: the run's start time, so a model retrained by an earlier lesson of this
    # run is not trained twice
    settings = {
        RETRAIN_ENV: f"{time.time():.0f}" if args.retrain else None,
        SCHEDULER_ENV: args.scheduler,
    }
    with environment(**settings):
        rows = run_lessons(notebooks, args.output.resolve(), args.profile, parameters)
    failed = [r for r in rows if r.status == "FAILED"]
    if failed:
        print(
            f"error: {failed[0].notebook} failed in {failed[0].detail}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
