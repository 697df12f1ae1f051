"""The words the layers share, as enums, in the bottom layer beside quiz.errors.

A claim's verdict is written in the deck, a grade's verdict and an attempt's mode in the
database, a lab's verdict in a fact check: each module that validates or lists one takes
its words from here, so that adding a word is one edit. The values stay plain strings where
they are stored or serialised (YAML, JSON, SQL); the tuples the modules keep are built from
these enums' values.
"""

from __future__ import annotations

from enum import StrEnum


class ClaimVerdict(StrEnum):
    """What checking a seed's claim found (the deck's `claims[].verdict`)."""

    TRUE = "true"
    FALSE = "false"
    PARTLY = "partly"
    OUTDATED = "outdated"


class Verdict(StrEnum):
    """An attempt's verdict: the grader's four, and two only the learner's actions give."""

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    UNSURE = "unsure"  # the grader left it to the learner
    REVEALED = "revealed"  # the answer was shown without typing
    UNANSWERED = "unanswered"  # an interview question left blank


GRADER_VERDICTS = (Verdict.CORRECT, Verdict.PARTIAL, Verdict.WRONG, Verdict.UNSURE)


class LabVerdict(StrEnum):
    """What a lab's finding says of a claim (quiz.session.factcheck)."""

    SUPPORTED = "supported"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"


class Mode(StrEnum):
    """The mode an attempt was made in (the `attempts.mode` column)."""

    STUDY = "study"
    INTERVIEW = "interview"
    PRACTICE = "practice"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The enum's words as plain strings, in declaration order."""
    return tuple(m.value for m in enum)
