"""benchmarks/loo_deck.sources: which tune answer a phrasing is held out from.

A phrasing already in the deck when a batch of tune answers arrived was written before
anyone read that batch: it must never be held out from (sourced to) an answer of that batch,
or the held-out figures would punish the deck for answers it never saw.
"""

from __future__ import annotations


class _NoCards:
    cards: tuple = ()


def test_a_phrasing_is_sourced_only_to_answers_that_came_before_it(benchmark):
    from quiz.deck.loader import load_deck

    sources = benchmark("loo_deck").sources
    deck = load_deck()
    card = deck.card("mobile-multithreading")
    phrasing = card.key_points[0].phrasings["en"][0]
    rows = [
        {"id": "early", "card": card.id, "answer": phrasing, "writer": "writer-A"},
        {"id": "late", "card": card.id, "answer": phrasing, "writer": "writer-Z"},
    ]
    # against an empty base every phrasing is new; both answers are its likeliest source
    assert phrasing in sources(rows, deck, _NoCards())["early"]
    assert phrasing in sources(rows, deck, _NoCards())["late"]
    # writer-Z's batch arrived when the deck already held it: only writer-A's can source it
    src = sources(rows, deck, _NoCards(), [(deck, frozenset({"writer-Z"}))])
    assert phrasing in src["early"]
    assert phrasing not in src.get("late", set())
