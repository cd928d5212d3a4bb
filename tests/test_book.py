"""The book (``make book``): built from the committed lessons, then read in a real
headless Chromium.

The site is served on localhost and every page is visited: no console error, no failed
request and no request leaving the site, every internal link and anchor resolves, every
image loaded, the mathematics rendered by MathJax (no raw TeX left, no TeX error), each
lesson's code cells and outputs all there, and search finds a lesson's word. Screenshots
of the landing page and of one lesson, and the counts, are saved in
``build/book-check/``.

Locally the browser tests skip without the ``book`` extra or Debian's ``chromium`` and
``chromium-driver``; in CI (``CI=true``, ``.ci/run`` installs both) they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import strict

from lstm_helpers.course import book
from lstm_helpers.paths import BUILD_DIR, REPO_ROOT

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHECK_DIR = BUILD_DIR / "book-check"
SCREENSHOT_LESSON = "02_lstm_cell"
# the cell lesson teaches the forget gate
SEARCH_WORD, SEARCH_LESSON = "forget", "02_lstm_cell"


def _need(condition: bool, why: str) -> None:
    if not condition:
        if strict():
            pytest.fail(f"CI must be able to build and read the book: {why}")
        pytest.skip(why)


def _sphinx_installed() -> bool:
    try:
        import myst_nb  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# The sources and the build (no browser)


def test_the_lesson_table_is_the_table_of_contents():
    lessons = book.find_lessons(REPO_ROOT)
    assert [lesson.notebook.name for lesson in lessons] == sorted(
        p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb")
    )
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    page = book.landing_page(readme, lessons)
    for lesson in lessons:
        assert (
            f"lessons/{lesson.stem}.ipynb" in page
            and f"lessons/{lesson.stem}\n" in page
        )
    assert "`notebooks/" not in page.split("## The lessons")[1].split("##")[0]


def test_every_answer_is_folded_and_the_copies_are_offered():
    lesson = book.find_lessons(REPO_ROOT)[1]
    nb = json.loads(lesson.notebook.read_text(encoding="utf-8"))
    page = book.lesson_for_book(nb, lesson)
    answers = [
        c
        for c in page["cells"]
        if re.fullmatch(r"exercise-\d+-answer", c.get("id", ""))
    ]
    assert answers and all("hide-input" in c["metadata"]["tags"] for c in answers)
    assert all(
        c["metadata"]["mystnb"]["code_prompt_show"] == "Show the solution"
        for c in answers
    )
    note = page["cells"][1]["source"]
    assert (
        f"downloads/exercises/{lesson.stem}.ipynb" in note
        and f"downloads/notebooks/{lesson.stem}.ipynb" in note
    )
    assert nb["cells"][1].get("id") != "book-downloads", (
        "the committed lesson itself is never changed"
    )
    code = "".join(
        "".join(c["source"]) for c in page["cells"] if c["cell_type"] == "code"
    )
    assert "BEGIN SOLUTION" in "".join("".join(c["source"]) for c in nb["cells"])
    assert not re.search(r"# (NBVAL_|BEGIN SOLUTION|END SOLUTION)", code), (
        "the tools' markers are not for readers"
    )


def test_the_landing_page_leaves_out_the_maintainers_paragraphs():
    lessons = book.find_lessons(REPO_ROOT)
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert book.MAINTAINERS in readme
    page = book.landing_page(readme, lessons)
    assert book.MAINTAINERS not in page and "Grading a class" in page


def test_readme_links_outside_the_book_become_text():
    lessons = book.find_lessons(REPO_ROOT)
    text = (
        "[a](#the-lessons) [b](#tests) "
        "[c](notebooks/01_baselines.ipynb) "
        "[d](lstm_helpers/checks/) [e](https://x.org)"
    )
    assert book._rewrite_links(text, {"the-lessons"}, lessons) == (
        "[a](#the-lessons) b [c](lessons/01_baselines.ipynb) d [e](https://x.org)"
    )


def _small_course(root: Path, lessons=("00_intro", "01_next")) -> Path:
    """A course of two tiny lessons with the README parts the book needs."""
    (root / "notebooks").mkdir(parents=True)
    rows = "\n".join(
        f"| `notebooks/{stem}.ipynb` | lesson {stem} |" for stem in lessons
    )
    sections = "".join(
        f"## {title}\n\nText.\n\n"
        for title in book.LANDING_SECTIONS
        if title != book.LESSON_TABLE
    )
    (root / "README.md").write_text(
        f"# A course\n\nOpening.\n\n## {book.LESSON_TABLE}\n\n| lesson | what "
        f"|\n|---|---|\n{rows}\n\n{sections}## Other\n\nx\n"
    )
    for stem in lessons:
        _write_lesson(
            root / "notebooks" / f"{stem}.ipynb",
            f"# Lesson {stem}\n\nThe [gate](../GLOSSARY.md#forget-gate) $f_t$ forgets.",
        )
    (root / "GLOSSARY.md").write_text(
        "# Glossary\n\n## Forget gate\n\nWhat the cell keeps.\n"
    )
    for folder in ("data", "results"):
        (root / folder).mkdir()
        (root / folder / "README.md").write_text(f"# {folder}\n\nAbout {folder}.\n")
    with (root / "README.md").open("a") as fh:
        for title, _ in book.SECTION_PAGES:
            fh.write(f"\n## {title}\n\nGrade with one command.\n")
    (root / "Makefile").write_text("course:\n\ttrue\n")
    (root / "pyproject.toml").write_text('[project]\nname = "small"\n')
    return root


def _write_lesson(path: Path, *markdown: str) -> None:
    cells = [
        {"cell_type": "markdown", "id": f"m{i}", "metadata": {}, "source": text}
        for i, text in enumerate(markdown)
    ]
    cells.append(
        {
            "cell_type": "code",
            "id": "c0",
            "metadata": {},
            "execution_count": 1,
            "source": "1 + 1",
            "outputs": [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"text/plain": "2"},
                }
            ],
        }
    )
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))


def test_a_small_course_builds(tmp_path):
    _need(
        _sphinx_installed(),
        "the book extra is not installed (pip install -e '.[book]')",
    )
    root = _small_course(tmp_path / "course")
    out = book.build(root, out=tmp_path / "site", source=tmp_path / "src")
    assert (out / "index.html").exists() and (out / "lessons" / "01_next.html").exists()
    assert (out / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_the_archive_holds_the_course_and_leaves_out_environments_and_builds(tmp_path):
    import zipfile

    root = _small_course(tmp_path / "course")
    for junk in (
        ".venv/bin/python",
        "build/cache/x.npz",
        "lstm_course.egg-info/PKG-INFO",
    ):
        (root / junk).parent.mkdir(parents=True, exist_ok=True)
        (root / junk).write_text("not for readers")
    files, size = book.pack_course(root, tmp_path / "course.zip")
    names = zipfile.ZipFile(tmp_path / "course.zip").namelist()
    assert size > 0 and files == len(names)
    assert (
        "lstm-course/Makefile" in names
        and "lstm-course/notebooks/00_intro.ipynb" in names
    )
    assert not [n for n in names if "/.venv/" in n or "/build/" in n or "egg-info" in n]
    (root / "Makefile").unlink()
    with pytest.raises(book.BookError, match="no Makefile"):
        book.pack_course(root, tmp_path / "again.zip")


def test_the_landing_page_offers_the_archive_the_commands_and_the_repository(tmp_path):
    readme = "# A course\n\n```bash\nmake course   # run\nmake test\n```\n"
    page = book.get_the_course(readme, (12, 3_400_000), "https://example.org/course")
    assert f"(path:downloads/{book.ARCHIVE_NAME})" in page and "3.4 MB" in page
    assert "make course   # run\nmake test" in page
    assert "<https://example.org/course>" in page
    assert "clone" not in book.get_the_course(readme, (12, 3_400_000), None)
    root = _small_course(tmp_path / "course")
    assert book.repository_url(root) is None
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.urls]\nRepository = "https://example.org/r"\n'
    )
    assert book.repository_url(root) == "https://example.org/r"


def test_a_lesson_left_out_of_the_table_of_contents_stops_the_build(tmp_path):
    root = _small_course(tmp_path / "course")
    _write_lesson(root / "notebooks" / "02_orphan.ipynb", "# Orphan")
    with pytest.raises(
        book.BookError,
        match=r"notebooks/02_orphan.ipynb is not in the table of "
        r"contents",
    ):
        book.build(root, out=tmp_path / "site", source=tmp_path / "src")


def test_a_row_for_a_missing_lesson_stops_the_build(tmp_path):
    root = _small_course(tmp_path / "course")
    (root / "notebooks" / "01_next.ipynb").unlink()
    with pytest.raises(
        book.BookError, match=r"names notebooks/01_next.ipynb, which does not exist"
    ):
        book.find_lessons(root)


@pytest.mark.parametrize(
    "markdown, sphinx_says",
    [
        ("See [the gates](#no-such-section).", r"no-such-section"),
        ("![a figure](figures/missing.png)", r"missing\.png"),
        ("See {ref}`a-label-nobody-defined`.", r"a-label-nobody-defined"),
        ("A [term](../GLOSSARY.md#no-such-term) not in the glossary.", r"no-such-term"),
    ],
    ids=[
        "broken anchor",
        "missing image",
        "broken cross-reference",
        "term missing from the glossary",
    ],
)
def test_a_broken_reference_or_a_missing_image_stops_the_build(
    tmp_path, markdown, sphinx_says
):
    _need(
        _sphinx_installed(),
        "the book extra is not installed (pip install -e '.[book]')",
    )
    root = _small_course(tmp_path / "course")
    _write_lesson(root / "notebooks" / "01_next.ipynb", "# Lesson 01_next", markdown)
    with pytest.raises(book.BookError, match=sphinx_says):
        book.build(root, out=tmp_path / "site", source=tmp_path / "src")


# ---------------------------------------------------------------------------------------------
# The built book, in a real browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    _need(
        _sphinx_installed(),
        "the book extra is not installed (pip install -e '.[book]')",
    )
    tmp = tmp_path_factory.mktemp("book")
    return book.build(REPO_ROOT, out=tmp / "site", source=tmp / "src")


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    _need(
        CHROMIUM.exists() and CHROMEDRIVER.exists(),
        "Debian's chromium and chromium-driver are not installed",
    )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need(
            False,
            "selenium is not installed (the book extra: pip install -e '.[book]')",
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,1000",  # a common laptop's width
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    options.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"}
    )
    driver = webdriver.Chrome(
        service=Service(executable_path=str(CHROMEDRIVER)), options=options
    )
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(45)
    yield driver
    driver.quit()


class _Ids(HTMLParser):
    """Every id and anchor name of a page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value or "")


@functools.cache
def _ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


_MATH_TYPESET = """
const done = arguments[arguments.length - 1];
const mathjax = window.MathJax && MathJax.startup && MathJax.startup.promise;
const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('MathJax did not finish in 30 s')), 30000));
Promise.race([mathjax || Promise.resolve(), timeout]).then(() => done(''), e => done(String(e)));
"""
_IMAGES_IN_VIEW = """
for (const img of document.images) { img.loading = 'eager'; img.scrollIntoView(); }
window.scrollTo(0, 0);
"""
_PAGE_REPORT = """
const text = document.body.cloneNode(true);
text.querySelectorAll('pre, code, script, style, mjx-container, .math, .MathJax').forEach(e => e.remove());
return {
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
  images: Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]),
  math: document.querySelectorAll('.math').length,
  rendered: document.querySelectorAll('.math mjx-container').length,
  texErrors: document.querySelectorAll('mjx-merror').length,
  text: text.textContent,
  inputs: document.querySelectorAll('div.cell div.cell_input').length,
  outputs: document.querySelectorAll('div.cell div.cell_output').length,
  folded: document.querySelectorAll('div.cell.tag_hide-input details').length,
  unlinkedFigures: Array.from(document.querySelectorAll('div.cell_output img')).filter(i => !i.closest('a')).length,
  smallFigures: Array.from(document.querySelectorAll('div.cell_output img'))
    .filter(i => i.naturalWidth && i.clientWidth / i.naturalWidth < 0.75)
    .map(i => [i.getAttribute('src'), i.clientWidth, i.naturalWidth]),
  figureHints: document.querySelectorAll('div.cell_output p.figure-hint').length,
  figures: document.querySelectorAll('div.cell_output img').length,
  wideCode: Array.from(document.querySelectorAll('div.cell_input pre'))
    .filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => p.textContent.split('\\n').find(l => l.length > 88) || p.textContent.slice(0, 60)),
  wideOutput: Array.from(document.querySelectorAll('div.cell_output pre'))
    .filter(p => p.scrollWidth > p.clientWidth + 1 || p.style.fontSize)
    .map(p => [p.style.fontSize || 'scrolls',
               p.textContent.split('\\n').find(l => l.length > 88) || p.textContent.slice(0, 60)]),
  codeBlocks: document.querySelectorAll('div.highlight').length,
  copyButtons: document.querySelectorAll('div.highlight button.copy-code').length,
  foldedAnswers: document.querySelectorAll('div.cell.tag_after-you-tried details').length,
};
"""


def _read_page(driver, url: str) -> dict:
    """Open a page, let MathJax typeset and every image load (lazy ones scrolled into
    view), and report."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    math_problem = driver.execute_async_script(_MATH_TYPESET)
    driver.execute_script(_IMAGES_IN_VIEW)
    try:
        WebDriverWait(driver, 20).until(
            lambda d: d.execute_script(
                "return Array.from(document.images).every(i => i.complete)"
            )
        )
    except Exception:  # reported below, image by image
        pass
    report = driver.execute_script(_PAGE_REPORT)
    report["math_problem"] = math_problem
    return report


RAW_TEX = re.compile(
    r"\\begin\{|\\\(|\\\[|\$\$|(?<![\w$])\$(?=[^\s$\d])[^$\n]{1,200}?(?<=[^\s$])\$(?!\d)"
)


def _lesson_cells(stem: str) -> tuple[int, int]:
    """(code cells, code cells with an output) of a committed lesson."""
    nb = json.loads(
        (REPO_ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8")
    )
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return len(code), sum(1 for c in code if c.get("outputs"))


def _requests(driver, origin: str) -> list[str]:
    """The problems with the requests the page made: failed, an HTTP error, or outside
    the site."""
    problems, urls = [], {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            if not (
                url.startswith(origin) or url.startswith(("data:", "blob:", "about:"))
            ):
                problems.append(f"a request outside the site: {url}")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            problems.append(
                f"failed request {urls.get(params['requestId'], '?')}: "
                f"{params.get('errorText')}"
            )
        elif (
            method == "Network.responseReceived" and params["response"]["status"] >= 400
        ):
            problems.append(
                f"HTTP {params['response']['status']} for {params['response']['url']}"
            )
    return problems


def test_every_page_reads_in_a_browser_with_nothing_broken(site, server, browser):
    pages = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "_static" not in p.parts
    )
    lessons = {lesson.stem for lesson in book.find_lessons(REPO_ROOT)}
    assert {f"lessons/{stem}.html" for stem in lessons} <= set(pages)
    counts = {
        "pages": 0,
        "links": 0,
        "anchors": 0,
        "images": 0,
        "formulas": 0,
        "code cells": 0,
        "outputs": 0,
        "folded solutions": 0,
        "folded answers": 0,
        "external links (not followed: the site reads offline)": 0,
    }
    problems: list[str] = []
    browser.get_log("performance")
    for page in pages:
        url = urljoin(server, page)
        report = _read_page(browser, url)
        where = f"{page}:"
        problems += [
            f"{where} console {e['level']}: {e['message']}"
            for e in browser.get_log("browser")
            if e["level"] == "SEVERE"
        ]
        problems += [f"{where} {p}" for p in _requests(browser, server)]
        for href in report["links"]:
            target = urlsplit(urljoin(url, href))
            if target.scheme in ("mailto", "javascript") or href == "#":
                continue
            if f"{target.scheme}://{target.netloc}/" != server:
                counts["external links (not followed: the site reads offline)"] += 1
                continue
            counts["links"] += 1
            file = site / unquote(target.path.lstrip("/"))
            if file.is_dir():
                file = file / "index.html"
            if not file.exists():
                problems.append(f"{where} a link to a missing file: {href}")
            elif target.fragment:
                counts["anchors"] += 1
                if file.suffix == ".html" and unquote(target.fragment) not in _ids_of(
                    file
                ):
                    problems.append(f"{where} a link to a missing anchor: {href}")
        problems += [
            f"{where} a figure shown at {shown}/{natural} px, below 75% of its width "
            f"(its text too small to read): {src}"
            for src, shown, natural in report["smallFigures"]
        ]
        if report["figureHints"] != report["figures"]:
            problems.append(
                f"{where} {report['figures']} figures, {report['figureHints']} with the "
                "line saying a click enlarges them"
            )
        problems += [
            f"{where} a code block wider than the column: {line!r}"
            for line in report["wideCode"]
        ]
        problems += [
            f"{where} printed output wider than the column ({how}): {line!r}"
            for how, line in report["wideOutput"]
        ]
        if report["copyButtons"] != report["codeBlocks"]:
            problems.append(
                f"{where} {report['codeBlocks']} code blocks, "
                f"{report['copyButtons']} copy buttons"
            )
        counts["folded answers"] += report["foldedAnswers"]
        if report["unlinkedFigures"]:
            problems.append(
                f"{where} {report['unlinkedFigures']} figures without "
                "the link to their full size"
            )
        for src, complete, width in report["images"]:
            counts["images"] += 1
            if not (complete and width > 0):
                problems.append(f"{where} an image that did not load: {src}")
        counts["formulas"] += report["math"]
        if (
            report["rendered"] != report["math"]
            or report["texErrors"]
            or report["math_problem"]
        ):
            problems.append(
                f"{where} {report['math']} formulas, {report['rendered']} rendered by "
                "MathJax, "
                f"{report['texErrors']} TeX errors {report['math_problem']}"
            )
        raw = RAW_TEX.search(report["text"])
        if raw:
            problems.append(
                f"{where} raw TeX in the text: "
                f"...{report['text'][max(raw.start() - 40, 0) : raw.end() + 40]!r}"
            )
        stem = Path(page).stem
        if page.startswith("lessons/") and stem in lessons:
            code, with_output = _lesson_cells(stem)
            counts["code cells"] += report["inputs"]
            counts["outputs"] += report["outputs"]
            counts["folded solutions"] += report["folded"]
            if (report["inputs"], report["outputs"]) != (code, with_output):
                problems.append(
                    f"{where} {report['inputs']} code cells and {report['outputs']} "
                    "outputs on the page, "
                    f"{code} and {with_output} in the notebook"
                )
            # an appendix (9N_) has no exercises
            if report["folded"] < 2 and not stem.startswith("9"):
                problems.append(
                    f"{where} {report['folded']} folded solutions (every lesson has 2 "
                    "to 4 exercises)"
                )
        counts["pages"] += 1
    CHECK_DIR.mkdir(parents=True, exist_ok=True)
    (CHECK_DIR / "counts.json").write_text(json.dumps(counts, indent=1))
    assert not problems, "\n".join(problems[:40])
    assert counts["formulas"] > 100 and counts["images"] >= 38 and counts["links"] > 100
    assert counts["folded answers"] >= 8  # every package answer shown after an exercise


def test_search_finds_a_lesson_word(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(urljoin(server, f"search.html?q={SEARCH_WORD}"))
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li a")
    )
    hits = [
        a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "#search-results li a")
    ]
    assert any(f"lessons/{SEARCH_LESSON}.html" in hit for hit in hits), hits
    # the snippets come from the lesson's text, not from the page's header
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li p.context")
    )
    snippets = [
        p.text for p in browser.find_elements(By.CSS_SELECTOR, "#search-results li p")
    ]
    assert any(SEARCH_WORD in text.lower() for text in snippets), snippets[:3]
    assert not [t for t in snippets if "Light" in t and "Dark" in t], snippets[:3]
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_search_from_disk_lists_pages_without_console_errors(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")
    browser.get((site / "search.html").as_uri() + f"?q={SEARCH_WORD}")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li a")
    )
    time.sleep(1)  # what a page fetch would log comes after the list
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    note = browser.find_element(By.CSS_SELECTOR, "p.search-note").text
    assert "http.server" in note


def test_the_course_archive_downloads_with_the_files_to_run_it(server, browser):
    import io
    import urllib.request
    import zipfile

    browser.get(urljoin(server, "index.html"))
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href$=\\'.zip\\']'))"
        ".map(a => a.href)"
    )
    assert len(links) >= 1, "the landing page offers no archive of the course"
    with urllib.request.urlopen(links[0]) as response:
        names = set(zipfile.ZipFile(io.BytesIO(response.read())).namelist())
    for needed in (
        "Makefile",
        "pyproject.toml",
        "README.md",
        "notebooks/00_data.ipynb",
        "exercises/00_data.ipynb",
        "lstm_helpers/__init__.py",
        "data/README.md",
        "results/README.md",
    ):
        assert f"lstm-course/{needed}" in names, needed
    assert any(n.startswith("lstm-course/results/models/") for n in names)
    assert not [
        n for n in names if n.startswith(("lstm-course/build/", "lstm-course/.venv"))
    ]
    text = browser.find_element("tag name", "article").text
    assert "make course" in text and "make test" in text and " MB" in text


def test_screenshots_of_the_landing_page_and_a_lesson(server, browser):
    CHECK_DIR.mkdir(parents=True, exist_ok=True)
    for name, page in (
        ("landing", "index.html"),
        ("lesson", f"lessons/{SCREENSHOT_LESSON}.html"),
    ):
        _read_page(browser, urljoin(server, page))
        time.sleep(0.5)
        path = CHECK_DIR / f"{name}.png"
        assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
    # The lesson's first exercise: its statement, the folded solution and the check's
    # output.
    folded = browser.execute_script(
        "const cell = document.querySelector('div.cell.tag_hide-input');"
        "const heading = cell.parentElement.querySelector('h3');"
        "(heading || cell).scrollIntoView({block: 'start'});"
        "return cell.querySelector('details') && !cell.querySelector('details').open;"
    )
    time.sleep(0.5)
    assert folded, "the first solution is folded when the page opens"
    assert browser.save_screenshot(str(CHECK_DIR / "exercise.png"))


def test_the_site_needs_no_file_from_outside_it(site):
    """Every script, style sheet and font a page names is a file of the site (no
    CDN)."""
    outside = set()
    for page in site.rglob("*.html"):
        for ref in re.findall(
            r'(?:src|href)="((?:https?:)?//[^"]+)"', page.read_text(encoding="utf-8")
        ):
            if re.search(r"\.(js|css|woff2?|ttf)(\?|$)", ref):
                outside.add(ref)
    assert not outside, sorted(outside)[:10]
