"""Text normalisation that remembers where every character came from.

Grading works on a folded copy of the answer (NFKC, lower case, ASCII quotes) but spans
must point into the text the user typed, so every folded character keeps the index of
the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# Quotes and dashes people type from phones and IMEs, folded so "doesn’t" == "doesn't".
_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class Folded(NamedTuple):
    """A normalised text and, for each of its characters, the index in the original
    (a ``range`` where folding kept every offset, as it nearly always does: no tuple of a
    hundred integers to build per answer)."""

    text: str
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text back to the original text."""
        if end <= start:
            return (self.origin[start], self.origin[start]) if start < len(self.origin) else (0, 0)
        return self.origin[start], self.origin[end - 1] + 1


_CHAR_CACHE: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    f = _CHAR_CACHE.get(ch)
    if f is None:
        f = unicodedata.normalize("NFKC", ch).lower().translate(_FOLD)
        if len(_CHAR_CACHE) < 50_000:
            _CHAR_CACHE[ch] = f
    return f


# Characters that fold to something else, in a text that is not all ASCII: the backtick,
# and whatever is neither ASCII nor a unified CJK ideograph (full-width punctuation,
# compatibility ideographs, curly quotes...). Substituting only these is several times
# faster than translating every character of a Chinese answer. Upper-case ASCII, the most
# of them in a mixed answer (API names), is lowered after, by bytes.lower(), which lowers
# the ASCII letters of UTF-8 and no other byte: the same as folding each of them.
_ODD = re.compile("[`]|[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff]")
_UPPER = re.compile("[A-Z]")


def _fold_match(m: re.Match) -> str:
    return _fold_char(m.group())


def fold(text: str) -> Folded:
    """NFKC + lower case, character by character, so offsets survive expansions (e.g. ﬁ)."""
    if text.isascii():
        return Folded(text.lower(), range(len(text)))
    folded = _ODD.sub(_fold_match, text)
    if _UPPER.search(folded):
        # what a folded character became is lower case already (and ASCII quotes and
        # dashes): only the text's own A-Z change here
        folded = folded.encode("utf-8", "surrogatepass").lower().decode("utf-8",
                                                                         "surrogatepass")
    if len(folded) == len(text):
        # one character for one almost always (，-> , ；-> ;): offsets stay put
        return Folded(folded, range(len(text)))
    parts = [ch.lower() if ch.isascii() else _fold_char(ch) for ch in text]
    origin = [i for i, p in enumerate(parts) for _ in p]
    return Folded("".join(parts), tuple(origin))


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (the characters Chinese answers are written in)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# English words; identifiers (torch.jit.script, set_num_threads) are not prose and
# do not make a Chinese answer English.
_EN_WORD = re.compile(r"(?<![\w.])[A-Za-z]+(?![\w.])")


def detect_lang(text: str) -> str:
    """'zh' when Chinese carries the answer, else 'en'; a mixed answer goes by its weight.

    One Chinese character is counted against one English word: a zh answer sprinkled with
    API names (``torch.jit.script``) stays zh, an English answer with one 模型 stays en.
    """
    cjk = len(_CJK.findall(text))
    return "zh" if cjk and cjk >= len(_EN_WORD.findall(text)) else "en"
