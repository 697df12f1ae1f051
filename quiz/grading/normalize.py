"""Text normalisation that remembers where every character came from.

Grading works on a folded copy of the answer (NFKC, lower case, ASCII quotes) but spans
must point into the text the user typed, so every folded character keeps the index of
the original character it came from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Quotes and dashes people type from phones and IMEs, folded so "doesn’t" == "doesn't".
_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Folded:
    """A normalised text and, for each of its characters, the index in the original."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text back to the original text."""
        if end <= start:
            return (self.origin[start], self.origin[start]) if start < len(self.origin) else (0, 0)
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """NFKC + lower case, character by character, so offsets survive expansions (e.g. ﬁ)."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            f = ch.lower()
        else:
            f = unicodedata.normalize("NFKC", ch).lower().translate(_FOLD)
        for c in f:
            out.append(c)
            origin.append(i)
    return Folded("".join(out), tuple(origin))


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (the characters Chinese answers are written in)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def detect_lang(text: str) -> str:
    """'zh' when Chinese carries the answer, else 'en'; a mixed answer goes by its weight.

    One Chinese character is counted against one English word: a zh answer sprinkled with
    API names (``torch.jit.script``) stays zh, an English answer with one 模型 stays en.
    """
    cjk = sum(1 for ch in text if is_cjk(ch))
    words = 0
    in_word = False
    for ch in text:
        if ch.isascii() and ch.isalpha():
            if not in_word:
                words += 1
            in_word = True
        elif not (ch.isascii() and (ch.isdigit() or ch in "_.")):
            in_word = False
    return "zh" if cjk and cjk >= words else "en"
