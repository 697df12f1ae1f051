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
        if mode == "study":
            p.add_argument("--tags", nargs="+", default=[], metavar="T",
                           help="custom study: only cards with any of these tags")
            p.add_argument("--cram", action="store_true",
                           help="practice mode (weakest first, the schedule left alone)")
        p.set_defaults(func=cmd_open, mode=mode)


# What works without a terminal (B12: `quiz < /dev/null` used to start the TUI anyway).
HEADLESS = ("quiz cards --json", "quiz grade", "quiz lint", "quiz stats",
            "quiz interview --headless", "quiz lab run", "quiz config", "quiz import-md",
            "quiz dedup")


def cmd_open(args: argparse.Namespace) -> int:
    mode = getattr(args, "mode", None)
    if mode == "study" and getattr(args, "cram", False):
        mode = "practice"
    return open_app(args, mode)


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_app(args: argparse.Namespace, mode: str | None = None) -> int:
    """Check the deck, then run the TUI (optionally straight into ``mode``); the exit code."""
    from quiz.deck.errors import DeckError
    from quiz.deck.loader import load_deck

    path = getattr(args, "deck", None) or getattr(args, "path", None)
    try:
        deck = load_deck(path)  # fail before the TUI starts: errors belong on stderr
    except DeckError as e:
        print(f"quiz: the deck {path or '(shipped)'} cannot be opened:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    tags = tuple(t for arg in getattr(args, "tags", None) or () for t in arg.split(",") if t)
    if mode in ("study", "practice") and tags:
        known = {t for c in deck.cards for t in c.tags}
        unknown = [t for t in tags if t not in known]
        if unknown:
            print(f"quiz: no card has the tags {', '.join(unknown)} (tags in the deck: "
                  f"{', '.join(sorted(known)) or 'none'})", file=sys.stderr)
            return 1
    # After the deck check, so a broken deck is reported with or without a terminal.
    if not has_terminal():
        print("quiz: the app needs a terminal (stdin and stdout must be a TTY). Without one, "
              "use the headless commands: " + ", ".join(HEADLESS) + "; see `quiz --help`.",
              file=sys.stderr)
        return 1
    from quiz.services import Services
    from quiz.tui.app import QuizApp

    services = Services.from_args(args)
    # `quiz interview --questions N ...` prefills the interview form.
    defaults = {k: getattr(args, k) for k in (
        "questions", "seconds_per_question", "total_minutes", "tags", "seed")
        if getattr(args, k, None) not in (None, [], ())} if mode == "interview" else {}
    app = QuizApp(services, lang=getattr(args, "lang", None), mode=mode,
                  study_tags=tags if mode in ("study", "practice") else (),
                  interview_defaults=defaults)
    app.run()
    if print_unsaved(app.writer.unsaved, sys.stderr):
        return 1
    return int(app.return_code or 0)


def print_unsaved(unsaved: list[str], out) -> bool:
    """After the app quit while another program held the database: what it could not save
    goes to ``out`` (stderr), so nothing the learner wrote is lost. True if anything was."""
    for text in unsaved:
        print(f"quiz: NOT SAVED (another program held the database): {text}", file=out)
    if unsaved:
        print("quiz: (end of what was not saved)", file=out, flush=True)
    return bool(unsaved)
