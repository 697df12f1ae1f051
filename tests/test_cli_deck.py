"""The headless deck commands, run as a user runs them: exit codes, stderr, JSON shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_f06bdbd81b4a11e4.txt"


def quiz(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUIZ_HOME": str(cwd or ROOT / ".pytest-quiz-home")}
    return subprocess.run(
        [sys.executable, "-m", "quiz.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


def test_lint_passes_on_the_shipped_deck():
    r = quiz("lint")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: ")


def test_lint_reports_file_line_field_and_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: T\nlanguages: [en]\ncards:\n  - id: Bad Id\n    question: {en: q}\n"
        "    answer: {en: a}\n    difficulty: 7\n",
        encoding="utf-8",
    )
    r = quiz("lint", str(bad))
    assert r.returncode == 1
    assert f"{bad}:4: cards[0].id: 'Bad Id' is not a valid id" in r.stderr
    assert f"{bad}:7: cards[0].difficulty: expected a whole number 1-5, got 7" in r.stderr
    assert "Traceback" not in r.stderr


def test_lint_json(tmp_path):
    r = quiz("lint", "--json")
    data = json.loads(r.stdout)
    assert data["ok"] is True and data["cards"] > 0


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02", b"cards: [", b"title: x\n"])
def test_bad_deck_files_exit_non_zero_without_traceback(tmp_path, content):
    p = tmp_path / "d.yaml"
    p.write_bytes(content)
    for cmd in (["lint", str(p)], ["cards", str(p)], ["show", "x", "--deck", str(p)]):
        r = quiz(*cmd)
        assert r.returncode != 0
        assert str(p) in r.stderr and "Traceback" not in r.stderr


def test_missing_path():
    r = quiz("cards", "/nonexistent/deck.yaml")
    assert r.returncode == 1
    assert "/nonexistent/deck.yaml: no such file or folder" in r.stderr


def test_cards_json_is_the_yaml_model():
    r = quiz("cards", "--json")
    assert r.returncode == 0
    cards = json.loads(r.stdout)
    assert isinstance(cards, list) and cards
    keys = {
        "id",
        "seed",
        "question",
        "answer",
        "key_points",
        "misconceptions",
        "claims",
        "tags",
        "difficulty",
    }
    assert all(set(c) == keys for c in cards)
    assert all(set(c["question"]) == {"zh", "en"} for c in cards)


def test_show_one_card_and_unknown_id():
    first = json.loads(quiz("cards", "--json").stdout)[0]
    r = quiz("show", first["id"], "--lang", "en")
    assert r.returncode == 0
    assert first["question"]["en"] in r.stdout
    r = quiz("show", first["id"][:-1] + "zz")
    assert r.returncode == 1
    assert "no card with id" in r.stderr and "did you mean" in r.stderr


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed document is not here")
def test_dedup_json_on_the_seed():
    r = quiz("dedup", str(SEED), "--json")
    assert r.returncode == 0, r.stderr
    groups = json.loads(r.stdout)["groups"]
    assert all(set(g) >= {"members", "score", "kind"} for g in groups)
    assert all(0 <= g["score"] <= 100 for g in groups)
    pairs = {(tuple(g["members"]), g["kind"]) for g in groups}
    assert {
        ((6, 18), "duplicate"),
        ((10, 29), "duplicate"),
        ((24, 30), "duplicate"),
        ((22, 27), "near"),
    } <= pairs


def test_dedup_on_the_shipped_deck_uses_card_ids():
    r = quiz("dedup", "content", "--json", "--threshold", "50")
    assert r.returncode == 0, r.stderr
    ids = {c["id"] for c in json.loads(quiz("cards", "--json").stdout)}
    for g in json.loads(r.stdout)["groups"]:
        assert set(g["members"]) <= ids


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed document is not here")
def test_import_md_writes_a_deck_that_lints(tmp_path):
    out = tmp_path / "draft.yaml"
    r = quiz("import-md", str(SEED), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "30 questions -> 27 draft cards" in r.stdout
    assert "review 22 ~ 27" in r.stdout
    assert quiz("lint", str(out)).returncode == 0
    again = quiz("import-md", str(SEED), "-o", str(out))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_import_md_without_questions(tmp_path):
    md = tmp_path / "empty.md"
    md.write_text("# nothing\n", encoding="utf-8")
    r = quiz("import-md", str(md), "-o", str(tmp_path / "o.yaml"))
    assert r.returncode == 1
    assert "no questions found" in r.stderr


def test_bad_threshold_is_a_usage_error():
    r = quiz("dedup", "content", "--threshold", "abc")
    assert r.returncode == 2 and "is not a number" in r.stderr


def test_every_subcommand_has_help():
    r = quiz("--help")
    assert r.returncode == 0
    for cmd in ("lint", "cards", "show", "import-md", "dedup"):
        h = quiz(cmd, "--help")
        assert h.returncode == 0 and "usage: quiz" in h.stdout


def test_global_data_dir_before_a_subcommand(tmp_path):
    r = quiz("--data-dir", str(tmp_path / "home"), "cards", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)


def test_argument_rewriting_for_deck_paths():
    from quiz.cli import _first_word, _insert_open

    argv = ["--data-dir", "stats", "deck.yaml", "--lang", "en"]
    assert _first_word(argv) == 2
    assert _insert_open(argv, 2) == ["--data-dir", "stats", "open", "deck.yaml", "--lang", "en"]
    assert _insert_open([], None) == ["open"]
    assert _insert_open(["--data-dir", "x"], None) == ["--data-dir", "x", "open"]
    # Options of `open` itself go after it (`quiz --lang en`).
    assert _insert_open(["--lang", "en"], None) == ["open", "--lang", "en"]
    assert _insert_open(["--lang", "en", "--data-dir=d", "deck"], 3) == [
        "--data-dir=d",
        "open",
        "--lang",
        "en",
        "deck",
    ]


@pytest.mark.parametrize("argv, mode, lang, path", [
    (["--lang", "en", "study"], "study", "en", None),
    (["study", "--lang", "en"], "study", "en", None),
    (["--lang", "zh", "labs", "deck.yaml"], "labs", "zh", "deck.yaml"),
    (["--lang", "en", "deck.yaml"], None, "en", "deck.yaml"),
    (["--data-dir", "d", "--lang", "en", "study"], "study", "en", None),
])
def test_options_before_the_subcommand_reach_it(monkeypatch, argv, mode, lang, path):
    """`quiz --lang en study` opens study in English (it once took "study" for a deck)."""
    import quiz.commands.app as app_cmd
    from quiz.cli import main

    seen = {}

    def fake_open(args, m=None):
        seen.update(mode=m, lang=args.lang, path=args.path,
                    data_dir=getattr(args, "data_dir", None))
        return 0

    monkeypatch.setattr(app_cmd, "open_app", fake_open)
    assert main(argv) == 0
    assert (seen["mode"], seen["lang"], seen["path"]) == (mode, lang, path)
    assert seen["data_dir"] == ("d" if "--data-dir" in argv else None)
