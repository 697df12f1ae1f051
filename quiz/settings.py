"""Settings that stick: a TOML file read into a typed, validated model.

Where: ``$QUIZ_CONFIG`` (a file) if set; else ``config.toml`` in the data folder when one is
chosen (``--data-dir`` / ``QUIZ_HOME``: a sandbox keeps its own settings); else the user
config folder (platformdirs: ``~/.config/quizlab/config.toml`` on Linux).

Read with tomllib, written by the small writer below (the model holds only scalars, one
list and two kinds of table, so no TOML library is needed to write it). A bad value is a
:class:`SettingsError` naming the file and the key, never a traceback. Pure apart from
:func:`load` / :func:`save`; no Textual.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from quiz.errors import QuizError

CONFIG_NAME = "config.toml"
LANGS = ("zh", "en")
# Textual's built-in themes (textual 8); the app's f3 switches between the first two.
THEMES = ("textual-dark", "textual-light", "ansi-dark", "ansi-light", "atom-one-dark",
          "atom-one-light", "catppuccin-frappe", "catppuccin-latte", "catppuccin-macchiato",
          "catppuccin-mocha", "dracula", "flexoki", "gruvbox", "monokai", "nord", "rose-pine",
          "rose-pine-dawn", "rose-pine-moon", "solarized-dark", "solarized-light", "tokyo-night")
DECK_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class SettingsError(QuizError):
    """A settings file or value that cannot be used; the message names file and key."""

    title = "error.settings_value"


@dataclass(frozen=True)
class DeckLimits:
    """Daily limits of one deck (Anki's "new cards/day" and "maximum reviews/day")."""

    new_per_day: int = 20
    reviews_per_day: int = 200


@dataclass(frozen=True)
class InterviewDefaults:
    questions: int = 5
    seconds_per_question: float = 180.0
    total_minutes: float | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    lang: str | None = None  # None: the deck's first language
    theme: str = "textual-dark"
    day_start_hour: int = 4  # local hour the study day starts (Anki: 4)
    timezone: str | None = None  # IANA name; None: this machine's zone
    desired_retention: float = 0.9  # FSRS target probability of recall
    quick_answer_seconds: float = 20.0  # a correct answer faster than this suggests Easy
    new_per_day: int = 20  # default for decks without their own [decks.NAME] limits
    reviews_per_day: int = 200
    decks: dict[str, DeckLimits] = field(default_factory=dict)
    interview: InterviewDefaults = field(default_factory=InterviewDefaults)
    # FSRS weights fitted to this learner's reviews (written by the optimizer); None: defaults.
    fsrs_parameters: tuple[float, ...] | None = None

    def limits(self, deck: str) -> DeckLimits:
        """The daily limits of deck ``deck`` (a :func:`deck_key`): its own, else the defaults."""
        own = self.decks.get(deck)
        return own if own is not None else DeckLimits(self.new_per_day, self.reviews_per_day)

    def study_day(self):
        """The StudyDay these settings describe (day start hour, time zone)."""
        from zoneinfo import ZoneInfo

        from quiz.session.limits import StudyDay

        tz = ZoneInfo(self.timezone) if self.timezone else None
        return StudyDay(self.day_start_hour, tz)


def deck_key(path: str | os.PathLike | None) -> str:
    """The name a deck goes by in ``[decks.NAME]``: its file or folder name without suffix
    ("notes" for notes.yaml); the shipped deck is "default"."""
    if not path:
        return "default"
    from quiz.deck.loader import default_deck_path

    p = Path(path)
    try:
        if p.resolve() == default_deck_path().resolve():
            return "default"
    except OSError:
        pass
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", p.stem or p.name).strip("-")
    return name or "deck"


# -- validation ---------------------------------------------------------------------------
def _int(lo: int, hi: int) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, str) and re.fullmatch(r"-?\d+", v.strip()):
                v = int(v)
            else:
                raise ValueError(f"must be a whole number from {lo} to {hi}, got {v!r}")
        if not lo <= v <= hi:
            raise ValueError(f"must be from {lo} to {hi}, got {v}")
        return v
    return check


def _float(lo: float, hi: float, *, open_lo: bool = False) -> Callable[[Any], float]:
    def check(v: Any) -> float:
        if isinstance(v, str):
            try:
                v = float(v)
            except ValueError:
                raise ValueError(f"must be a number, got {v!r}") from None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v):
            raise ValueError(f"must be a number, got {v!r}")
        if v < lo or v > hi or (open_lo and v == lo):
            low = f"more than {lo:g}" if open_lo else f"at least {lo:g}"
            raise ValueError(f"must be {low} and at most {hi:g}, got {v:g}")
        return float(v)
    return check


def _choice(options: tuple[str, ...], optional: bool = False) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if optional and v in (None, "", "auto"):
            return None
        if v not in options:
            raise ValueError(f"must be one of {', '.join(options)}"
                             f"{' (or auto)' if optional else ''}, got {v!r}")
        return v
    return check


def _timezone(v: Any) -> str | None:
    if v in (None, "", "local"):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(v))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"must be an IANA time zone such as Asia/Shanghai (or local), "
                         f"got {v!r}") from None
    return str(v)


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def opt(v: Any) -> Any:
        return None if v in (None, "", "none") else check(v)
    return opt


def _tags(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = v.replace(",", " ").split()
    if not isinstance(v, (list, tuple)) or not all(isinstance(t, str) for t in v):
        raise ValueError(f"must be a list of tag names, got {v!r}")
    return tuple(t for t in v if t)


def _weights(v: Any) -> tuple[float, ...] | None:
    if v in (None, "", "none"):
        return None
    if isinstance(v, str):
        v = [x for x in re.split(r"[\s,\[\]]+", v) if x]
    try:
        out = tuple(float(x) for x in v)
    except (TypeError, ValueError):
        raise ValueError(f"must be a list of numbers, got {v!r}") from None
    if not out or any(math.isnan(x) or math.isinf(x) for x in out):
        raise ValueError("must be a non-empty list of finite numbers")
    return out


# key -> (check, help). The dotted keys of `quiz config get|set` and their meaning.
TOP: dict[str, tuple[Callable[[Any], Any], str]] = {
    "lang": (_choice(LANGS, optional=True), "interface language: zh, en (auto: the deck's)"),
    "theme": (_choice(THEMES), "colour theme (f3 switches dark/light)"),
    "day_start_hour": (_int(0, 23), "local hour (0-23) the study day starts"),
    "timezone": (_timezone, "IANA time zone for the study day (local: this machine's)"),
    "desired_retention": (_float(0.7, 0.99),
                          "FSRS desired retention, 0.70-0.99: higher = shorter intervals"),
    "quick_answer_seconds": (_float(0, 3600, open_lo=True),
                             "a correct answer faster than this suggests Easy"),
    "new_per_day": (_int(0, 9999), "new cards per day (decks without their own limit)"),
    "reviews_per_day": (_int(0, 99999), "reviews per day (decks without their own limit)"),
    "fsrs_parameters": (_weights, "FSRS weights fitted to your reviews (none: defaults)"),
}
INTERVIEW: dict[str, tuple[Callable[[Any], Any], str]] = {
    "questions": (_int(1, 500), "questions per mock interview"),
    "seconds_per_question": (_float(0, 86400, open_lo=True), "seconds per question"),
    "total_minutes": (_optional(_float(0, 10000, open_lo=True)),
                      "overall time limit in minutes (none: no limit)"),
    "tags": (_tags, "only cards with any of these tags (space separated)"),
}
DECK: dict[str, tuple[Callable[[Any], Any], str]] = {
    "new_per_day": (_int(0, 9999), "new cards per day in this deck"),
    "reviews_per_day": (_int(0, 99999), "reviews per day in this deck"),
}


def from_dict(data: dict[str, Any], where: str = "settings") -> Settings:
    """Validate a parsed TOML table into Settings; SettingsError names ``where`` and the key."""
    def bad(key: str, msg: str) -> SettingsError:
        return SettingsError(f"{where}: {key}: {msg}")

    top: dict[str, Any] = {}
    interview: dict[str, Any] = {}
    decks: dict[str, DeckLimits] = {}
    for key, value in data.items():
        if key == "interview":
            if not isinstance(value, dict):
                raise bad(key, "must be a table ([interview])")
            for k, v in value.items():
                if k not in INTERVIEW:
                    raise bad(f"interview.{k}", f"unknown key (known: {', '.join(INTERVIEW)})")
                try:
                    interview[k] = INTERVIEW[k][0](v)
                except ValueError as e:
                    raise bad(f"interview.{k}", str(e)) from None
        elif key == "decks":
            if not isinstance(value, dict):
                raise bad(key, "must be a table ([decks.NAME])")
            for name, limits in value.items():
                if not isinstance(limits, dict):
                    raise bad(f"decks.{name}", "must be a table ([decks.NAME])")
                vals = {}
                for k, v in limits.items():
                    if k not in DECK:
                        raise bad(f"decks.{name}.{k}", f"unknown key (known: {', '.join(DECK)})")
                    try:
                        vals[k] = DECK[k][0](v)
                    except ValueError as e:
                        raise bad(f"decks.{name}.{k}", str(e)) from None
                decks[name] = vals  # type: ignore[assignment]
        elif key in TOP:
            try:
                top[key] = TOP[key][0](value)
            except ValueError as e:
                raise bad(key, str(e)) from None
        else:
            raise bad(key, f"unknown key (known: {', '.join([*TOP, 'interview', 'decks'])})")
    base = Settings()
    # A deck table fills what it leaves out from the top-level defaults.
    deck_limits = {n: DeckLimits(v.get("new_per_day", top.get("new_per_day", base.new_per_day)),
                                 v.get("reviews_per_day",
                                       top.get("reviews_per_day", base.reviews_per_day)))
                   for n, v in decks.items()}  # type: ignore[union-attr]
    return replace(base, **top, decks=deck_limits,
                   interview=replace(base.interview, **interview))


def to_dict(s: Settings) -> dict[str, Any]:
    """The settings as a TOML-ready dict, leaving out what equals the default."""
    base = Settings()
    out: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in ("decks", "interview"):
            continue
        v = getattr(s, f.name)
        if v != getattr(base, f.name) and v is not None:
            out[f.name] = list(v) if isinstance(v, tuple) else v
    iv = {f.name: getattr(s.interview, f.name) for f in fields(InterviewDefaults)
          if getattr(s.interview, f.name) != getattr(base.interview, f.name)}
    if iv:
        out["interview"] = {k: list(v) if isinstance(v, tuple) else v for k, v in iv.items()
                            if v is not None}
    if s.decks:
        out["decks"] = {n: {"new_per_day": d.new_per_day, "reviews_per_day": d.reviews_per_day}
                        for n, d in sorted(s.decks.items())}
    return out


def flat(s: Settings) -> dict[str, Any]:
    """Every key of `quiz config list` with its value (defaults included)."""
    out: dict[str, Any] = {k: getattr(s, k) for k in TOP}
    out.update({f"interview.{k}": getattr(s.interview, k) for k in INTERVIEW})
    for name, d in sorted(s.decks.items()):
        out[f"decks.{name}.new_per_day"] = d.new_per_day
        out[f"decks.{name}.reviews_per_day"] = d.reviews_per_day
    return out


def get(s: Settings, key: str) -> Any:
    values = flat(s)
    if key in values:
        return values[key]
    m = re.fullmatch(r"decks\.([^.]+)\.([a-z_]+)", key)
    if m and m.group(2) in DECK:
        return getattr(s.limits(m.group(1)), m.group(2))
    raise SettingsError(f"unknown setting {key!r}; `quiz config list` shows them all")


def with_value(s: Settings, key: str, value: Any, where: str = "settings") -> Settings:
    """A copy with ``key`` (dotted) set to ``value`` (text or typed), validated."""
    data = to_dict(s)
    parts = key.split(".")
    if len(parts) == 1 and key in TOP:
        data[key] = value
    elif len(parts) == 2 and parts[0] == "interview" and parts[1] in INTERVIEW:
        data.setdefault("interview", {})[parts[1]] = value
    elif len(parts) == 3 and parts[0] == "decks" and parts[2] in DECK:
        if not DECK_NAME.match(parts[1]):
            raise SettingsError(f"{key}: a deck name has only letters, digits, - and _")
        table = data.setdefault("decks", {}).setdefault(parts[1], {})
        table[parts[2]] = value
    else:
        raise SettingsError(f"unknown setting {key!r}; `quiz config list` shows them all")
    # "auto" / "none" / "local" validate to None, which to_dict then leaves out.
    return from_dict(data, where)


# -- the file -----------------------------------------------------------------------------
def config_path(data_dir_override: str | os.PathLike | None = None) -> Path:
    env = os.environ.get("QUIZ_CONFIG")
    if env:
        return Path(env).expanduser()
    if data_dir_override or os.environ.get("QUIZ_HOME"):
        from quiz.paths import data_dir

        return data_dir(data_dir_override) / CONFIG_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir("quizlab", appauthor=False)) / CONFIG_NAME


def load(path: Path) -> Settings:
    """The settings in ``path`` (defaults when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as e:
        raise SettingsError(f"{path}: cannot read the settings ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise SettingsError(f"{path}: not UTF-8 text ({e})") from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path}: not valid TOML: {e}") from e
    return from_dict(data, str(path))


def dumps(s: Settings) -> str:
    """Settings as TOML text (only what differs from the defaults)."""
    data = to_dict(s)
    lines = ["# quizlab settings: `quiz config list` shows every key; edit freely."]
    for k, v in data.items():
        if not isinstance(v, dict):
            lines.append(f"{k} = {_value(v)}")
    if "interview" in data:
        lines += ["", "[interview]"] + [f"{k} = {_value(v)}" for k, v in data["interview"].items()]
    for name, table in data.get("decks", {}).items():
        lines += ["", f"[decks.{name}]"] + [f"{k} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} to TOML")


def save(s: Settings, path: Path) -> None:
    """Write atomically (a temporary file renamed over the old one): never half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(dumps(s), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise SettingsError(f"{path}: cannot write the settings ({e.strerror or e})") from e
