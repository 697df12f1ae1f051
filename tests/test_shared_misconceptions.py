"""`shared: true` on a misconception: a statement false whatever the question, checked on
every card of the deck (quiz/deck/loader.py share_misconceptions)."""

from __future__ import annotations

import textwrap

import yaml

from quiz.deck.loader import load_deck
from quiz.grading import grade

DECK = """\
title: {zh: 测试, en: Test}
languages: [zh, en]
cards:
  - id: formats
    question: {zh: 能加载什么格式？, en: "What formats does it load?"}
    answer: {zh: 只能加载 TorchScript 的 .ptl。, en: Only TorchScript saved as a .ptl.}
    key_points:
      - id: ptl
        essential: true
        zh: [只能加载 TorchScript]
        en: [only TorchScript]
    misconceptions:
      - id: et-android-only
        shared: true
        zh: [ExecuTorch 只能跑在 Android 上]
        en: [ExecuTorch only runs on Android]
        feedback: {zh: ExecuTorch 也支持 iOS。, en: ExecuTorch runs on iOS too.}
  - id: migrate
    question: {zh: 怎么迁移到 ExecuTorch？, en: "How do you migrate to ExecuTorch?"}
    answer: {zh: 用 torch.export 重新导出成 .pte。, en: Re-export with torch.export to a .pte.}
    key_points:
      - id: reexport
        essential: true
        zh: [用 torch.export 重新导出]
        en: [re-export with torch.export]
    misconceptions:
      - id: convert-ptl
        zh: [把 ptl 直接转成 pte]
        en: [convert the ptl to a pte]
        feedback: {zh: 要从源模型重新导出。, en: Re-export from the source model.}
"""


def deck(tmp_path, text=DECK):
    p = tmp_path / "deck.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_deck(p)


def test_a_shared_misconception_is_checked_on_the_other_cards(tmp_path):
    d = deck(tmp_path)
    migrate = d.card("migrate")
    assert [m.id for m in migrate.shared_misconceptions] == ["et-android-only"]
    assert d.card("formats").shared_misconceptions == ()  # not twice on its own card
    g = grade(migrate, "Re-export with torch.export to a .pte, but ExecuTorch only runs on "
                       "Android.", model=None)
    assert [m.id for m in g.misconceptions] == ["et-android-only"]
    assert g.verdict == "wrong"
    assert "iOS too" in g.feedback


def test_a_cards_own_misconception_of_that_id_wins(tmp_path):
    text = DECK.replace("      - id: convert-ptl", "      - id: et-android-only")
    d = deck(tmp_path, text)
    assert d.card("migrate").shared_misconceptions == ()


def test_shared_must_be_a_boolean_and_is_not_copied_into_other_cards(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "deck.yaml").write_text(textwrap.dedent(DECK).replace("shared: true",
                                                                 "shared: often"),
                                   encoding="utf-8")
    import pytest

    from quiz.deck.errors import DeckError

    with pytest.raises(DeckError) as exc:
        load_deck(bad / "deck.yaml")
    assert any("shared" in str(p) and "true or false" in str(p) for p in exc.value.problems)
    out = deck(tmp_path).to_dict()
    migrate = next(c for c in out["cards"] if c["id"] == "migrate")
    assert [m["id"] for m in migrate["misconceptions"]] == ["convert-ptl"]
    formats = next(c for c in out["cards"] if c["id"] == "formats")
    assert formats["misconceptions"][0]["shared"] is True
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(out, allow_unicode=True), encoding="utf-8")
    assert load_deck(again).card("migrate").shared_misconceptions[0].id == "et-android-only"
