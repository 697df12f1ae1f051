"""From a lab's findings to verdicts on the deck's claims (pure; no torch)."""

from __future__ import annotations

from typing import Any


def claim_verdict(deck_verdict: str, held: bool | None) -> str:
    """The verdict on the seed's statement, given whether the lab's finding held.

    Findings state the truth the deck teaches, so a held finding supports a claim the
    deck judged true and refutes one it judged false, partly true or outdated.
    """
    if held is None:
        return "inconclusive"
    if deck_verdict == "true":
        return "supported" if held else "refuted"
    return "refuted" if held else "supported"


def claims_for_run(deck, lab_id: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per deck claim that names this lab, with the finding it rests on."""
    by_id = {f["id"]: f for f in findings}
    out = []
    for card, claim in deck.claims_for_lab(lab_id):
        f = by_id.get(claim.finding) if claim.finding else None
        held = f.get("held") if f else None
        if f is None:
            why = (
                "the claim names no finding"
                if not claim.finding
                else f"the lab reported no finding {claim.finding!r}"
            )
        else:
            why = f.get("summary", "")
        out.append(
            {
                "card": card.id,
                "claim": claim.id,
                "seed": claim.seed,
                "statement": claim.statement,
                "deck_verdict": claim.verdict,
                "finding": claim.finding,
                "held": held,
                "verdict": claim_verdict(claim.verdict, held),
                "evidence": why,
            }
        )
    return out
