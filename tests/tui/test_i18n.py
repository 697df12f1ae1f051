"""Every UI string the screens ask for exists in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from quiz.tui.i18n import BINDING_GROUPS, STRINGS, t

TUI = Path(__file__).resolve().parents[2] / "quiz" / "tui"
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


def test_every_literal_key_has_both_languages():
    keys = set()
    for f in TUI.rglob("*.py"):
        keys |= set(LITERAL.findall(f.read_text(encoding="utf-8")))
    keys = {k for k in keys if not k.endswith(".")}  # prefixes of dynamic keys: see below
    assert len(keys) > 50
    missing = sorted(k for k in keys if k not in STRINGS)
    assert not missing
    for k in keys:
        assert STRINGS[k].get("zh") and STRINGS[k].get("en"), k


def test_dynamic_keys_and_binding_descriptions():
    from quiz.tui.app import QuizApp
    from quiz.tui.screens import browse, home, interview, labs, modals, stats, study

    for prefix, names in (("verdict.", ("correct", "partial", "wrong")),
                          ("claim.", ("true", "false", "partly", "outdated")),
                          ("lab.", ("supported", "refuted", "inconclusive")),
                          ("rating.", ("Again", "Hard", "Good", "Easy")),
                          ("study.kind.", ("due", "new", "practice"))):
        for n in names:
            assert t(prefix + n, "zh") != t(prefix + n, "en"), prefix + n
    for cls in (QuizApp, home.HomeScreen, study.StudyScreen, interview.InterviewSetupScreen,
                interview.InterviewScreen, interview.InterviewReportScreen, labs.LabsScreen,
                browse.BrowseScreen, browse.CardScreen, stats.StatsScreen, modals.ErrorModal,
                modals.HelpScreen):
        for b in cls.BINDINGS:
            assert f"key.{b.id}" in STRINGS, f"{cls.__name__}: no text for binding {b.id}"
    for key in BINDING_GROUPS.values():
        assert key in STRINGS


def test_format_placeholders_match():
    field = re.compile(r"{(\w+)")
    for key, entry in STRINGS.items():
        assert set(field.findall(entry["zh"])) == set(field.findall(entry["en"])), key
