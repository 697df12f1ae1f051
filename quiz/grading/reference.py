"""grade_reference: grade against reference answers when a card has no key points.

Each reference is cut into clauses; each clause becomes a key point whose one phrasing
is the clause, matched like any key point (clause windows, negation). Free-text
references are long and students cover them loosely, so the score also counts the
reference's words found anywhere in the answer (question words aside), and for Chinese
its characters too (a paraphrase keeps characters where it breaks bigrams: 链式存储 /
链表存储). The clause score weighs half for a reference of one or two clauses and less
for longer ones: a long model answer is not a list of key points, and students cover it
in clauses of their own. Polarity is checked throughout. With several references the
best-matching one counts. benchmarks/README.md has the figures behind these choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from quiz.grading.grade import evaluate
from quiz.grading.keypoints import Matcher, Target, compile_variants, question_units
from quiz.grading.normalize import detect_lang, is_cjk
from quiz.grading.policy import Policy, decide
from quiz.grading.result import EmptyAnswer, Grade
from quiz.grading.segment import segment

_CLAUSE = re.compile(r"[。！？!?；;\n]+|(?<=[a-z0-9)])\.(?:\s+|$)|[,，]\s*")

# Verdict thresholds for reference grading. The correct/incorrect threshold fitted by
# 5-fold cross-validation grouped by question (benchmarks/asag_eval.py) is about 0.12
# on SciEntsBank (one long reference, loose answers) and 0.46-0.53 on Beetle (several
# short references): no one value fits both, so `correct` sits between them.
REFERENCE_POLICY = Policy(correct=0.3, partial=0.1)


# The score a reference grade reports puts each verdict in its own band: `wrong` below 0.4,
# `partial` from 0.4, `correct` from 0.7, linear in the match score within each band (whose
# edges are the policy's thresholds). The match score itself runs low (a good paraphrase of
# a long reference matches 0.3): shown as it is, a correct answer read "30 %". Banded, it
# also tracks human marks better: Pearson r against ADS's 0-10 marks 0.63 against 0.50
# (benchmarks/asag_eval.py; five band pairs compared there, this one chosen for reading).
BANDS = (0.4, 0.7)


def banded(score: float, policy: Policy = REFERENCE_POLICY,
           bands: tuple[float, float] = BANDS) -> float:
    """The match score mapped into its verdict's band (monotone: rankings and verdicts stay)."""
    lo, hi = policy.partial, policy.correct
    a, b = bands
    if score < lo:
        return a * score / lo
    if score < hi:
        return a + (b - a) * (score - lo) / (hi - lo)
    return b + (1 - b) * min(1.0, (score - hi) / (1 - hi))


@dataclass(frozen=True)
class _Reference:
    """One reference answer, compiled."""

    matcher: Matcher
    labels: dict[str, str]
    clause_weight: float  # share of the clause score in the total
    # Chinese characters of each clause (question characters aside), with its polarity
    chars: tuple[tuple[int, frozenset[str]], ...]


_CACHE: dict[tuple, list[_Reference]] = {}


def _cjk_chars(units) -> frozenset[str]:
    """The characters of the Chinese units (bigrams and single characters) among ``units``."""
    return frozenset(ch for u in units if is_cjk(u[0]) for ch in u)


def _matchers(references: tuple[str, ...], question: str | None) -> list[_Reference]:
    key = (references, question)
    got = _CACHE.get(key)
    if got is None:
        qunits = question_units([question]) if question else frozenset()
        qchars = _cjk_chars(qunits)
        got = []
        for ref in references:
            points, labels, chars = [], {}, []
            for i, clause in enumerate(x.strip() for x in _CLAUSE.split(ref)):
                if not clause:
                    continue
                variants = compile_variants(clause, detect_lang(clause), qunits)
                if not variants:
                    continue
                ph = variants[-1]  # in its own words: the weight and characters come from it
                pid = f"r{i}"
                points.append(Target(pid, float(len(ph.units)) ** 0.5, tuple(variants)))
                labels[pid] = clause
                cc = _cjk_chars(ph.units) - qchars
                if cc:
                    chars.append((ph.parity, cc))
            clause_weight = 0.5 * min(1.0, 2 / len(points)) if points else 0.0
            got.append(_Reference(Matcher(points, [], qunits), labels, clause_weight,
                                  tuple(chars)))
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


def _answer_chars(seg) -> tuple[set[str], set[str]]:
    """The answer's Chinese content characters, by the polarity of their clause."""
    have: tuple[set[str], set[str]] = (set(), set())
    cues = seg.clause_cues
    for units, clause in zip(seg.units, seg.clauses, strict=True):
        u = units[0]
        if is_cjk(u[0]):
            have[cues[clause] % 2].update(u)
    return have


def _char_coverage(ref: _Reference, have: tuple[set[str], set[str]]) -> float:
    num = den = 0
    for parity, chars in ref.chars:
        den += len(chars)
        num += len(chars & have[parity])
    return num / den if den else 0.0


def grade_reference(references: list[str], answer: str, question: str | None = None,
                    lang: str | None = None, policy: Policy = REFERENCE_POLICY,
                    band: bool = True) -> Grade:
    """Grade ``answer`` against free-text reference answers; the best-matching one counts.

    An answer that only echoes the question scores nothing without a rule of its own:
    the question's words earn no coverage, and a clause of them alone matches nothing.
    ``band`` False: the match score itself instead of its verdict's band (``banded``).
    """
    if not isinstance(answer, str) or not answer.strip():
        raise EmptyAnswer()
    refs = tuple(r for r in references if isinstance(r, str) and r.strip())
    if not refs:
        raise ValueError("grade_reference needs at least one non-empty reference answer")
    lang = lang or detect_lang(answer)
    seg = segment(answer)
    have = None
    best: Grade | None = None
    for ref in _matchers(refs, question or None):
        g = evaluate(ref.matcher, answer, lang, ref.labels, {}, policy, seg=seg)
        words = _global_coverage(ref.matcher, ref.matcher.occurrences(seg), seg)
        if ref.chars:
            if have is None:
                have = _answer_chars(seg)
            words = (words + _char_coverage(ref, have)) / 2
        a = ref.clause_weight
        score = a * g.score + (1 - a) * words
        if best is None or score > best.score:
            _, verdict = decide(score, 0.0, 0, False, policy)
            best = replace(g, score=score, verdict=verdict)
    assert best is not None
    # the verdict's thresholds are on the match score; the score reported is in its band
    return replace(best, score=banded(best.score, policy)) if band else best
