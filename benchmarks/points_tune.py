"""Key-point and false-claim detection on the TUNE split of the blind set, against the
labellers' `points` and `false_claim`.

    .venv/bin/python benchmarks/points_tune.py               # the deck as it is
    .venv/bin/python benchmarks/points_tune.py --deck base   # phrasings of loo_deck.BASE only
    .venv/bin/python benchmarks/points_tune.py --list        # + each clean answer flagged

A point counts as found at a match score of 60 (the verdict model's floor for essential
points until 2026-12-03, kept so the figures stay comparable; calibrate.py now chooses the
floor, 50) and not negated. A false claim counts as flagged where the grader hits a
misconception, finds a key point contradicted or a wrong figure; the second figure is the
price: answers the labellers saw no false claim in that are flagged all the same. Only tune
is read: these are the figures to tune phrasings against. With ``--deck base`` every
phrasing added since loo_deck.BASE is left out, so only the lexicon and the matcher's code
move the figures: what an answer to a card nobody tuned meets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from blind_eval import load  # noqa: E402  (beside this script)

from quiz.deck.loader import load_deck  # noqa: E402
from quiz.grading import grade  # noqa: E402
from quiz.grading.result import Grade  # noqa: E402

FOUND_AT = 60.0


def found(g: Grade) -> set[str]:
    """The key points a grade counts as made: matched at FOUND_AT, not negated."""
    return {p.id for p in g.key_points if p.score >= FOUND_AT and not p.negated}


def flags_false_claim(g: Grade) -> bool:
    """A misconception hit, or a key point contradicted (a wrong figure included)."""
    return bool(g.misconceptions) or any(p.negated for p in g.key_points)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deck", choices=("current", "base"), default="current")
    ap.add_argument("--list", action="store_true",
                    help="also print each answer without a false claim that is flagged, with "
                         "what flagged it (the misreadings to study)")
    args = ap.parse_args()
    deck = load_deck()
    rows = load("tune")
    if args.deck == "base":
        from loo_deck import base_cards  # beside this script

        cards = base_cards(rows, deck)
    else:
        cards = [deck.card(r["card"]) for r in rows]
    tp = fp = fn = etp = efp = efn = 0
    false_hit = false_n = clean_flagged = clean_n = 0
    for r, card in zip(rows, cards, strict=True):
        g = grade(card, r["answer"], model=None)
        flagged = flags_false_claim(g)
        if r["false_claim"]:
            false_n += 1
            false_hit += flagged
        else:
            clean_n += 1
            clean_flagged += flagged
            if flagged and args.list:
                print(f"  {r['id']} ({r['label']}):", "; ".join(
                    [f"contradicts {p.id}: {p.matched!r} ~ {p.phrasing!r}"
                     for p in g.key_points if p.negated]
                    + [f"misconception {m.id}: {m.phrasing!r}" for m in g.misconceptions]))
        made = set(r["points"])
        essential = {k.id for k in card.key_points if k.essential}
        hits = found(g)
        for p in g.key_points:
            hit = p.id in hits
            if hit and p.id in made:
                tp += 1
                etp += p.id in essential
            elif hit:
                fp += 1
                efp += p.id in essential
            elif p.id in made:
                fn += 1
                efn += p.id in essential
    print(f"all points: recall {tp / (tp + fn):.3f} precision {tp / (tp + fp):.3f}  "
          f"essential: recall {etp / (etp + efn):.3f} precision {etp / (etp + efp):.3f}")
    print(f"false claims flagged: {false_hit} of {false_n} ({false_hit / false_n:.3f}); "
          f"answers without one flagged all the same: {clean_flagged} of {clean_n} "
          f"({clean_flagged / clean_n:.3f})")


if __name__ == "__main__":
    main()
