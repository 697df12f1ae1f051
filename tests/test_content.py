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
    from quiz.labs_service import lab_catalogue as _lab_catalogue

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


# --- What the deck teaches about 2026 tooling (issue 13) -----------------------------------
# These read what a card *teaches*: model answers, key-point phrasings, corrections and the
# statements of true claims. Misconception phrasings and the statements of false claims state
# errors on purpose, so they are left out.
import re  # noqa: E402


def _taught_texts(card):
    """(where, text) pairs for everything the card presents as true."""
    for lang, text in card.answer.items():
        for n, line in enumerate(text.splitlines(), 1):
            yield f"{card.id}.answer.{lang}:{n}", line
    for kp in card.key_points:
        for lang, phrases in kp.phrasings.items():
            for p in phrases:
                yield f"{card.id}.key_points.{kp.id}.{lang}", p
    for cl in card.claims:
        if cl.verdict == "true":
            yield f"{card.id}.claims.{cl.id}.statement", cl.statement
        for lang, text in (cl.correction or {}).items():
            yield f"{card.id}.claims.{cl.id}.correction.{lang}", text


_AI_EDGE = re.compile(r"ai[_-]edge[_-]torch|AI Edge Torch", re.IGNORECASE)
_LITERT_TORCH = re.compile(r"litert[_-]torch|LiteRT Torch", re.IGNORECASE)
_RENAMED = re.compile(r"renam|改名|deprecat|弃用", re.IGNORECASE)


def test_no_card_teaches_ai_edge_torch_as_the_current_converter():
    # AI Edge Torch became LiteRT Torch in January 2026 and ai-edge-torch 0.7.2 is an empty,
    # deprecated package: a line may name the old converter only next to the new name or the rename.
    deck = load_deck()
    bad = [
        where
        for c in deck.cards
        for where, text in _taught_texts(c)
        if _AI_EDGE.search(text) and not (_LITERT_TORCH.search(text) or _RENAMED.search(text))
    ]
    assert bad == [], bad
    # The converter cards teach the current call.
    for cid in ("litert-torch-convert", "litert-dynamic-shapes"):
        card = next(c for c in deck.cards if c.id == cid)
        assert "litert_torch.convert" in card.answer["en"], cid


_MPS = re.compile(r"(?<![A-Za-z])MPS(?![A-Za-z])")
_MPS_DEPRECATED = re.compile(r"deprecat|弃用|no longer|没有", re.IGNORECASE)


def test_no_card_lists_mps_without_saying_it_is_deprecated():
    # ExecuTorch's MPS backend is deprecated since 1.2 and absent from the 1.5.1 wheel.
    deck = load_deck()
    bad = [
        where
        for c in deck.cards
        for where, text in _taught_texts(c)
        if _MPS.search(text) and not _MPS_DEPRECATED.search(text)
    ]
    assert bad == [], bad


_XNNPACK_BUILD = {"en": "needs a torch build with XNNPACK", "zh": "需要带 XNNPACK 的 torch 构建"}


def test_every_answer_recommending_optimize_for_mobile_says_it_needs_xnnpack():
    # Official torch wheels are built with USE_XNNPACK=OFF from 2.13, where optimize_for_mobile
    # fails with an INTERNAL ASSERT; an answer that recommends it must say so.
    deck = load_deck()
    mentioning = 0
    for c in deck.cards:
        for lang, text in c.answer.items():
            if "optimize_for_mobile" in text:
                mentioning += 1
                assert _XNNPACK_BUILD[lang] in text, (c.id, lang)
        for cl in c.claims:
            for lang, text in (cl.correction or {}).items():
                if "optimize_for_mobile" in text:
                    assert "XNNPACK" in text, (c.id, cl.id, lang)
    assert mentioning >= 12  # the six seed cards of the audit (zh and en) at least


NEW_2026_CARDS = (
    "litert-compiled-model", "litert-torch-convert", "ort-quantization",
    "ort-plugin-execution-providers", "on-device-llm-runtimes", "torch-export-in-practice",
    "executorch-backends-2026", "apple-coreml-paths", "pytorch-mobile-stock-wheels",
    "android-nnapi-deprecation", "ota-model-delivery",
)


def test_new_interview_cards_follow_the_rubric():
    # The eleven cards of 04-interviews-2026.yaml: 3-6 key points, 1-4 of them essential (one
    # per thing the question asks for by name, docs/grading-rubric.md) and never all, 3-6
    # short phrasings per language, misconceptions with 2-5 phrasings, every claim sourced, and
    # at least one claim that names a common wrong belief as false or outdated.
    deck = load_deck()
    cards = {c.id: c for c in deck.cards}
    for cid in NEW_2026_CARDS:
        c = cards[cid]
        assert not c.seed, cid
        assert 3 <= len(c.key_points) <= 6, cid
        assert 1 <= sum(k.essential for k in c.key_points) <= min(4, len(c.key_points) - 1), cid
        for k in c.key_points:
            assert all(3 <= len(k.phrasings[lang]) <= 6 for lang in ("zh", "en")), (cid, k.id)
        for m in c.misconceptions:
            assert all(2 <= len(m.phrasings[lang]) <= 5 for lang in ("zh", "en")), (cid, m.id)
        assert c.claims and all(cl.sources for cl in c.claims), cid
        assert {cl.verdict for cl in c.claims} - {"true"}, cid
