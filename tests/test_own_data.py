"""Every lesson runs on a learner's own price files: another format, other years, a
missing target.

The test writes a data folder with two made-up tickers (three and a half and
four years, so that quick training stays cheap), runs every lesson in
the quick profile on it through the runner (as ``make course ARGS="--data-dir
FOLDER --tickers XYZ,ABC"`` would), and checks that each lesson completes
without an error output and speaks of the tickers it was given.

The lessons run in two processes at once (two runs of the runner cannot share
one process: it sets environment variables for its kernels). Lessons that load
each other's models run in the same process, in the course's order, so that no
model is trained twice. Measured here on two cores: 181 s, against 238 s for the
same lessons in one process.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from conftest import run_json

from lstm_helpers.course.runner import lesson_notebooks
from lstm_helpers.paths import NOTEBOOK_DIR


def made_up_prices(seed: int, start: str, end: str) -> pd.DataFrame:
    days = pd.bdate_range(start, end)
    rng = np.random.default_rng(seed)
    close = 40 * np.exp(np.cumsum(rng.normal(0.0004, 0.015, len(days))))
    open_ = close * np.exp(rng.normal(0, 0.004, len(days)))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.006, len(days))))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.006, len(days))))
    return pd.DataFrame(
        {
            "Date": days.strftime("%Y-%m-%d"),
            "Open": open_,
            "High": high,
            "Low": low,
            "Close": close,
            "Adj Close": close * 0.97,
            "Volume": rng.integers(1e5, 1e6, len(days)),
        }
    )


@pytest.fixture(scope="module")
def own_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own_data")
    xyz = made_up_prices(
        1, "2012-06-01", "2015-12-31"
    )  # short: quick trains on it, and time in CI counts
    xyz.loc[xyz["Date"] == "2015-06-15", "High"] = (
        np.nan
    )  # a missing target on a test day
    # Yahoo Finance's layout with lower-case headers, "null" for missing, no Name column
    xyz.columns = [c.lower() for c in xyz.columns]
    xyz.to_csv(folder / "XYZ.csv", index=False, na_rep="null")
    abc = made_up_prices(2, "2012-01-02", "2016-03-31").drop(columns="Adj Close")
    abc["Name"] = "ABC"  # the DJIA layout
    abc.to_csv(folder / "ABC_2010_to_2016.csv", index=False)
    return folder


SHARING = (
    "keras_model",
    "experiments",
    "information",
    "literature_walkforward",
    "report_table",
)
"""Lessons that load models another of them trained (the report's model, the
experiments' variants):
they run in one process. The others (the early lessons, memory, multi-step) run in the
second."""

READS_NO_PRICES = ("gates_today",)
"""Lessons that draw their tasks and load no price file (their price section lives in
the literature and walk-forward lesson): the learner's files change nothing in them, so
they are not run here (nbval runs them, and the published check)."""

RUN = """
import json, sys
from pathlib import Path
from lstm_helpers.course.runner import run_lessons
lessons, output, parameters = json.loads(sys.argv[1])
rows = run_lessons([Path(p) for p in lessons], Path(output), profile="quick", parameters=parameters)
print(json.dumps([[r.status, r.detail] for r in rows]))
"""


def run_group(lessons: list, output, parameters: dict) -> list:
    """``run_lessons`` of ``lessons`` in a fresh interpreter: each lesson's ``[status,
    detail]``."""
    rows, error = run_json(
        sys.executable,
        RUN,
        json.dumps([[str(p) for p in lessons], str(output), parameters]),
        timeout=1200,
    )
    return rows if error is None else [["failed", error]] * len(lessons)


def test_every_lesson_runs_on_other_files_years_and_a_missing_target(
    own_folder, tmp_path
):
    # The session's shared cache: the made-up prices give every price model a key of its
    # own (so they
    # train), while the memory lesson's models, which never see a price, load from the
    # lessons' run.
    # a lesson that loads no price file has nothing to show on the learner's files
    lessons = [
        p
        for p in lesson_notebooks(NOTEBOOK_DIR)
        if p.stem.split("_", 1)[1] not in READS_NO_PRICES
    ]
    sharing = [p for p in lessons if p.stem.split("_", 1)[1] in SHARING]
    groups = [sharing, [p for p in lessons if p not in sharing]]
    parameters = {"data_dir": str(own_folder), "tickers": "XYZ,ABC"}
    with ThreadPoolExecutor(len(groups)) as pool:
        rows = pool.map(
            lambda k: run_group(groups[k], tmp_path / f"run-{k}", parameters),
            range(len(groups)),
        )
        status = dict(
            zip(
                [p.name for group in groups for p in group],
                [r for part in rows for r in part],
                strict=True,
            )
        )
    ran = {
        p.name: tmp_path / f"run-{k}" / p.name
        for k, group in enumerate(groups)
        for p in group
    }
    assert [status[p.name][0] for p in lessons] == ["ok"] * len(lessons), [
        r[1] for r in status.values() if r[1]
    ]
    for lesson in lessons:
        doc = json.loads(ran[lesson.name].read_text())
        outputs = [
            o
            for c in doc["cells"]
            if c["cell_type"] == "code"
            for o in c.get("outputs", [])
        ]
        assert not [o for o in outputs if o["output_type"] == "error"], lesson.name
        text = json.dumps(outputs)
        assert "XYZ" in text, f"{lesson.name} never mentions the ticker it was given"
        # the report's tickers may be named only where a lesson says they are absent and
        # what stands in for them
        said = (
            text.replace("IBM, AAPL, AMZN, HD", "")
            .replace("no IBM file", "")
            .replace("no AABA file", "")
        )
        assert "IBM" not in said, f"{lesson.name} speaks of IBM"
        assert "2015" in text, (
            f"{lesson.name} does not show the test year chosen from the data"
        )
    first = json.dumps(json.loads(ran[lessons[0].name].read_text())["cells"])
    assert "left out 1 day(s) with no High value (2015-06-15)" in first
