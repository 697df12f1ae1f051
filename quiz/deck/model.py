"""The card model: plain frozen dataclasses, the shape every other layer relies on.

Text fields that exist in several languages are ``dict[str, str]`` keyed by language code
("zh", "en"); phrasings are ``dict[str, tuple[str, ...]]``. ``to_dict`` gives back exactly
the YAML form, so ``quiz cards --json`` and a round trip through YAML agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quiz.vocab import ClaimVerdict, values

LANGS = ("zh", "en")
VERDICTS = values(ClaimVerdict)

Text = dict[str, str]
Phrasings = dict[str, tuple[str, ...]]


def pick(text: Text, lang: str | None) -> str:
    """The text in ``lang``, falling back to the other language rather than nothing."""
    if lang and text.get(lang):
        return text[lang]
    for code in (*LANGS, *text.keys()):
        if text.get(code):
            return text[code]
    return ""


@dataclass(frozen=True)
class KeyPoint:
    id: str
    weight: float
    phrasings: Phrasings
    # An essential point must be made for the answer to be `correct` (docs/grading-rubric.md);
    # the others only raise the score.
    essential: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "weight": self.weight}
        if self.essential:
            out["essential"] = True
        out.update({k: list(v) for k, v in self.phrasings.items()})
        return out


@dataclass(frozen=True)
class Misconception:
    id: str
    phrasings: Phrasings
    feedback: Text
    # false on every card, not only on this one's question: answers to the deck's other
    # cards are checked against it too (loader.share_misconceptions)
    shared: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            **{k: list(v) for k, v in self.phrasings.items()},
            "feedback": dict(self.feedback),
        }
        if self.shared:
            out["shared"] = True
        return out


@dataclass(frozen=True)
class Claim:
    """Something the seed said, checked: its verdict, the correction and what settles it."""

    id: str
    seed: int | None
    statement: str
    verdict: str
    correction: Text
    sources: tuple[str, ...]
    lab: str | None = None
    # Which finding of the lab settles this claim (a finding id in the lab's catalogue).
    finding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "seed": self.seed,
            "statement": self.statement,
            "verdict": self.verdict,
        }
        if self.correction:  # a true claim may have none; `{}` would not load back
            out["correction"] = dict(self.correction)
        out["sources"] = list(self.sources)
        if self.lab is not None:
            out["lab"] = self.lab
        if self.finding is not None:
            out["finding"] = self.finding
        return out


@dataclass(frozen=True)
class Card:
    id: str
    seed: tuple[int, ...]
    question: Text
    answer: Text
    key_points: tuple[KeyPoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    claims: tuple[Claim, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: int = 2
    # Where the card was read from, for messages; not part of the YAML model.
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    # Other cards' misconceptions marked `shared`, filled in by the loader; not part of
    # this card's YAML (to_dict leaves them out).
    shared_misconceptions: tuple[Misconception, ...] = field(default=(), compare=False)

    @property
    def checked_misconceptions(self) -> tuple[Misconception, ...]:
        """What an answer to this card is checked against: its own misconceptions, then
        the deck's shared ones."""
        return (*self.misconceptions, *self.shared_misconceptions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seed": list(self.seed),
            "question": dict(self.question),
            "answer": dict(self.answer),
            "key_points": [k.to_dict() for k in self.key_points],
            "misconceptions": [m.to_dict() for m in self.misconceptions],
            "claims": [c.to_dict() for c in self.claims],
            "tags": list(self.tags),
            "difficulty": self.difficulty,
        }


@dataclass(frozen=True)
class Deck:
    title: Text
    languages: tuple[str, ...]
    cards: tuple[Card, ...]
    path: str = ""

    def card(self, card_id: str) -> Card:
        """The card with this id; KeyError names close ids so a typo is easy to fix."""
        for c in self.cards:
            if c.id == card_id:
                return c
        raise KeyError(card_id)

    def ids(self) -> list[str]:
        return [c.id for c in self.cards]

    def claims_for_lab(self, lab_id: str) -> list[tuple[Card, Claim]]:
        return [(c, cl) for c in self.cards for cl in c.claims if cl.lab == lab_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": dict(self.title),
            "languages": list(self.languages),
            "cards": [c.to_dict() for c in self.cards],
        }
