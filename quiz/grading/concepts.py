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


def _form_pattern(form: str) -> str:
    f = fold(form).text.strip()
    star = f.endswith("*")
    if star:
        f = f[:-1]
    body = r"\s+".join(re.escape(w) for w in f.split())
    if not f or is_cjk(f[0]) or is_cjk(f[-1]):
        # Chinese has no word boundaries; a Latin edge still needs one
        head = "" if is_cjk(f[0]) else r"(?<![a-z0-9_])"
        tail = "" if is_cjk(f[-1]) else r"(?![a-z0-9_])"
        return head + body + tail
    return r"(?<![a-z0-9_.])" + body + (r"[a-z]*" if star else "") + r"(?![a-z0-9_])"


class Lexicon:
    """Concepts and their forms, compiled into one regex (longest forms first)."""

    def __init__(self, concepts: Mapping[str, Mapping[str, Sequence[str]]]):
        self.concepts = {cid: {lang: tuple(fs) for lang, fs in forms.items()}
                         for cid, forms in concepts.items()}
        entries: list[tuple[int, str, str]] = []
        self.words: dict[str, str] = {}  # a one-word English form -> its concept unit
        self.stems: dict[str, str] = {}  # its stem (as segment makes it) -> the unit
        for cid, forms in self.concepts.items():
            unit = concept_unit(cid)
            for fs in forms.values():
                for form in fs:
                    f = fold(form).text.strip()
                    if f:
                        entries.append((len(f.rstrip("*")), _form_pattern(form), unit))
                        word = f.rstrip("*")
                        if word.isalpha() and word.isascii():
                            if not f.endswith("*"):
                                self.words[f] = unit
                            self.stems[stem(word)] = unit
        entries.sort(key=lambda e: -e[0])
        self.units = [unit for _, _, unit in entries]
        self._re = (re.compile("|".join(f"({p})" for _, p, _ in entries))
                    if entries else None)

    def __len__(self) -> int:
        return len(self.concepts)

    def rewrite(self, f: Folded, mode: str = "both") -> Folded:
        """``f`` with each form replaced, offsets kept.

        ``mode`` "concept": by its concept token; "plain": by its own words less any
        negation cue inside it ("no longer maintained" -> "longer maintained": the form
        states the concept, not its opposite); "both": the token, then those words. Answers
        are read "both"; a phrasing is compiled "concept" and "plain", so an answer meets it
        through the concept or through its own words.
        """
        rx = self._re
        if rx is None:
            return f
        m = rx.search(f.text)
        if m is None:
            return f
        text = f.text
        origin = f.origin
        out: list[str] = []
        org: list[int] = []
        pos = 0
        units = self.units
        while m is not None:
            a, b = m.span()
            out.append(text[pos:a])
            org.extend(origin[pos:a])
            token = f" {units[m.lastindex - 1]} " if mode != "plain" else " "
            if mode != "concept":
                token += _strip_cues(text[a:b]) + " "
            out.append(token)
            # every character of the replacement points into the form it replaced: a word's
            # first character at the form's start, the others at its end, so a span over
            # any word of the replacement covers the whole form
            first, last = origin[a], origin[b - 1]
            prev = " "
            for ch in token:
                org.append(first if prev == " " else last)
                prev = ch
            pos = b
            m = rx.search(text, pos)
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
