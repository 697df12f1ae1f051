"""Checks on the shape of an answer rather than its content: keyword lists and echo."""

from __future__ import annotations

import re

from quiz.grading.concepts import PREFIX
from quiz.grading.segment import Segmented

_ITEM_SPLIT = re.compile(r"[,，、;；/|\n]+|\s+-\s+")
# Without a "-" in the text only runs of separator characters split it: a plain character
# class, which the regex engine scans far faster than the alternation (whose " - " branch
# is tried at every space).
SEP_RUNS = re.compile(r"[,，、;；/|\n]+")
# Whether the " - " branch can match anywhere: a "-" with whitespace on both sides (a
# literal first, which the engine finds at once). Where it cannot, _ITEM_SPLIT splits
# exactly as SEP_RUNS does.
_DASH_ITEM = re.compile(r"-(?<=\s-)(?=\s)")
_WORD = re.compile(r"[a-z0-9_.()\"'=]+")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Function words (stop words, particles) per item from which separated pieces are
# statements rather than terms
FUNCTION_WORDS_PER_ITEM = 0.5


def is_keyword_list(seg: Segmented) -> bool:
    """A bare list of terms with nothing stated about them (``TorchScript, .ptl, XNNPACK``).

    Items of a list are short (a term or two); statements are longer. An English answer
    without any separators but also without a single function word is a list too.
    """
    if len(seg.units) < 3:
        return False
    text = seg.folded.text
    parts = (_ITEM_SPLIT if _DASH_ITEM.search(text) else SEP_RUNS).split(text)
    items = [x for x in parts if x.strip()]
    n = len(items)
    if n >= 3 and seg.function_words >= FUNCTION_WORDS_PER_ITEM * n:
        # terse statements between separators ("支持，torch.jit.save 导出，torch.jit.load
        # 导入"; "jit.script/trace 转 TorchScript，存 .ptl，手机上加载跑 forward"): their
        # particles and stop words say something about the terms. Tune (1,138 answers): the
        # bare lists labellers marked have at most 0.33 per item; five of the ten answers
        # labellers read as statements but this check took for lists have 0.5 or more
        return False
    if n >= 3:
        # an item of more than 40 characters is never a term or two: skip counting it
        need = 0.75 * n
        short = 0
        for i, x in enumerate(items, 1):
            if len(x) - _concept_chars(x) <= 40 and _item_size(x) <= 3:
                short += 1
                if short >= need:
                    return True
            elif short + (n - i) < need:
                break  # too few items left to make three quarters short
    if seg.function_words or _CJK.search(text):
        return False
    return len(_WORD.findall(text)) >= 4


def _concept_chars(item: str) -> int:
    """Characters of the lexicon's concept tokens in an item (0 nearly always)."""
    if PREFIX not in item:
        return 0
    return sum(len(w) + 1 for w in _WORD.findall(item) if w.startswith(PREFIX))


def _item_size(item: str) -> float:
    """Words in an item; two Chinese characters count as one word. The lexicon's concept
    tokens (``lex0selectivebuild`` beside "selective build") are not words the writer
    typed: they do not count."""
    words = [w for w in _WORD.findall(item) if not w.startswith(PREFIX)]
    if item.isascii():
        return len(words)
    return len(words) + len(_CJK.findall(item)) / 2


def echo_share(seg: Segmented, question_units: frozenset[str]) -> float:
    """Share of the answer's tokens that only repeat the question's own words."""
    if not seg.units:
        return 0.0
    return sum(1 for tu in seg.units if tu[0] in question_units) / len(seg.units)


_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?!\w)")


def repetition_share(seg: Segmented) -> float:
    """Share of the answer's text that repeats a sentence it already said (a paragraph
    pasted six times says nothing new five times; an interviewer would stop it)."""
    text = seg.folded.text
    if len(text) < 120:
        return 0.0
    seen: set[str] = set()
    repeated = total = 0
    for piece in _SENTENCE_END.split(text):
        s = " ".join(piece.split())
        if len(s) < 15:
            continue
        total += len(s)
        if s in seen:
            repeated += len(s)
        else:
            seen.add(s)
    return repeated / total if total else 0.0
