"""Verdicts in one place: what the grader may say, what the learner may make of it.

An attempt has two verdicts. The grader's (``grader_verdict``) is what the grader said and is
never changed. The final one (``verdict``) is what counts in stats and reports: the grader's,
unless the learner overruled it (``y`` / ``n``), rated an ``unsure`` answer themselves, or
revealed the answer without typing. Every mapping here accepts a verdict it does not know
(a newer grader, a hand-edited database) and treats it as ``unsure``: the learner decides.
"""

from __future__ import annotations

from fsrs import Rating

from quiz.vocab import Verdict

# Plain strings (they go into SQL, JSON and the screens as they are), from quiz.vocab.
CORRECT, PARTIAL, WRONG, UNSURE = (Verdict.CORRECT.value, Verdict.PARTIAL.value,
                                   Verdict.WRONG.value, Verdict.UNSURE.value)
REVEALED = Verdict.REVEALED.value  # shown without typing; the learner's rating says how it went
UNANSWERED = Verdict.UNANSWERED.value  # an interview question left blank

GRADER_VERDICTS = (CORRECT, PARTIAL, WRONG, UNSURE)
# The order reports and stats list them in.
ALL_VERDICTS = (CORRECT, PARTIAL, WRONG, UNSURE, REVEALED, UNANSWERED)

_SUGGESTED = {WRONG: Rating.Again, PARTIAL: Rating.Hard, CORRECT: Rating.Good}
# Credit of a final verdict in a mean score when the grader's score no longer applies
# (overruled): "I was right" is full marks, "I was wrong" none.
CREDIT = {CORRECT: 1.0, PARTIAL: 0.5, WRONG: 0.0}


def known(verdict: str | None) -> str:
    """``verdict`` if it is one the app knows; anything else (None, a new word) is ``unsure``."""
    return verdict if verdict in ALL_VERDICTS else UNSURE


def needs_rating(verdict: str | None) -> bool:
    """No rating is suggested: the learner compares with the model answer and rates."""
    return known(verdict) in (UNSURE, REVEALED)


def suggested_rating(verdict: str | None) -> Rating | None:
    """wrong -> Again, partial -> Hard, correct -> Good; None (ask the learner) otherwise."""
    return _SUGGESTED.get(known(verdict))


def from_rating(rating: int | Rating) -> str:
    """The final verdict an unsure answer gets from the learner's own rating."""
    r = int(rating)
    return WRONG if r == 1 else PARTIAL if r == 2 else CORRECT


def override(right: bool) -> str:
    """The final verdict of "I was right" / "I was wrong"."""
    return CORRECT if right else WRONG


def passed(verdict: str | None, rating: int | None) -> bool | None:
    """Whether the attempt counts as recalled: by verdict, or by rating for a revealed one."""
    v = known(verdict)
    if v == REVEALED or v == UNSURE:
        return None if rating is None else int(rating) > 1
    return v == CORRECT
