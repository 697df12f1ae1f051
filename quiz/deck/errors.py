"""Errors that name the file, the line and the field at fault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when no line applies (a missing file, an empty folder)
    field: str  # dotted path such as ``cards[3].claims[0].verdict``; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class QuizError(Exception):
    """A user-facing error: the CLI prints it and exits non-zero, never a traceback."""


class DeckError(QuizError):
    """One or more problems in a deck; all are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
