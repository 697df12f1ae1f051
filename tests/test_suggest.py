"""`quiz suggest-points`: key points drafted from the model answer, checked by the grader."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import yaml

from quiz.deck.loader import load_deck
from quiz.session.grader import grade_card
from quiz.session.suggest import as_yaml_points, rank, suggest_points

ROOT = Path(__file__).resolve().parents[1]


def _bare(card_id: str):
    """A shipped card with its key points removed, as a freshly imported card would be."""
    return replace(load_deck().card(card_id), key_points=(), misconceptions=())


def test_drafts_are_clauses_of_the_model_answer_that_the_model_answer_makes():
    card = _bare("layer-fusion")
    drafts = suggest_points(card, "en", 6)
    assert len(drafts) == 6
    for s in drafts:
        assert s.text in card.answer["en"]
        assert s.self_match >= 70
    # API names rank: a clause naming optimize_for_mobile or fuse_modules is among them.
    assert any("optimize_for_mobile" in s.text or "fuse_modules" in s.text for s in drafts)


def test_clauses_of_only_question_words_are_not_offered():
    card = _bare("layer-fusion")
    card = replace(card, answer={"en": "What is layer fusion? Layer fusion folds Conv2d and "
                                       "BatchNorm2d into one convolution."})
    texts = [s.text for s in rank(card, "en")]
    assert not any(t.startswith("What is layer fusion") for t in texts)
    assert any("BatchNorm2d" in t for t in texts)


def test_drafted_points_grade_the_model_answer_correct_and_a_wrong_one_wrong():
    card = _bare("pytorch-mobile-overview")
    points = as_yaml_points(suggest_points(card, "en", 5))
    from quiz.deck.model import KeyPoint

    card = replace(card, key_points=tuple(
        KeyPoint(p["id"], float(p["weight"]), {"en": tuple(p["en"])}) for p in points))
    assert grade_card(card, card.answer["en"], "en").verdict == "correct"
    assert grade_card(card, "It is a web framework for Java servers.", "en").verdict == "wrong"
    assert len({p["id"] for p in points}) == len(points)
    assert points[0]["weight"] == 2


def test_cli_prints_yaml_that_parses_as_key_points(tmp_path):
    r = subprocess.run([sys.executable, "-m", "quiz.cli", "suggest-points", "layer-fusion",
                        "--lang", "zh", "-n", "3"], capture_output=True, text=True, cwd=ROOT,
                       env={"QUIZ_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load(r.stdout)
    assert len(data["key_points"]) == 3
    assert all(set(p) == {"id", "weight", "zh"} for p in data["key_points"])
    r = subprocess.run([sys.executable, "-m", "quiz.cli", "suggest-points", "layer-fusoin"],
                       capture_output=True, text=True, cwd=ROOT,
                       env={"QUIZ_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 1 and "did you mean layer-fusion" in r.stderr
