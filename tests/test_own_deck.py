"""Your own deck on day one: a markdown file imported leniently, duplicates merged on
question and answer, each text's language detected, and cards without key points graded
against their model answer (B4, B5, F10 of the 2026-12 newcomer review)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.deck.importer import draft_deck
from quiz.deck.lint import lint_warnings
from quiz.deck.loader import load_deck
from quiz.deck.markdown import parse_document
from quiz.grading.normalize import detect_lang
from quiz.session.grader import REFERENCE_FLAG, grade_card

ROOT = Path(__file__).resolve().parents[1]

NOTES = """\
# My deployment notes

Some words before the first question.

#### 1. TorchScript trace
**题目：** torch.jit.trace 和 torch.jit.script 有什么区别？
**答案：** trace 通过运行示例输入记录算子，不记录控制流；script 编译 Python 源码，保留 if 和循环。
**解析：** 第一种说法。

#### 2. trace vs script again
**题目：** torch.jit.trace 和 torch.jit.script 有什么区别？
**答案：** trace 通过运行示例输入记录算子，不记录控制流；script 编译 Python 源码，保留 if 和循环。
**解析：** 完全不同的解析文字，写得很长很长，和第一条没有关系，只是为了让整段文字差很多。

#### 3. Missing answer
**题目：** 这个没有答案

#### 4. 量化
**题目：** 动态量化做了什么？
**答案：** 权重以 int8 存储，激活在运行时动态量化，Linear 和 LSTM 层大约小四倍。

#### 4. Twice
**题目：** 同一个编号
**答案：** 第二次用了 4。
"""


def quiz(*args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUIZ_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "quiz.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_malformed_items_are_skipped_and_named_with_their_line():
    doc = parse_document(NOTES, "notes.md")
    assert [e.number for e in doc.entries] == [1, 2, 4]
    assert [str(p) for p in doc.skipped] == [
        "notes.md:15: question 3: has no '**答案：**' (answer) section",
        "notes.md:22: question 4: number used twice (also line 18)",
    ]
    assert doc.title == "My deployment notes"


def test_same_question_and_answer_merge_whatever_the_titles_and_notes_say():
    doc = parse_document(NOTES, "notes.md")
    result = draft_deck(doc.entries, doc.title, detect=detect_lang)
    assert [tuple(g.members) for g in result.merged] == [(1, 2)]
    assert [c["seed"] for c in result.deck["cards"]] == [[1, 2], [4]]
    assert result.deck["title"] == {"zh": "My deployment notes"}


def test_each_text_is_filed_under_its_own_language():
    text = ("#### 1. a\n**Question:** What does dynamic quantization do?\n"
            "**Answer:** It stores weights as int8 and quantizes activations at run time.\n"
            "#### 2. b\n**题目：** 什么是 TorchScript？\n**Question:** What is TorchScript?\n"
            "**答案：** 一种可以脱离 Python 运行的模型表示。\n"
            "**Answer:** A representation of a model that runs without Python.\n")
    doc = parse_document(text, "x.md")
    result = draft_deck(doc.entries, "x", detect=detect_lang)
    one, two = result.deck["cards"]
    assert result.deck["languages"] == ["en"]
    assert set(one["question"]) == {"en"}
    assert two["question"] == {"zh": "什么是 TorchScript？", "en": "What is TorchScript?"}
    assert two["answer"]["en"].startswith("A representation")


def test_an_english_item_in_a_chinese_file_keeps_its_english_and_is_reported():
    text = NOTES + ("\n#### 9. q\n**Question:** What does XNNPACK do?\n"
                    "**Answer:** It runs float and int8 operators fast on Arm and x86 CPUs.\n")
    doc = parse_document(text, "notes.md")
    result = draft_deck(doc.entries, doc.title, detect=detect_lang)
    card = result.deck["cards"][-1]
    assert result.deck["languages"] == ["zh"]
    assert card["question"]["en"] == "What does XNNPACK do?"
    assert result.foreign == [(9, "en", "zh")]


def test_import_md_writes_what_it_can_reports_the_rest_and_fails(tmp_path):
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    r = quiz("import-md", "notes.md", "-o", "d.yaml", home=tmp_path / "h", cwd=tmp_path)
    assert r.returncode == 1
    assert "skipped: notes.md:15: question 3" in r.stderr
    assert "skipped: notes.md:22: question 4" in r.stderr
    assert "merged 1 = 2" in r.stdout
    deck = load_deck(tmp_path / "d.yaml")
    assert deck.title["zh"] == "My deployment notes"
    assert [c.id for c in deck.cards] == ["seed-01", "seed-04"]
    r = quiz("dedup", "notes.md", "--json", home=tmp_path / "h", cwd=tmp_path)
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert [g["members"] for g in out["groups"] if g["kind"] == "duplicate"] == [[1, 2]]
    assert len(out["skipped"]) == 2


@pytest.fixture()
def imported(tmp_path):
    doc = parse_document(NOTES, "notes.md")
    from quiz.deck.writer import dump_yaml

    p = tmp_path / "d.yaml"
    p.write_text(dump_yaml(draft_deck(doc.entries, doc.title, detect=detect_lang).deck),
                 encoding="utf-8")
    return load_deck(p)


def test_a_card_without_key_points_is_graded_against_its_model_answer(imported):
    card = imported.card("seed-01")
    assert not card.key_points
    good = grade_card(card, "trace 运行示例输入来记录算子，不会记录控制流；"
                            "script 会编译 Python 源码，保留 if 和循环。")
    assert good.verdict == "correct"
    assert REFERENCE_FLAG in good.flags
    assert good.feedback.startswith("这张卡片没有要点：按参考答案批改")
    # The 解析 the importer appended is commentary, not something to cover.
    assert all("解析" not in (p.phrasing or "") for p in good.key_points)
    bad = grade_card(card, "两者完全一样，没有任何区别。")
    assert bad.verdict == "wrong"


def test_english_feedback_says_so_too(imported):
    g = grade_card(imported.card("seed-04"), "Weights are stored as int8.", "en")
    assert g.feedback.startswith("This card has no key points: graded against its model answer")


def test_cards_with_key_points_are_graded_as_before():
    deck = load_deck()
    card = deck.cards[0]
    g = grade_card(card, card.answer["en"], "en")
    assert REFERENCE_FLAG not in g.flags and g.key_points[0].id == card.key_points[0].id


def test_lint_warns_about_cards_without_key_points(imported, tmp_path):
    warnings = lint_warnings(imported)
    assert [w.field for w in warnings] == ["seed-01.key_points", "seed-04.key_points"]
    assert lint_warnings(load_deck()) == []
    r = quiz("lint", str(tmp_path / "d.yaml"), home=tmp_path / "h", cwd=tmp_path)
    assert r.returncode == 0
    assert "2 warning(s)" in r.stdout
    assert "seed-01.key_points: none: answers are graded against the model answer" in r.stderr


def test_grade_cli_uses_the_model_answer_for_such_cards(imported, tmp_path):
    r = quiz("grade", "--deck", str(tmp_path / "d.yaml"), "--card", "seed-04", "--json",
             "--answer", "权重用 int8 存储，激活在运行时动态量化，Linear 和 LSTM 层约小四倍。",
             home=tmp_path / "h", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    g = json.loads(r.stdout)
    assert g["verdict"] == "correct" and REFERENCE_FLAG in g["flags"]
