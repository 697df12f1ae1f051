"""The keyword-list check splits items as its full separator regex would.

``shape.is_keyword_list`` takes the `` - `` alternation (``_ITEM_SPLIT``) only where
``_DASH_ITEM`` finds a dash between whitespace, else the plain separator runs; the split
must be the one ``_ITEM_SPLIT`` gives on any text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.grading import shape


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("ab -,，、;；/|\n\t\u3000的")), max_size=30))
def test_item_split_choice_splits_as_the_full_regex(text):
    chosen = shape._ITEM_SPLIT if shape._DASH_ITEM.search(text) else shape.SEP_RUNS
    assert chosen.split(text) == shape._ITEM_SPLIT.split(text)
