"""Whose files these are: data another user can change is refused, not trusted.

A data folder may be shared, synced, copied from another machine, or under a world-writable
temp folder (``--data-dir``/``QUIZ_HOME``). quizlab reads data from it (the deck cache, lab
runs, the progress database) and must not act on a file someone else could have planted
or edited. A file is foreign when another user owns it, when every user may write it, or
when a group other than the user's own (the per-user group most systems give each login)
may write it. Standard library only, and cheap (one ``stat``): it runs at start-up.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def foreign_reason(path: str | os.PathLike, st: os.stat_result | None = None) -> str | None:
    """Why ``path`` is not this user's own file (owner, then write permission), or None.

    A missing file is None (nothing to refuse). Not checked where there are no POSIX owners.
    """
    if not hasattr(os, "geteuid"):
        return None
    if st is None:
        try:
            st = os.stat(path)
        except OSError:
            return None
    me = os.geteuid()
    if st.st_uid != me:
        return f"owned by another user (uid {st.st_uid}; you are uid {me})"
    if st.st_mode & stat.S_IWOTH:
        return "writable by every user (chmod o-w to make it yours alone)"
    if st.st_mode & stat.S_IWGRP and st.st_gid != os.getegid():
        return f"writable by group {st.st_gid}, not only by you (chmod g-w)"
    return None


def refusal(path: str | os.PathLike, reason: str) -> str:
    """The message for a refused file: what, why, and what to do."""
    return (f"{Path(path)}: not used, it is {reason}; quizlab only reads data files that "
            "are yours alone. Check it, then copy it to make it yours (cp), or choose "
            "another data folder with --data-dir or QUIZ_HOME")
