"""Opening the app: `quiz` / `quiz PATH` (open), `quiz study`, `quiz labs`.

`quiz interview` (registered by the study commands) calls ``open_app(args, "interview")``.
A deck that does not load is reported on stderr before the terminal is taken over.
"""

from __future__ import annotations

import argparse
import sys


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--deck", dest="deck", default=None, help="deck file or folder (same as PATH)")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="interface language")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open", help="open the app (the default when no subcommand is given)")
    _common(p)
    p.set_defaults(func=cmd_open, mode=None)
    for mode, text in (("study", "open the app in self-study (due cards first)"),
                       ("labs", "open the app on the labs screen")):
        p = sub.add_parser(mode, help=text)
        _common(p)
        p.set_defaults(func=cmd_open, mode=mode)


def cmd_open(args: argparse.Namespace) -> int:
    return open_app(args, getattr(args, "mode", None))


def open_app(args: argparse.Namespace, mode: str | None = None) -> int:
    """Check the deck, then run the TUI (optionally straight into ``mode``); the exit code."""
    from quiz.deck.errors import DeckError
    from quiz.deck.loader import load_deck

    path = getattr(args, "deck", None) or getattr(args, "path", None)
    try:
        load_deck(path)  # fail before the TUI starts: errors belong on stderr
    except DeckError as e:
        print(f"quiz: the deck {path or '(shipped)'} cannot be opened:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    from quiz.tui.app import QuizApp

    app = QuizApp(deck_path=path, data_dir=getattr(args, "data_dir", None),
                  lang=getattr(args, "lang", None), mode=mode)
    app.reset_db = bool(getattr(args, "reset_db", False))
    # `quiz interview --questions N ...` prefills the interview form.
    app.interview_defaults = {k: getattr(args, k) for k in (
        "questions", "seconds_per_question", "total_minutes", "tags", "seed")
        if getattr(args, k, None) not in (None, [], ())}
    app.run()
    return int(app.return_code or 0)
