"""The bilingual concept lexicon: surface forms in zh and en read as one concept.

Before a text is cut into tokens, every surface form of a concept found in it is replaced by
one token that stands for the concept (``lex0deprecated``), in answers and in phrasings
alike; so "不再维护" in an answer meets "deprecated" in a phrasing, and a synonym needs no new
phrasing on every card. The replacement keeps the offsets of the original text, so spans
still point at what the user typed.

Pure: a ``Lexicon`` is built from plain data (``quiz.deck.lexicon`` reads the YAML file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from quiz.grading.lexicon import EN_CUES, ZH_CUES, stem
from quiz.grading.normalize import Folded, fold, is_cjk

# Concept tokens look like identifiers with a digit: never stemmed, never split, never
# fuzzily matched (segment.fuzzy_cutoff returns None for tokens with digits).
PREFIX = "lex0"


def concept_unit(concept_id: str) -> str:
    return PREFIX + re.sub(r"[^a-z0-9]", "", concept_id.lower())


def _form_pattern(form: str) -> tuple[str, str, str]:
    """(first character, the guard before it, the regex of the rest) of one form."""
    f = fold(form).text.strip()
    star = f.endswith("*")
    if star:
        f = f[:-1]
    words = f.split()
    body = r"\s+".join(re.escape(w) for w in words)
    first = f[0]
    rest = body[len(re.escape(first)):]  # the escaped first character, then the rest
    latin_head = not is_cjk(first)
    latin_tail = not is_cjk(f[-1])
    head = r"(?<![a-z0-9_.])" if latin_head else ""
    if star and latin_tail:
        rest += r"[a-z]*"
    if latin_tail:
        rest += r"(?![a-z0-9_])"
    return first, head, rest


class Lexicon:
    """Concepts and their forms, compiled into one regex (longest forms first at each start)."""

    def __init__(self, concepts: Mapping[str, Mapping[str, Sequence[str]]]):
        self.concepts = {cid: {lang: tuple(fs) for lang, fs in forms.items()}
                         for cid, forms in concepts.items()}
        entries: list[tuple[int, str, str, str, str]] = []
        self.words: dict[str, str] = {}  # a one-word English form -> its concept unit
        self.stems: dict[str, str] = {}  # its stem (as segment makes it) -> the unit
        for cid, forms in self.concepts.items():
            unit = concept_unit(cid)
            for fs in forms.values():
                for form in fs:
                    f = fold(form).text.strip()
                    if f:
                        entries.append((len(f.rstrip("*")), *_form_pattern(form), unit))
                        word = f.rstrip("*")
                        if word.isalpha() and word.isascii():
                            if not f.endswith("*"):
                                self.words[f] = unit
                            self.stems[stem(word)] = unit
        # One branch per first character (and guard), its forms longest first: the regex
        # engine then tries only the forms that can start where it stands, not hundreds of
        # alternatives at every character. Each form is a group, numbered in pattern order.
        entries.sort(key=lambda e: (e[1], e[2], -e[0]))
        self.units = []
        branches: list[str] = []
        key = None
        alts: list[str] = []
        for _, first, head, rest, unit in entries:
            if (first, head) != key:
                if alts:
                    branches.append(f"{key[1]}{re.escape(key[0])}(?:{'|'.join(alts)})")
                key, alts = (first, head), []
            alts.append(f"({rest})")
            self.units.append(unit)
        if alts:
            branches.append(f"{key[1]}{re.escape(key[0])}(?:{'|'.join(alts)})")
        firsts = "".join(sorted({re.escape(e[1]) for e in entries}))
        self._re = (re.compile(f"(?=[{firsts}])(?:{'|'.join(branches)})")
                    if entries else None)

    def __len__(self) -> int:
        return len(self.concepts)

    def rewrite(self, f: Folded, mode: str = "both") -> Folded:
        """``f`` with each form replaced, offsets kept.

        ``mode`` "concept": by its concept token; "plain": left in its own words; "both":
        the token, then those words. A form with a negation cue inside is always read as
        its token alone (it states the concept, not the opposite of its other words). Answers
        are read "both"; a phrasing is compiled "concept" and "plain", so an answer meets it
        through the concept or through its own words.
        """
        rx = self._re
        if rx is None:
            return f
        text = f.text
        matches = list(rx.finditer(text))
        if not matches:
            return f
        origin = f.origin
        out: list[str] = []
        org: list[int] = []
        pos = 0
        units = self.units
        for m in matches:
            a, b = m.span()
            out.append(text[pos:a])
            org.extend(origin[pos:a])
            form = text[a:b]
            stripped = _strip_cues(form)
            if stripped != form:
                # a form with a negation inside ("no longer maintained", "不匹配") is read as
                # its concept only: its words without the cue would state the opposite
                # ("maintained") and meet the misconceptions that say so
                token = f" {units[m.lastindex - 1]} "
            else:
                token = f" {units[m.lastindex - 1]} " if mode != "plain" else " "
                if mode != "concept":
                    token += form + " "
            out.append(token)
            # every character of the replacement points into the form it replaced: a word's
            # first character at the form's start, the others at its end, so a span over
            # any word of the replacement covers the whole form
            first, last = origin[a], origin[b - 1]
            org.extend([first if i == 0 or token[i - 1] == " " else last
                        for i in range(len(token))])
            pos = b
        out.append(text[pos:])
        org.extend(origin[pos:])
        return Folded("".join(out), tuple(org))


_EN_CUE_WORD = re.compile(
    r"(?<![a-z0-9_])(?:" + "|".join(sorted(EN_CUES, key=len, reverse=True))
    + r"|[a-z]+n't)(?![a-z0-9_])")
_ZH_CUE = re.compile("|".join(sorted(ZH_CUES, key=len, reverse=True)))


def _strip_cues(form_text: str) -> str:
    return _ZH_CUE.sub("", _EN_CUE_WORD.sub(" ", form_text))


EMPTY = Lexicon({})


_ACTIVE: Lexicon | None = None


def active() -> Lexicon:
    """The lexicon grading uses: the shipped one, read once on first use."""
    global _ACTIVE
    if _ACTIVE is None:
        # late: reading YAML is I/O, done once per process at the edge of the core
        from quiz.deck.lexicon import load_lexicon, shipped_lexicon_path

        p = shipped_lexicon_path()
        _ACTIVE = Lexicon(load_lexicon(p)) if p.is_file() else EMPTY
    return _ACTIVE


def use(lexicon: Lexicon | None) -> None:
    """Grade with ``lexicon`` from now on (None: the shipped one again); for tests and
    measurements. Compiled cards are rebuilt, since their phrasings depend on it."""
    global _ACTIVE
    _ACTIVE = lexicon
