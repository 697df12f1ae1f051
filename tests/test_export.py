"""`quiz export anki` (an .apkg: SQLite in a zip) and `quiz export md` (read back by import-md)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quiz.deck.importer import draft_deck
from quiz.deck.loader import load_deck
from quiz.deck.markdown import parse_document
from quiz.deck.mdexport import deck_markdown
from quiz.export.anki import FIELDS, MODEL_ID
from quiz.grading.normalize import detect_lang

ROOT = Path(__file__).resolve().parents[1]


def quiz(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quiz.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "QUIZ_HOME": str(cwd / "h")},
                          timeout=120)


def _notes(apkg: Path, tmp: Path) -> tuple[list[tuple], dict]:
    """(guid, fields, tags) of every note, and the note types, read from the package's SQLite."""
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        db = tmp / f"{apkg.stem}.anki2"
        db.write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(db)
    try:
        notes = [(g, f.split("\x1f"), t.split()) for g, f, t in
                 con.execute("select guid, flds, tags from notes order by id")]
        (models,) = con.execute("select models from col").fetchone()
    finally:
        con.close()
    return notes, json.loads(models)


def test_anki_package_has_one_note_per_card_with_every_field(tmp_path):
    deck = load_deck()
    out = tmp_path / "deck.apkg"
    r = quiz("export", "anki", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    notes, models = _notes(out, tmp_path)
    assert len(notes) == len(deck.cards)
    model = models[str(MODEL_ID)]
    assert [f["name"] for f in model["flds"]] == list(FIELDS)
    by_id = {fields[0]: (guid, fields, tags) for guid, fields, tags in notes}
    card = deck.card("pytorch-mobile-model-formats")
    _, fields, tags = by_id[card.id]
    f = dict(zip(FIELDS, fields, strict=True))
    assert len(fields) == len(FIELDS)
    assert f["Question_en"] == card.question["en"].replace("\n", "<br>").replace("'", "&#x27;")
    assert "Key points" in f["KeyPoints_en"] and "要点" in f["KeyPoints_zh"]
    assert "Fact check" in f["FactCheck_en"] and card.claims[0].sources[0] in f["FactCheck_en"]
    assert sorted(tags) == sorted(card.tags)
    assert len({g for g, _, _ in notes}) == len(notes)


def test_a_re_export_keeps_the_guids_so_anki_updates_the_notes(tmp_path):
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert quiz("export", "anki", str(a), cwd=tmp_path).returncode == 0
    assert quiz("export", "anki", str(b), cwd=tmp_path).returncode == 0
    ga = {fields[0]: g for g, fields, _ in _notes(a, tmp_path)[0]}
    gb = {fields[0]: g for g, fields, _ in _notes(b, tmp_path)[0]}
    assert ga == gb
    r = quiz("export", "anki", str(a), cwd=tmp_path)
    assert r.returncode == 1 and "already exists" in r.stderr


def _same_cards(original, back):
    assert [c.id for c in back.cards] == [c.id for c in original.cards]
    for o, b in zip(original.cards, back.cards, strict=True):
        assert b.question == o.question, o.id
        assert b.answer == o.answer, o.id


def test_markdown_export_reads_back_to_the_same_cards(tmp_path):
    deck = load_deck()
    out, yml = tmp_path / "deck.md", tmp_path / "back.yaml"
    assert quiz("export", "md", str(out), cwd=tmp_path).returncode == 0
    r = quiz("import-md", str(out), "-o", str(yml), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    back = load_deck(yml)
    _same_cards(deck, back)
    assert back.title == deck.title and back.languages == deck.languages


def test_markdown_export_of_one_language_and_of_tricky_text(tmp_path):
    deck = load_deck()
    text = deck_markdown(deck, ["en"])
    assert "**题目：**" not in text and text.startswith("### On-device")
    # An answer line that looks like a heading or a section label stays inside the answer.
    from dataclasses import replace

    tricky = replace(deck, cards=(replace(deck.cards[0], answer={
        "zh": "第一行\n#### 2. 不是标题\n**答案：** 也不是", "en": "line\n**Answer:** not one"}),))
    doc = parse_document(deck_markdown(tricky), "t.md")
    assert not doc.skipped and len(doc.entries) == 1
    result = draft_deck(doc.entries, doc.title or "", detect=detect_lang)
    (card,) = result.deck["cards"]
    assert card["answer"] == tricky.cards[0].answer


@pytest.mark.parametrize("fmt", ["anki", "md"])
def test_export_of_a_broken_deck_names_the_file(tmp_path, fmt):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ncards: [\n", encoding="utf-8")
    r = quiz("export", fmt, str(tmp_path / "o"), "--deck", str(bad), cwd=tmp_path)
    assert r.returncode == 1 and "bad.yaml" in r.stderr
