"""The loader: valid decks load, and each kind of bad input is named by file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.deck.errors import DeckError
from quiz.deck.loader import load_deck

GOOD = """\
title: {zh: 测试, en: Test}
languages: [zh, en]
cards:
  - id: threads
    seed: [6, 18]
    tags: [threads]
    difficulty: 2
    question: {zh: 支持多线程吗？, en: "Does it use several threads?"}
    answer: {zh: 支持，默认使用线程池。, en: Yes; an intra-op thread pool by default.}
    key_points:
      - id: pool
        weight: 2
        zh: [默认使用线程池]
        en: [intra-op thread pool by default]
    misconceptions:
      - id: single
        zh: [不支持多线程]
        en: [no multithreading]
        feedback: {zh: 错。, en: Wrong.}
    claims:
      - id: no-threads
        seed: 6
        statement: 默认不支持多线程
        verdict: false
        correction: {zh: 默认就是多线程。, en: It is multi-threaded by default.}
        sources: [https://pytorch.org/docs/stable/notes/cpu_threading_torchscript_inference.html]
        lab: threads
        finding: multithread-default
"""


def write(tmp_path: Path, text: str, name: str = "deck.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def problems(path: Path) -> list[str]:
    with pytest.raises(DeckError) as exc:
        load_deck(path)
    return [str(p) for p in exc.value.problems]


def test_valid_deck_loads_with_every_field(tmp_path):
    deck = load_deck(write(tmp_path, GOOD))
    card = deck.card("threads")
    assert deck.title == {"zh": "测试", "en": "Test"}
    assert card.seed == (6, 18)
    assert card.key_points[0].weight == 2.0
    assert card.key_points[0].phrasings["en"] == ("intra-op thread pool by default",)
    assert card.claims[0].verdict == "false"  # a bare YAML `false` is read as the verdict
    assert card.claims[0].finding == "multithread-default"
    assert card.line == 4


def test_round_trip_through_to_dict(tmp_path):
    deck = load_deck(write(tmp_path, GOOD))
    again = load_deck(write(tmp_path, yaml.safe_dump(deck.to_dict(), allow_unicode=True), "b.yaml"))
    assert again.cards == deck.cards


def test_shipped_deck_round_trips_through_to_dict(tmp_path):
    # it has true claims without a correction: to_dict must not write `correction: {}`
    deck = load_deck()
    assert any(cl.verdict == "true" and not cl.correction for c in deck.cards for cl in c.claims)
    again = load_deck(write(tmp_path, yaml.safe_dump(deck.to_dict(), allow_unicode=True), "s.yaml"))
    strip = [(c.id, c.key_points, c.misconceptions, c.claims) for c in deck.cards]
    assert [(c.id, c.key_points, c.misconceptions, c.claims) for c in again.cards] == strip


def test_bad_verdict_names_file_line_and_field(tmp_path):
    p = write(tmp_path, GOOD.replace("verdict: false", "verdict: wrong"))
    (msg,) = problems(p)
    line = GOOD.splitlines().index("        verdict: false") + 1
    assert msg.startswith(f"{p}:{line}: cards[0].claims[0].verdict:")
    assert "'wrong' is not one of true, false, partly, outdated" in msg


def test_several_problems_reported_at_once(tmp_path):
    text = GOOD.replace("difficulty: 2", "difficulty: 9").replace("weight: 2", "weight: -1")
    text = text.replace("    tags: [threads]\n", "    tags: [threads]\n    colour: red\n")
    msgs = problems(write(tmp_path, text))
    fields = [m.split(": ")[1] for m in msgs]
    assert "cards[0].difficulty" in fields
    assert "cards[0].key_points[0].weight" in fields
    assert "cards[0].colour" in fields
    assert any("unknown key" in m for m in msgs)


def test_non_true_claim_needs_correction_and_source(tmp_path):
    text = GOOD.replace(
        "        correction: {zh: 默认就是多线程。, en: It is multi-threaded by default.}\n", ""
    ).replace(
        "        sources: [https://pytorch.org/docs/stable/notes/cpu_threading_torchscript_inference.html]\n",
        "",
    )
    msgs = problems(write(tmp_path, text))
    assert any("claims[0].correction: missing" in m for m in msgs)
    assert any("claims[0].sources: missing" in m for m in msgs)


def test_correction_must_be_bilingual(tmp_path):
    text = GOOD.replace(
        "correction: {zh: 默认就是多线程。, en: It is multi-threaded by default.}",
        "correction: {zh: 默认就是多线程。}",
    )
    msgs = problems(write(tmp_path, text))
    assert any("claims[0].correction.en: missing" in m for m in msgs)


def test_source_must_be_a_url(tmp_path):
    text = GOOD.replace("sources: [https://pytorch.org", "sources: [pytorch.org")
    msgs = problems(write(tmp_path, text))
    assert any("claims[0].sources[0]" in m and "not an http(s) URL" in m for m in msgs)


def test_duplicate_card_ids_and_seed_numbers(tmp_path):
    card = GOOD.split("cards:\n", 1)[1]
    text = GOOD + card.replace("seed: [6, 18]", "seed: [18]")
    msgs = problems(write(tmp_path, text))
    assert any("duplicate card id 'threads'" in m for m in msgs)


def test_seed_number_in_two_cards(tmp_path):
    card = GOOD.split("cards:\n", 1)[1]
    text = GOOD + card.replace("id: threads", "id: threads-2").replace(
        "seed: [6, 18]", "seed: [18]"
    )
    msgs = problems(write(tmp_path, text))
    assert any("seed question 18 is already covered by card 'threads'" in m for m in msgs)


def test_duplicate_yaml_key_is_an_error(tmp_path):
    text = GOOD.replace("    difficulty: 2\n", "    difficulty: 2\n    difficulty: 3\n")
    (msg,) = problems(write(tmp_path, text))
    assert ":8: cards[0].difficulty: duplicate key" in msg


def test_missing_required_fields(tmp_path):
    text = GOOD.replace(
        '    question: {zh: 支持多线程吗？, en: "Does it use several threads?"}\n', ""
    )
    (msg,) = problems(write(tmp_path, text))
    assert "cards[0].question: missing" in msg


def test_wrong_type(tmp_path):
    text = GOOD.replace("tags: [threads]", "tags: threads")
    (msg,) = problems(write(tmp_path, text))
    assert "cards[0].tags: expected a list, got text" in msg


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"\xff\xfe\xfa bad", "not UTF-8"),
        (b"title: [unclosed\n", "YAML syntax"),
        (b"- just\n- a list\n", "expected a mapping, got a list"),
        (b"title: T\nlanguages: [zh, en]\ncards: []\n", "the deck has no cards"),
        (b"title: T\nlanguages: [fr]\ncards: []\n", "'fr' is not supported"),
        (b"!!python/object:os.system {}\n", "YAML"),
    ],
)
def test_bad_files_give_one_clear_message(tmp_path, content, expected):
    p = tmp_path / "x.yaml"
    p.write_bytes(content)
    msgs = problems(p)
    assert any(expected in m for m in msgs), msgs
    assert all(m.startswith(str(p)) for m in msgs)


def test_missing_path_and_empty_folder(tmp_path):
    assert "no such file or folder" in problems(tmp_path / "nope.yaml")[0]
    (tmp_path / "empty").mkdir()
    assert "holds no .yaml" in problems(tmp_path / "empty")[0]


def test_folder_deck_merges_files_and_checks_languages(tmp_path):
    d = tmp_path / "deck"
    d.mkdir()
    write(d, GOOD, "a.yaml")
    second = GOOD.replace("id: threads", "id: other").replace("seed: [6, 18]", "seed: [7]")
    write(d, second, "b.yaml")
    deck = load_deck(d)
    assert deck.ids() == ["threads", "other"]
    write(
        d,
        second.replace("languages: [zh, en]", "languages: [en]")
        .replace("id: other", "id: third")
        .replace("seed: [7]", "seed: [8]"),
        "c.yaml",
    )
    assert any("all files of a deck share one language list" in m for m in problems(d))


def test_single_language_deck_needs_only_that_language(tmp_path):
    text = """\
    title: Mine
    languages: [en]
    cards:
      - id: q1
        question: {en: "What is a .ptl file?"}
        answer: {en: A TorchScript model saved for the lite interpreter.}
    """
    deck = load_deck(write(tmp_path, text))
    assert deck.card("q1").question == {"en": "What is a .ptl file?"}


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "languages",
                    "cards",
                    "id",
                    "question",
                    "answer",
                    "zh",
                    "en",
                    "seed",
                    "claims",
                    "verdict",
                    "key_points",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(yaml_values)
def test_loader_raises_only_its_own_error_on_arbitrary_yaml(tmp_path, value):
    p = tmp_path / "fuzz.yaml"
    p.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    try:
        load_deck(p)
    except DeckError as e:
        assert e.problems and all(str(pr).startswith(str(p)) for pr in e.problems)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda s: s.encode("utf-8")))
def test_loader_survives_arbitrary_bytes(tmp_path, raw):
    p = tmp_path / "fuzz.yaml"
    p.write_bytes(raw)
    try:
        load_deck(p)
    except DeckError:
        pass


def test_essential_flag_round_trips_and_lint_requires_one(tmp_path):
    from quiz.deck.lint import lint_deck
    from quiz.deck.loader import load_deck

    deck_file = tmp_path / "d.yaml"
    body = """title: t
languages: [en]
cards:
  - id: c1
    question: {en: Q?}
    answer: {en: A.}
    key_points:
      - id: p1
        %s
        en: [the first point]
      - id: p2
        en: [the second point]
"""
    deck_file.write_text(body % "essential: true", encoding="utf-8")
    deck = load_deck(deck_file)
    assert [k.essential for k in deck.cards[0].key_points] == [True, False]
    assert deck.cards[0].key_points[0].to_dict()["essential"] is True
    assert "essential" not in deck.cards[0].key_points[1].to_dict()
    assert lint_deck(deck, {}) == []

    deck_file.write_text(body % "weight: 1", encoding="utf-8")
    problems = lint_deck(load_deck(deck_file), {})
    assert [p.field for p in problems] == ["c1.key_points"]
    assert "essential" in problems[0].message

    deck_file.write_text(body % "essential: yes please", encoding="utf-8")
    from quiz.deck.errors import DeckError

    with pytest.raises(DeckError) as e:
        load_deck(deck_file)
    assert "essential" in str(e.value)
