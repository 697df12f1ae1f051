"""Cut a text into matchable tokens, clauses and negation cues, with offsets.

English and code come out as words (stemmed) and identifiers (``set_num_threads``,
``torch.jit.script``, ``.ptl``) with their parts; Chinese comes out as character bigrams,
after particles and negation cues are taken out of the stream. Every token knows its
clause, and every clause how many negation cues it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from quiz.grading.lexicon import (
    EN_CONTRAST,
    EN_COORD,
    EN_CUE_CONTENT,
    EN_CUES,
    EN_NOT_CUES,
    EN_STOP,
    ZH_CONTRAST,
    ZH_CUES,
    ZH_NOT_CUES,
    ZH_STOP,
    stem,
)
from quiz.grading.normalize import Folded, fold

# A word, a number or an identifier; dots, hyphens and underscores inside stay in it so
# `torch.jit.script`, `model.ptl`, `multi-thread` are one token. A leading dot keeps
# file suffixes (`.ptl`) whole.
_LATIN = re.compile(r"\.?[a-z0-9_]+(?:[.\-+][a-z0-9_]+)*(?:'[a-z]+)?")
_PARTS = re.compile(r"[._\-+]+")


class Token(NamedTuple):
    """One matchable token: its units (main unit first), folded offsets and clause."""

    units: tuple[str, ...]
    start: int
    end: int
    clause: int


@dataclass(frozen=True)
class Segmented:
    folded: Folded
    tokens: tuple[Token, ...]
    clause_cues: tuple[int, ...]  # negation cues per clause
    cue_starts: tuple[tuple[int, ...], ...]  # folded offsets of each clause's cues
    clause_sentence: tuple[int, ...]  # sentence index of each clause
    function_words: int  # stop words and particles: a statement has them, a keyword list not


def latin_units(tok: str) -> tuple[str, ...]:
    """Units of one Latin token: the main unit first, then its parts for looser matches."""
    if "'" in tok:
        tok = tok.split("'", 1)[0]
    if tok.startswith("."):
        tok = tok[1:]  # ".ptl" and "ptl file" are the same suffix
    if not tok:
        return ()
    if tok.isalpha():
        return () if tok in EN_STOP else (stem(tok),)
    parts = [p for p in _PARTS.split(tok) if p]
    if "-" in tok and all(p.isalpha() for p in parts):
        # multi-threading == multithreading; the parts still match "multiple threads"
        main = stem("".join(parts))
    else:
        main = tok
    extra = []
    for p in parts:
        u = stem(p) if p.isalpha() else p
        if p not in EN_STOP and u != main and u not in extra:
            extra.append(u)
    return (main, *extra)


class _State:
    """Tokens and clauses being built; a clause with nothing in it is reused, not left empty."""

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self.cues = [0]
        self.cue_at: list[list[int]] = [[]]
        self.sent = [0]
        self.mark = 0  # len(tokens) when the current clause began
        self.clause = 0

    def add(self, units: tuple[str, ...], start: int, end: int) -> None:
        self.tokens.append(Token(units, start, end, self.clause))

    def cue(self, at: int) -> None:
        self.cues[-1] += 1
        self.cue_at[-1].append(at)

    def new_clause(self, strong: bool) -> None:
        if self.cues[-1] == 0 and len(self.tokens) == self.mark:
            if strong and len(self.sent) > 1 and self.sent[-1] == self.sent[-2]:
                self.sent[-1] += 1
            return
        self.cues.append(0)
        self.cue_at.append([])
        self.sent.append(self.sent[-1] + 1 if strong else self.sent[-1])
        self.mark = len(self.tokens)
        self.clause += 1


_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_MASTER = re.compile(
    rf"(?P<cjk>[{_CJK_RANGES}]+)"
    rf"|(?P<lat>{_LATIN.pattern})"
    r"|(?P<strong>[。！？!?；;\n]|\.(?![a-z0-9]))"
    r"|(?P<weak>[,，:：()（）\[\]【】{}])"
)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Inside a run of Chinese: contrast words, look-alikes that are not negations, negation
# cues and particles; whatever lies between them is content. Not-cues come before cues
# so 不同 is not read as 不 + 同; contrast words first so 不过 ends the clause.
_ZH_SPECIAL = re.compile(
    f"(?P<con>{_alt(ZH_CONTRAST)})|(?P<nc>{_alt(ZH_NOT_CUES)})|(?P<cue>{_alt(ZH_CUES)})"
    f"|(?P<stop>[{''.join(sorted(ZH_STOP))}])"
)

_UNITS_CACHE: dict[str, tuple[str, ...]] = {}


def _units(tok: str) -> tuple[str, ...]:
    u = _UNITS_CACHE.get(tok)
    if u is None:
        u = latin_units(tok)
        if len(_UNITS_CACHE) < 100_000:
            _UNITS_CACHE[tok] = u
    return u


def segment(text: str) -> Segmented:
    """Tokenise ``text`` (an answer, a question or a phrasing)."""
    f = fold(text)
    s = f.text
    st = _State()
    func = 0
    prev_word = ""
    for m in _MASTER.finditer(s):
        kind = m.lastgroup
        if kind == "lat":
            tok = m.group()
            word = tok.split("'", 1)[0] if "'" in tok else tok
            if (tok in EN_CONTRAST or tok in EN_COORD) and prev_word not in ("nothing", "none"):
                st.new_clause(False)
                func += 1
            elif (tok in EN_CUES or tok.endswith("n't")) and not _not_cue(
                prev_word, tok, s, m.end()
            ):
                st.cue(m.start())
                func += 1
                if tok in EN_CUE_CONTENT:
                    st.add((EN_CUE_CONTENT[tok],), m.start(), m.end())
            elif tok in EN_CUES:
                func += 1  # "not only": neither a cue nor content
            else:
                units = _units(tok)
                if units:
                    st.add(units, m.start(), m.end())
                elif word in EN_STOP or tok.endswith("'s"):
                    func += 1
            prev_word = word
        elif kind == "cjk":
            func += _cjk_run(s, m.start(), m.end(), st)
            prev_word = ""
        elif kind == "strong":
            st.new_clause(True)
        else:
            st.new_clause(False)
    return Segmented(f, tuple(st.tokens), tuple(st.cues), tuple(tuple(c) for c in st.cue_at),
                     tuple(st.sent), func)


def _not_cue(prev: str, tok: str, s: str, end: int) -> bool:
    # "not only", "no matter", "whether or not": negative-looking, not negations
    nxt = _LATIN.match(s, end + 1) if end < len(s) and s[end] == " " else None
    nxt_word = nxt.group() if nxt else ""
    return (tok, nxt_word) in EN_NOT_CUES or (prev, tok) in EN_NOT_CUES


def _cjk_run(s: str, i: int, j: int, st: _State) -> int:
    """Bigram tokens for one run of Chinese characters; returns the particles dropped."""
    kept: list[int] = []  # positions of content characters in the current clause
    func = 0

    def flush() -> None:
        c = st.clause
        if len(kept) == 1:
            st.tokens.append(Token((s[kept[0]],), kept[0], kept[0] + 1, c))
        elif kept:
            st.tokens.extend([Token((s[a] + s[b],), a, b + 1, c)
                              for a, b in zip(kept, kept[1:], strict=False)])
        kept.clear()

    k = i
    for m in _ZH_SPECIAL.finditer(s, i, j):
        kept.extend(range(k, m.start()))
        kind = m.lastgroup
        if kind == "con":
            flush()
            st.new_clause(False)
            func += 1
        elif kind == "nc":
            kept.extend(range(m.start(), m.end()))
        elif kind == "cue":
            st.cue(m.start())
            func += 1
        else:
            func += 1
        k = m.end()
    kept.extend(range(k, j))
    flush()
    return func
