"""Golden check for the grader: every grade must stay byte-identical across optimisations.

    .venv/bin/python benchmarks/grade_equivalence.py write /tmp/grade_golden.jsonl
    .venv/bin/python benchmarks/grade_equivalence.py check /tmp/grade_golden.jsonl

Inputs: the labelled dev set, every card's model answer in zh and en, synthetic
answers (shuffles, truncations, negations, mixed zh/en, typos) from random.Random(0),
the blind set's tune answers (tests/data/grading_blind/tune.jsonl, never test.jsonl)
with their language and detected, whole and cut at each sentence end, and, for
grade_reference, every 4th answer of the ASAG training files in ../shared/data/asag
(when they are there; beside the main checkout for a git worktree under ../wt/).
After the grades, the `quiz grade --jsonl` line of each card grade (Grade.to_json).

The synthetic answers are drawn from the deck's own texts, so any edit to the deck changes
the inputs (one added phrasing showed 1,826 "differences"): write the golden file from the
commit a speed change starts from, after any content edit, never across one.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz.commands.grade import _encoder  # noqa: E402
from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import EmptyAnswer, grade, grade_reference  # noqa: E402

ASAG = next((d for d in (ROOT.parent / "shared" / "data" / "asag",
                         ROOT.parents[1] / "shared" / "data" / "asag") if d.is_dir()),
            ROOT.parent / "shared" / "data" / "asag")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?!\w)")


def cases():
    deck = load_deck()
    cards = {c.id: c for c in deck.cards}
    for line in (ROOT / "tests/data/grading_dev.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        yield r["card"], r["answer"], r.get("lang")
    for c in deck.cards:
        for lang in ("zh", "en"):
            yield c.id, c.answer.get(lang, ""), lang
    rng = random.Random(0)
    ids = sorted(cards)
    for _ in range(3000):
        c = cards[rng.choice(ids)]
        lang = rng.choice(("zh", "en"))
        pool = [c.answer.get("zh", ""), c.answer.get("en", "")]
        for kp in c.key_points:
            for v in kp.phrasings.values():
                pool.extend(v)
        parts = [p for p in rng.sample(pool, min(len(pool), rng.randint(1, 4))) if p]
        text = " ".join(parts)
        op = rng.randrange(5)
        if op == 0:
            cut = rng.randint(0, len(text))
            text = text[:cut]
        elif op == 1:
            words = text.split(" ")
            words.insert(rng.randint(0, len(words)), rng.choice(("not", "never", "不", "没有")))
            text = " ".join(words)
        elif op == 2 and text:
            chars = list(text)
            for _ in range(rng.randint(1, 5)):
                i = rng.randrange(len(chars))
                chars[i] = rng.choice("abcdefxyz的了是")
            text = "".join(chars)
        elif op == 3:
            rng.shuffle(parts)
            text = "。".join(parts)
        yield c.id, text, rng.choice((lang, None))
    # Answers nobody on the project wrote: longer, with strong claims the card vouches for
    # or not, code-switched. Each also cut after every sentence end (prefixes of it).
    for line in (ROOT / "tests/data/grading_blind/tune.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        a = r["answer"]
        yield r["card"], a, r.get("lang")
        yield r["card"], a, None
        for m in _SENTENCE_END.finditer(a):
            if m.end() < len(a):
                yield r["card"], a[:m.end()], None


def reference_cases():
    for name, lang in (("semeval2013_train.jsonl", "en"), ("zh_ads_train.jsonl", "zh")):
        f = ASAG / name
        if not f.is_file():
            continue
        for i, line in enumerate(f.open(encoding="utf-8")):
            if i % 4 == 0:
                r = json.loads(line)
                refs = r.get("reference_answers") or [r["reference_answer"]]
                yield refs, r["student_answer"], r["question"], lang


def _dump(make) -> str:
    # json floats are repr(): full precision. An empty answer is an outcome to keep too.
    try:
        return json.dumps(make().to_dict(), ensure_ascii=False, sort_keys=True)
    except EmptyAnswer:
        return "EmptyAnswer"


def main() -> int:
    mode, path = sys.argv[1], Path(sys.argv[2])
    cards = {c.id: c for c in load_deck().cards}
    out, lines = [], []
    encode, missed = _encoder(), {}
    for n, (cid, a, lang) in enumerate(cases(), 1):
        try:
            g = grade(cards[cid], a, lang)
        except EmptyAnswer:
            out.append("EmptyAnswer")
            continue
        out.append(json.dumps(g.to_dict(), ensure_ascii=False, sort_keys=True))
        # the line `quiz grade --jsonl` writes for it (its own, faster encoding path)
        lines.append(g.to_json(encode, {"line": n, "card": cid}, missed))
    out += [_dump(lambda r=r: grade_reference(r[0], r[1], r[2], r[3])) for r in reference_cases()]
    out += lines
    if mode == "write":
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        print(f"wrote {len(out)} grades to {path}")
        return 0
    gold = path.read_text(encoding="utf-8").splitlines()
    diff = sum(a != b for a, b in zip(out, gold, strict=False)) + abs(len(out) - len(gold))
    print(f"compared {len(out)} grades against {len(gold)} golden: {diff} differences")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
