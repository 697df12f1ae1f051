"""`quiz grade --jsonl` on hostile bytes, as a process sees them: a bad line costs that line
only, and the output is valid UTF-8 JSONL (review A5, A6, A9; issue 12 item 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from tests.test_grading_cli import DECK
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_grading_cli import DECK

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def deck(tmp_path) -> Path:
    p = tmp_path / "deck.yaml"
    p.write_text(DECK, encoding="utf-8")
    return p


def good(answer: str = "multithreaded by default") -> bytes:
    return json.dumps({"card": "mobile-threads", "answer": answer}).encode()


def grade(deck: Path, home: Path, *, data: bytes, path: Path | None = None,
          encoding: str = "utf-8:strict") -> subprocess.CompletedProcess:
    """`quiz grade --jsonl` in a child; ``encoding`` is how Python reads stdin there
    (strict in a desktop UTF-8 locale, surrogateescape in C.UTF-8)."""
    env = {**os.environ, "QUIZ_HOME": str(home), "PYTHONIOENCODING": encoding}
    src = str(path) if path else "-"
    return subprocess.run([sys.executable, "-m", "quiz.cli", "grade", "--deck", str(deck),
                           "--jsonl", src], input=None if path else data,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)


def rows(out: bytes) -> list[dict]:
    text = out.decode("utf-8")  # strict: the output must be valid UTF-8
    return [json.loads(x) for x in text.splitlines()]


@pytest.mark.parametrize("where", ["file", "stdin-strict", "stdin-surrogateescape"])
def test_invalid_utf8_costs_one_line(deck, tmp_path, where):
    data = b"\n".join([good(), b'{"card":"mobile-threads","answer":"\xff\xfe x"}', good()]) + b"\n"
    f = tmp_path / "in.jsonl"
    f.write_bytes(data)
    enc = "utf-8:surrogateescape" if where == "stdin-surrogateescape" else "utf-8:strict"
    r = grade(deck, tmp_path / "h", data=data, path=f if where == "file" else None,
              encoding=enc)
    assert b"Traceback" not in r.stderr, r.stderr.decode()
    out = rows(r.stdout)
    assert [x["line"] for x in out] == [1, 2, 3]
    assert out[1] == {"line": 2, "error": "not UTF-8 text (byte 36 of the line)"}
    assert out[0]["verdict"] == out[2]["verdict"] != "error"
    assert r.returncode == 1 and b"1 line(s) failed" in r.stderr


def test_a_bad_byte_in_a_big_batch_loses_no_neighbouring_line(deck, tmp_path):
    lines = [good(f"multithreaded by default {i}") for i in range(4002)]
    lines[2000] = b'{"card":"mobile-threads","answer":"\xff"}'
    f = tmp_path / "in.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    out = rows(grade(deck, tmp_path / "h", data=b"", path=f).stdout)
    assert len(out) == 4002 and "error" in out[2000]
    assert sum("error" in x for x in out) == 1


def test_deeply_nested_json_costs_one_line(deck, tmp_path):
    data = b"[" * 100_000 + b"]" * 100_000 + b"\n" + good() + b"\n"
    r = grade(deck, tmp_path / "h", data=data)
    assert b"Traceback" not in r.stderr, r.stderr.decode()[-2000:]
    out = rows(r.stdout)
    assert out[0] == {"line": 1, "error": "invalid JSON: nested too deeply"}
    assert out[1]["line"] == 2 and "verdict" in out[1]


def test_a_lone_surrogate_escape_still_gives_valid_utf8(deck, tmp_path):
    data = good("multithreaded by default \\udcff").replace(b"\\\\", b"\\") + b"\n"
    r = grade(deck, tmp_path / "h", data=data)
    out = rows(r.stdout)  # decodes strictly
    assert len(out) == 1 and out[0]["line"] == 1


def test_blank_answers_are_graded_wrong_and_flagged(deck, tmp_path):
    data = b"\n".join([good(""), good("  \t "), json.dumps(
        {"references": ["The water evaporated."], "answer": " "}).encode(), good()]) + b"\n"
    r = grade(deck, tmp_path / "h", data=data)
    assert r.returncode == 0, r.stderr.decode()
    out = rows(r.stdout)
    for x in out[:3]:
        assert x["verdict"] == "wrong" and x["score"] == 0 and x["flags"] == ["empty-answer"]
    assert [k["id"] for k in out[0]["key_points"]] == ["default-multithreaded",
                                                        "set-num-threads"]
    assert out[2]["lang"] == "en" and "card" not in out[2]
    assert "empty-answer" not in out[3]["flags"]
