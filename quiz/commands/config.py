"""`quiz config list|get|set|unset|path`: the settings file, from the command line."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="settings that stick: list, get, set, unset, path",
                       description="Read and change the settings file (TOML). Keys are dotted: "
                       "lang, theme, day_start_hour, timezone, desired_retention, "
                       "quick_answer_seconds, new_per_day, reviews_per_day, fsrs_parameters, "
                       "interview.questions, interview.seconds_per_question, "
                       "interview.total_minutes, interview.tags, decks.NAME.new_per_day, "
                       "decks.NAME.reviews_per_day (NAME: the deck file's name without "
                       ".yaml; the shipped deck is 'default').")
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="a data folder keeps its own config.toml (same as the global option)")
    actions = p.add_subparsers(dest="config_action", metavar="ACTION")
    a = actions.add_parser("list", help="every setting with its value and meaning")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("get", help="one setting's value")
    a.add_argument("key")
    a = actions.add_parser("set", help="change a setting (validated; the file is rewritten)")
    a.add_argument("key")
    a.add_argument("value", nargs="+", help="the value (a list: several words)")
    a = actions.add_parser("unset", help="back to the default")
    a.add_argument("key")
    actions.add_parser("path", help="where the settings file is")
    p.set_defaults(func=cmd_config)


def cmd_config(args) -> int:
    from quiz import settings as S

    path = S.config_path(getattr(args, "data_dir", None))
    action = args.config_action or "list"
    if action == "path":
        print(path)
        return 0
    current = S.load(path)  # a broken file is a SettingsError naming the key: exit 1
    if action == "list":
        values = S.flat(current)
        if getattr(args, "json", False):
            print(json.dumps({k: list(v) if isinstance(v, tuple) else v
                              for k, v in values.items()}, ensure_ascii=False, indent=2))
            return 0
        print(f"# {path}{'' if path.exists() else ' (not written yet: all defaults)'}")
        for key, value in values.items():
            print(f"{key:34} = {_show(value):24} # {_help(key)}")
        return 0
    if action == "get":
        print(_show(S.get(current, args.key)))
        return 0
    if action == "unset":
        updated = _unset(current, args.key)
    else:
        raw = args.value[0] if len(args.value) == 1 else args.value
        updated = S.with_value(current, args.key, raw, where=str(path))
    S.save(updated, path)
    if action == "unset":
        print(f"{args.key}: back to the default", file=sys.stderr)
    else:
        print(f"{args.key} = {_show(S.get(updated, args.key))}", file=sys.stderr)
    return 0


def _unset(current, key: str):
    from dataclasses import fields, replace

    from quiz import settings as S

    parts = key.split(".")
    base = S.Settings()
    if len(parts) == 1 and key in S.TOP:
        return replace(current, **{key: getattr(base, key)})
    if len(parts) == 2 and parts[0] == "interview" and parts[1] in S.INTERVIEW:
        iv = replace(current.interview, **{parts[1]: getattr(base.interview, parts[1])})
        return replace(current, interview=iv)
    if len(parts) >= 2 and parts[0] == "decks":
        decks = dict(current.decks)
        if len(parts) == 2 or parts[2] not in {f.name for f in fields(S.DeckLimits)}:
            decks.pop(parts[1], None)
        elif parts[1] in decks:
            d = decks[parts[1]]
            d = replace(d, **{parts[2]: getattr(current.limits("__none__"), parts[2])})
            decks[parts[1]] = d
        return replace(current, decks=decks)
    raise S.SettingsError(f"unknown setting {key!r}; `quiz config list` shows them all")


def _help(key: str) -> str:
    from quiz import settings as S

    parts = key.split(".")
    if parts[0] == "interview":
        return S.INTERVIEW[parts[1]][1]
    if parts[0] == "decks":
        return S.DECK[parts[2]][1]
    return S.TOP[key][1]


def _show(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value) or "-"
    return str(value)
