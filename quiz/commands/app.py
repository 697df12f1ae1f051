"""Opening the app: `quiz`, `quiz PATH`, `quiz study`, `quiz labs`."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open", help="open the app (the default when no subcommand is given)")
    p.add_argument("path", nargs="?", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.set_defaults(func=cmd_open, mode=None)


def cmd_open(args) -> int:
    from quiz.deck.errors import QuizError

    raise QuizError("the terminal app is not built yet; try `quiz cards`, `quiz show ID` or `quiz lint`")
