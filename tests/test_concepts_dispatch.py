"""The lexicon's scanner finds what the plain alternation of its forms finds.

``Lexicon.find`` runs one regex that skips what cannot start a form and branches on a
form's first two characters (``concepts._scanner``, ``_dispatch``), for speed; the
straightforward matcher is one group per form in order of preference
(``concepts.plain_pattern``) under ``finditer``. Both must report the same spans and
concepts on any text, for the shipped lexicon and for small made-up ones that have the
awkward forms (one character, a starred stem, a one-character first word, Chinese, marks).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.grading import concepts
from quiz.grading.normalize import fold


def _found(rx: re.Pattern, units: list[str], text: str) -> list[tuple[int, int, str]]:
    return [(*m.span(), units[m.lastindex - 1]) for m in rx.finditer(text)]


def _same(lex: concepts.Lexicon, text: str) -> None:
    plain = re.compile(concepts.plain_pattern(lex.entries))
    plain_units = [e[-1] for e in lex.entries]
    assert lex.find(text) == _found(plain, plain_units, text)


_SHIPPED = concepts.active()
_PLAIN = re.compile(concepts.plain_pattern(_SHIPPED.entries))
_PLAIN_UNITS = [e[-1] for e in _SHIPPED.entries]
# Texts made of pieces of the shipped forms and of what sits around words.
_FORM_TEXTS = sorted({fold(f).text.strip().rstrip("*") for forms in _SHIPPED.concepts.values()
                      for fs in forms.values() for f in fs})
_piece = st.one_of(
    st.sampled_from(_FORM_TEXTS),
    st.sampled_from(_FORM_TEXTS).map(lambda f: f[: len(f) // 2 + 1]),
    st.sampled_from([" ", "  ", "\t", "\n", ".", "_", "-", "s", "ing", "ed", "x", "1", "的",
                     "不", "，", "'", "a", "re"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, max_size=8).map("".join))
def test_shipped_lexicon_dispatch_matches_plain_alternation(text):
    assert _SHIPPED.find(text) == _found(_PLAIN, _PLAIN_UNITS, text)


def test_shipped_lexicon_on_its_own_forms():
    for f in _FORM_TEXTS:
        for text in (f, f"x {f} y", f"a{f}", f"{f}s", f"{f}.", f"{f}不"):
            assert _SHIPPED.find(text) == \
                _found(_PLAIN, _PLAIN_UNITS, text), text


_ALPHA = "ab1.-中"
_form = st.builds(
    lambda w1, w2, star: w1 + (" " + w2 if w2 else "") + ("*" if star else ""),
    st.text(_ALPHA, min_size=1, max_size=3).filter(lambda w: w[0] not in "._-"),
    st.one_of(st.just(""), st.text("ab中", min_size=1, max_size=2)),
    st.booleans(),
)
_lexicon = st.dictionaries(
    st.sampled_from(["c1", "c2", "c3", "c4"]),
    st.fixed_dictionaries({"en": st.lists(_form, min_size=1, max_size=4),
                           "zh": st.lists(_form, max_size=2)}),
    min_size=1,
)


@settings(max_examples=300, deadline=None)
@given(_lexicon, st.text(_ALPHA + " \tx", max_size=24))
def test_made_up_lexicons_dispatch_matches_plain_alternation(spec, text):
    _same(concepts.Lexicon(spec), text)


def test_dispatch_regex_is_tried_in_preference_order():
    # at one start the longer form wins, a one-character form comes last, and a Latin form
    # does not start inside a word
    lex = concepts.Lexicon({"a": {"en": ["b", "b c", "bc d*"]}, "z": {"zh": ["不", "不再"]}})
    text = "bc dd b c ab 不再不"
    found = [(text[a:b], u) for a, b, u in lex.find(text)]
    assert found == [("bc dd", "lex0a"), ("b c", "lex0a"), ("不再", "lex0z"), ("不", "lex0z")]
    _same(lex, text)
