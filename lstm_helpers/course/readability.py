"""How a lesson reads, measured on its prose: sentence length, numbers per 100 words,
section sizes.

The course's standard for a lesson's markdown (code cells, inline code, math,
tables and headings left out) is set beside the texts learners hold up as
models (measured the same way by the issue that set it: d2l's LSTM chapter,
the TensorFlow time-series tutorial, colah's "Understanding LSTM Networks"):

======================================  ========  ==========================
figure                                  limit     anchors
======================================  ========  ==========================
mean sentence (words)                   20        18.0 / 15.0 / 15.9
sentences over 40 words                 5%        4% / 0% / 1%
numerals per 100 words                  2         1.6 / 1.8 / 0.7
longest section (words)                 400       265 / 415 / 470
lesson (words)                          3,500     1,729 / 4,296 / 2,102
closing summary (words, numbers)        150, 3    118 words, 0 decimals
======================================  ========  ==========================

:func:`measure` gives the figures of one notebook, :func:`problems` the limits
it breaks, and ``python -m lstm_helpers.course.readability notebooks/*.ipynb``
prints the table for any lessons.

How the figures are counted:

- *prose* is the text of the markdown cells without fenced code, inline code,
  math (``$...$``, ``$$...$$``), HTML tags, link targets, table rows and
  headings;
- a *word* is a run of letters, digits, apostrophes and inner hyphens or dots
  ("0.88", "Diebold-Mariano", "don't");
- a *sentence* ends at ``.``, ``!`` or ``?`` before a space, or at the
  end of a paragraph or a list item (so a bullet is a sentence);
  abbreviations such as "e.g." and "i.e." do not end one;
- a *numeral* is a word with a digit in it (years and lesson numbers count);
- a *section* runs from one heading (any level) to the next;
- the *closing summary* is the last section whose heading has "Summary" in it.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

LIMITS: dict[str, float] = {
    "mean_sentence": 20.0,
    "long_share": 0.05,
    "numerals_per_100": 2.0,
    "longest_section": 400,
    "words": 3500,
    "summary_words": 150,
    "summary_numerals": 3,
}
"""The most a lesson may have of each figure (see the module's table for the
anchors)."""

LONG_SENTENCE = 40
"""A sentence of more words than this is long."""

_FENCE = re.compile(r"```.*?```", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<!\\)\$[^$\n]+\$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_TAG = re.compile(r"<[^>\n]+>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9'’]|[-.,/](?=[A-Za-z0-9]))*")
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|Fig|Eq)\.", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Section:
    """One heading and the prose under it."""

    heading: str
    sentences: list[list[str]] = field(default_factory=list)

    @property
    def words(self) -> int:
        """Words of prose in the section (its heading left out)."""
        return sum(len(s) for s in self.sentences)


@dataclass
class Measure:
    """The readability figures of one lesson (see the module docstring for how each is
    counted)."""

    name: str
    words: int
    sentences: int
    mean_sentence: float
    long_share: float
    numerals_per_100: float
    longest_section: int
    longest_heading: str
    summary_words: int | None
    summary_numerals: int | None
    opens_with_goals: bool
    long_examples: list[str] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        """The figures as one table row."""
        return {
            "lesson": self.name,
            "words": self.words,
            "mean sentence": round(self.mean_sentence, 1),
            "over 40 words": f"{self.long_share:.0%}",
            "numerals / 100 words": round(self.numerals_per_100, 1),
            "longest section": self.longest_section,
            "summary": "none"
            if self.summary_words is None
            else f"{self.summary_words} words, {self.summary_numerals} numbers",
        }


def prose_lines(markdown: str) -> list[str]:
    """The lines of ``markdown`` with code, math, tags and link targets removed
    (headings kept, tables dropped)."""
    text = _FENCE.sub(" ", markdown)
    text = _DISPLAY_MATH.sub(" ", text)
    text = _INLINE_MATH.sub(" X ", text)  # a formula reads as one word
    text = _INLINE_CODE.sub(" X ", text)  # and so does a name in code
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return [line for line in text.splitlines() if not line.lstrip().startswith("|")]


def _sentences(paragraph: str) -> list[list[str]]:
    paragraph = _ABBREVIATIONS.sub(lambda m: m.group(1), paragraph)
    out = []
    for piece in _SENTENCE_END.split(paragraph):
        words = _WORD.findall(piece)
        if words:
            out.append(words)
    return out


def sections(cells: list[str]) -> list[Section]:
    """The markdown cells' prose cut into sections at every heading; text before the
    first heading is its own."""
    out = [Section("(before the first heading)")]

    def flush(paragraph: list[str]) -> None:
        if paragraph:
            out[-1].sentences.extend(_sentences(" ".join(paragraph)))
            paragraph.clear()

    for cell in cells:
        paragraph: list[str] = []
        for line in prose_lines(cell):
            stripped = line.strip()
            heading = re.match(r"#{1,6}\s+(.*)", stripped)
            if heading:
                flush(paragraph)
                out.append(Section(heading.group(1).strip()))
            elif not stripped or re.match(r"([-*+]|\d+[.)])\s", stripped):
                # a blank line or a new list item ends the sentence before it
                flush(paragraph)
                if stripped:
                    paragraph.append(re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped))
            else:
                paragraph.append(stripped)
        flush(paragraph)
    return [s for s in out if s.sentences or s.heading != "(before the first heading)"]


def _numerals(words: list[str]) -> int:
    return sum(any(ch.isdigit() for ch in w) for w in words)


def markdown_cells(path: Path) -> list[str]:
    """The sources of a notebook's markdown cells, in order."""
    try:
        notebook = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: not a readable notebook ({err})") from err
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise ValueError(f"{path}: a notebook needs a list of cells")
    return [
        "".join(c["source"])
        if isinstance(c.get("source"), list)
        else str(c.get("source", ""))
        for c in cells
        if c.get("cell_type") == "markdown"
    ]


def measure_cells(cells: list[str], name: str = "lesson") -> Measure:
    """The figures of a lesson given as its markdown cells."""
    parts = sections(cells)
    sentences = [s for part in parts for s in part.sentences]
    words = [w for s in sentences for w in s]
    if not sentences:
        raise ValueError(f"{name}: no prose to measure")
    long = [s for s in sentences if len(s) > LONG_SENTENCE]
    longest = max(parts, key=lambda p: p.words)
    summaries = [p for p in parts if "summary" in p.heading.lower()]
    summary = summaries[-1] if summaries else None
    summary_words = [w for s in summary.sentences for w in s] if summary else None
    opening = " ".join(prose_lines(cells[0])).lower() if cells else ""
    return Measure(
        name=name,
        words=len(words),
        sentences=len(sentences),
        mean_sentence=len(words) / len(sentences),
        long_share=len(long) / len(sentences),
        numerals_per_100=100 * _numerals(words) / len(words),
        longest_section=longest.words,
        longest_heading=longest.heading,
        summary_words=None if summary_words is None else len(summary_words),
        summary_numerals=None if summary_words is None else _numerals(summary_words),
        opens_with_goals=("you will learn" in opening or "you'll learn" in opening)
        and "minutes" in opening,
        long_examples=[" ".join(s) for s in long[:3]],
    )


def measure(path: Path | str) -> Measure:
    """The figures of one notebook's markdown."""
    path = Path(path)
    return measure_cells(markdown_cells(path), path.stem)


def problems(m: Measure, limits: dict[str, float] | None = None) -> list[str]:
    """Each limit of :data:`LIMITS` that ``m`` breaks, as a sentence naming the figure;
    empty if none."""
    limits = LIMITS if limits is None else limits
    out = []
    if m.mean_sentence > limits["mean_sentence"]:
        out.append(
            f"mean sentence {m.mean_sentence:.1f} words (limit "
            f"{limits['mean_sentence']:g})"
        )
    if m.long_share > limits["long_share"]:
        out.append(
            f"{m.long_share:.0%} of sentences over {LONG_SENTENCE} "
            f"words (limit {limits['long_share']:.0%}), "
            f"e.g. {m.long_examples[0][:80]!r}..."
        )
    if m.numerals_per_100 > limits["numerals_per_100"]:
        out.append(
            f"{m.numerals_per_100:.1f} numerals per 100 words "
            f"(limit {limits['numerals_per_100']:g})"
        )
    if m.longest_section > limits["longest_section"]:
        out.append(
            f"section {m.longest_heading!r} has "
            f"{m.longest_section} words (limit "
            f"{limits['longest_section']:g})"
        )
    if m.words > limits["words"]:
        out.append(f"{m.words} words (limit {limits['words']:g})")
    if m.summary_words is None:
        out.append("no closing section with 'Summary' in its heading")
    else:
        if m.summary_words > limits["summary_words"]:
            out.append(
                f"summary of {m.summary_words} words (limit "
                f"{limits['summary_words']:g})"
            )
        if (
            m.summary_numerals is not None
            and m.summary_numerals > limits["summary_numerals"]
        ):
            out.append(
                f"summary with {m.summary_numerals} numbers (limit "
                f"{limits['summary_numerals']:g})"
            )
    if not m.opens_with_goals:
        out.append(
            "the first cell does not say what you will learn and "
            "how many minutes it takes"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the figures of the notebooks given, and the limits each breaks."""
    parser = argparse.ArgumentParser(
        prog="python -m lstm_helpers.course.readability",
        description=__doc__.split("\n")[0],
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    import pandas as pd

    measures = [measure(p) for p in args.notebooks]
    print(pd.DataFrame([m.row() for m in measures]).to_string(index=False))
    for m in measures:
        for problem in problems(m):
            print(f"{m.name}: {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
