"""What the front ends work with, built once: where the deck and the data are, the deck
(loaded through its cache), the progress store, the grader, the lab service and the clock.

``quiz.commands`` builds one from the command line (:meth:`Services.from_args`) and hands
it to the headless command it runs or to ``QuizApp``; tests build one from keywords. Nothing
is poked into it afterwards. Opening the store and loading the deck are explicit calls
(each done once, then kept), so reading an attribute never opens a file or shows anything.

Imports of the layers below are late: the app's start-up pays only for what the home
screen needs (``benchmarks/startup.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from quiz.deck.model import Deck
    from quiz.store.db import Store

Warn = Callable[[str], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CompiledGrader:
    """The grader of one deck: its cards compiled once (quiz.grading.grade.DeckGrader),
    owned by whoever holds this object (a Services), not by a module-wide cache.

    Nothing is imported until the first answer, so the app's start-up does not pay for the
    grader."""

    def __init__(self) -> None:
        self._deck_grader: Any = None

    def __call__(self, card: Any, answer: str, lang: str | None = None) -> Any:
        from quiz.session.grader import grade_card

        if self._deck_grader is None:
            from quiz.grading.grade import DeckGrader

            self._deck_grader = DeckGrader()
        return grade_card(card, answer, lang, self._deck_grader)

    @property
    def compiled(self) -> int:
        """How many cards are compiled so far."""
        return len(self._deck_grader) if self._deck_grader is not None else 0


class Services:
    """The app's and the headless commands' dependencies, typed and built in one place."""

    def __init__(self, *, deck_path: str | os.PathLike | None = None,
                 data_dir: str | os.PathLike | None = None,
                 settings_path: str | os.PathLike | None = None,
                 clock: Callable[[], Any] | None = None,
                 grader: Callable[..., Any] | None = None,
                 reset_db: bool = False) -> None:
        from quiz.paths import data_dir as resolve_data_dir
        from quiz.settings import config_path

        self.deck_path = deck_path  # None: the shipped deck
        # Kept as given too: the settings file's default place depends on whether a data
        # folder was named (quiz.settings.config_path).
        self.data_dir_override = data_dir
        self.data_dir: Path = resolve_data_dir(data_dir)
        self.cache_dir: Path = self.data_dir / "cache"
        self.settings_path: Path = Path(settings_path) if settings_path else config_path(data_dir)
        # Time where it matters (due dates, interview deadlines) comes from here, so tests
        # pass a ManualClock. A callable returning an aware datetime or a POSIX timestamp.
        self.clock: Callable[[], Any] = clock if clock is not None else _utc_now
        # The deck's grader (its cards compiled once, kept here for the deck's life); a test
        # passes a stand-in. The grading package itself is imported at the first answer.
        self.grader: Callable[..., Any] = grader if grader is not None else CompiledGrader()
        self.reset_db = reset_db  # --reset-db: an unusable database is moved aside
        self._store: Store | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Services:
        """From a parsed command line (the global and the subcommand's options)."""
        return cls(deck_path=getattr(args, "deck", None) or getattr(args, "path", None),
                   data_dir=getattr(args, "data_dir", None),
                   reset_db=bool(getattr(args, "reset_db", False)))

    # -- time ---------------------------------------------------------------------------
    def now(self) -> datetime:
        """The clock's reading as an aware UTC datetime."""
        value = self.clock()
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, UTC)
        return value.astimezone(UTC)

    # -- the deck -----------------------------------------------------------------------
    def load_deck(self, warn: Warn | None = None) -> Deck:
        """The deck through its cache (raises DeckError with every problem found)."""
        from quiz.deck.cache import load_deck_cached

        return load_deck_cached(self.deck_path, self.cache_dir, warn=warn)

    def load_summary(self, warn: Warn | None = None) -> dict | None:
        """Title, languages and card ids from the cache when the deck is unchanged; None
        when the deck must be loaded."""
        from quiz.deck.cache import load_summary

        return load_summary(self.deck_path, self.cache_dir, warn=warn)

    # -- the store ----------------------------------------------------------------------
    @property
    def store_is_open(self) -> bool:
        return self._store is not None

    def open_store(self) -> Store:
        """The progress database: opened on the first call, then the same one. Raises a
        StoreError (what is wrong with the file, and what to do) when it cannot be used."""
        if self._store is None:
            from quiz.store.db import Store

            self._store = Store.open(self.data_dir, reset=self.reset_db)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- the labs -----------------------------------------------------------------------
    @property
    def labs(self) -> ModuleType:
        """The lab service (run a lab, join its findings with the deck, keep the run)."""
        import quiz.labs_service

        return quiz.labs_service
