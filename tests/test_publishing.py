"""Tests of lstm_helpers.course.publishing: only a complete standard run of the current
sources, with its models."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import make_notebook

from lstm_helpers.course import publishing, runner
from lstm_helpers.training import cache


def test_publish_takes_only_a_complete_standard_run(lessons, tmp_path, tmp_results):
    (lessons / "01_broken.ipynb").unlink()
    (lessons / "02_after.ipynb").unlink()
    out = tmp_path / "out"
    rows = runner.run_lessons(runner.lesson_notebooks(lessons), out, profile="quick")
    assert [r.status for r in rows] == ["ok"]
    with pytest.raises(ValueError, match="only a standard run"):
        publishing.publish(out, lessons)
    runner.run_lessons(runner.lesson_notebooks(lessons), out, profile="standard")
    written = publishing.publish(out, lessons)
    doc = json.loads(written[0].read_text())
    assert "papermill" not in doc["metadata"]
    assert not any("papermill" in c["metadata"] for c in doc["cells"])
    # nothing injected in a standard run with default parameters
    assert len(doc["cells"]) == 2
    assert "hello standard" in json.dumps(doc)


def test_publish_bundles_the_quick_runs_models_with_the_standard_runs(
    tmp_path, tmp_cache, tmp_results
):
    # A lesson that "uses" one model per profile: it writes the key the way the scheduler does.
    src = tmp_path / "notebooks"
    src.mkdir()
    make_notebook(
        src / "00_first.ipynb",
        [
            "import os\n"
            "with open(os.environ['LSTM_COURSE_KEYS'], 'a') as fh:\n"
            "    fh.write(f'model-{profile} cache\\n')"
        ],
    )
    for profile in ("standard", "quick", "stale"):
        cache.save(f"model-{profile}", {"outputs": np.arange(2.0)}, {"loss": [1.0]})
    cache.save("model-stale", {"outputs": np.zeros(1)}, {}, root=tmp_results)
    out = tmp_path / "build" / "notebooks"
    runner.run_lessons(runner.lesson_notebooks(src), out, profile="standard")
    publishing.publish(out, src)
    assert (tmp_path / "build" / "notebooks-quick" / "00_first.ipynb").exists()
    assert cache.keys(tmp_results) == ["model-quick", "model-standard"]
    assert cache.published_keys(tmp_results, "standard") == ["model-standard"]
    assert cache.published_keys(tmp_results, "quick") == ["model-quick"]


def test_publish_refuses_a_run_of_older_sources(lessons, tmp_path, tmp_results):
    for name in ("01_broken.ipynb", "02_after.ipynb"):
        (lessons / name).unlink()
    out = tmp_path / "out"
    runner.run_lessons(runner.lesson_notebooks(lessons), out, profile="standard")
    before = (lessons / "00_first.ipynb").read_text()
    make_notebook(
        lessons / "00_first.ipynb", ["print(greeting, profile)", "print('a new cell')"]
    )
    edited = (lessons / "00_first.ipynb").read_text()
    with pytest.raises(ValueError, match=r"00_first\.ipynb ran from other sources"):
        publishing.publish(out, lessons)
    # nothing was overwritten
    assert (lessons / "00_first.ipynb").read_text() == edited != before


def test_publish_results_bundles_exactly_the_models_the_run_used(
    tmp_cache, tmp_results
):
    for key in ("used1", "used2", "unused"):
        cache.save(key, {"outputs": np.arange(3.0)}, {"loss": [1.0]})
    cache.save("old", {"outputs": np.zeros(1)}, {}, root=tmp_results)
    # in the bundle already, not in the cache
    cache.save("kept", {"outputs": np.ones(1)}, {}, root=tmp_results)
    entries, size = publishing.publish_results(["used1", "used2", "kept"])
    assert entries == 3 and size > 0
    assert cache.keys(tmp_results) == ["kept", "used1", "used2"]
    assert (
        cache.lookup("used1")[2] == "cache"
        and cache.load("used1", tmp_results) is not None
    )
    with pytest.raises(ValueError, match="result of model missing is neither in"):
        publishing.publish_results(["used1", "missing"])
    # unchanged after the refusal
    assert cache.keys(tmp_results) == ["kept", "used1", "used2"]


def test_used_keys_reads_the_runs_list_once_each(tmp_path):
    (tmp_path / runner.KEYS_NAME).write_text(
        "a trained 04.ipynb\nb cache 05.ipynb\na cache 05.ipynb\n"
    )
    assert publishing.used_keys(tmp_path) == ["a", "b"]
    assert publishing.used_keys(tmp_path / "nothing") == []


def _executed(path, printed: list[str], first_lines: list[str]):
    import nbformat

    nb = nbformat.v4.new_notebook()
    for text, first in zip(printed, first_lines, strict=True):
        cell = nbformat.v4.new_code_cell(first + "\nprint(table)")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_markdown_cell("prose"))
    nbformat.write(nb, path)
    return path


def test_compare_outputs_finds_a_changed_number_in_a_table(tmp_path):
    first = ["# table", "# NBVAL_IGNORE_OUTPUT (a time)"]
    run = _executed(
        tmp_path / "run.ipynb", ["model rmse\nLSTM 3.001\n", "12 s\n"], first
    )
    same = _executed(
        tmp_path / "same.ipynb", ["model rmse\nLSTM 3.001\n", "15 s\n"], first
    )
    # a time in a marked cell may change
    assert publishing.compare_outputs(run, same) == []
    planted = _executed(
        tmp_path / "planted.ipynb", ["model rmse\nLSTM 3.002\n", "12 s\n"], first
    )
    (diff,) = publishing.compare_outputs(run, planted)
    assert (
        diff.startswith("planted.ipynb cell 0 ('# table')")
        and "3.001" in diff
        and "3.002" in diff
    )
    run_err = _executed(
        tmp_path / "e1.ipynb", ["max |NumPy - Keras| 1.9e-07, rmse 3.001\n"], ["# x"]
    )
    other_cpu = _executed(
        tmp_path / "e2.ipynb", ["max |NumPy - Keras| 2.4E-07, rmse 3.001\n"], ["# x"]
    )
    # a rounding error may differ
    assert publishing.compare_outputs(run_err, other_cpu) == []
    changed = _executed(
        tmp_path / "e3.ipynb", ["max |NumPy - Keras| 1.9e-07, rmse 3.011\n"], ["# x"]
    )
    # the fixed-decimal result may not
    assert len(publishing.compare_outputs(run_err, changed)) == 1
    shorter = _executed(tmp_path / "short.ipynb", ["x"], ["# table"])
    assert "the cells differ" in publishing.compare_outputs(run, shorter)[0]


LOCAL_PATH = re.compile(
    r"(/home/|/root/|/work/|/tmp/|/Users/|/private/var/|[A-Z]:\\\\)"
)
"""What a machine-local path looks like in printed output (a warning names the file
that raised it)."""


def local_paths(nb: dict) -> list[str]:
    """Printed outputs of a notebook that name a path of the machine that ran it."""
    found = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", "")) + "".join(
                output.get("data", {}).get("text/plain", "")
            )
            found += [m.group(0) for m in LOCAL_PATH.finditer(text)]
    return found


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")),
    ids=lambda p: p.stem,
)
def test_no_committed_output_names_a_machine_local_path(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert local_paths(nb) == []
    warning = {
        "output_type": "stream",
        "name": "stderr",
        "text": ["/work/main/lstm_helpers/checks/_shared.py:297: RuntimeWarning\n"],
    }
    assert local_paths({"cells": [{"outputs": [warning]}]}) == ["/work/"]
