"""`quiz grade`: one answer, JSON shape, exit codes, and the --jsonl batch."""

from __future__ import annotations

import io
import json

import pytest

from quiz.cli import main

DECK = """\
title: {zh: 测试, en: Test}
languages: [zh, en]
cards:
  - id: mobile-threads
    seed: [6]
    question:
      zh: PyTorch Mobile 支持多线程吗？
      en: Does PyTorch Mobile support multithreading?
    answer:
      zh: 支持，默认就是多线程。
      en: Yes, it is multithreaded by default.
    key_points:
      - id: default-multithreaded
        weight: 3
        zh: [默认就是多线程, 算子内并行]
        en: [multithreaded by default, intra-op thread pool]
      - id: set-num-threads
        zh: [torch.set_num_threads, 可以设置线程数]
        en: [torch.set_num_threads, the thread count is configurable]
    misconceptions:
      - id: single-thread
        zh: [不支持多线程, 默认单线程]
        en: [does not support multithreading, single-threaded by default]
        feedback:
          zh: 默认就是多线程。
          en: It is multithreaded by default.
"""


@pytest.fixture
def deck(tmp_path):
    p = tmp_path / "deck.yaml"
    p.write_text(DECK, encoding="utf-8")
    return str(p)


def run(argv, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_grade_one_answer_json(deck, capsys):
    code, out, _ = run(["grade", "--deck", deck, "--card", "mobile-threads", "--answer",
                        "It is multithreaded by default; use torch.set_num_threads.", "--json"],
                       capsys)
    assert code == 0
    d = json.loads(out)
    assert d["card"] == "mobile-threads"
    assert d["verdict"] == "correct" and 0 <= d["score"] <= 1
    assert [p["id"] for p in d["key_points"]] == ["default-multithreaded", "set-num-threads"]
    assert d["key_points"][0]["found"] is True


def test_grade_human_output_and_stdin(deck, capsys, monkeypatch):
    code, out, _ = run(["grade", "--deck", deck, "--card", "mobile-threads", "--answer", "-"],
                       capsys, stdin="PyTorch Mobile 不支持多线程。", monkeypatch=monkeypatch)
    assert code == 0
    assert out.startswith("WRONG")
    assert "[misconception] single-thread" in out
    assert "误解" in out


def test_unknown_card_and_empty_answer_exit_non_zero(deck, capsys):
    code, _, err = run(["grade", "--deck", deck, "--card", "mobile-thread", "--answer", "x"],
                       capsys)
    assert code == 1 and "did you mean mobile-threads" in err
    code, _, err = run(["grade", "--deck", deck, "--card", "mobile-threads", "--answer", "  "],
                       capsys)
    assert code == 1 and "empty answer" in err
    code, _, err = run(["grade", "--deck", deck, "--card", "mobile-threads"], capsys)
    assert code == 1 and "--answer" in err


def test_jsonl_batch_keeps_order_and_reports_bad_lines(deck, capsys, tmp_path):
    lines = [
        json.dumps({"card": "mobile-threads", "answer": "multithreaded by default", "lang": "en"}),
        "{not json",
        json.dumps({"card": "nope", "answer": "x"}),
        json.dumps({"card": "mobile-threads", "answer": "   "}),
        json.dumps({"answer": "missing the card"}),
        "",
        json.dumps({"references": ["The water evaporated, leaving the salt."],
                    "question": "How did you separate the salt?", "answer": "evaporate the water"}),
        json.dumps({"card": "mobile-threads", "answer": "默认单线程", "lang": "zh"}),
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(["grade", "--deck", deck, "--jsonl", str(f)], capsys)
    assert code == 1
    assert "3 line(s) failed" in err
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 7, 8]
    assert rows[0]["verdict"] in ("correct", "partial") and "score" in rows[0]
    assert rows[1]["error"].startswith("invalid JSON")
    assert "no card with id 'nope'" in rows[2]["error"]
    # A blank answer is graded, not failed (issue 12, item 8): wrong, 0, flagged.
    assert rows[3]["verdict"] == "wrong" and rows[3]["score"] == 0
    assert rows[3]["flags"] == ["empty-answer"] and rows[3]["card"] == "mobile-threads"
    assert rows[3]["key_points"] and not any(k["found"] for k in rows[3]["key_points"])
    assert rows[4]["error"] == "missing field 'card'"
    assert {"score", "verdict"} <= set(rows[5])
    assert rows[6]["verdict"] == "wrong" and rows[6]["misconceptions"][0]["id"] == "single-thread"


def test_jsonl_from_stdin_all_good_exits_zero(deck, capsys, monkeypatch):
    data = "\n".join(json.dumps({"card": "mobile-threads", "answer": a})
                     for a in ["默认就是多线程", "the thread count is configurable"]) + "\n"
    code, out, _ = run(["grade", "--deck", deck, "--jsonl", "-"], capsys, stdin=data,
                       monkeypatch=monkeypatch)
    assert code == 0
    assert [json.loads(x)["line"] for x in out.splitlines()] == [1, 2]


def test_jsonl_missing_file(deck, capsys):
    code, _, err = run(["grade", "--deck", deck, "--jsonl", "/nonexistent/x.jsonl"], capsys)
    assert code == 1 and "/nonexistent/x.jsonl" in err


def test_jsonl_uses_the_deck_cache_and_follows_edits(deck, capsys, tmp_path):
    import os
    from pathlib import Path

    data = tmp_path / "data"
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"card": "mobile-threads", "answer": "默认单线程"}) + "\n",
                 encoding="utf-8")
    argv = ["--data-dir", str(data), "grade", "--deck", deck, "--jsonl", str(f)]
    code, out, _ = run(argv, capsys)
    assert code == 0 and json.loads(out)["verdict"] == "wrong"
    assert list((data / "cache").glob("deck-*.json"))  # the batch stored the parsed deck
    # An edit to the deck is seen at once: the misconception is gone, so is the flag.
    p = Path(deck)
    p.write_text(DECK.replace("默认单线程", "从来没有线程池"), encoding="utf-8")
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    code, out, _ = run(argv, capsys)
    assert code == 0 and json.loads(out)["misconceptions"] == []


def test_batch_encoder_writes_what_json_dumps_writes():
    from quiz.commands.grade import _encoder

    encode = _encoder()
    for obj in ({"line": 3, "score": 0.1 + 0.2, "span": [0, 12], "matched": "不支持多线程 \"x\"\n",
                 "found": False, "phrasing": None, "flags": [], "nested": {"a": [1.5e-7, -0.0]}},
                [], "纯文本", 12, None):
        assert encode(obj) == json.dumps(obj, ensure_ascii=False)
