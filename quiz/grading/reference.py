"""grade_reference: grade against reference answers when a card has no key points.

Each reference is cut into clauses; each clause becomes a key point whose one phrasing
is the clause. With several references the answer is graded against each and the best
grade is kept (a student need only match one of them).
"""

from __future__ import annotations

import re

from quiz.grading.grade import evaluate
from quiz.grading.keypoints import Matcher, Target, compile_phrasing, question_units
from quiz.grading.normalize import detect_lang
from quiz.grading.policy import DEFAULT, Policy
from quiz.grading.result import EmptyAnswer, Grade

_CLAUSE = re.compile(r"[。！？!?；;\n]+|(?<=[a-z0-9)])\.(?:\s+|$)|[,，]\s*")

_CACHE: dict[tuple, list[tuple[Matcher, dict[str, str]]]] = {}


def _matchers(references: tuple[str, ...], question: str | None):
    key = (references, question)
    got = _CACHE.get(key)
    if got is None:
        qunits = question_units([question]) if question else frozenset()
        got = []
        for ref in references:
            points, labels = [], {}
            for i, clause in enumerate(x.strip() for x in _CLAUSE.split(ref)):
                if not clause:
                    continue
                ph = compile_phrasing(clause, detect_lang(clause), qunits)
                if ph is None:
                    continue
                pid = f"r{i}"
                points.append(Target(pid, float(len(ph.units)) ** 0.5, (ph,)))
                labels[pid] = clause
            got.append((Matcher(points, [], qunits), labels))
        if len(_CACHE) > 4096:
            _CACHE.clear()
        _CACHE[key] = got
    return got


def grade_reference(references: list[str], answer: str, question: str | None = None,
                    lang: str | None = None, policy: Policy = DEFAULT) -> Grade:
    """Grade ``answer`` against free-text reference answers; the best-matching one counts."""
    if not isinstance(answer, str) or not answer.strip():
        raise EmptyAnswer()
    refs = tuple(r for r in references if r and r.strip())
    if not refs:
        raise ValueError("grade_reference needs at least one non-empty reference answer")
    lang = lang or detect_lang(answer)
    best: Grade | None = None
    for matcher, labels in _matchers(refs, question or None):
        g = evaluate(matcher, answer, lang, labels, {}, policy)
        if best is None or g.score > best.score:
            best = g
    assert best is not None
    return best
