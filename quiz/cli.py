"""The `quiz` command: opens the TUI, or runs a headless subcommand.

Each area owns its subcommands in ``quiz/commands/<area>.py`` with a ``register(sub)``
function; this file only dispatches. Command modules import their heavy dependencies
inside the handler so `quiz --help` and the TUI start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from quiz.errors import QuizError

# Modules that add subcommands, in the order they appear in --help.
COMMAND_MODULES = ("deck", "author", "grade", "study", "optimize", "lab", "config", "app")

# Words that open the TUI straight into a mode (handled by quiz.commands.app).
TUI_MODES = ("study", "interview", "labs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quiz",
        description="quizlab: ML-deployment interview practice in the terminal. "
        "With no subcommand, opens the app on the shipped deck (or on PATH).",
    )
    parser.add_argument(
        "--data-dir", help="where progress is kept (default: QUIZ_HOME or the user data dir)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"quiz.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"quiz.commands.{name}":
                continue  # that area has not landed yet
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``quiz``; ctrl+c at any point after this module loaded (imports and the parser
    included, which take the first tens of milliseconds) is one line and exit 130."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("quiz: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    known = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()
    # `quiz PATH` opens the app on another deck: rewrite it to the `open` subcommand.
    first = _first_word(argv)
    if first is None or argv[first] not in known:
        if "-h" not in argv and "--help" not in argv:
            argv = _insert_open(argv, first)
    else:
        argv = _options_after_command(argv, first)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except QuizError as e:
        print(f"quiz: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


# Top-level options that take a value: their value is not a subcommand or a deck path.
GLOBAL_VALUE_OPTIONS = ("--data-dir",)
# Subcommand options that take a value and may be typed before the subcommand
# (`quiz --lang en study`): moved after it, where argparse expects them.
COMMAND_VALUE_OPTIONS = ("--lang", "--deck")


def _first_word(argv: list[str]) -> int | None:
    """Index of the first word that is neither an option nor a global option's value."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in GLOBAL_VALUE_OPTIONS or a in COMMAND_VALUE_OPTIONS:
            i += 2
            continue
        if not a.startswith("-"):
            return i
        i += 1
    return None


def _options_after_command(argv: list[str], first: int) -> list[str]:
    """``quiz --lang en study`` -> ``quiz study --lang en`` (global options stay in front)."""
    front, moved, i = [], [], 0
    while i < first:
        a = argv[i]
        if a in GLOBAL_VALUE_OPTIONS:
            front += argv[i : i + 2]
            i += 2
            continue
        if a.split("=", 1)[0] in GLOBAL_VALUE_OPTIONS or a in ("-h", "--help"):
            front.append(a)
        else:
            moved.append(a)
        i += 1
    return front + [argv[first]] + moved + argv[first + 1 :]


def _insert_open(argv: list[str], first: int | None) -> list[str]:
    """``quiz [--data-dir X] [options] [PATH]`` -> ``quiz [--data-dir X] open [options] [PATH]``.

    Only the top-level parser's own options stay in front; every other option (--lang ...)
    belongs to `open`.
    """
    front, rest, i = [], [], 0
    while i < len(argv):
        a = argv[i]
        if a in GLOBAL_VALUE_OPTIONS:
            if i + 1 == len(argv):
                return argv  # `quiz --data-dir` alone: argparse says "expected one argument"
            front += argv[i : i + 2]
            i += 2
            continue
        if a.split("=", 1)[0] in GLOBAL_VALUE_OPTIONS:
            front.append(a)
        else:
            rest.append(a)
        i += 1
    return front + ["open"] + rest


if __name__ == "__main__":
    sys.exit(main())
