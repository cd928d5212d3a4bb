"""Shared test setup.

The notebook checks (nbval) run every lesson in the ``quick`` profile: the
kernels nbval starts inherit these environment variables. They also get a
fresh, empty model cache for the session, so they really train (the local
``build/cache`` of ``make course`` is never read by the tests). The pytest-xdist
workers share that cache: a model one worker trained loads in the others.
"""

import os
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

os.environ["LSTM_COURSE_PROFILE"] = "quick"
# the run's one cache, made before the workers start: they share it
if not os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["LSTM_COURSE_CACHE"] = tempfile.mkdtemp(prefix="lstm-course-test-cache-")
# the cores shared among the test workers: each trains in as many processes as it has
# cores of its own
else:
    os.environ["LSTM_COURSE_WORKERS"] = str(
        max(
            1,
            (os.cpu_count() or 1)
            // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")),
        )
    )
for name in (
    "LSTM_COURSE_RETRAIN",
    "LSTM_COURSE_SCHEDULER",
    "LSTM_COURSE_PROGRESS",
    "LSTM_COURSE_KEYS",
):
    os.environ.pop(name, None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


SECOND_PYTHON_ENV = "LSTM_COURSE_SECOND_PYTHON"
"""A venv's python of another Python minor version with the course installed
(``.ci/run`` makes one)."""
READY_NAME, FAILED_NAME = ".ready", ".failed"
"""Written into the second venv when its installation finished or failed (``.ci/run``
installs it in the background, its log in ``build/second-python.log``)."""


def strict() -> bool:
    """True in CI (``CI=true``): what would only be skipped locally fails instead."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def second_python() -> str:
    """The second interpreter, once its venv is ready; skipped locally, a failure in CI
    when there is none."""
    python = os.environ.get(SECOND_PYTHON_ENV)
    if not python:
        if strict():
            pytest.fail(
                f"CI must set {SECOND_PYTHON_ENV} (.ci/run makes a "
                "venv of a second Python)"
            )
        pytest.skip(
            f"set {SECOND_PYTHON_ENV} to a venv's python of "
            "another Python version with the course installed"
        )
    venv = Path(python).parents[1]
    deadline = time.monotonic() + 900
    while (
        strict()
        and not any((venv / n).exists() for n in (READY_NAME, FAILED_NAME))
        and time.monotonic() < deadline
    ):
        time.sleep(5)  # .ci/run installs it beside the test run
    if (venv / FAILED_NAME).exists() or not Path(python).exists():
        pytest.fail(
            f"{SECOND_PYTHON_ENV}={python}: no such interpreter, "
            "or its install failed "
            "(.ci/run writes its log to build/second-python.log)"
        )
    return python


def run_json(python: str, script: str, *args: str, cwd=None, timeout: int = 900):
    """Run ``script`` with ``python -c`` in a fresh interpreter (the runner sets
    environment variables for its kernels, so two runs cannot share one process).

    Returns (the last printed line read as JSON, None), or (None, the end of stderr)
    when the interpreter failed.
    """
    import json
    import subprocess

    done = subprocess.run(
        [python, "-c", script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        return None, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), None


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """A private, empty model cache for one test (worker processes see it too)."""
    from lstm_helpers.training import cache

    folder = tmp_path / "models"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def tmp_results(tmp_path, monkeypatch):
    """A private, empty folder of published results for one test."""
    from lstm_helpers.training import cache

    folder = tmp_path / "published"
    monkeypatch.setenv(cache.RESULTS_ENV, str(folder))
    return folder


@pytest.fixture(scope="session")
def series():
    """A seeded geometric random walk named High, business days 2013-2017."""
    days = pd.bdate_range("2013-01-01", "2017-12-29")
    rng = np.random.default_rng(2)
    return pd.Series(
        80 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(days)))),
        index=days,
        name="High",
    )


@pytest.fixture(scope="session")
def random_walk_windows():
    """Report-style windows (10 days) of a seeded random walk, 2015-2017."""
    from lstm_helpers.data.windows import report_windows

    days = pd.bdate_range("2015-01-01", "2017-12-29")
    rng = np.random.default_rng(0)
    prices = pd.Series(
        100 + np.cumsum(rng.normal(0, 1, len(days))), index=days, name="High"
    )
    return report_windows(prices, window=10)


def make_notebook(
    path: Path,
    code: list[str],
    params: str = "greeting = 'hello'\nprofile = 'standard'",
) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(c) for c in code]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture
def lessons(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    make_notebook(src / "00_first.ipynb", ["print(greeting, profile)"])
    make_notebook(
        src / "01_broken.ipynb", ["x = 1", "raise RuntimeError('boom in lesson')"]
    )
    make_notebook(src / "02_after.ipynb", ["print('never')"])
    (src / "notes.ipynb").write_text("{}")  # not a lesson: no NN_ prefix
    return src


# --------------------------------------------------------------------------
# Exercise checks under nbval: a lesson's solution passes, a learner copy's placeholder
# is "not done yet"
# --------------------------------------------------------------------------

EXPECTED_CHECK = {"notebooks": "passed", "exercises": "not done yet"}


def _check_text(outputs) -> str:
    texts = []
    for out in outputs or []:
        texts.append("".join(out.get("text", "")))
        texts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "".join(texts)


def _wrap_check_cells(items) -> None:
    """Wrap nbval's run of each exercise check cell (``checks.…(…)``) with the line it
    must print.

    In ``notebooks/`` the lesson's solution must pass; in ``exercises/`` the learner
    copy's placeholder must say "not done yet" (a copy runs top to bottom, every check
    unsolved).
    """
    for item in items:
        cell = getattr(item, "cell", None)
        folder = item.path.parent.name
        if (
            cell is None
            or folder not in EXPECTED_CHECK
            or not "".join(cell.source).startswith("checks.")
        ):
            continue
        run = item.runtest

        def runtest(item=item, run=run, expected=EXPECTED_CHECK[folder]):
            run()
            text = _check_text(item.test_outputs)
            if f": {expected} —" not in text:
                raise AssertionError(
                    f"{item.path.name}, {''.join(item.cell.source)}: "
                    "expected the check to say "
                    f"{expected!r}, it printed {text!r}"
                )

        item.runtest = runtest


# --------------------------------------------------------------------------
# Order and cost: the longest files start first, and every run prints what each file
# took --------------------------------------------------------------------------

LONGEST_FIRST = (
    "test_own_data.py",
    "test_published_notebooks.py",
    "test_grading.py",
    "test_book.py",
    "07_experiments.ipynb",
    "test_checks.py",
    "test_scheduler.py",
    "09_multi_step.ipynb",
)
"""Files that take longest (measured in CI), started first so that the workers finish
together (``-n auto --dist loadfile`` hands out whole files in this order)."""


def pytest_collection_modifyitems(session, config, items):
    """Exercise check cells wrapped (above); the longest files first, each file's items
    in their order.

    The learner copies come last: a copy trains the same quick models as its lesson, so
    it should find them in the shared cache rather than train them at the same time on
    another worker.
    """
    _wrap_check_cells(items)
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(
        key=lambda item: (
            item.path.parent.name == "exercises",
            rank.get(item.path.name, len(rank)),
        )
    )


class _SecondsPerFile:
    """Seconds per test file, the notebooks nbval runs included, printed at the end of
    the run.

    Registered as a plugin (:func:`pytest_configure`): a hook written in this conftest
    would only hear the items under ``tests/``, not the lessons and learner copies.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report):
        path = report.nodeid.split("::")[0]
        self.seconds[path] = self.seconds.get(path, 0.0) + report.duration

    def pytest_terminal_summary(self, terminalreporter):
        """Seconds per file (setup, call and teardown; summed over workers), the
        costliest first."""
        if not self.seconds:
            return
        terminalreporter.section("seconds per file (the costliest 25)")
        ranked = sorted(self.seconds.items(), key=lambda kv: -kv[1])
        for path, seconds in ranked[:25]:
            terminalreporter.write_line(f"{seconds:8.1f} s  {path}")
        for folder in ("tests", "notebooks", "exercises"):
            part = sum(s for p, s in ranked if p.startswith(folder + "/"))
            terminalreporter.write_line(f"{part:8.1f} s  in {folder}/")
        terminalreporter.write_line(
            f"{sum(self.seconds.values()):8.1f} s  in all "
            f"{len(ranked)} files "
            "(worker time: with several workers the wall time "
            "is less)"
        )


def pytest_configure(config):
    # the controller sums what its workers report
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        config.pluginmanager.register(_SecondsPerFile(), "lstm-course-seconds-per-file")


# --------------------------------------------------------------------------
# What an exercise check returned (tests/test_checks.py and the lessons' check tests)
# --------------------------------------------------------------------------


def passes(result):
    """``result`` passed, and its line says so; returned for more asserts."""
    from lstm_helpers import checks

    assert result.status == checks.PASSED, result
    assert str(result).startswith("✔")
    return result


def not_done(result):
    """``result`` is the placeholder's "not done yet"."""
    from lstm_helpers import checks

    assert result.status == checks.NOT_DONE, result
    assert "not done yet" in str(result)
    return result


def fails(result, *phrases):
    """``result`` failed, and its message holds every phrase."""
    from lstm_helpers import checks

    assert result.status == checks.FAILED, result
    for phrase in phrases:
        assert phrase in result.message, (phrase, result.message)
    return result
