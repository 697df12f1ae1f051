"""Thresholds that turn match scores into found / hit / verdict, and the verdict rule.

The verdict follows docs/grading-rubric.md: `correct` needs every essential key point and
no false claim; a misconception stated, a key point contradicted or a bare list of terms
keeps an answer from `correct`; evidence on a threshold's edge gives `unsure`.

The numbers are fitted on the tune split of the blind set (tests/data/grading_blind/) and
shipped in ``calibration.json`` beside this file (benchmarks/calibrate.py writes it; the
defaults below are the values before any fitting, used when the file is absent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import NamedTuple


@dataclass(frozen=True)
class Policy:
    point_found: float = 70.0  # a key point is found at this match score (0-100)
    point_partial: float = 35.0  # below found, credit rises from 0 here ...
    partial_credit: float = 0.5  # ... up to this share of the point's weight
    misconception_hit: float = 80.0  # a misconception fires at this match score
    correct: float = 0.5  # coverage for `correct` when a card marks no essential point
    partial: float = 0.15  # coverage for `partial`
    misconception_partial: float = 0.3  # (kept for grade_reference's callers)
    keyword_touched: float = 0.2  # a keyword list touching this share of points is `partial`
    keyword_cap: float = 0.6  # a keyword list scores at most this
    touched_at: float = 40.0  # a point is "touched" by a keyword at this match score
    # essential points: found at this score (may differ from point_found) ...
    essential_found: float = 70.0
    # ... and `unsure` rather than `partial` when the weakest essential point scores within
    # this margin below it and nothing else stands in the way of `correct`
    essential_margin: float = 0.0
    # a misconception this far below misconception_hit makes a `correct` answer `unsure`
    misconception_margin: float = 0.0
    # a contradicted key point (its statement with the opposite polarity) at this score
    negated_at: float = 70.0
    # an absolute word or figure in a clause no key point explains: `correct` -> `unsure`
    strong_claim_unsure: bool = False
    # coverage below which an answer with every essential point is still only `partial`
    essential_coverage: float = 0.0


DEFAULT = Policy()
CALIBRATION = Path(__file__).with_name("calibration.json")


def load_policy(path: Path = CALIBRATION) -> Policy:
    """The shipped calibration over the defaults; unknown keys in the file are an error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DEFAULT
    known = {f.name for f in fields(Policy)}
    values = data.get("policy", {})
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"{path}: unknown policy field(s): {', '.join(sorted(unknown))}")
    return replace(DEFAULT, **values)


SHIPPED = load_policy()


class Evidence(NamedTuple):
    """What the verdict rests on (all shares of the card's key-point weight)."""

    coverage: float  # weighted credit of key points
    touched: float  # weighted share of points touched at all (for keyword lists)
    essential_total: int  # essential points on the card
    essential_found: int  # of them found
    essential_weakest: float  # lowest match score among the essential points (100 if none)
    misconceptions: int  # misconception hits
    misconception_near: bool  # a misconception just under the hit threshold
    contradicted: int  # key points stated with the opposite polarity
    strong_claims: int  # unexplained clauses with absolute words or figures
    keyword_list: bool
    repetition: bool


def point_credit(score: float, found: bool, negated: bool, policy: Policy) -> float:
    """Share of a key point's weight an answer earns (found: all; near: some)."""
    if found:
        return 1.0
    if negated or score <= policy.point_partial:
        return 0.0
    span = policy.point_found - policy.point_partial
    return policy.partial_credit * min(1.0, (score - policy.point_partial) / span)


def decide_evidence(e: Evidence, policy: Policy) -> tuple[float, str, tuple[str, ...]]:
    """(score in [0, 1], verdict, reasons for `unsure`) from the evidence, by the rubric."""
    cov = e.coverage
    if e.keyword_list:
        score = min(max(cov, e.touched / 2), policy.keyword_cap)
        if e.misconceptions or e.contradicted:
            return score * 0.5, "wrong", ()
        return score, ("partial" if e.touched >= policy.keyword_touched else "wrong"), ()
    if e.misconceptions or e.contradicted:
        # a serious false claim: wrong even beside right points (the rubric)
        return cov * 0.5 ** (e.misconceptions + e.contradicted), "wrong", ()
    if e.essential_total:
        complete = e.essential_found == e.essential_total and cov >= policy.essential_coverage
    else:
        complete = cov >= policy.correct
    if complete:
        reasons = []
        if e.misconception_near:
            reasons.append("near-misconception")
        if e.strong_claims and policy.strong_claim_unsure:
            reasons.append("unchecked-claim")
        if e.repetition:
            return cov, "partial", ()
        if reasons:
            return cov, "unsure", tuple(reasons)
        return cov, "correct", ()
    if (e.essential_total and e.essential_found == e.essential_total - 1
            and e.essential_weakest >= policy.essential_found - policy.essential_margin
            and not e.repetition):
        return cov, "unsure", ("borderline-point",)
    return cov, ("partial" if cov >= policy.partial else "wrong"), ()


def decide(coverage: float, touched: float, misconceptions: int, keyword_list: bool,
           policy: Policy) -> tuple[float, str]:
    """The verdict from coverage alone (grade_reference, which has no essential points)."""
    score, verdict, _ = decide_evidence(
        Evidence(coverage, touched, 0, 0, 100.0, misconceptions, False, 0, 0, keyword_list,
                 False), policy)
    if misconceptions and not keyword_list:
        # a reference answer has no listed misconceptions of its own; kept for callers
        verdict = "partial" if coverage >= policy.misconception_partial else "wrong"
    return score, verdict
