"""Thresholds that turn match scores into found / hit / verdict.

How they were chosen is written in benchmarks/README.md (dev set, cross-validated by
card); change them only with those figures re-measured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    point_found: float = 70.0  # a key point is found at this match score (0-100)
    point_partial: float = 50.0  # below found, credit rises from 0 here (half credit max)
    misconception_hit: float = 75.0  # a misconception fires at this score
    correct: float = 0.75  # grade score for `correct` (and no misconception, no flag cap)
    partial: float = 0.30  # grade score for `partial`
    misconception_penalty: float = 0.25  # taken off the score per misconception hit
    keyword_cap: float = 0.6  # a bare keyword list scores at most this


DEFAULT = Policy()
