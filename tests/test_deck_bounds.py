"""Expanded YAML is bounded: aliases and nesting give a file:line problem, never a hang or a
RecursionError (review D3, D4, D5)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quiz.deck.errors import DeckError
from quiz.deck.loader import load_deck

MAX_DEPTH = 32  # quiz.deck.loader's limits, written out: these tests also run on old code
ALIAS_BUDGET = 100_000

ROOT = Path(__file__).resolve().parents[1]

try:
    from tests.test_deck_loader import GOOD
except ModuleNotFoundError:  # tests/ is not a package: pytest puts it on sys.path
    from test_deck_loader import GOOD


def problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as e:
        load_deck(path)
    return [str(p) for p in e.value.problems]


def laughs(levels: int = 10) -> str:
    lines = ["a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly_in_bounded_memory(tmp_path):
    deck = tmp_path / "laughs.yaml"
    deck.write_text(laughs(), encoding="utf-8")
    assert len(deck.read_bytes()) < 500
    # In a child with 1 GB of address space and a deadline: the old loader grew without end.
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        sys.path.insert(0, {str(ROOT)!r})
        from quiz.deck.errors import DeckError
        from quiz.deck.loader import load_deck
        try:
            load_deck({str(deck)!r})
        except DeckError as e:
            print("\\n".join(map(str, e.problems)))
    """)
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the loader did not finish in 60 s")
    assert out.returncode == 0, out.stderr[-2000:]
    line = out.stdout.strip().splitlines()[0]
    assert line.startswith(f"{deck}:") and "aliases expand the file" in line, out.stdout
    assert f"{ALIAS_BUDGET:,}" in line


def test_recursive_alias_is_a_problem_at_its_line(tmp_path):
    deck = tmp_path / "rec.yaml"
    deck.write_text(GOOD.replace("    tags: [threads]\n", "    tags: &t [x, *t]\n"),
                    encoding="utf-8")
    line = GOOD.splitlines().index("    tags: [threads]") + 1
    assert problems(deck) == [f"{deck}:{line}: an alias refers to a node that contains it "
                              f"(a recursive structure, anchored at line {line})"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 999])
def test_deep_nesting_is_a_problem_at_its_line(tmp_path, depth):
    deck = tmp_path / "deep.yaml"
    deck.write_text("title: x\ncards: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    assert problems(deck) == [f"{deck}:2: nested more than {MAX_DEPTH} levels deep "
                              "(a deck needs 7)"]


def test_ordinary_aliases_still_load(tmp_path):
    deck = tmp_path / "ok.yaml"
    text = GOOD.replace("    tags: [threads]\n", "    tags: &t [threads, mobile]\n")
    deck.write_text(text, encoding="utf-8")
    assert load_deck(deck).cards[0].tags == ("threads", "mobile")


def test_the_shipped_deck_is_within_bounds():
    assert len(load_deck().cards) > 10
