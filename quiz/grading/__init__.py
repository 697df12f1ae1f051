"""Free-text grading: key points and misconceptions matched with rapidfuzz, zh and en.

Pure: no Textual, no torch, no I/O. ``grade(card, answer)`` for a card of the deck,
``grade_reference(references, answer)`` for reference answers without key points.
"""

from quiz.grading.grade import grade
from quiz.grading.reference import grade_reference
from quiz.grading.result import EmptyAnswer, Grade, MisconceptionHit, PointResult

__all__ = ["grade", "grade_reference", "Grade", "PointResult", "MisconceptionHit", "EmptyAnswer"]
