"""Publishing a finished standard run: the lessons' outputs and the trained models'
results.

``make publish`` (``python -m lstm_helpers.course --publish``) takes a complete
``standard`` run with default parameters from the current lesson sources:

1. it runs the lessons in the ``quick`` profile (:func:`quick_run`; from the
   local cache, training only what it lacks), so that the quick models are
   published too: the tests and a learner's ``make course ARGS="--profile
   quick"`` then load them instead of training them;
2. it copies the stored results of every model the two runs used into the
   committed bundle ``results/models`` (see :mod:`lstm_helpers.training.cache`),
   removing entries neither run used;
3. it runs the lessons again from the published results alone
   (:func:`run_from_published`), so that the notebooks it commits are exactly
   what a fresh clone shows;
4. it copies those notebooks over the lesson sources in ``notebooks/``,
   without papermill's machine-local metadata.

:func:`compare_outputs` is the check that ties the two together: the test
suite runs every lesson from the published results and compares its printed
outputs with the committed notebook's.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from lstm_helpers.course.runner import (
    KEYS_NAME,
    SUMMARY_NAME,
    LessonRun,
    environment,
    lesson_notebooks,
    run_lessons,
    source_digest,
)
from lstm_helpers.paths import NOTEBOOK_DIR
from lstm_helpers.training import cache

IGNORE_MARK = "NBVAL_IGNORE_OUTPUT"
"""A code cell whose first lines hold this mark prints something that changes from run
to run (a time)."""

_SCIENTIFIC = re.compile(r"[-+]?\d+(?:\.\d+)?e[-+]?\d+", re.IGNORECASE)
"""Numbers printed in scientific notation: the lessons print rounding errors this way
(1.9e-07), which another CPU may compute a little differently; tables of results use
fixed decimals."""


def clean_for_publishing(nb_path: Path) -> dict:
    """Load an executed notebook and drop papermill's run metadata (paths,
    timestamps)."""
    doc = json.loads(nb_path.read_text())
    doc.get("metadata", {}).pop("papermill", None)
    for cell in doc.get("cells", []):
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    return doc


def check_run(output: Path, sources: Path = NOTEBOOK_DIR) -> list[dict[str, str]]:
    """The summary rows of the run in ``output`` if it may be published, else ValueError
    saying why."""
    summary = output / SUMMARY_NAME
    if not summary.exists():
        raise ValueError(f"{summary}: no run summary; run `make course` first")
    with summary.open() as fh:
        rows = list(csv.DictReader(fh))
    bad = [r["notebook"] for r in rows if r["status"] != "ok"]
    if bad or not rows:
        raise ValueError(
            f"{summary}: not every lesson finished ({', '.join(bad) or 'empty run'})"
        )
    if {r["profile"] for r in rows} != {"standard"} or {
        r["parameters"] for r in rows
    } != {"{}"}:
        raise ValueError(
            f"{summary}: only a standard run with default parameters is published"
        )
    names = {p.name for p in lesson_notebooks(sources)}
    if {r["notebook"] for r in rows} != names:
        raise ValueError(f"{summary}: the run did not cover every lesson in {sources}")
    stale = [
        r["notebook"]
        for r in rows
        if r.get("source_digest") != source_digest(sources / r["notebook"])
    ]
    if stale:
        raise ValueError(
            f"{summary}: {', '.join(stale)} ran from other sources than {sources} "
            "holds now; "
            "run `make course` again before publishing"
        )
    return rows


def used_keys(output: Path) -> list[str]:
    """The cache keys of every model the run in ``output`` loaded or trained, in order,
    once each."""
    path = output / KEYS_NAME
    if not path.exists():
        return []
    return list(
        dict.fromkeys(
            line.split()[0] for line in path.read_text().splitlines() if line.strip()
        )
    )


def publish_results(keys: list[str], bundle: Path | None = None) -> tuple[int, int]:
    """Make ``bundle`` hold exactly the stored results of ``keys``; returns (entries,
    bytes).

    Each entry is taken from the local cache, or kept from the bundle. Raises
    ValueError, before changing anything, if one of them is in neither.
    """
    bundle = bundle or cache.results_dir()
    sources = {}
    for key in keys:
        for root in (cache.cache_dir(), bundle):
            path = cache.entry_path(key, root)
            if cache.load(key, root, remove_damaged=False) is not None:
                sources[key] = path
                break
        else:
            raise ValueError(
                f"the result of model {key} is neither in "
                f"{cache.cache_dir()} nor in {bundle}"
            )
    bundle.mkdir(parents=True, exist_ok=True)
    for key, path in sources.items():
        target = cache.entry_path(key, bundle)
        if path != target:
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
    for old in set(cache.keys(bundle)) - set(keys):
        cache.entry_path(old, bundle).unlink()
    return len(keys), sum(cache.entry_path(k, bundle).stat().st_size for k in keys)


def run_from_published(
    notebooks: list[Path], output: Path, bundle: Path | None = None
) -> list[LessonRun]:
    """Run ``notebooks`` in the standard profile with the published results alone and an
    empty local cache.

    A lesson that asks for a model the bundle does not hold fails with
    :class:`~lstm_helpers.training.scheduler.NotPublishedError`, which names how many.
    """
    bundle = bundle or cache.results_dir()
    with (
        tempfile.TemporaryDirectory(prefix="lstm-course-empty-cache-") as empty,
        environment(
            **{
                cache.PUBLISHED_ONLY_ENV: "1",
                cache.CACHE_ENV: empty,
                cache.RESULTS_ENV: str(bundle),
                # the notebook's own (inline) plots, as published
                cache.RETRAIN_ENV: None,
                "MPLBACKEND": None,
            }
        ),
    ):
        return run_lessons(notebooks, output, profile="standard")


def _texts(cell: dict) -> list[str]:
    texts: list[str] = []
    last_stream = None
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            text = "".join(out["text"])
            # how a print is cut into stream messages varies by run
            if last_stream == out["name"]:
                texts[-1] += text
            else:
                texts.append(f"{out['name']}: " + text)
            last_stream = out["name"]
            continue
        last_stream = None
        if out["output_type"] in (
            "execute_result",
            "display_data",
        ) and "text/plain" in out.get("data", {}):
            texts.append("".join(out["data"]["text/plain"]))
        elif out["output_type"] == "error":
            texts.append(f"error: {out['ename']}: {out['evalue']}")
    return [_SCIENTIFIC.sub("<e-number>", text) for text in texts]


def compare_outputs(executed: Path, committed: Path) -> list[str]:
    """The differences between the printed outputs of two runs of one lesson (empty: the
    same).

    Every code cell's text is compared (streams, the plain-text form of results
    and displays, errors), except numbers in scientific notation (rounding errors,
    which may differ on another CPU); pictures are not, nor cells marked
    ``NBVAL_IGNORE_OUTPUT`` (they print a time).
    """
    a, b = (json.loads(Path(p).read_text())["cells"] for p in (executed, committed))
    a = [
        c
        for c in a
        if "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    if [c["cell_type"] for c in a] != [c["cell_type"] for c in b]:
        return [
            f"{committed.name}: the cells differ ({len(a)} "
            f"executed, {len(b)} committed)"
        ]
    found = []
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        source = "".join(y["source"])
        if y["cell_type"] != "code" or IGNORE_MARK in source[:200]:
            continue
        if _texts(x) != _texts(y):
            first = next((line for line in source.splitlines() if line.strip()), "")
            found.append(
                f"{committed.name} cell {k} ({first[:50]!r}): executed "
                f"prints {_texts(x)!r:.300}, "
                f"committed shows {_texts(y)!r:.300}"
            )
    return found


def _all_ok(rows: list[LessonRun], where: str) -> None:
    """ValueError naming the first lesson of ``rows`` that did not run ``where``."""
    failed = [r for r in rows if r.status != "ok"]
    if failed:
        raise ValueError(f"{failed[0].notebook} failed {where}: {failed[0].detail}")


QUICK_SUFFIX = "-quick"
"""The quick run that :func:`publish` makes goes beside the standard run
(``build/notebooks-quick``)."""


def quick_run(notebooks: list[Path], output: Path) -> Path:
    """Run ``notebooks`` in the quick profile beside the run in ``output``; its folder.

    Models the local cache or the published results hold are loaded; the rest
    train (a few minutes after a change that re-keys them). Raises ValueError
    naming the first lesson that failed.
    """
    folder = output.with_name(output.name + QUICK_SUFFIX)
    print(
        "running the lessons in the quick profile, so that its models are "
        "published too ...",
        flush=True,
    )
    _all_ok(
        run_lessons(notebooks, folder, profile="quick"),
        f"to run in the quick profile ({folder})",
    )
    return folder


def publish(
    output: Path, sources: Path = NOTEBOOK_DIR, bundle: Path | None = None
) -> list[Path]:
    """Copy the notebooks of a complete standard run in ``output`` over the lesson
    sources, and publish its models' results with those of a quick run.

    Raises
    ------
    ValueError
        If the run was not a complete, successful standard run with default
        parameters from the current sources, or a model's result is missing.
    """
    rows = check_run(output, sources)
    quick = quick_run([sources / r["notebook"] for r in rows], output)
    profiles = {"standard": used_keys(output), "quick": used_keys(quick)}
    keys = list(dict.fromkeys(profiles["standard"] + profiles["quick"]))
    entries, size = publish_results(keys, bundle)
    (bundle or cache.results_dir()).joinpath(cache.PROFILES_NAME).write_text(
        json.dumps(profiles, indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"published results of {entries} model(s), "
        f"{size / 1e6:.2f} MB, into "
        f"{bundle or cache.results_dir()}"
    )
    print("running the lessons again from the published results alone ...", flush=True)
    rerun = output / "from-published"
    again = run_from_published([sources / r["notebook"] for r in rows], rerun, bundle)
    _all_ok(again, "to run from the published results")
    written = []
    for r in rows:
        doc = clean_for_publishing(rerun / r["notebook"])
        target = sources / r["notebook"]
        target.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    return written
