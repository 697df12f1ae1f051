"""Read a markdown Q&A document in the seed's format into entries.

The format: ``#### N. title`` then ``**题目：**``, ``**答案：**`` and ``**解析：**`` sections
(full-width or ASCII colon). The highest heading before the first question (``# title``)
is the document's title; other text before the first question is ignored. An item may
carry a section of a kind more than once (``**题目：**`` and ``**Question:**``): one per
language. A malformed item is skipped and reported, so one mistake does not lose the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from quiz.deck.errors import DeckError, Problem

HEADING = re.compile(r"^#{2,6}\s*(\d+)\s*[.．、]\s*(.+?)\s*$")
SECTION = re.compile(
    r"^\*\*\s*(题目|答案|解析|Question|Answer|Explanation)\s*[：:]\s*\*\*\s*(.*)$", re.IGNORECASE
)
_FIELD = {
    "题目": "question",
    "question": "question",
    "答案": "answer",
    "answer": "answer",
    "解析": "explanation",
    "explanation": "explanation",
}


@dataclass(frozen=True)
class Entry:
    number: int
    title: str
    question: str
    answer: str
    explanation: str
    line: int
    # Every section of each kind, in order: a bilingual item has a **题目：** and a
    # **Question:** (the importer files each text under the language it is written in).
    questions: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    explanations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """A markdown Q&A file as read leniently: what could be imported and what could not."""

    title: str | None  # the document's own heading (``# title``), when it has one
    entries: list[Entry]
    skipped: list[Problem]  # one per item left out, naming file:line and why


def read_document(path: str | Path) -> Document:
    """Parse the file, skipping malformed items (each reported in ``skipped``).

    DeckError (file:line) only when the file is unreadable or holds no usable question."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise DeckError([Problem(str(p), 0, "", f"cannot read: {e.strerror or e}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DeckError([Problem(str(p), 0, "", "not UTF-8 text")]) from None
    doc = parse_document(text, str(p))
    if not doc.entries:
        raise DeckError(
            doc.skipped
            + [
                Problem(
                    str(p),
                    0,
                    "",
                    "no questions found (expected headings like "
                    "'#### 1. title' followed by '**题目：**' and '**答案：**')",
                )
            ]
        )
    return doc


def read_markdown(path: str | Path) -> list[Entry]:
    """Parse the file strictly; DeckError (file:line) on any malformed item."""
    doc = read_document(path)
    if doc.skipped:
        raise DeckError(doc.skipped)
    return doc.entries


def parse_markdown(text: str, name: str = "<text>") -> list[Entry]:
    """The entries of ``text``; DeckError listing every malformed item."""
    doc = parse_document(text, name)
    if doc.skipped:
        raise DeckError(doc.skipped)
    return doc.entries


def _unescape(line: str) -> str:
    """A line that `quiz export md` escaped (``\\#### 2. x`` inside an answer) read back."""
    s = line.lstrip()
    if s.startswith("\\") and (HEADING.match(s[1:].strip()) or SECTION.match(s[1:].strip())):
        return line.replace("\\", "", 1)
    return line


TITLE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def parse_document(text: str, name: str = "<text>") -> Document:
    """Every well-formed item of ``text``; the others are reported, not fatal."""
    entries: list[Entry] = []
    skipped: list[Problem] = []
    title: str | None = None
    title_level = 7
    current: dict | None = None
    field = None
    seen: dict[int, Entry] = {}

    def close() -> None:
        if current is None:
            return
        sections = {
            k: [t for t in ("\n".join(lines).strip() for lines in v) if t]
            for k, v in current["parts"].items()
        }
        questions = sections.get("question") or [current["title"]]
        answers = sections.get("answer") or []
        number = current["number"]
        where = f"question {number}"
        if not answers:
            skipped.append(Problem(name, current["line"], where,
                                   "has no '**答案：**' (answer) section"))
            return
        if number in seen:
            skipped.append(Problem(name, current["line"], where,
                                   f"number used twice (also line {seen[number].line})"))
            return
        explanations = sections.get("explanation") or []
        e = Entry(number, current["title"], questions[0], answers[0],
                  explanations[0] if explanations else "", current["line"],
                  tuple(questions), tuple(answers), tuple(explanations))
        seen[number] = e
        entries.append(e)

    for i, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        h = HEADING.match(stripped)
        if h:
            close()
            current = {
                "number": int(h.group(1)),
                "title": h.group(2).strip(),
                "line": i,
                "parts": {},
            }
            field = None
            continue
        if current is None:
            # The document's title: its highest heading before the first question.
            t = TITLE.match(stripped)
            if t:
                level = len(stripped) - len(stripped.lstrip("#"))
                if level < title_level:
                    title, title_level = t.group(1).strip(), level
            continue
        s = SECTION.match(stripped)
        if s:
            field = _FIELD[s.group(1).lower()]
            current["parts"].setdefault(field, []).append([_unescape(s.group(2))])
        elif field is not None:
            current["parts"][field][-1].append(_unescape(line.rstrip()))
    close()
    return Document(title, entries, skipped)
