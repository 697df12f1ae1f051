"""The markdown importer and the near-duplicate finder, on the real seed document."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quiz.deck.dedup import Item, candidate_pairs, exact_pairs, find_groups, normalise
from quiz.deck.errors import DeckError
from quiz.deck.importer import draft_deck, entry_items
from quiz.deck.markdown import parse_markdown, read_markdown

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_f06bdbd81b4a11e4.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="the shared seed document is not here")


@needs_seed
def test_seed_parses_into_thirty_questions():
    entries = read_markdown(SEED)
    assert [e.number for e in entries] == list(range(1, 31))
    three = entries[2]
    assert three.title == "PyTorch Mobile支持哪些模型格式？"
    assert "Caffe2" in three.answer and "ONNX" in three.explanation
    assert three.line == 26


@needs_seed
def test_seed_groups_match_the_known_duplicates():
    groups = find_groups(entry_items(read_markdown(SEED)))
    dups = {tuple(g.members) for g in groups if g.kind == "duplicate"}
    near = {tuple(g.members) for g in groups if g.kind == "near"}
    assert dups == {(6, 18), (10, 29), (24, 30)}
    assert (22, 27) in near  # same answer, different title: a person decides
    assert all(g.score >= 85 for g in groups)


@needs_seed
def test_draft_deck_merges_duplicates_and_lists_every_seed_number():
    entries = read_markdown(SEED)
    result = draft_deck(entries, "seed")
    cards = result.deck["cards"]
    assert len(cards) == 27
    numbers = sorted(n for c in cards for n in c["seed"])
    assert numbers == list(range(1, 31))
    merged = {c["id"]: c["seed"] for c in cards if len(c["seed"]) > 1}
    assert merged == {"seed-06": [6, 18], "seed-10": [10, 29], "seed-24": [24, 30]}
    assert [tuple(g.members) for g in result.to_review][0] == (22, 27)


def test_markdown_without_questions_is_an_error(tmp_path):
    p = tmp_path / "notes.md"
    p.write_text("# Just notes\n\nNo questions here.\n", encoding="utf-8")
    with pytest.raises(DeckError, match="no questions found"):
        read_markdown(p)


def test_question_without_answer_names_its_line():
    text = "#### 1. A\n**题目：** q\n**答案：** a\n\n#### 2. B\n**题目：** only a question\n"
    with pytest.raises(DeckError) as exc:
        parse_markdown(text, "x.md")
    assert str(exc.value.problems[0]) == "x.md:5: question 2: has no '**答案：**' (answer) section"


def test_normalise_ignores_case_width_space_and_punctuation():
    assert normalise("PyTorch  Mobile，支持ＯＮＮＸ吗？") == normalise("pytorch mobile支持onnx吗")


def test_distinct_questions_are_not_grouped():
    items = [
        Item(1, "什么是量化？", "把权重从 fp32 降到 int8，体积约小 4 倍。"),
        Item(2, "如何设置线程数？", "调用 torch.set_num_threads 控制算子内并行。"),
    ]
    assert find_groups(items) == []


def _corpus(n: int, rng: random.Random) -> list[str]:
    words = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choices(words, k=40)) for _ in range(n)]
    for k in range(0, n, 10):  # every tenth text gets an edited copy
        t = list(texts[k])
        t[rng.randrange(len(t))] = "x"
        texts.append("".join(t))
    return texts


def test_lsh_candidates_find_every_pair_that_exact_scoring_finds():
    texts = _corpus(300, random.Random(7))
    exact = exact_pairs(texts, 90)
    assert len(exact) >= 30  # the planted copies
    assert exact <= candidate_pairs(texts)


def test_large_input_takes_the_lsh_path_with_the_same_groups():
    rng = random.Random(3)
    texts = _corpus(600, rng)  # above the exact-scoring limit
    items = [Item(i, f"q{i}", t) for i, t in enumerate(texts)]
    groups = find_groups(items, threshold=90)
    found = {frozenset(g.members) for g in groups}
    expected = {frozenset(p) for p in exact_pairs(texts, 90)}
    assert expected and expected <= found
