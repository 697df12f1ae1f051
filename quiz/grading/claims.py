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
MARKERS = re.compile(
    rf"(?<![a-z0-9_])(?:{_EN_ABSOLUTE})(?![a-z0-9_])|{_ZH_ABSOLUTE}|{_FIGURE}"
)


class Clause(NamedTuple):
    index: int
    start: int  # offsets into the folded text
    end: int
    markers: tuple[str, ...]


def clauses(seg: Segmented) -> list[Clause]:
    """Each clause of the answer with the absolute words and figures in it."""
    text = seg.folded.text
    lo: dict[int, int] = {}
    hi: dict[int, int] = {}
    for c, a, b in zip(seg.clauses, seg.starts, seg.ends, strict=True):
        if c not in lo or a < lo[c]:
            lo[c] = a
        if c not in hi or b > hi[c]:
            hi[c] = b
    for c, starts in enumerate(seg.cue_starts):
        for a in starts:  # a cue may open the clause ("never on GPU")
            if c in lo and a < lo[c]:
                lo[c] = a
    out = []
    for c in sorted(lo):
        a, b = lo[c], hi[c]
        out.append(Clause(c, a, b, tuple(m.group() for m in MARKERS.finditer(text, a, b))))
    return out


def unexplained_strong(seg: Segmented, explained: list[tuple[int, int]]) -> list[Clause]:
    """Clauses with an absolute word or a figure that no found key point or misconception
    hit overlaps (``explained``: spans in the original answer's offsets)."""
    out = []
    for cl in clauses(seg):
        if not cl.markers:
            continue
        a, b = seg.folded.span(cl.start, cl.end)
        if any(s < b and a < e for s, e in explained):
            continue
        out.append(cl)
    return out
