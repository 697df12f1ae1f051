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
