"""Thresholds that turn match scores into found / hit / verdict, and the verdict rule.

The values were chosen on the labelled dev set (tests/data/grading_dev.jsonl) and checked
by cross-validation grouped by card; benchmarks/README.md has the figures. Change them
only with those figures re-measured (``benchmarks/asag_eval.py --dev``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    point_found: float = 70.0  # a key point is found at this match score (0-100)
    point_partial: float = 35.0  # below found, credit rises from 0 here ...
    partial_credit: float = 0.5  # ... up to this share of the point's weight
    misconception_hit: float = 80.0  # a misconception fires at this match score
    correct: float = 0.5  # coverage for `correct` (with no misconception, not a list)
    partial: float = 0.15  # coverage for `partial`
    misconception_partial: float = 0.3  # with a misconception: `partial` from here, else wrong
    keyword_touched: float = 0.2  # a keyword list touching this share of points is `partial`
    keyword_cap: float = 0.6  # a keyword list scores at most this
    touched_at: float = 40.0  # a point is "touched" by a keyword at this match score


DEFAULT = Policy()


def point_credit(score: float, found: bool, negated: bool, policy: Policy) -> float:
    """Share of a key point's weight an answer earns (found: all; near: some)."""
    if found:
        return 1.0
    if negated or score <= policy.point_partial:
        return 0.0
    span = policy.point_found - policy.point_partial
    return policy.partial_credit * min(1.0, (score - policy.point_partial) / span)


def decide(coverage: float, touched: float, misconceptions: int, keyword_list: bool,
           policy: Policy) -> tuple[float, str]:
    """(score in [0, 1], verdict) from the evidence.

    A keyword list is judged by how many points it touches and never reaches `correct`;
    an answer that states a misconception is at best `partial`, and `wrong` when it says
    little else that is right; otherwise the weighted coverage decides.
    """
    if keyword_list:
        verdict = "partial" if touched >= policy.keyword_touched else "wrong"
        return min(max(coverage, touched / 2), policy.keyword_cap), verdict
    if misconceptions:
        verdict = "partial" if coverage >= policy.misconception_partial else "wrong"
        return coverage * 0.5**misconceptions, verdict
    if coverage >= policy.correct:
        return coverage, "correct"
    return coverage, "partial" if coverage >= policy.partial else "wrong"
