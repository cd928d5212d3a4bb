"""The course as a website: a static book of the committed lessons, built offline.

``make book`` (``python -m lstm_helpers.course.book``) assembles the book's sources in
``build/book-src/`` and builds the site into ``build/book/`` with Sphinx and MyST-NB
(configuration: ``book/conf.py``):

- the landing page is the README's course part (what the course teaches and for whom,
  the lessons in order, how to work through the exercises); the README's lesson table is
  the table of contents, so a lesson in ``notebooks/`` without a row there stops the
  build;
- one page per lesson, from the committed notebook and its outputs (nothing is executed
  again); each exercise's worked solution is folded ("Show the solution"), and the page
  links the learner copy and the lesson notebook for download;
- the glossary, and the data and the published results' READMEs.

Sphinx runs with warnings as errors, so a broken cross-reference, a missing image or a
page left out of the table of contents fails the build. Mathematics (MathJax, from the
``sphinx-mathjax-offline`` package), fonts, search and scripts are files of the site: it
reads with no network.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lstm_helpers.course.exercise_copies import (
    AFTER_TAG,
    ANSWER_ID,
    BEGIN,
    CHECK_ID,
    END,
    render,
)
from lstm_helpers.course.runner import lesson_notebooks
from lstm_helpers.paths import BUILD_DIR, REPO_ROOT

CONF_DIR = REPO_ROOT / "book"
# The README sections that make the landing page, in order (the README's title and its
# opening lines come first).
LANDING_SECTIONS = (
    "What this course teaches, and for whom",
    "The lessons",
    "Working through the course: the exercises",
)
LESSON_TABLE = "The lessons"
# README paragraphs that start so stay off the landing page
MAINTAINERS = "**For maintainers.**"
# The README's opening lines (its two commands) come on the landing page under this
# heading, before the section RUN_AFTER: a reader of the website meets what the course
# teaches first.
RUN_HEADING, RUN_AFTER = (
    "Run the course yourself",
    "Working through the course: the exercises",
)
# A row of the lesson table starts with the lesson's notebook,
# `notebooks/NN_name.ipynb`.
LESSON_ROW = re.compile(r"^\|\s*`notebooks/([\w\-]+)\.ipynb`", flags=re.MULTILINE)
SOLUTION_PROMPT = {
    "code_prompt_show": "Show the solution",
    "code_prompt_hide": "Hide the solution",
}
# README sections that become pages of their own, off the landing page: (title, page).
# Grading and the container advice are for teachers; the landing page is for learners.
SECTION_PAGES = (("For teachers: grading a class", "teachers"),)
# The whole course as one archive in the site, offered on the landing page.
ARCHIVE_NAME = "lstm-course.zip"
# What the archive leaves out when the course is not a git checkout (in one, it holds
# exactly the files git tracks): environments, build output, caches.
ARCHIVE_SKIP = (
    ".git",
    ".venv",
    ".venv-second",
    "build",
    "__pycache__",
    ".ipynb_checkpoints",
)
# Other README files that become pages of their own: (source, page name).
# The glossary keeps its file name as its page name, so that the lessons' links
# ``../GLOSSARY.md#term`` resolve both in the repository (GitHub, JupyterLab) and in the
# book.
EXTRA_PAGES = (
    ("GLOSSARY.md", "GLOSSARY"),
    ("data/README.md", "data"),
    ("results/README.md", "results"),
)


class BookError(ValueError):
    """The book's sources are inconsistent (the message names the file and the
    problem)."""


@dataclass(frozen=True)
class Lesson:
    """One lesson of the book: its notebook, its learner copy and its title."""

    stem: str  # e.g. "01_baselines"
    notebook: Path
    exercise_copy: Path | None
    title: str


def _sections(readme: str) -> tuple[str, dict[str, str]]:
    """Split a README into its opening (title and lines before the first ``##``) and its
    ``##`` sections."""
    parts = re.split(r"^## (.+)$", readme, flags=re.MULTILINE)
    opening, rest = parts[0], parts[1:]
    return opening, {rest[i].strip(): rest[i + 1] for i in range(0, len(rest), 2)}


def _anchor(title: str) -> str:
    """The anchor a code host (and MyST's ``heading_anchors``) gives a heading."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return slug.replace(" ", "-")


def lesson_order(readme: str, readme_path: Path | str = "README.md") -> list[str]:
    """The lessons named in the README's lesson table, in its order (the stems,
    ``00_data``, ...)."""
    _, sections = _sections(readme)
    if LESSON_TABLE not in sections:
        raise BookError(
            f"{readme_path}: no section '## {LESSON_TABLE}': its table is the book's "
            "table of contents"
        )
    stems = LESSON_ROW.findall(sections[LESSON_TABLE])
    if not stems:
        raise BookError(
            f"{readme_path}: the section '## {LESSON_TABLE}' has no row naming "
            "`notebooks/NN_name.ipynb`"
        )
    return stems


def find_lessons(root: Path) -> list[Lesson]:
    """The lessons in the README's order, each checked against ``notebooks/`` and
    ``exercises/``.

    Raises
    ------
    BookError
        A row of the README's lesson table names a notebook that does not exist, or a
        notebook in ``notebooks/`` has no row (the book would have no page for it).
    """
    readme_path = root / "README.md"
    stems = lesson_order(readme_path.read_text(encoding="utf-8"), readme_path)
    on_disk = [p.stem for p in lesson_notebooks(root / "notebooks")]
    missing = [s for s in stems if s not in on_disk]
    if missing:
        raise BookError(
            f"{readme_path}: the lesson table names notebooks/{missing[0]}.ipynb, "
            "which does not exist "
            f"(lessons on disk: {', '.join(on_disk)})"
        )
    left_out = [s for s in on_disk if s not in stems]
    if left_out:
        raise BookError(
            f"notebooks/{left_out[0]}.ipynb is not in the table of contents: add a row "
            "for it to the table "
            f"under '## {LESSON_TABLE}' in {readme_path}"
        )
    lessons = []
    for stem in stems:
        notebook = root / "notebooks" / f"{stem}.ipynb"
        title = _notebook_title(notebook)
        copy_path = root / "exercises" / f"{stem}.ipynb"
        lessons.append(
            Lesson(stem, notebook, copy_path if copy_path.exists() else None, title)
        )
    return lessons


def _notebook_title(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            match = re.search(r"^# (.+)$", "".join(cell["source"]), flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise BookError(
        f"{path}: no level-1 heading ('# Title') in a markdown "
        "cell: a lesson page needs a title"
    )


def _rewrite_links(text: str, anchors: set[str], lessons: list[Lesson]) -> str:
    """Point the README's links at the book: lessons to their pages, in-page anchors
    kept when the landing page has them; a link to another README section or a file of
    the repository becomes its text (the book holds only the course part)."""
    stems = {lesson.stem for lesson in lessons}

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"https?://", target):
            return match.group(0)
        if target.startswith("#"):
            return match.group(0) if target[1:] in anchors else label
        lesson = re.fullmatch(r"(?:\./)?notebooks/([\w\-]+)\.ipynb", target)
        if lesson and lesson.group(1) in stems:
            return f"[{label}](lessons/{lesson.group(1)}.ipynb)"
        return label

    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", link, text)


def _for_readers(section: str) -> str:
    """A README section without its paragraphs for maintainers (those starting "**For
    maintainers.**")."""
    paragraphs = re.split(r"\n\s*\n", section)
    return "\n\n".join(p for p in paragraphs if not p.lstrip().startswith(MAINTAINERS))


def course_files(root: Path) -> list[Path]:
    """The files of the course a reader downloads, relative to ``root``, sorted.

    In a git checkout, exactly the tracked files (sources, data, published results,
    learner copies); elsewhere, every file outside :data:`ARCHIVE_SKIP` and
    ``*.egg-info``. Never the virtual environment or the build output.
    """
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        files = [Path(name) for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file()
            and not any(
                part in ARCHIVE_SKIP or part.endswith(".egg-info")
                for part in p.relative_to(root).parts
            )
        ]
    return sorted(f for f in files if (root / f).is_file())


def pack_course(root: Path, target: Path) -> tuple[int, int]:
    """Write the course (:func:`course_files`) into the zip archive ``target``, under
    one folder ``lstm-course/``; return (files, bytes of the archive)."""
    files = course_files(root)
    for needed in ("Makefile", "pyproject.toml", "README.md"):
        if Path(needed) not in files:
            raise BookError(
                f"{root}: no {needed}, so the archive could not run the course"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            archive.write(root / name, f"lstm-course/{name.as_posix()}")
    return len(files), target.stat().st_size


def repository_url(root: Path) -> str | None:
    """The course's repository: ``[project.urls] Repository`` in ``pyproject.toml``
    (the one setting), or None where it is not set."""
    path = root / "pyproject.toml"
    if not path.exists():
        return None
    urls = (
        tomllib.loads(path.read_text(encoding="utf-8"))
        .get("project", {})
        .get("urls", {})
    )
    return urls.get("Repository") or None


def get_the_course(
    readme: str, archive: tuple[int, int] | None, url: str | None
) -> str:
    """The landing page's first section: the archive (its size), the repository where
    one is set, and the README's two commands."""
    commands = re.search(r"```bash\n(.*?)```", readme, flags=re.S)
    lines = ["## Get the course", ""]
    if archive is not None:
        files, size = archive
        lines.append(
            f"[Download the whole course](path:downloads/{ARCHIVE_NAME}) (one zip "
            f"archive, {size / 1e6:.1f} MB, {files} files: the lessons, the learner "
            "copies, the package, the data and the published results). Each lesson "
            "imports the course's package and reads its data, so a single notebook "
            "alone cannot run: get the whole course."
        )
    if url:
        lines.append(f"Or clone its repository: <{url}>.")
    lines += [
        "",
        "Unpack it, open a terminal in the folder `lstm-course`, and run:",
        "",
        "```bash",
        commands.group(1).rstrip() if commands else "make course\nmake test",
        "```",
        "",
    ]
    return "\n".join(lines)


def landing_page(
    readme: str,
    lessons: list[Lesson],
    archive: tuple[int, int] | None = None,
    url: str | None = None,
) -> str:
    """The book's index page (MyST Markdown): the README's course part, the lessons
    linked, and the table of contents."""
    opening, sections = _sections(readme)
    absent = [title for title in LANDING_SECTIONS if title not in sections]
    if absent:
        raise BookError(
            f"README.md: no section '## {absent[0]}', which the "
            "book's landing page is made of"
        )
    anchors = {_anchor(title) for title in (*LANDING_SECTIONS, RUN_HEADING)}
    by_stem = {lesson.stem: lesson for lesson in lessons}
    title_line, _, how_to_run = opening.strip().partition("\n")
    body = [title_line, "", get_the_course(readme, archive, url)]
    for title in LANDING_SECTIONS:
        if title == RUN_AFTER:
            body += [
                f"## {RUN_HEADING}",
                _rewrite_links(how_to_run, anchors, lessons).strip(),
                "",
            ]
        text = _rewrite_links(_for_readers(sections[title]), anchors, lessons)
        if title == LESSON_TABLE:
            text = LESSON_ROW.sub(
                lambda m: (
                    f"| [{by_stem[m.group(1)].title}](lessons/{m.group(1)}.ipynb)"
                ),
                text,
            )
        body += [f"## {title}", text.strip(), ""]
    body += [
        "## For teachers",
        "Grading a class's copies with one command, what a grade can be trusted for, "
        "and grading in a container: [For teachers](teachers.md).",
        "",
    ]
    toc = ["```{toctree}", ":caption: Lessons", ":hidden:", ""]
    toc += [f"lessons/{lesson.stem}" for lesson in lessons] + ["```", ""]
    toc += ["```{toctree}", ":caption: About", ":hidden:", ""]
    toc += [name for _, name in SECTION_PAGES]
    toc += [name for _, name in EXTRA_PAGES] + ["```", ""]
    return "\n".join(body + toc)


def lesson_for_book(nb: dict, lesson: Lesson) -> dict:
    """A copy of a lesson notebook for its page: every exercise's answer cell folded
    behind "Show the solution", and, under the title, the links to download the learner
    copy and the notebook."""
    nb = copy.deepcopy(nb)
    for cell in (c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["source"] = _MARKERS.sub("", "".join(cell["source"]))
        cell_id, tags = cell.get("id", ""), cell["metadata"].setdefault("tags", [])
        if AFTER_TAG in tags:
            tags.append("hide-output")  # an exercise's answer: folded behind a click
        if CHECK_ID.match(cell_id):
            tags.append("check")  # its one-line verdict wraps (book/_static/course.css)
        elif ANSWER_ID.match(cell_id):
            tags.append("hide-input")
            cell["metadata"]["mystnb"] = dict(SOLUTION_PROMPT)
    downloads = [
        "[the lesson with its solutions and "
        f"outputs](path:../downloads/notebooks/{lesson.stem}.ipynb)"
    ]
    if lesson.exercise_copy is not None:
        downloads.insert(
            0,
            f"[the learner copy](path:../downloads/exercises/{lesson.stem}.ipynb) "
            "(exercises without solutions)",
        )
    note = (
        "```{admonition} Run this lesson yourself\n:class: tip\n"
        "The outputs below are those of the course's published run. Each exercise's "
        "worked solution is "
        "folded: try first, then open *Show the solution*; the check below it shows "
        "what a right answer "
        "prints. To run the lesson, get the whole course (its repository: the "
        "notebooks import the "
        "course's package `lstm_helpers` and read its `data/` folder), run `make lab` "
        "in it, and open "
        f"{' or '.join(downloads)} there.\n```"
    )
    title_at = next(
        i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
    )
    nb["cells"].insert(
        title_at + 1,
        {
            "cell_type": "markdown",
            "id": "book-downloads",
            "metadata": {},
            "source": note,
        },
    )
    return nb


# Comment lines that are instructions to the tools (nbval, the learner-copy writer), not
# to a reader.
_MARKERS = re.compile(
    r"^[ \t]*(# "
    rf"NBVAL_[A-Z_]+|{re.escape(BEGIN)}|{re.escape(END)})[ "
    r"\t]*\n?",
    flags=re.MULTILINE,
)


def assemble(root: Path, source: Path) -> list[Lesson]:
    """Write the book's sources into ``source`` (emptied first): the landing page, one
    notebook per lesson, the data and results pages, and the files offered for
    download."""
    lessons = find_lessons(root)
    if source.exists():
        shutil.rmtree(source)
    (source / "lessons").mkdir(parents=True)
    readme = (root / "README.md").read_text(encoding="utf-8")
    archive = pack_course(root, source / "downloads" / ARCHIVE_NAME)
    (source / "index.md").write_text(
        landing_page(readme, lessons, archive, repository_url(root)), encoding="utf-8"
    )
    _, sections = _sections(readme)
    for title, name in SECTION_PAGES:
        if title not in sections:
            raise BookError(
                f"README.md: no section '## {title}' (the book's {name} page)"
            )
        text = _rewrite_links(sections[title], set(), lessons)
        (source / f"{name}.md").write_text(
            f"# {title}\n\n{text.strip()}\n", encoding="utf-8"
        )
    for lesson in lessons:
        nb = json.loads(lesson.notebook.read_text(encoding="utf-8"))
        page = lesson_for_book(nb, lesson)
        (source / "lessons" / f"{lesson.stem}.ipynb").write_text(
            render(page), encoding="utf-8"
        )
        for folder, path in (
            ("notebooks", lesson.notebook),
            ("exercises", lesson.exercise_copy),
        ):
            if path is not None:
                target = source / "downloads" / folder / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    for readme_file, name in EXTRA_PAGES:
        path = root / readme_file
        if not path.exists():
            raise BookError(f"{path}: missing; the book has a page made from it")
        (source / f"{name}.md").write_text(
            _rewrite_links(path.read_text(encoding="utf-8"), set(), lessons),
            encoding="utf-8",
        )
    return lessons


def build(
    root: Path = REPO_ROOT,
    out: Path | None = None,
    source: Path | None = None,
    quiet: bool = True,
) -> Path:
    """Assemble the sources and build the site; return the folder holding
    ``index.html``.

    Raises
    ------
    BookError
        The sources are inconsistent, or Sphinx warned (a broken cross-reference, a
        missing image, a page outside the table of contents, ...): the message lists
        Sphinx's warnings.
    """
    # the optional extra: pip install -e ".[book]"
    from sphinx.cmd.build import build_main

    out = out or BUILD_DIR / "book"
    source = source or BUILD_DIR / "book-src"
    assemble(root, source)
    if out.exists():
        shutil.rmtree(out)
    # Sphinx writes every warning there (-w) as it goes
    warnings = out.parent / "book-warnings.txt"
    args = [
        "-b",
        "html",
        "-W",
        "--keep-going",
        "-E",
        "-c",
        str(CONF_DIR),
        "-w",
        str(warnings),
    ]
    status = build_main([*args, *(["-q"] if quiet else []), str(source), str(out)])
    if status != 0:
        said = (
            warnings.read_text(encoding="utf-8")
            if warnings.exists()
            else "(Sphinx's lines above)"
        )
        raise BookError(
            f"the book did not build (Sphinx exit status {status}):\n{said}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_helpers.course.book", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where the site goes (default build/book)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="Sphinx's progress lines"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        out = build(out=args.out, quiet=not args.verbose)
    except BookError as error:
        print(f"make book: {error}", file=sys.stderr)
        return 1
    print(
        f"the book is in {out} "
        f"({time.perf_counter() - start:.0f} s): open "
        f"{out / 'index.html'}, "
        f"or serve it with `python3 -m http.server -d {out}` for search with "
        "snippets"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
