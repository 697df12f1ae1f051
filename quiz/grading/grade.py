"""grade(card, answer): key points found, misconceptions hit, score, verdict, feedback."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from quiz.deck.model import Card, pick
from quiz.grading import concepts
from quiz.grading.claims import figures, marker_spans, unexplained_strong, wrong_figure
from quiz.grading.feedback import compose
from quiz.grading.keypoints import (
    NO_PAIR,
    Matcher,
    Target,
    compile_variants,
    question_units,
)
from quiz.grading.normalize import detect_lang
from quiz.grading.policy import SHIPPED, Evidence, Policy, decide_evidence, point_credit
from quiz.grading.result import EmptyAnswer, Grade, MisconceptionHit, PointResult
from quiz.grading.segment import Segmented, segment
from quiz.grading.shape import SEP_RUNS, echo_share, is_keyword_list, repetition_share
from quiz.grading.verdict_model import (
    SHIPPED_MODEL,
    Extras,
    VerdictModel,
    resolve,
    ruled_verdict,
)


class CardMatcher:
    """A card compiled for grading: its matcher plus the texts feedback needs."""

    def __init__(self, card: Card):
        self.card = card
        self.lexicon = concepts.active()  # phrasings are compiled through it
        qunits = question_units(card.question.values())
        self.matcher = Matcher(
            [_target(k.id, k.weight, k.phrasings, qunits, essential=k.essential)
             for k in card.key_points],
            [_target(m.id, 1.0, m.phrasings, qunits, statement=True)
             for m in card.checked_misconceptions],
            qunits,
        )
        self.labels = {
            lang: {k.id: _label(k.phrasings, lang) or k.id for k in card.key_points}
            for lang in ("zh", "en")
        }
        self.feedback = {m.id: m.feedback for m in card.checked_misconceptions}
        # what the verdict model compares the answer with: the model answers (the whole
        # answer), the card's true texts and its misconceptions (sentence by sentence)
        wrong = [t for m in card.misconceptions for texts in m.phrasings.values()
                 for t in texts]
        self.texts = ModelTexts(
            tuple(default_process(t) for t in card.answer.values() if t.strip()),
            tuple(p for t in _true_texts(card) if (p := default_process(t))),
            tuple(p for t in wrong if (p := default_process(t))),
        )
        self._vouch: list[frozenset[str]] | None = None
        self.feedback_in: dict[str, dict[str, str]] = {}  # per answer language, filled lazily


    def vouched(self, text: str) -> bool:
        """Whether a clause of an answer is one the card states itself (its model answer,
        a correction, a true claim): a strong statement there needs no checking. Vouched
        when nearly all its words lie in one sentence of those texts."""
        if self._vouch is None:
            c = self.card
            texts = [*_true_texts(c), *(cl.statement for cl in c.claims if cl.verdict == "true")]
            sentences = []
            for t in texts:
                for sentence in _SENTENCE_END.split(t):
                    units = {u for tu in segment(sentence).units for u in tu}
                    if units:
                        sentences.append(frozenset(units))
            self._vouch = sentences
        units = [tu[0] for tu in segment(text).units]
        if not units:
            return True
        need = VOUCH_SHARE * len(units)
        return any(sum(map(s.__contains__, units)) >= need for s in self._vouch)


def _true_texts(card: Card) -> list[str]:
    """What the card itself says is so: its model answers and its claims' corrections."""
    return [*card.answer.values(), *(t for cl in card.claims for t in cl.correction.values())]


class ModelTexts(NamedTuple):
    """A card's texts the verdict model measures an answer against (rapidfuzz-processed)."""

    answers: tuple[str, ...]  # the model answers
    true: tuple[str, ...]  # the model answers and the corrections of the card's claims
    misconceptions: tuple[str, ...]  # every misconception phrasing


def _best_sentence(sentences: list[str], texts: tuple[str, ...], scorer) -> float:
    """The best score of any sentence against any text, 0-100 (the best so far is the
    cut-off for the next query, so most comparisons stop early, inside C).

    Both scorers (token_set_ratio, partial_ratio) are symmetric and only the best of all
    pairs is kept, so either side may be the queries: with several sentences each text is
    a query against the sentences (rapidfuzz prepares a query once for all its choices;
    fewer, shorter queries against a handful of sentences cost less)."""
    queries, choices = (texts, sentences) if len(sentences) > 1 else (sentences, texts)
    best = 0.0
    for s in queries:
        hit = process.extractOne(s, choices, scorer=scorer, processor=None, score_cutoff=best)
        if hit and hit[1] > best:
            best = hit[1]
            if best >= 100.0:
                break  # nothing scores higher (a misconception inside a sentence: 89 of 667)
    return best


# A parenthesis that gives a tool's former name: "(formerly ai-edge-torch)", "（原 ai-edge-torch）",
# "(previously export_llama)". A misconception matched across one ("install ai-edge-torch"
# as if current) is the answer naming the old tool as old, not recommending it.
FORMER_NAME = re.compile(
    r"[(（]\s*(?:formerly|previously|originally|renamed from|was called|"
    r"原名|原来叫|原称|旧名|前身是?|原(?=\s*[A-Za-z]))[^()（）]*[)）]", re.IGNORECASE)


# An item is read as a false term where a misconception phrasing holds it this closely
# (partial_ratio) and more closely than any of the card's true texts.
LIST_FALSE_AT = 90.0


def _list_false_items(answer: str, texts: ModelTexts) -> int:
    """Items of a keyword list that state a misconception rather than the card's facts
    ("torch.multiprocessing、多进程推理" on the threads card)."""
    if not texts.misconceptions:
        return 0
    n = 0
    for raw in SEP_RUNS.split(answer):  # the separators is_keyword_list counts items by
        item = default_process(raw)
        if len(item) < 4:
            continue  # "QAT", "int8": a term that short sits inside every text
        wrong = process.extractOne(item, texts.misconceptions, scorer=fuzz.partial_ratio,
                                   processor=None, score_cutoff=LIST_FALSE_AT)
        if wrong is None:
            continue
        # only whether a true text holds it as closely matters: scored no further than that
        right = process.extractOne(item, texts.true, scorer=fuzz.partial_ratio,
                                   processor=None, score_cutoff=wrong[1])
        if right is None or wrong[1] > right[1]:
            n += 1
    return n


_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?!\w)")
# A piece with fewer letters than this is a list marker ("1." splits off "1"), not a
# sentence: partial_ratio put "1" at 100 against any misconception with a "1" in it
# ("快 10 倍"), so every numbered answer looked like a misconception to the verdict model.
_SENTENCE_LETTERS = 2
_NOT_LETTER = re.compile(r"[\W\d_]+")


def _says_something(processed: str) -> bool:
    return len(_NOT_LETTER.sub("", processed)) >= _SENTENCE_LETTERS


def _sentence_around(text: str, span: tuple[int, int]) -> str:
    """The sentence of ``text`` that holds ``span`` (where a figure of the point would be)."""
    a, b = span
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, a):
        start = m.end()
    m = _SENTENCE_END.search(text, b)
    return text[start:m.start() if m else len(text)]


# A strong clause of the answer with this share of its words in one sentence of the card's
# own texts is the card's statement, not the learner's invention.
VOUCH_SHARE = 0.8


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
    found_figures = tuple(f for texts in phrasings.values() for text in texts
                          for f in figures(text))
    return Target(id_, weight, tuple(compiled), essential, found_figures)


class DeckGrader:
    """A deck's cards compiled for grading, each once, for as long as this object lives.

    What the app and the headless commands grade with (``quiz.services.Services`` builds one
    per deck): the compiled matchers belong to the deck's owner and go with it, rather than
    to a module-wide cache that outlives decks. A card is known by its id; an edited card
    (another object under the same id) or another active lexicon is compiled again."""

    def __init__(self, policy: Policy = SHIPPED, model: VerdictModel | None = SHIPPED_MODEL):
        self.policy = policy
        self.model = resolve(model)
        self._matchers: dict[str, CardMatcher] = {}

    def __len__(self) -> int:
        return len(self._matchers)

    def matcher(self, card: Card) -> CardMatcher:
        cm = self._matchers.get(card.id)
        if cm is None or cm.card is not card or cm.lexicon is not concepts.active():
            cm = self._matchers[card.id] = CardMatcher(card)
        return cm

    def grade(self, card: Card, answer: str, lang: str | None = None) -> Grade:
        """Grade a free-text answer to ``card``; ``lang`` None: detected from the answer."""
        return _grade_with(self.matcher(card), answer, lang, self.policy, self.model)


# For grade(): scripts, benchmarks and tests that grade without a deck's DeckGrader.
# Cards by object identity (cards hold dicts, so they are not hashable); the card is kept
# in the value so its id cannot be reused while the entry lives.
_CACHE: dict[int, CardMatcher] = {}
_CACHE_MAX = 1024


def card_matcher(card: Card) -> CardMatcher:
    cm = _CACHE.get(id(card))
    if cm is None or cm.card is not card or cm.lexicon is not concepts.active():
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        cm = _CACHE[id(card)] = CardMatcher(card)
    return cm


def grade(card: Card, answer: str, lang: str | None = None, policy: Policy = SHIPPED,
          model: VerdictModel | None = SHIPPED_MODEL) -> Grade:
    """Grade a free-text answer to ``card``; ``lang`` None means detect it from the answer.

    ``model`` None decides by the threshold rule alone (policy.decide_evidence). The app
    grades through its deck's :class:`DeckGrader` instead."""
    return _grade_with(card_matcher(card), answer, lang, policy, resolve(model))


def _grade_with(cm: CardMatcher, answer: str, lang: str | None, policy: Policy,
                model: VerdictModel | None,
                record: Callable[[tuple[Evidence, Extras]], None] | None = None) -> Grade:
    if not isinstance(answer, str) or not answer.strip():
        raise EmptyAnswer()
    lang = lang or detect_lang(answer)
    feedback = cm.feedback_in.get(lang)
    if feedback is None:
        feedback = cm.feedback_in[lang] = {mid: pick(fb, lang) for mid, fb in cm.feedback.items()}
    labels = cm.labels.get(lang) or cm.labels["en"]
    return evaluate(cm.matcher, answer, lang, labels, feedback, policy, vouched=cm.vouched,
                    model=model, texts=cm.texts, record=record)


def grade_evidence(card: Card, answer: str, lang: str | None = None,
                   policy: Policy = SHIPPED) -> tuple[Evidence, Extras]:
    """What the verdict of ``grade`` rests on (benchmarks/calibrate.py fits the model on it)."""
    seen: list[tuple[Evidence, Extras]] = []
    _grade_with(card_matcher(card), answer, lang, policy, None, record=seen.append)
    return seen[0]


def evaluate(
    matcher: Matcher,
    answer: str,
    lang: str,
    labels: dict[str, str],
    misconception_feedback: dict[str, str],
    policy: Policy = SHIPPED,
    seg: Segmented | None = None,
    vouched: Callable[[str], bool] | None = None,
    model: VerdictModel | None = None,
    texts: ModelTexts | None = None,
    record: Callable[[tuple[Evidence, Extras]], None] | None = None,
) -> Grade:
    """Score ``answer`` against compiled targets (shared by grade and grade_reference).

    ``vouched(text)``: whether the card itself states a strong clause of the answer (its
    model answer or a correction says so), which then needs no checking. ``model`` (with the
    card's ModelTexts, ``texts``) decides the verdict instead of the threshold
    rule; ``record`` receives the evidence it would read."""
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
    wrong_figures: list[str] = []
    weakest = 100.0
    scores: list[float] = []  # each point's, 0 when negated (the verdict model reads them)
    explained: list[tuple[int, int]] = []
    for t, pair in zip(matcher.points, matches, strict=True):
        w = t.weight
        total += w
        if t.essential:
            n_ess += 1
        if pair is NO_PAIR:  # most points of most answers: nothing matched
            points.append(PointResult(t.id, False, 0.0, None, None, None, False))
            scores.append(0.0)
            if t.essential:
                weakest = 0.0
            continue
        same, opp = pair
        score = same.score
        at = ess_found_at if t.essential else found_at
        negated = opp.score >= policy.negated_at and opp.score > score
        found = score >= at and not negated
        if found and same.span and t.figures:
            # the point's statement with another figure ("10x" for "about 4x") is false
            bad = wrong_figure(t.figures, _sentence_around(answer, same.span))
            if bad:
                found, negated = False, True
                wrong_figures.append(bad)
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
        scores.append(0.0 if negated else score)
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
    former: list[tuple[int, int]] | None = None
    for t, (same, _) in zip(matcher.misconceptions, misc, strict=True):
        if same.score >= policy.misconception_hit and same.phrasing is not None:
            if same.span:
                if former is None:
                    former = [m.span() for m in FORMER_NAME.finditer(answer)]
                if any(a < same.span[1] and same.span[0] < b for a, b in former):
                    continue  # "litert-torch (formerly ai-edge-torch)" names the old tool as old
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
    repeated = repetition_share(seg) >= 0.5
    strong: list = []
    evidence = Evidence(
        coverage=credit / total if total else 0.0,
        touched=touched / total if total else 0.0,
        essential_total=n_ess,
        essential_found=n_ess_found,
        essential_weakest=weakest if n_ess else 100.0,
        misconceptions=len(hits),
        misconception_near=misconception_near,
        contradicted=contradicted,
        strong_claims=0,
        keyword_list=keyword_list,
        repetition=repeated,
    )
    score, verdict, unsure_why = decide_evidence(evidence, policy)
    wants_extras = texts is not None and (model is not None or record is not None)
    if (verdict == "correct" and policy.strong_claim_unsure) or wants_extras:
        # the rule searches only an answer that would be correct for unchecked strong
        # claims; the model reads their share on every answer
        # the markers of the whole text: the model counts them too
        whole_markers = marker_spans(seg.folded.text)
        strong = unexplained_strong(seg, explained, whole_markers)
        if strong and vouched is not None:
            strong = [c for c in strong
                      if not vouched(answer[slice(*seg.folded.span(c.start, c.end))])]
        if strong:
            evidence = evidence._replace(strong_claims=len(strong))
            score, verdict, unsure_why = decide_evidence(evidence, policy)
    list_false = _list_false_items(answer, texts) if keyword_list and wants_extras else 0
    ruled = ruled_verdict(evidence, list_false) if wants_extras and record is None else None
    if ruled:
        # the rubric's rules settle it whatever the model says: its inputs, most of a
        # grade's cost, are not computed
        verdict, unsure_why = ruled, ()
    elif wants_extras:
        # the essential points' scores; a card that marks none: every point's
        sentences = [p for s in _SENTENCE_END.split(answer) if s.strip()
                     and (p := default_process(s)) and _says_something(p)]
        essential_scores = ([s for t, s in zip(matcher.points, scores, strict=True)
                             if t.essential] if n_ess else scores)
        extras = Extras(
            essential_all=(n_ess_found == n_ess if n_ess
                           else evidence.coverage >= policy.correct),
            essential_min=min(essential_scores, default=100.0),
            essential_mean=(sum(essential_scores) / len(essential_scores)
                            if essential_scores else 100.0),
            # the whole answer against the model answers
            model_similarity=_best_sentence([default_process(answer)], texts.answers,
                                            fuzz.token_set_ratio),
            length=len(answer),
            chinese=lang == "zh",
            sentences=len(sentences),
            negation_cues=sum(seg.clause_cues),
            markers=len(whole_markers),  # wants_extras: found above
            true_similarity=_best_sentence(sentences, texts.true, fuzz.token_set_ratio),
            misconception_similarity=_best_sentence(sentences, texts.misconceptions,
                                                    fuzz.partial_ratio),
            list_false_items=list_false,
        )
        if record is not None:
            record((evidence, extras))
        if model is not None:
            # the rule's verdict is one of the model's inputs; the score stays the rule's
            verdict, _probs, unsure_why = model.decide(evidence, extras, verdict)
    flags: list[str] = []
    if contradicted:
        flags.append("negated-point")
    if wrong_figures:
        flags.append("wrong-figure")
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
    if strong and verdict in ("unsure", "wrong") and "unchecked-claim" not in flags:
        flags.append("unchecked-claim")  # the feedback quotes it: the learner checks it
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
                         policy.point_partial, tuple(wrong_figures)),
        flags=fl,
    )
