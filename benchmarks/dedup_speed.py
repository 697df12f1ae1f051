"""How long `find_groups` takes on a large deck, and whether it finds planted duplicates.

Builds N synthetic cards whose words are drawn, Zipf-distributed, from the vocabulary of
the seed document (Chinese character pairs and English terms), so common words recur across
cards as in a real deck; plants duplicates (copies with a few characters edited) and near
pairs (the same answer under another question), and times `find_groups` over repeated runs.

    .venv/bin/python benchmarks/dedup_speed.py            # 10,000 cards, 5 runs
    .venv/bin/python benchmarks/dedup_speed.py --cards 2000 --runs 3
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quiz.deck.dedup import Item, find_groups  # noqa: E402
from quiz.deck.markdown import read_markdown  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_f06bdbd81b4a11e4.txt"
TOPICS = [
    "TorchScript",
    "ExecuTorch",
    "ONNX Runtime",
    "量化",
    "剪枝",
    "多线程",
    "动态批量",
    "内存",
    "算子融合",
    "XNNPACK",
    "Core ML",
    "NNAPI",
    "模型导出",
    "热更新",
    "预处理",
    "LiteRT",
]


def synthetic_items(
    n: int, dup_rate: float, rng: random.Random
) -> tuple[list[Item], set[frozenset]]:
    entries = read_markdown(SEED)
    text = "".join(e.question + e.answer + e.explanation for e in entries)
    vocab = sorted(
        {
            text[i : i + 2]
            for i in range(len(text) - 1)
            if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[i : i + 2])
        }
    )
    vocab += sorted(set(re.findall(r"[A-Za-z_.]{3,}", text))) + TOPICS
    rng.shuffle(vocab)
    weights = [1 / (r + 1) for r in range(len(vocab))]  # Zipf: a few words are everywhere

    def words(k: int) -> str:
        return "".join(rng.choices(vocab, weights, k=k))

    items: list[Item] = []
    planted: set[frozenset] = set()
    while len(items) < n:
        if items and rng.random() < dup_rate:
            src = rng.choice(items)
            chars = list(src.answer)
            for _ in range(rng.randint(0, 3)):
                chars[rng.randrange(len(chars))] = rng.choice("的了在和是")
            key = f"c{len(items)}"
            items.append(Item(key, src.question, "".join(chars)))
            planted.add(frozenset((src.key, key)))
            continue
        q = f"如何在{rng.choice(TOPICS)}中{words(rng.randint(4, 10))}？"
        a = "。".join(words(rng.randint(8, 20)) for _ in range(rng.randint(3, 6))) + "。"
        items.append(Item(f"c{len(items)}", q, a))
    return items, planted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dup-rate", type=float, default=0.02)
    args = ap.parse_args()
    rng = random.Random(0)
    items, planted = synthetic_items(args.cards, args.dup_rate, rng)
    times, groups = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        groups = find_groups(items)
        times.append(time.perf_counter() - t0)
    merged = [frozenset(g.members) for g in groups if g.kind == "duplicate"]
    near = [frozenset(g.members) for g in groups if g.kind == "near"]
    # A planted pair is found when both members land in one duplicate group; copies with
    # several edits in a short answer fall below the merge score (97) and show as near.
    as_dup = sum(1 for p in planted if any(p <= g for g in merged))
    as_near = sum(1 for p in planted if p in near)
    print(
        f"cards: {len(items)}  planted pairs: {len(planted)}  merged: {as_dup}  "
        f"reported near: {as_near}  missed: {len(planted) - as_dup - as_near}"
    )
    print(f"groups reported: {len(groups)} ({sum(g.kind == 'near' for g in groups)} near)")
    print(
        f"find_groups: median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
        f"max {max(times):.2f} s over {len(times)} runs"
    )


if __name__ == "__main__":
    main()
