"""grade_reference: grade against reference answers when a card has no key points.

Each reference is cut into clauses; each clause becomes a key point whose one phrasing
is the clause, matched like any key point (clause windows, negation). Free-text
references are long and students cover them loosely, so the score also counts the
reference's words found anywhere in the answer (question words aside); the two are
averaged. Polarity is checked in both. With several references the best-matching one
counts.
"""

from __future__ import annotations

import re
from dataclasses import replace

from quiz.grading.grade import evaluate
from quiz.grading.keypoints import Matcher, Target, compile_phrasing, question_units
from quiz.grading.normalize import detect_lang
from quiz.grading.policy import Policy, decide
from quiz.grading.result import EmptyAnswer, Grade
from quiz.grading.segment import segment

_CLAUSE = re.compile(r"[。！？!?；;\n]+|(?<=[a-z0-9)])\.(?:\s+|$)|[,，]\s*")

# Verdict thresholds for reference grading. The correct/incorrect threshold fitted by
# 5-fold cross-validation grouped by question (benchmarks/asag_eval.py) is about 0.12
# on SciEntsBank (one long reference, loose answers) and 0.46-0.51 on Beetle (several
# short references): no one value fits both, so `correct` sits between them.
REFERENCE_POLICY = Policy(correct=0.3, partial=0.1)

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


def _global_coverage(matcher: Matcher, occ: dict, seg) -> float:
    """Weighted share of the reference's own words (not the question's) found anywhere.

    A word counts only from an answer clause of the same polarity as the reference
    clause it belongs to, so "the water did not evaporate" earns nothing for "the water
    evaporated".
    """
    best: dict[tuple[str, int], float] = {}
    for u, per in occ.items():
        for clause, (sim, _) in per.items():
            key = (u, seg.clause_cues[clause] % 2)
            if sim > best.get(key, 0.0):
                best[key] = sim
    num = den = 0.0
    for t in matcher.points:
        ph = t.phrasings[0]
        for u, w, inq in zip(ph.units, ph.weights, ph.in_question, strict=True):
            if not inq:
                den += w
                num += w * best.get((u, ph.parity), 0.0)
    return num / den if den else 0.0


def grade_reference(references: list[str], answer: str, question: str | None = None,
                    lang: str | None = None, policy: Policy = REFERENCE_POLICY) -> Grade:
    """Grade ``answer`` against free-text reference answers; the best-matching one counts."""
    if not isinstance(answer, str) or not answer.strip():
        raise EmptyAnswer()
    refs = tuple(r for r in references if isinstance(r, str) and r.strip())
    if not refs:
        raise ValueError("grade_reference needs at least one non-empty reference answer")
    lang = lang or detect_lang(answer)
    seg = segment(answer)
    best: Grade | None = None
    for matcher, labels in _matchers(refs, question or None):
        g = evaluate(matcher, answer, lang, labels, {}, policy, seg=seg)
        occ = matcher.occurrences(seg)
        score = (g.score + _global_coverage(matcher, occ, seg)) / 2
        if "question-echo" in g.flags:
            score = 0.0
        if best is None or score > best.score:
            _, verdict = decide(score, 0.0, 0, False, policy)
            best = replace(g, score=score, verdict=verdict)
    assert best is not None
    return best
