"""Draft key points for a card from its model answer, for the author to edit.

Candidates are the model answer's sentences and, in long sentences, their clauses. Each is
compiled as the grader compiles a phrasing and ranked by what the grader can match in it:
the weight of its units that are not the question's (an API name counts more than a
generic word, an echo of the question nothing), discounted when a phrasing is so long that
an answer rarely says all of it. Overlapping candidates keep the better one. Every draft
is then checked with the real grader: the model answer must make it, the bare question
must not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from quiz.deck.model import Card, KeyPoint

_SENTENCE = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=[a-z0-9)\]`])\.(?=\s|$)")
# Clause breaks: commas and colons, not the list comma 、 (it would cut "Android、iOS").
_CLAUSE = re.compile(r"(?<=[，,：:])\s*")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)、])\s*")
LONG = 8  # units above which a sentence is also offered clause by clause
EASY = 6  # units an answer can be expected to say together; longer phrasings are discounted


@dataclass(frozen=True)
class Suggestion:
    text: str
    lang: str
    rank_score: float  # content weight the grader can match, discounted for length
    units: int
    self_match: float = 0.0  # 0-100: how well the model answer makes this point

    def to_dict(self) -> dict:
        return {"text": self.text, "lang": self.lang, "rank_score": round(self.rank_score, 2),
                "units": self.units, "self_match": round(self.self_match, 1)}


def _candidates(answer: str) -> list[str]:
    out: list[str] = []
    for raw in _SENTENCE.split(answer):
        s = _LIST_MARK.sub("", raw).strip(" \t。.；;，,")
        if not s:
            continue
        out.append(s)
        parts = [p.strip(" \t，,：:") for p in _CLAUSE.split(s)]
        if len([p for p in parts if p]) > 1:
            out.extend(p for p in parts if p)
    return list(dict.fromkeys(out))


def _explanation_free(answer: str) -> str:
    from quiz.session.grader import _without_explanation

    return _without_explanation(answer)


def rank(card: Card, lang: str) -> list[Suggestion]:
    """Every candidate phrasing of the model answer in ``lang``, best first, overlaps removed."""
    from quiz.grading.keypoints import compile_phrasing, question_units

    answer = _explanation_free(card.answer.get(lang, ""))
    qunits = question_units(card.question.values())
    scored: list[tuple[Suggestion, frozenset[str]]] = []
    for text in _candidates(answer):
        ph = compile_phrasing(text, lang, qunits)
        if ph is None:
            continue
        content = sum(w for w, inq in zip(ph.weights, ph.in_question, strict=True) if not inq)
        n = len(ph.units)
        if content <= 0.5 or n < 2:  # the question's words, or one word: not a point
            continue
        # Beyond EASY units the score stops growing: a long sentence is matched in windows
        # and rarely said whole, so its density of matchable words is what counts.
        score = content * min(1.0, EASY / n)
        scored.append((Suggestion(text, lang, score, n), frozenset(ph.units)))
    scored.sort(key=lambda x: -x[0].rank_score)
    kept: list[tuple[Suggestion, frozenset[str]]] = []
    for s, units in scored:
        if any(len(units & k) > 0.5 * min(len(units), len(k)) for _, k in kept):
            continue  # a clause of a sentence already kept, or the sentence of a clause
        kept.append((s, units))
    return [s for s, _ in kept]


def _slug(text: str, taken: set[str], n: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    base = "-".join(words[:4])[:40].strip("-") or f"point-{n}"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    return slug


def suggest_points(card: Card, lang: str | None = None, limit: int = 5) -> list[Suggestion]:
    """Up to ``limit`` drafted points per language, each checked against the grader."""
    from quiz.session.grader import grade_card

    langs = [lang] if lang else [x for x in card.answer if card.answer.get(x)]
    out: list[Suggestion] = []
    for lg in langs:
        pool = rank(card, lg)[: 2 * limit]
        if not pool:
            continue
        trial = replace(card, key_points=tuple(
            KeyPoint(f"p{i}", 1.0, {lg: (s.text,)}) for i, s in enumerate(pool)))
        answer = _explanation_free(card.answer[lg])
        g = grade_card(trial, answer, lg)
        found = {p.id: p.found for p in g.key_points}
        by_id = {p.id: p.score for p in g.key_points}
        checked = [(replace(s, self_match=by_id.get(f"p{i}", 0.0)), found.get(f"p{i}", False))
                   for i, s in enumerate(pool)]
        # Points the grader finds in the model answer first (in rank order): a draft the
        # model answer itself does not make would mark every good answer down.
        checked.sort(key=lambda x: not x[1])
        out += [s for s, _ in checked[:limit]]
    return out


def as_yaml_points(suggestions: list[Suggestion]) -> list[dict]:
    """The drafts in the deck's key_points shape: the best third weigh 2, the rest 1."""
    taken: set[str] = set()
    points = []
    for lg in dict.fromkeys(s.lang for s in suggestions):
        mine = [s for s in suggestions if s.lang == lg]
        heavy = max(1, len(mine) // 3)
        for i, s in enumerate(mine):
            points.append({"id": _slug(s.text, taken, len(points) + 1),
                           "weight": 2 if i < heavy else 1, lg: [s.text]})
    return points
