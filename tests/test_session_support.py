"""Shared fixtures for the store/session tests: a small deck and a stand-in grader.

The stand-in grader makes the session tests independent of the real grader's scores: an
answer containing "RIGHT" is correct, "HALF" partial, anything else wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quiz.deck.model import Card, Deck, KeyPoint, Misconception

DECK_YAML = """\
title: {zh: 测试, en: Test deck}
languages: [zh, en]
cards:
"""

CARD_YAML = """\
  - id: {id}
    seed: []
    tags: [{tags}]
    difficulty: 2
    question: {{zh: 问题 {id}, en: Question {id}}}
    answer: {{zh: 答案 {id} 使用 TorchScript, en: Answer {id} uses TorchScript}}
    key_points:
      - id: kp1
        zh: [TorchScript]
        en: [TorchScript]
      - id: kp2
        zh: [量化]
        en: [quantization]
    misconceptions:
      - id: onnx
        zh: [支持 ONNX]
        en: [supports ONNX]
        feedback: {{zh: 不支持 ONNX, en: ONNX is not supported}}
"""


def deck_yaml(ids: list[str], tags: dict[str, str] | None = None) -> str:
    tags = tags or {}
    return DECK_YAML + "".join(CARD_YAML.format(id=i, tags=tags.get(i, "basics")) for i in ids)


def make_card(card_id: str, tags: tuple[str, ...] = ("basics",)) -> Card:
    return Card(
        id=card_id, seed=(), question={"zh": f"问题 {card_id}", "en": f"Question {card_id}"},
        answer={"zh": "答案", "en": "Answer"},
        key_points=(KeyPoint("kp1", 1.0, {"zh": ("TorchScript",), "en": ("TorchScript",)}),
                    KeyPoint("kp2", 1.0, {"zh": ("量化",), "en": ("quantization",)})),
        misconceptions=(Misconception("onnx", {"en": ("supports ONNX",)},
                                      {"zh": "不支持 ONNX", "en": "ONNX is not supported"}),),
        tags=tags)


def make_deck(ids: list[str], tags: dict[str, tuple[str, ...]] | None = None) -> Deck:
    tags = tags or {}
    return Deck(title={"en": "t"}, languages=("zh", "en"),
                cards=tuple(make_card(i, tags.get(i, ("basics",))) for i in ids),
                path="test-deck.yaml")


@dataclass
class FakeGrade:
    score: float
    verdict: str
    found: tuple[str, ...] = ()
    miscon: tuple[str, ...] = ()
    lang: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "verdict": self.verdict, "lang": self.lang,
                "key_points": [{"id": k, "found": k in self.found} for k in ("kp1", "kp2")],
                "misconceptions": [{"id": m, "feedback": "fb " + m} for m in self.miscon],
                "feedback": "", "flags": []}


@dataclass
class FakeGrader:
    """Records every call; grades by marker words in the answer."""

    calls: list[tuple[str, str, str | None]] = field(default_factory=list)

    def __call__(self, card: Card, answer: str, lang: str | None = None) -> FakeGrade:
        self.calls.append((card.id, answer, lang))
        miscon = ("onnx",) if "ONNX" in answer else ()
        if "RIGHT" in answer:
            return FakeGrade(1.0, "correct", ("kp1", "kp2"), miscon, lang)
        if "HALF" in answer:
            return FakeGrade(0.5, "partial", ("kp1",), miscon, lang)
        if "UNSURE" in answer:  # the grader's fourth verdict: borderline, the learner rates
            return FakeGrade(0.55, "unsure", ("kp1",), miscon, lang)
        if "ODDWORD" in answer:  # a verdict this app has never heard of
            return FakeGrade(0.4, "maybe-later", (), miscon, lang)
        return FakeGrade(0.0, "wrong", (), miscon, lang)
