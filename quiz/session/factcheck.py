"""From a lab run's findings to verdicts on the deck's claims (pure: no labs, no torch).

A lab states each finding as the truth the deck teaches, so a held finding supports a
seed claim the deck judged true and refutes one it judged false, partly true or outdated.
``claim_verdicts`` makes that join for one run; ``outcome`` then says it in the card's
terms (a partly true claim whose correction held stays "partly").

This module takes findings by shape (``id``, ``held``, ``summary``), not by type, so the
session layer never imports ``labs`` (an import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from quiz.vocab import LabVerdict, values

if TYPE_CHECKING:
    from quiz.deck.model import Deck

# A run's verdict on the seed's statement.
LAB_VERDICTS = values(LabVerdict)


class FindingLike(Protocol):
    id: str
    held: bool | None
    summary: str


@dataclass(frozen=True)
class ClaimVerdict:
    """What one run says about one claim of one card, with the finding it rests on."""

    card: str
    claim: str
    seed: int | None
    statement: str
    deck_verdict: str
    finding: str | None
    held: bool | None
    verdict: str  # one of LAB_VERDICTS
    evidence: str  # the finding's summary, or why there is none

    def to_json(self) -> dict[str, Any]:
        """The entry of a run record's ``claims`` list (the format saved runs have)."""
        return {
            "card": self.card,
            "claim": self.claim,
            "seed": self.seed,
            "statement": self.statement,
            "deck_verdict": self.deck_verdict,
            "finding": self.finding,
            "held": self.held,
            "verdict": self.verdict,
            "evidence": self.evidence,
        }


def claim_verdict(deck_verdict: str, held: bool | None) -> str:
    """The verdict on the seed's statement, given whether the lab's finding held."""
    if held is None:
        return "inconclusive"
    if deck_verdict == "true":
        return "supported" if held else "refuted"
    return "refuted" if held else "supported"


def claim_verdicts(deck: Deck, lab_id: str,
                   findings: Iterable[FindingLike]) -> list[ClaimVerdict]:
    """One verdict per deck claim that names this lab."""
    by_id = {f.id: f for f in findings}
    out = []
    for card, claim in deck.claims_for_lab(lab_id):
        f = by_id.get(claim.finding) if claim.finding else None
        held = f.held if f else None
        if f is None:
            why = (
                "the claim names no finding"
                if not claim.finding
                else f"the lab reported no finding {claim.finding!r}"
            )
        else:
            why = f.summary
        out.append(ClaimVerdict(
            card=card.id, claim=claim.id, seed=claim.seed, statement=claim.statement,
            deck_verdict=claim.verdict, finding=claim.finding, held=held,
            verdict=claim_verdict(claim.verdict, held), evidence=why,
        ))
    return out


# -- a claim's outcome in the card's terms ------------------------------------------------
# What a run says about a seed statement, in words that cannot be misread. The runner's
# verdict is about the seed's statement ("refuted" = the seed was wrong), and it files a
# partly true or outdated statement under "refuted" when the deck's correction held; here
# such a statement keeps the card's own verdict, with the lab confirming the correction.
OUTCOMES = ("supported", "refuted", "partly", "outdated", "contradicted", "inconclusive")
OUTCOME_TEXT = {
    "en": {"supported": "seed claim supported", "refuted": "seed claim refuted",
           "partly": "seed claim partly true (the correction holds)",
           "outdated": "seed claim outdated (the correction holds)",
           "contradicted": "the deck's correction did not hold",
           "inconclusive": "inconclusive"},
    "zh": {"supported": "原说法得到支持", "refuted": "原说法被推翻",
           "partly": "原说法部分正确（更正成立）", "outdated": "原说法已过时（更正成立）",
           "contradicted": "题库的更正未得到证实", "inconclusive": "无定论"},
}


def outcome(deck_verdict: str | None, held: bool | None, verdict: str | None = None) -> str:
    """The outcome key for a claim the deck judged ``deck_verdict`` whose finding ``held``.

    Without ``held`` (an older run), the runner's ``verdict`` is read with the deck's."""
    if held is None and verdict in ("supported", "refuted") and deck_verdict:
        # runner: true -> supported iff held; otherwise refuted iff held
        held = (verdict == "supported") == (deck_verdict == "true")
    if held is None:
        return "inconclusive"
    if deck_verdict == "true":
        return "supported" if held else "refuted"
    if deck_verdict in ("partly", "outdated"):
        return deck_verdict if held else "contradicted"
    return "refuted" if held else "supported"  # false (or unknown): the finding is the truth


def claim_entry(run: dict[str, Any] | None, card_id: str, claim_id: str) -> dict | None:
    """The ``claims`` entry of a run record for one claim of a card, or None."""
    for c in (run or {}).get("claims") or ():
        if c.get("card") == card_id and c.get("claim") == claim_id:
            return c
    return None


def claim_outcome(run: dict[str, Any] | None, card_id: str, claim_id: str,
                  deck_verdict: str | None = None) -> str | None:
    """The outcome of one card claim in ``run`` (None when the run did not check it).

    ``deck_verdict`` is the card's verdict now (the run's copy may predate an edit)."""
    entry = claim_entry(run, card_id, claim_id)
    if entry is None:
        return None
    return outcome(deck_verdict or entry.get("deck_verdict"), entry.get("held"),
                   entry.get("verdict"))


def outcome_text(key: str, lang: str) -> str:
    return OUTCOME_TEXT.get(lang, OUTCOME_TEXT["en"]).get(key, key)
