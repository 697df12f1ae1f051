"""Quality floor on the labelled dev set: a regression in matching fails CI.

The dev set was written by the same hands as the phrasings, and labelled before the rubric
(docs/grading-rubric.md) existed: under its labels a right answer with one misconception is
`partial`, where the rubric now says `wrong`. It is kept as a regression set, not as the
measure of the grader (that is tests/data/grading_blind/, tests/test_grading_blind.py).
Figures with the calibrated policy (2026-12-02, benchmarks/README.md): accuracy 0.812,
quadratic weighted kappa 0.861, 12 answers unsure, no wrong answer graded correct (before
the rubric: 0.967 / 0.978 / 0).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from quiz.deck.loader import load_deck
from quiz.grading import grade
from quiz.grading.metrics import quadratic_weighted_kappa

DEV = Path(__file__).parent / "data" / "grading_dev.jsonl"
# `unsure` sits between partial and correct for agreement figures: it is a miss either way
ORD = {"wrong": 0, "partial": 1, "unsure": 1, "correct": 2}


@pytest.fixture(scope="module")
def graded():
    deck = load_deck()
    rows = [json.loads(x) for x in DEV.read_text(encoding="utf-8").splitlines() if x.strip()]
    ids = set(deck.ids())
    missing = sorted({r["card"] for r in rows} - ids)
    assert not missing, f"dev set names cards the shipped deck lacks: {missing}"
    return [(r, grade(deck.card(r["card"]), r["answer"], r["lang"])) for r in rows]


def test_dev_set_shape(graded):
    rows = [r for r, _ in graded]
    assert len(rows) >= 150
    assert len({r["card"] for r in rows}) >= 20
    assert {r["lang"] for r in rows} == {"zh", "en"}
    kinds = Counter(r["kind"] for r in rows)
    for kind in ("strong-paraphrase", "typos", "mixed", "seed-error", "negated", "stuffing",
                 "echo", "off-topic"):
        assert kinds[kind] >= 5, kind


def test_dev_set_agreement_floor(graded):
    gold = [ORD[r["label"]] for r, _ in graded]
    pred = [ORD[g.verdict] for _, g in graded]
    acc = sum(a == b for a, b in zip(gold, pred, strict=True)) / len(gold)
    kappa = quadratic_weighted_kappa(gold, pred, 3)
    # Accuracy 0.812 / QWK 0.861 under the threshold rule; under the verdict model fitted on
    # the blind tune split (2026-12-02) about 0.79 / 0.77: the model asks a learner to rate
    # 10 of these short, team-written right answers themselves (`unsure`), which the
    # calibration accepts in exchange for fewer wrong answers taught as right. This set's
    # labels predate the rubric, and the blind set is the measure now
    # (tests/test_grading_blind.py); these floors only catch a collapse.
    assert acc >= 0.75, acc
    assert kappa >= 0.74, kappa


def test_no_wrong_answer_is_graded_correct(graded):
    bad = [r["answer"] for r, g in graded if r["label"] == "wrong" and g.verdict == "correct"]
    assert bad == []


@pytest.mark.parametrize("kind", ["seed-error", "negated", "echo", "off-topic"])
def test_wrong_kinds_are_never_correct(graded, kind):
    assert all(g.verdict != "correct" for r, g in graded if r["kind"] == kind)


def test_every_model_answer_of_the_shipped_deck_grades_correct():
    """A card's own model answer must be `correct` and must not trip its misconceptions.

    This catches misconception phrasings that match the right answer (a deck problem)
    as well as matching regressions (a grader problem); the message names the card.
    """
    deck = load_deck()
    bad = []
    for card in deck.cards:
        for lang, text in card.answer.items():
            g = grade(card, text, lang)
            if g.verdict != "correct" or g.misconceptions:
                bad.append(f"{card.id} [{lang}]: {g.verdict}, misconceptions "
                           f"{[m.id for m in g.misconceptions]}")
    # a few (one in twenty model answers) may lag while the deck is being edited
    n = sum(len(c.answer) for c in deck.cards)
    assert len(bad) <= max(1, n // 20), "\n".join(bad)


@pytest.mark.parametrize("answer", ["不支持多线程", "PyTorch Mobile 不支持多线程。",
                                    "It does not support multithreading.",
                                    "PyTorch Mobile doesn't support multi-threading."])
def test_the_seed_claim_in_the_questions_own_words_is_a_flagged_misconception(answer):
    # The question asks "支持多线程吗？"; the seed answered "不支持": every word is the
    # question's, but the statement is the misconception, not an echo.
    card = load_deck().card("mobile-multithreading")
    g = grade(card, answer)
    assert g.verdict == "wrong"
    assert [m.id for m in g.misconceptions] == ["single-thread-default"]
    assert "question-echo" not in g.flags


def test_a_double_negation_of_the_seed_claim_is_not_flagged():
    card = load_deck().card("mobile-multithreading")
    g = grade(card, "并不是不支持多线程：默认就用多个线程做算子内并行，"
                    "可以用 torch.set_num_threads 设置线程数")
    # not flagged as the seed's claim; the verdict model, which reads how close the answer
    # is to the seed's false statement, may ask the learner to compare (`unsure`)
    assert not g.misconceptions and g.verdict in ("correct", "unsure")
