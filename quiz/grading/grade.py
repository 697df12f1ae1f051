"""grade(card, answer): key points found, misconceptions hit, score, verdict, feedback."""

from __future__ import annotations

from quiz.deck.model import Card, pick
from quiz.grading.feedback import compose
from quiz.grading.keypoints import (
    NO_PAIR,
    Matcher,
    Target,
    compile_phrasing,
    question_units,
)
from quiz.grading.normalize import detect_lang
from quiz.grading.policy import DEFAULT, Policy, decide, point_credit
from quiz.grading.result import EmptyAnswer, Grade, MisconceptionHit, PointResult
from quiz.grading.segment import Segmented, segment
from quiz.grading.shape import echo_share, is_keyword_list


class CardMatcher:
    """A card compiled for grading: its matcher plus the texts feedback needs."""

    def __init__(self, card: Card):
        self.card = card
        qunits = question_units(card.question.values())
        self.matcher = Matcher(
            [_target(k.id, k.weight, k.phrasings, qunits) for k in card.key_points],
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
            qunits: frozenset[str], statement: bool = False) -> Target:
    """Compile a key point or misconception; ``statement`` drops one-word phrasings.

    A misconception is a wrong statement: a phrasing left with one plain word after stop
    words go ("any one will do" -> "one") would fire on any answer using that word.
    """
    compiled = []
    seen = set()
    for lang, texts in phrasings.items():
        for text in texts:
            ph = compile_phrasing(text, lang, qunits)
            if ph is None or (statement and len(ph.units) < 2 and ph.weights[0] < 2.0):
                continue
            # the same API name listed in both languages is matched once
            if (ph.units, ph.parity) not in seen:
                seen.add((ph.units, ph.parity))
                compiled.append(ph)
    return Target(id_, weight, tuple(compiled))


# Compiled cards, by object identity (cards hold dicts, so they are not hashable). The
# card is kept in the value so its id cannot be reused while the entry lives.
_CACHE: dict[int, CardMatcher] = {}
_CACHE_MAX = 1024


def card_matcher(card: Card) -> CardMatcher:
    cm = _CACHE.get(id(card))
    if cm is None or cm.card is not card:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        cm = _CACHE[id(card)] = CardMatcher(card)
    return cm


def grade(card: Card, answer: str, lang: str | None = None, policy: Policy = DEFAULT) -> Grade:
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
    policy: Policy = DEFAULT,
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
    matches = matcher.point_group.match(seg, occ, policy.point_partial, found_at, bounds)
    for t, pair in zip(matcher.points, matches, strict=True):
        w = t.weight
        total += w
        if pair is NO_PAIR:  # most points of most answers: nothing matched
            points.append(PointResult(t.id, False, 0.0, None, None, None, False))
            continue
        same, opp = pair
        score = same.score
        negated = opp.score >= found_at and opp.score > score
        found = score >= found_at and not negated
        shown = opp if negated else same
        span = shown.span
        points.append(PointResult(
            t.id, found, score, span,
            answer[span[0]:span[1]] if span else None,
            shown.phrasing.text if shown.phrasing else None,
            negated,
        ))
        if found:
            credit += w
        elif score:
            credit += w * point_credit(score, found, negated, policy)
        if score >= touched_at and not negated:
            touched += w

    hits: list[MisconceptionHit] = []
    misc = matcher.misconception_group.match(seg, occ, policy.misconception_hit, 101.0, bounds)
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

    keyword_list = is_keyword_list(seg)
    score, verdict = decide(
        credit / total if total else 0.0,
        touched / total if total else 0.0,
        len(hits),
        keyword_list,
        policy,
    )
    flags: list[str] = []
    if any(p.negated for p in points):
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
    pts = tuple(points)
    mis = tuple(hits)
    fl = tuple(flags)
    return Grade(
        score=score,
        verdict=verdict,
        lang=lang,
        key_points=pts,
        misconceptions=mis,
        feedback=compose(verdict, lang, pts, labels, mis, fl),
        flags=fl,
    )
