"""Absolute words and figures are found as the plain marker regex finds them, clause by clause.

``claims.MARKERS`` is ``MARKERS_PLAIN`` behind a lookahead on first characters,
``claims.marker_spans`` finds its matches with a regex that skips what cannot start a
marker, and ``claims.clauses`` searches a clause only where one search over the whole text
says a marker can be (all for speed). They must give what the straightforward search of
every clause with the plain regex gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.grading import claims
from quiz.grading.segment import segment

_PLAIN = re.compile(claims.MARKERS_PLAIN)
_WORDS = [w for w in (*claims._EN_ABSOLUTE.split("|"), *claims._ZH_ABSOLUTE.split("|"))
          if w.replace(" ", "").replace("'", "").isalnum()]
_piece = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(["10x", "4 倍", "25%", "3.5 ms", "百倍", "2", "x", "mb", "times"]),
    st.sampled_from([" ", ",", "，", "。", ". ", "; ", " and ", " but ", "不", "的", "模型",
                     "s", "ly", "_", "-", "a", "not ", "speed", "只", "int8", "\n", "8", "٣",
                     "Only", "x1"]),
)
_text = st.lists(_piece, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_text, st.integers(0, 40), st.integers(0, 40))
def test_markers_regex_matches_plain(text, a, b):
    plain = [m.span() for m in _PLAIN.finditer(text, a, b)]
    assert [m.span() for m in claims.MARKERS.finditer(text, a, b)] == plain
    assert claims.marker_spans(text, a, b) == plain


@settings(max_examples=400, deadline=None)
@given(_text)
def test_clause_markers_match_plain_search_of_each_clause(text):
    folded = segment(text).folded.text
    got = [(c.index, c.start, c.end, c.markers) for c in claims.clauses(segment(text))]
    want = [(i, a, b, tuple(m.group() for m in _PLAIN.finditer(folded, a, b)))
            for i, a, b, _ in got]
    assert got == want


def test_clause_markers_on_the_tune_answers():
    path = Path(__file__).parent / "data" / "grading_blind" / "tune.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        answer = json.loads(line)["answer"]
        seg = segment(answer)
        for c in claims.clauses(seg):
            assert c.markers == tuple(m.group() for m in _PLAIN.finditer(
                seg.folded.text, c.start, c.end))


def test_a_marker_at_a_clause_end_before_a_word_character():
    # "only" ends the clause (the lookahead there sees the clause's end), then "_x" follows
    # in the whole text: the whole-text search finds nothing, the clause's search "only"
    text = "it runs only_x"
    whole = [m.group() for m in claims.MARKERS.finditer(text)]
    assert whole == []
    assert [m.group() for m in claims.MARKERS.finditer(text, 0, 12)] == ["only"]


def _plain_bounds(seg):
    lo, hi = {}, {}
    for c, a, b in zip(seg.clauses, seg.starts, seg.ends, strict=True):
        lo[c] = min(lo.get(c, a), a)
        hi[c] = max(hi.get(c, b), b)
    for c, starts in enumerate(seg.cue_starts):
        for a in starts:
            if c in lo and a < lo[c]:
                lo[c] = a
    return [(c, lo[c], hi[c]) for c in sorted(lo)]


@settings(max_examples=400, deadline=None)
@given(_text)
def test_clause_bounds_by_runs_match_the_token_by_token_loop(text):
    seg = segment(text)
    assert [(c.index, c.start, c.end) for c in claims.clauses(seg)] == _plain_bounds(seg)
