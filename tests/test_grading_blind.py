"""Floors on the blind set (tests/data/grading_blind/): answers nobody on the project wrote.

Figures of the grader with its verdict model and the phrasings tuned on tune
(benchmarks/README.md, `benchmarks/blind_eval.py`), test split, read 23 (2026-12-06 22:30
UTC, main at 543030b, deck work on seven cards and a refit after read 22): accuracy 0.692
(decided 0.803), QWK 0.636, unsure 13.8 %, 2 wrong answers graded correct; held-out cards
0.635 (QWK 0.553), held-out answers 0.736. Read 22 (21:43, 172a70a, after the model was
refitted on all six tune batches): 0.689, QWK 0.626, 14.2 %, 2; held-out cards 0.643,
held-out answers 0.724. Read 22 is 6 answers of 289 under read 21 (0.709, QWK 0.658,
12.5 %, 3; the four-batch model, an accidental read while listing tune misses); nothing was
chosen on any of them, and the refit on six batches is what calibrate.py's procedure, fixed
before all three, prescribes, so the floors moved down with read 22 (benchmarks/README.md).
Earlier: read 19 (2026-12-04 21:53
UTC, after the model was refitted on all four tune batches): accuracy 0.709 (decided 0.807),
QWK 0.642, unsure 12.1 %, 3 wrong answers graded correct; held-out cards 0.659 (QWK 0.569),
held-out answers 0.748; read 20 (22:15, after one more deck phrasing was dropped) gave the
same figures. (Read 18: 0.713, 0.691, 11.8 %, 3; read 17: 0.716, 0.694, 11.8 %, 3;
read 16: 0.706, 0.674, 10.7 %, 3; read 15: 0.758, 0.717, 5.9 %, 6; read 14: 0.768, 0.699,
4.8 %, 5; read 13: 0.761, 0.702, 5.2 %, 4; read 11: 0.740, 0.653, 5.5 %, 7; 2026-12-02 20:35:
0.637, 0.455, 8.7 %, 7; the threshold rule before the model: 0.509, QWK 0.408, 12.5 %, 7.)
Read 19 lost QWK against read 18 on test; by calibrate.py's objective (fixed before any read)
the two tie there (0.666 and 0.668), and on the fifth batch, two writers nobody tuned on, read
19's grader is well ahead (QWK 0.777 against 0.653, 2 wrong->correct against 5): the QWK floor
moved down with it, and benchmarks/README.md says so.
The targets of issue 12 (0.85 / 0.85 / 0 / 15 %) are NOT met; these floors only keep a
regression from passing unseen. The test files' hashes pin them: an edit shows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "grading_blind"
SHA256 = {
    "tune.jsonl": "2d2fcc6ece0076e4ef3b2ad6719f5c605b774d771ec70e38bf8669a6e2b73d9d",
    "tune2.jsonl": "5895a54d7d5f09ddae9727a4275455224f7d6835151ba6131a81b812b2692085",
    "check.jsonl": "debe2ce7f41bb23d943814ead9f3f444b162132dabea60c79b6767d2df730a80",
    "tune3.jsonl": "e8e33775ea58398f0fc0a2bd1192fdfcdfa71399647be1bd86cee7816874a2d1",
    "tune4.jsonl": "eb85200136fc7da4fda854b72864b538367a29c4e10325551f2ad5b93500bcc3",
    "tune5.jsonl": "17abdc41a57d5f1081811e7197988b6bd9617ff255ead019afe43803ed748fa6",
    "tune6.jsonl": "c4c8429a77dbdd2bfee50c2097465c3ca5da2a855a7643ec5b705c6a7381342f",
    "test.jsonl": "a432c87d5da34cb57a00b7e88087b6c52df385330fed041110afea30cf081191",
}


@pytest.fixture(scope="module")
def figures(benchmark):
    return benchmark("blind_eval").evaluate()


def test_the_blind_files_are_the_ones_measured():
    for name, digest in SHA256.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def _rows(*names: str) -> list[dict]:
    import json

    return [json.loads(x) for name in names
            for x in (DATA / name).read_text(encoding="utf-8").splitlines()]


def test_blind_set_shape():
    import json

    rows = _rows("tune.jsonl", "tune2.jsonl", "test.jsonl")
    assert len(rows) >= 600
    per_card: dict[str, int] = {}
    for r in rows:
        per_card[r["card"]] = per_card.get(r["card"], 0) + 1
    assert min(per_card.values()) >= 10
    assert sum(r["lang"] in ("zh", "mixed") for r in rows) / len(rows) >= 0.4
    assert len({r["kind"] for r in rows}) == 9
    assert all(r["writer"] != r["labeller"] for r in rows)
    held = json.loads((DATA / "split.json").read_text(encoding="utf-8"))["held_out_cards"]
    assert len(held) >= 8
    test_cards = {r["card"] for r in _rows("test.jsonl")}
    assert test_cards == set(per_card)  # held-out answers on every card
    # no tune batch has an answer to a held-out card: those cards are test's alone
    tune_cards = {r["card"] for r in _rows("tune.jsonl", "tune2.jsonl")}
    assert not tune_cards & set(held)
    # the second batch's writers are none of the first's: it measures new hands
    first = {r["writer"] for r in _rows("tune.jsonl", "test.jsonl")}
    second = {r["writer"] for r in _rows("tune2.jsonl")}
    assert second and not first & second
    # the check part: two writers more, on tune cards only, none of them a tune writer
    check = _rows("check.jsonl")
    assert len(check) >= 100 and not {r["card"] for r in check} & set(held)
    assert not {r["writer"] for r in check} & (first | second)
    assert all(r["writer"] != r["labeller"] for r in check)
    # the third to sixth tune batches: two writers more each, none seen before
    seen = first | second | {r["writer"] for r in check}
    for name in ("tune3.jsonl", "tune4.jsonl", "tune5.jsonl", "tune6.jsonl"):
        batch = _rows(name)
        assert len(batch) >= 100 and not {r["card"] for r in batch} & set(held), name
        writers = {r["writer"] for r in batch}
        assert len(writers) == 2 and not writers & seen, name
        assert all(r["writer"] != r["labeller"] for r in batch), name
        seen |= writers


def test_blind_test_floors(figures):
    t = figures["test"]
    # read 23 (2026-12-06, benchmarks/README.md): 0.692, QWK 0.636, unsure 13.8 %, 2;
    # held-out cards 0.635, held-out answers 0.736 (read 22: 0.689, 0.626, 14.2 %, 2; 0.643,
    # 0.724). Floors a little under: a regression fails;
    # wrong->correct may not climb back to read 15's 6, which the refits were made to cut.
    # Each floor is checked as a bare boolean, so a failure names the floor and not the
    # figure: the test part is read as aggregates by benchmarks/blind_eval.py only, and a
    # failing test in someone's batch must not become a read (read 10 was one).
    floors = {
        "accuracy >= 0.68": t["all"]["accuracy"] >= 0.68,
        "QWK >= 0.61": t["all"]["qwk"] >= 0.61,
        "unsure <= 0.15": t["all"]["unsure"] <= 0.15,
        "wrong->correct <= 4": t["all"]["wrong_to_correct"] <= 4,
        "held-out cards accuracy >= 0.63": t["held_out_cards"]["accuracy"] >= 0.63,
        "held-out answers accuracy >= 0.71": t["held_out_answers"]["accuracy"] >= 0.71,
    }
    failed = sorted(name for name, ok in floors.items() if not ok)
    assert not failed, "blind test floors not met: " + "; ".join(failed)
