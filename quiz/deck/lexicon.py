"""Read and check a concept lexicon file (``lexicon.yaml`` beside a deck's card files).

The grader's ``quiz.grading.concepts.Lexicon`` is built from what this returns; problems are
reported like the deck loader's, with file, line and field.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from quiz.deck.errors import DeckError, Problem
from quiz.deck.loader import LEXICON_FILE, default_deck_path, read_yaml

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
Concepts = dict[str, dict[str, tuple[str, ...]]]


def shipped_lexicon_path() -> Path:
    return default_deck_path() / LEXICON_FILE


def load_lexicon(path: str | Path) -> Concepts:
    """The concepts of one lexicon file; DeckError lists every problem found."""
    f = Path(path)
    name = str(f)
    problems: list[Problem] = []
    if not f.is_file():
        raise DeckError([Problem(name, 0, "", "no such file")])
    parsed = read_yaml(f, problems, "a lexicon needs a `concepts:` list")
    if parsed is None:
        raise DeckError(problems)
    node, data = parsed
    lines = _item_lines(node)
    out: Concepts = {}
    owner: dict[str, str] = {}  # folded form -> concept that has it

    def err(i: int | None, field: str, msg: str) -> None:
        line = lines.get(i, 1) if i is not None else 1
        problems.append(Problem(name, line, field, msg))

    if not isinstance(data, dict) or set(data) != {"concepts"}:
        err(None, "", "expected a mapping with one key, `concepts` (a list)")
        raise DeckError(problems)
    items = data["concepts"]
    if not isinstance(items, list):
        err(None, "concepts", "expected a list of concepts")
        raise DeckError(problems)
    for i, item in enumerate(items):
        where = f"concepts[{i}]"
        if not isinstance(item, dict):
            err(i, where, "expected a mapping with id, zh and en")
            continue
        unknown = set(item) - {"id", "zh", "en"}
        if unknown:
            err(i, where, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
        cid = item.get("id")
        if not isinstance(cid, str) or not _SLUG.match(cid):
            err(i, where + ".id", f"expected a slug (a-z 0-9 . _ -), got {cid!r}")
            continue
        if cid in out:
            err(i, where + ".id", f"duplicate concept id {cid!r}")
            continue
        forms: dict[str, tuple[str, ...]] = {}
        for lang in ("zh", "en"):
            fs = item.get(lang)
            if not isinstance(fs, list) or not fs or not all(
                    isinstance(x, str) and x.strip() for x in fs):
                err(i, f"{where}.{lang}", "expected a non-empty list of forms (text)")
                continue
            for x in fs:
                key = unicodedata.normalize("NFKC", x).strip().lower()
                other = owner.get(key)
                if other is not None and other != cid:
                    err(i, f"{where}.{lang}", f"form {x!r} is also a form of {other!r}: "
                        "a form must stand for one concept")
                owner[key] = cid
                if "*" in key[:-1] or (key.endswith("*") and not key[:-1].isascii()):
                    err(i, f"{where}.{lang}", f"form {x!r}: `*` only ends an English form")
            forms[lang] = tuple(fs)
        out[cid] = forms
    if problems:
        raise DeckError(problems)
    return out


def _item_lines(node) -> dict[int | None, int]:
    """Line of each concept (by index), for messages."""
    lines: dict[int | None, int] = {}
    try:
        for k, v in node.value:
            if getattr(k, "value", None) == "concepts":
                for i, item in enumerate(v.value):
                    lines[i] = item.start_mark.line + 1
    except (AttributeError, TypeError):
        pass
    return lines
