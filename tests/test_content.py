"""The shipped deck: every seed question covered once, every correction bilingual and sourced."""

from __future__ import annotations

from quiz.deck.lint import lint_deck
from quiz.deck.loader import load_deck


def test_every_seed_question_is_covered_exactly_once():
    deck = load_deck()
    numbers = sorted(n for c in deck.cards for n in c.seed)
    assert numbers == list(range(1, 31))


def test_known_duplicates_are_merged():
    deck = load_deck()
    seeds = {c.seed for c in deck.cards}
    for group in ((6, 18), (10, 29), (24, 30)):
        assert any(set(group) <= set(s) for s in seeds), group


def test_every_non_true_claim_has_a_bilingual_correction_and_a_source():
    deck = load_deck()
    claims = [cl for c in deck.cards for cl in c.claims]
    assert len(claims) >= 60
    for cl in claims:
        if cl.verdict != "true":
            assert cl.correction.get("zh") and cl.correction.get("en"), cl.id
            assert cl.sources and all(s.startswith(("http://", "https://")) for s in cl.sources)


def test_cards_are_bilingual_and_complete():
    deck = load_deck()
    assert deck.languages == ("zh", "en")
    for c in deck.cards:
        assert c.question["zh"] and c.question["en"] and c.answer["zh"] and c.answer["en"]
        assert len(c.key_points) >= 3, c.id
        assert all(k.phrasings.get("zh") and k.phrasings.get("en") for k in c.key_points), c.id
        assert c.misconceptions, c.id
        assert c.tags, c.id


def test_at_least_ten_modern_cards():
    deck = load_deck()
    assert sum(1 for c in deck.cards if not c.seed) >= 10


def test_seed_errors_are_named_as_errors():
    deck = load_deck()
    verdicts = {cl.verdict for c in deck.cards for cl in c.claims if cl.seed}
    assert {"false", "partly", "outdated"} <= verdicts
    # The seed's best-known errors must be judged false, not softened.
    by_seed: dict[int, set[str]] = {}
    for c in deck.cards:
        for cl in c.claims:
            if cl.seed:
                by_seed.setdefault(cl.seed, set()).add(cl.verdict)
    for n in (3, 6, 10):  # ONNX/Caffe2 as formats; no multithreading; no dynamic batch
        assert "false" in by_seed[n], n


def test_lab_references_resolve():
    from quiz.deck.lint import _lab_catalogue

    deck = load_deck()
    catalogue = _lab_catalogue()
    assert catalogue is not None, "the labs package must declare its labs"
    assert lint_deck(deck, catalogue) == []
    linked = [cl for c in deck.cards for cl in c.claims if cl.lab]
    assert len(linked) >= 20
    # A lab link without a finding could never settle the claim.
    assert all(cl.finding for cl in linked)
    # Every lab settles at least one claim of the deck.
    assert {cl.lab for cl in linked} == set(catalogue)
