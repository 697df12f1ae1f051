"""Statements an answer makes beyond the card's key points, and the strong ones among them.

A lexical grader cannot check an arbitrary claim, but it can tell where an answer asserts
something absolute ("only", "never", "always", "只能", "从不", "一定") or quotes a figure
("10x", "100 倍", "50%") in a clause that no key point or misconception accounts for. Such a
clause is where the serious false claims of the blind set sit ("ExecuTorch only runs on
Android", "int8 gives a guaranteed 10x speed-up"): an otherwise correct answer that makes one
is graded `unsure`, and the learner is asked to compare it with the model answer.

A quantifier inside a key point's own match ("only ONNX" where the point says "only
TorchScript" is a negation, handled by polarity) is a different case: see ``flipped``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from quiz.grading.segment import Segmented

# Absolute words and figures, on the folded text. English words whole; Chinese as written.
_EN_ABSOLUTE = (
    r"only|always|never|guarantee[sd]?|guaranteed|every|all|none|nothing|zero|entirely|"
    r"completely|automatically|identical|exactly|regardless|impossible|cannot|can't|"
    r"no need|not needed|doesn't need|don't need|does not need|do not need|unnecessary|"
    r"at least|at most|any|whatever|must|directly|same as|irrelevant|doesn't matter|"
    r"does not matter|no effect|no impact|no difference|never needs?"
)
_ZH_ABSOLUTE = (
    "只能|只有|只支持|只需|仅|总是|永远|从不|从来|一定|必须|所有|全部|任何|完全|自动|直接|"
    "不需要|不用|无需|没关系|不影响|没有影响|没什么影响|都能|都可以|至少|至多|一样|相同|零"
)
_FIGURE = r"\d+(?:\.\d+)?\s*(?:x|倍|times|%|％|mb|kb|gb|ms)(?![a-z])|[十百千万]倍"
MARKERS_PLAIN = rf"(?<![a-z0-9_])(?:{_EN_ABSOLUTE})(?![a-z0-9_])|{_ZH_ABSOLUTE}|{_FIGURE}"
# The same matches, found faster: a lookahead on the characters a marker can start with
# (a figure: any digit) lets the engine leave every other character at once instead of
# trying each alternative there. tests/test_claims_markers.py holds them equal.
_FIRSTS = "".join(sorted({w[0] for w in (*_EN_ABSOLUTE.split("|"), *_ZH_ABSOLUTE.split("|"))}
                         | set("十百千万")))
_MARKER = rf"(?=[{_FIRSTS}\d])(?:{MARKERS_PLAIN})"
MARKERS = re.compile(_MARKER)


def _scanner() -> re.Pattern:
    """MARKERS' matches, left to right, each match a stretch skipped (group 1) then a marker
    (or the end of the text). Most characters cannot start a marker, and skipping them
    inside the regex is faster than letting the engine try MARKERS at each: a marker starts
    only at a digit, at a character a Chinese marker starts with, or at an English word's
    first letter (no ``[a-z0-9_]`` before it). Before each piece skipped, MARKERS is tried
    (and fails); a piece is a run of letters (and "_"), or one other character, then what
    cannot start a marker: characters that are no letter, digit or "_" and start no Chinese
    marker, and runs of letters whose first starts no English marker."""
    en_first = {w[0] for w in _EN_ABSOLUTE.split("|")}
    zh_first = {w[0] for w in _ZH_ABSOLUTE.split("|")} | set("十百千万")
    quiet = "".join(sorted(set("abcdefghijklmnopqrstuvwxyz_") - en_first))
    zh = "".join(sorted(zh_first))
    piece = rf"(?:[a-z_]+|(?s:.))(?:[^a-z0-9_\d{zh}]+|[{quiet}][a-z_]*)*+"
    return re.compile(rf"((?:(?!{_MARKER}){piece})*+)(?:{_MARKER}|\Z)")


_SCAN = _scanner()


def marker_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of MARKERS' matches in ``text[start:end]`` (as ``MARKERS.finditer(text, start,
    end)`` finds them)."""
    return [(a, b) for m in _SCAN.finditer(text, start, len(text) if end is None else end)
            if (a := m.end(1)) != (b := m.end())]
# What the lookaheads at a marker's end look at: a clause that ends before one of these
# may hold a marker that a search over the whole text does not find.
_WORD_AFTER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class Clause(NamedTuple):
    index: int
    start: int  # offsets into the folded text
    end: int
    markers: tuple[str, ...]


def clauses(seg: Segmented, found: list[tuple[int, int]] | None = None) -> list[Clause]:
    """Each clause of the answer with the absolute words and figures in it (``found``:
    ``marker_spans`` of the whole folded text, when the caller has it already)."""
    text = seg.folded.text
    lo: dict[int, int] = {}
    hi: dict[int, int] = {}
    # each run of tokens of one clause at once (a clause's tokens are consecutive; a
    # clause met again is merged all the same): its least start and greatest end
    cl, starts, ends = seg.clauses, seg.starts, seg.ends
    n_tok = len(cl)
    i = 0
    while i < n_tok:
        c = cl[i]
        j = i + 1
        while j < n_tok and cl[j] == c:
            j += 1
        a = min(starts[i:j])
        b = max(ends[i:j])
        if c not in lo or a < lo[c]:
            lo[c] = a
        if c not in hi or b > hi[c]:
            hi[c] = b
        i = j
    for c, starts in enumerate(seg.cue_starts):
        for a in starts:  # a cue may open the clause ("never on GPU")
            if c in lo and a < lo[c]:
                lo[c] = a
    # One search over the whole text says which clauses can hold a marker: a marker found
    # in a clause alone starts where the whole-text search either tries too (and finds one
    # there: the same, or a longer one) or is inside a match; only a lookahead at the
    # clause's end sees less than in the whole text.
    if found is None:
        found = marker_spans(text)
    n = len(text)
    out = []
    for c in sorted(lo):
        a, b = lo[c], hi[c]
        if (b < n and text[b] in _WORD_AFTER) or any(s < b and a < e for s, e in found):
            markers = tuple(text[s:e] for s, e in marker_spans(text, a, b))
        else:
            markers = ()
        out.append(Clause(c, a, b, markers))
    return out


def unexplained_strong(seg: Segmented, explained: list[tuple[int, int]],
                       found: list[tuple[int, int]] | None = None) -> list[Clause]:
    """Clauses with an absolute word or a figure that no found key point or misconception
    hit overlaps (``explained``: spans in the original answer's offsets; ``found``: as for
    ``clauses``)."""
    out = []
    for cl in clauses(seg, found):
        if not cl.markers:
            continue
        a, b = seg.folded.span(cl.start, cl.end)
        if any(s < b and a < e for s, e in explained):
            continue
        out.append(cl)
    return out


_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(x|倍|times|%|％)(?![a-z])")
_UNIT = {"x": "x", "倍": "x", "times": "x", "%": "%", "％": "%"}


def figures(text: str) -> list[tuple[float, str]]:
    """Ratios and percentages in a text: ("4x", "4 倍", "25%") -> (4.0, "x"), (25.0, "%")."""
    return [(float(v), _UNIT[u]) for v, u in _NUMBER.findall(text.lower())]


def wrong_figure(point_figures: list[tuple[float, str]], clause_text: str) -> str | None:
    """The figure in ``clause_text`` that disagrees with every figure of the same unit the
    key point states ("10x" where the point says "about 4x"), or None. Within a factor of
    1.5 counts as the same figure: "3-4x" and "about 4x" agree."""
    for value, unit in figures(clause_text):
        same = [v for v, u in point_figures if u == unit]
        if same and all(not (v / 1.5 <= value <= v * 1.5) for v in same):
            return f"{value:g}{unit}"
    return None
