"""Checks on the shape of an answer rather than its content: keyword lists and echo."""

from __future__ import annotations

import re

from quiz.grading.normalize import is_cjk
from quiz.grading.segment import Segmented

_ITEM_SPLIT = re.compile(r"[,，、;；/|\n]+|\s+-\s+")


def is_keyword_list(seg: Segmented) -> bool:
    """A bare list of terms with nothing stated about them (``TorchScript, .ptl, XNNPACK``).

    Statements have function words (is, to, 的, 是, 用 ...) and negations; a list has
    almost none, and its items are short.
    """
    content = len(seg.tokens)
    if content < 3:
        return False
    words = sum(1 for t in seg.tokens if not is_cjk(t.units[0][0]))
    # a Chinese bigram token stands for about half a word
    size = words + (content - words) / 2
    ratio = seg.function_words / (seg.function_words + size)
    if ratio < 0.08:
        return True
    items = [x for x in _ITEM_SPLIT.split(seg.folded.text) if x.strip()]
    if len(items) >= 3:
        short = sum(1 for x in items if _item_size(x) <= 3)
        return short >= 0.75 * len(items) and ratio < 0.2
    return False


def _item_size(item: str) -> float:
    cjk = sum(1 for c in item if is_cjk(c))
    return len(re.findall(r"[a-z0-9_.]+", item)) + cjk / 2.5


def echo_share(seg: Segmented, question_units: frozenset[str]) -> float:
    """Share of the answer's tokens that only repeat the question's own words."""
    if not seg.tokens:
        return 0.0
    return sum(1 for t in seg.tokens if t.units[0] in question_units) / len(seg.tokens)
