"""Settings that stick: the TOML model, its validation, `quiz config`, and the app using it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from quiz import settings as S
from quiz.cli import main


def test_defaults_and_round_trip(tmp_path):
    path = tmp_path / "config.toml"
    assert S.load(path) == S.Settings()  # no file: defaults
    s = S.with_value(S.Settings(), "lang", "en")
    s = S.with_value(s, "decks.notes.new_per_day", "5")
    s = S.with_value(s, "interview.tags", ["quantization", "android"])
    s = S.with_value(s, "fsrs_parameters", "0.2 1.3 2.3")
    s = S.with_value(s, "timezone", "Asia/Shanghai")
    S.save(s, path)
    back = S.load(path)
    assert back == s
    assert back.limits("notes") == S.DeckLimits(5, 200)
    assert back.limits("other") == S.DeckLimits(20, 200)  # the top-level defaults
    assert back.fsrs_parameters == (0.2, 1.3, 2.3)
    text = path.read_text(encoding="utf-8")
    assert "[decks.notes]" in text and 'lang = "en"' in text
    assert "desired_retention" not in text  # defaults are not written


@pytest.mark.parametrize(("key", "value", "message"), [
    ("new_per_day", "abc", "new_per_day: must be a whole number"),
    ("desired_retention", "1.5", "desired_retention: must be at least 0.7"),
    ("day_start_hour", "24", "day_start_hour: must be from 0 to 23"),
    ("timezone", "Mars/Olympus", "timezone: must be an IANA time zone"),
    ("lang", "fr", "lang: must be one of zh, en"),
    ("interview.questions", "0", "interview.questions: must be from 1"),
    ("decks.my.deck.new_per_day", "3", "unknown setting"),
    ("colour", "red", "unknown setting 'colour'"),
])
def test_a_bad_value_names_the_key(key, value, message):
    with pytest.raises(S.SettingsError, match=message.replace(".", r"\.")):
        S.with_value(S.Settings(), key, value)


def test_a_broken_file_is_an_error_naming_file_and_key(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('new_per_day = "lots"\n', encoding="utf-8")
    with pytest.raises(S.SettingsError, match=r"config\.toml: new_per_day: must be a whole"):
        S.load(path)
    path.write_text("lang = 'en'\nnew_per_day = = 3\n", encoding="utf-8")
    with pytest.raises(S.SettingsError, match=r"config\.toml: not valid TOML.*line"):
        S.load(path)


def test_config_command(tmp_path, capsys):
    data = str(tmp_path / "d")
    assert main(["config", "--data-dir", data, "set", "decks.default.new_per_day", "7"]) == 0
    assert main(["config", "--data-dir", data, "get", "decks.default.new_per_day"]) == 0
    assert capsys.readouterr().out.strip() == "7"
    assert main(["config", "--data-dir", data, "set", "reviews_per_day", "many"]) == 1
    err = capsys.readouterr().err
    assert "reviews_per_day: must be a whole number" in err and "Traceback" not in err
    assert main(["config", "--data-dir", data, "list"]) == 0
    out = capsys.readouterr().out
    assert "decks.default.new_per_day" in out and "desired_retention" in out
    assert main(["config", "--data-dir", data, "unset", "decks.default"]) == 0
    assert main(["config", "--data-dir", data, "path"]) == 0
    assert capsys.readouterr().out.strip().endswith("d/config.toml")


def test_quiz_without_a_terminal_says_so_and_exits_1(tmp_path):
    """B12: with stdin/stdout not a terminal the TUI used to start and spin forever."""
    proc = subprocess.run([sys.executable, "-m", "quiz.cli", "--data-dir", str(tmp_path)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "needs a terminal" in proc.stderr and "quiz interview --headless" in proc.stderr
