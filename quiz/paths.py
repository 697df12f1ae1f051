"""Where user data lives: --data-dir, else QUIZ_HOME, else the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder (not created here: callers create it when they first write)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("QUIZ_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported late: only needed when no override is given

    return Path(platformdirs.user_data_dir("quizlab", appauthor=False))


# The package a wheel carries the shipped deck in (built from content/ by setup.py).
DECK_PACKAGE = "quiz_content"


def shipped_deck_dir() -> Path:
    """The shipped deck folder (card files and the lexicon).

    In an installed wheel it is the package data of ``quiz_content``, found through
    importlib.resources; in a checkout (editable install) that package is not built, and
    the deck is ``content/`` beside the ``quiz`` package, read in place so edits show at once.
    """
    import importlib.util

    # find_spec first: importlib.resources costs ~10 ms of start-up, and a checkout has no
    # quiz_content package to find.
    if importlib.util.find_spec(DECK_PACKAGE) is None:
        return Path(__file__).resolve().parents[1] / "content"
    from importlib import resources

    root = resources.files(DECK_PACKAGE)
    if not isinstance(root, Path):
        # A zipped install: the loader walks a real folder, so say so rather than fail later.
        from quiz.errors import QuizError

        raise QuizError(f"the shipped deck is inside an archive ({root}); install quizlab "
                        "unzipped (pip and pipx do) or pass a deck path")
    return root


def shipped_file(name: str) -> Path:
    """One file of the shipped deck folder, e.g. ``shipped_file("lexicon.yaml")``."""
    return shipped_deck_dir() / name
