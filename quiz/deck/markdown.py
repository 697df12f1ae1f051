"""Read a markdown Q&A document in the seed's format into entries.

The format: ``#### N. title`` then ``**题目：**``, ``**答案：**`` and ``**解析：**`` sections
(full-width or ASCII colon). Text before the first heading is ignored.
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


def read_markdown(path: str | Path) -> list[Entry]:
    """Parse the file; DeckError (file:line) when it is unreadable or holds no questions."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise DeckError([Problem(str(p), 0, "", f"cannot read: {e.strerror or e}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DeckError([Problem(str(p), 0, "", "not UTF-8 text")]) from None
    entries = parse_markdown(text, str(p))
    if not entries:
        raise DeckError(
            [
                Problem(
                    str(p),
                    0,
                    "",
                    "no questions found (expected headings like "
                    "'#### 1. title' followed by '**题目：**' and '**答案：**')",
                )
            ]
        )
    return entries


def parse_markdown(text: str, name: str = "<text>") -> list[Entry]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    current: dict | None = None
    field = None

    def close() -> None:
        if current is None:
            return
        parts = {k: "\n".join(v).strip() for k, v in current["parts"].items()}
        q = parts.get("question") or current["title"]
        if not parts.get("answer"):
            problems.append(
                Problem(
                    name,
                    current["line"],
                    f"question {current['number']}",
                    "has no '**答案：**' (answer) section",
                )
            )
            return
        entries.append(
            Entry(
                current["number"],
                current["title"],
                q,
                parts["answer"],
                parts.get("explanation", ""),
                current["line"],
            )
        )

    for i, line in enumerate(text.splitlines(), start=1):
        h = HEADING.match(line.strip())
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
            continue
        s = SECTION.match(line.strip())
        if s:
            field = _FIELD[s.group(1).lower()]
            current["parts"].setdefault(field, []).append(s.group(2))
        elif field is not None:
            current["parts"][field].append(line.rstrip())
    close()
    seen: dict[int, Entry] = {}
    for e in entries:
        if e.number in seen:
            problems.append(
                Problem(
                    name,
                    e.line,
                    f"question {e.number}",
                    f"number used twice (also line {seen[e.number].line})",
                )
            )
        seen.setdefault(e.number, e)
    if problems:
        raise DeckError(problems)
    return entries
