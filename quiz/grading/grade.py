"""grade(card, answer): key points found, misconceptions hit, score, verdict, feedback."""

from __future__ import annotations

from quiz.deck.model import Card, pick
from quiz.grading import concepts
from quiz.grading.feedback import compose
from quiz.grading.keypoints import (
    NO_PAIR,
    Matcher,
    Target,
    compile_variants,
    question_units,
)
from quiz.grading.normalize import detect_lang
from quiz.grading.claims import unexplained_strong
from quiz.grading.policy import SHIPPED, Evidence, Policy, decide_evidence, point_credit
from quiz.grading.result import EmptyAnswer, Grade, MisconceptionHit, PointResult
from quiz.grading.segment import Segmented, segment
from quiz.grading.shape import echo_share, is_keyword_list, repetition_share


class CardMatcher:
    """A card compiled for grading: its matcher plus the texts feedback needs."""

    def __init__(self, card: Card):
        self.card = card
        self.lexicon = concepts.active()  # phrasings are compiled through it
        qunits = question_units(card.question.values())
        self.matcher = Matcher(
            [_target(k.id, k.weight, k.phrasings, qunits, essential=k.essential)
             for k in card.key_points],
            [_target(m.id, 1.0, m.phrasings, qunits, statement=True) for m in card.misconceptions],
            qunits,
        )
        self.labels = {
            lang: {k.id: _label(k.phrasings, lang) or k.id for k in card.key_points}
            for lang in ("zh", "en")
        }
        self.feedback = {m.id: m.feedback for m in card.misconceptions}
        self.feedback_in: dict[str, dict[str, str]] = {}  # per answer language, filled lazily


def _label(phrasings: dict[str, tuple[str, ...]], lang: str) -> str:
    """The first phrasing in ``lang`` (else in any language) names a point in feedback."""
    return pick({code: texts[0] for code, texts in phrasings.items() if texts}, lang)


def _target(id_: str, weight: float, phrasings: dict[str, tuple[str, ...]],
            qunits: frozenset[str], statement: bool = False, essential: bool = False) -> Target:
    """Compile a key point or misconception; ``statement`` drops one-word phrasings.

    A misconception is a wrong statement: a phrasing left with one plain word after stop
    words go ("any one will do" -> "one") would fire on any answer using that word.
    """
    compiled = []
    seen = set()
    for lang, texts in phrasings.items():
        for text in texts:
            for ph in compile_variants(text, lang, qunits):
                if statement and len(ph.units) < 2 and ph.weights[0] < 2.0:
                    continue
                # the same API name listed in both languages is matched once
                if (ph.units, ph.parity) not in seen:
                    seen.add((ph.units, ph.parity))
                    compiled.append(ph)
    return Target(id_, weight, tuple(compiled), essential)


# Compiled cards, by object identity (cards hold dicts, so they are not hashable). The
# card is kept in the value so its id cannot be reused while the entry lives.
_CACHE: dict[int, CardMatcher] = {}
_CACHE_MAX = 1024


def card_matcher(card: Card) -> CardMatcher:
    cm = _CACHE.get(id(card))
    if cm is None or cm.card is not card or cm.lexicon is not concepts.active():
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        cm = _CACHE[id(card)] = CardMatcher(card)
    return cm


def grade(card: Card, answer: str, lang: str | None = None, policy: Policy = SHIPPED) -> Grade:
    """Grade a free-text answer to ``card``; ``lang`` None means detect it from the answer."""
    if not isinstance(answer, str) or not answer.strip():
        raise EmptyAnswer()
    lang = lang or detect_lang(answer)
    cm = card_matcher(card)
    feedback = cm.feedback_in.get(lang)
    if feedback is None:
        feedback = cm.feedback_in[lang] = {mid: pick(fb, lang) for mid, fb in cm.feedback.items()}
    labels = cm.labels.get(lang) or cm.labels["en"]
    return evaluate(cm.matcher, answer, lang, labels, feedback, policy)


def evaluate(
    matcher: Matcher,
    answer: str,
    lang: str,
    labels: dict[str, str],
    misconception_feedback: dict[str, str],
    policy: Policy = SHIPPED,
    seg: Segmented | None = None,
) -> Grade:
    """Score ``answer`` against compiled targets (shared by grade and grade_reference)."""
    if seg is None:
        seg = segment(answer)
    occ = matcher.occurrences(seg)
    bounds = matcher.bounds(occ)
    points: list[PointResult] = []
    total = credit = touched = 0.0
    found_at = policy.point_found
    touched_at = policy.touched_at
    ess_found_at = policy.essential_found
    lowest_found = min(found_at, ess_found_at)
    matches = matcher.point_group.match(seg, occ, policy.point_partial,
                                        min(lowest_found, policy.negated_at), bounds)
    n_ess = n_ess_found = contradicted = 0
    weakest = 100.0
    explained: list[tuple[int, int]] = []
    for t, pair in zip(matcher.points, matches, strict=True):
        w = t.weight
        total += w
        if t.essential:
            n_ess += 1
        if pair is NO_PAIR:  # most points of most answers: nothing matched
            points.append(PointResult(t.id, False, 0.0, None, None, None, False))
            if t.essential:
                weakest = 0.0
            continue
        same, opp = pair
        score = same.score
        at = ess_found_at if t.essential else found_at
        negated = opp.score >= policy.negated_at and opp.score > score
        found = score >= at and not negated
        shown = opp if negated else same
        span = shown.span
        points.append(PointResult(
            t.id, found, score, span,
            answer[span[0]:span[1]] if span else None,
            shown.phrasing.text if shown.phrasing else None,
            negated,
        ))
        if t.essential:
            if found:
                n_ess_found += 1
            weakest = min(weakest, 0.0 if negated else score)
        if negated:
            contradicted += 1
        if span and (found or negated):
            explained.append(span)
        if found:
            credit += w
        elif score:
            credit += w * point_credit(score, found, negated, policy)
        if score >= touched_at and not negated:
            touched += w

    hits: list[MisconceptionHit] = []
    near = policy.misconception_hit - policy.misconception_margin
    misc = matcher.misconception_group.match(seg, occ, near, 101.0, bounds)
    misconception_near = False
    for t, (same, _) in zip(matcher.misconceptions, misc, strict=True):
        if same.score >= policy.misconception_hit and same.phrasing is not None:
            hits.append(
                MisconceptionHit(
                    id=t.id,
                    score=same.score,
                    span=same.span,
                    feedback=misconception_feedback.get(t.id, ""),
                    phrasing=same.phrasing.text,
                )
            )
            if same.span:
                explained.append(same.span)
        elif same.score >= near and same.phrasing is not None:
            misconception_near = True

    keyword_list = is_keyword_list(seg)
    strong = unexplained_strong(seg, explained) if policy.strong_claim_unsure else []
    repeated = repetition_share(seg) >= 0.5
    evidence = Evidence(
        coverage=credit / total if total else 0.0,
        touched=touched / total if total else 0.0,
        essential_total=n_ess,
        essential_found=n_ess_found,
        essential_weakest=weakest if n_ess else 100.0,
        misconceptions=len(hits),
        misconception_near=misconception_near,
        contradicted=contradicted,
        strong_claims=len(strong),
        keyword_list=keyword_list,
        repetition=repeated,
    )
    score, verdict, unsure_why = decide_evidence(evidence, policy)
    flags: list[str] = []
    if contradicted:
        flags.append("negated-point")
    if hits:
        flags.append("misconception")
    # An answer that states a misconception in the question's words ("不支持多线程" to
    # "支持多线程吗？") says something, wrongly: that is not an echo.
    if (not hits and not any(p.found for p in points)
            and echo_share(seg, matcher.question_units) >= 0.6):
        flags.append("question-echo")
    if keyword_list:
        flags.append("keyword-list")
    if repeated:
        flags.append("repetition")
    flags.extend(unsure_why)
    pts = tuple(points)
    mis = tuple(hits)
    fl = tuple(flags)
    claims_text = tuple(answer[slice(*seg.folded.span(c.start, c.end))] for c in strong)
    return Grade(
        score=score,
        verdict=verdict,
        lang=lang,
        key_points=pts,
        misconceptions=mis,
        feedback=compose(verdict, lang, pts, labels, mis, fl, claims_text,
                         policy.point_partial),
        flags=fl,
    )
