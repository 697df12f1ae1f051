"""fold() lowers ASCII letters with bytes.lower() after substituting the other odd
characters; it must give what folding every character on its own gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.grading import normalize
from quiz.grading.normalize import _fold_char, fold

_OLD_ODD = re.compile("[A-Z`]|[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff]")


def _plain_fold(text: str) -> normalize.Folded:
    """fold() as it was: every odd character, upper-case ASCII included, one by one."""
    if text.isascii():
        return normalize.Folded(text.lower(), range(len(text)))
    folded = _OLD_ODD.sub(lambda m: _fold_char(m.group()), text)
    if len(folded) == len(text):
        return normalize.Folded(folded, range(len(text)))
    parts = [ch.lower() if ch.isascii() else _fold_char(ch) for ch in text]
    origin = [i for i, p in enumerate(parts) for _ in p]
    return normalize.Folded("".join(parts), tuple(origin))


_chars = st.one_of(
    st.sampled_from(list("AZaz09`'\" -ÄÉİΣẞﬁＡＢ，。（）“”’—\u3000模型的\ud800")),
    st.characters(),
)


@settings(max_examples=1000, deadline=None)
@given(st.text(_chars, max_size=20))
def test_fold_matches_folding_each_character(text):
    f, g = fold(text), _plain_fold(text)
    assert f.text == g.text
    assert list(f.origin) == list(g.origin)
