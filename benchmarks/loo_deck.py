"""Tune's answers graded as if the phrasings written from them did not exist.

    .venv/bin/python benchmarks/loo_deck.py            # tune figures, in-sample and held out

Phrasings tuned on the tune split were written looking at its answers: graded with them,
tune flags 140 of its 155 false claims, which says how well they fit those answers, not how
well they catch a new one. Here each phrasing added since ``BASE`` (the deck before any
phrasing was tuned on tune) is given a source: the tune answer of its card it matches most
closely (rapidfuzz ``partial_ratio`` at least ``SOURCE_AT``), the answer it was most likely
written from. Each answer is then graded with its card less the phrasings sourced to it,
so a phrasing counts only for the answers it generalises to. Phrasings written from
several answers of one kind at once still count for the others, so the figures stay a
little optimistic; they are much nearer what a new answer meets than the in-sample ones.

benchmarks/calibrate.py fits the verdict model on evidence computed this way.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.utils import default_process  # noqa: E402

from quiz.deck.loader import load_deck  # noqa: E402
from quiz.deck.model import Card  # noqa: E402

# The deck after the blind set was split (1aa2202) and before the first phrasing tuned on
# its tune part (703ffa6, 2026-12-02): 304c036.
BASE = "304c036"
SOURCE_AT = 80.0
# Each later batch of tune answers, with the commit at which it arrived: every phrasing in
# the deck at that commit was written before anyone read the batch, so no answer of it (or
# of a batch after it) can be that phrasing's source. tune2.jsonl (writers E-G) arrived
# after a7c49f0, tune3.jsonl (writers R, S) at ca927dd, tune4.jsonl (writers T, W) at 13f4407.
LATER_BATCHES = (
    ("a7c49f0", frozenset({"writer-E", "writer-F", "writer-G"})),
    ("ca927dd", frozenset({"writer-R", "writer-S"})),
    ("13f4407", frozenset({"writer-T", "writer-W"})),
    ("5104d0a", frozenset({"writer-H", "writer-J"})),
    ("c7d50fb", frozenset({"writer-K", "writer-L"})),
)
FIRST_BATCH_WRITERS = frozenset({"writer-A", "writer-B", "writer-C"})


def deck_at(ref: str):
    """The deck's cards at git commit ``ref``, read with the current lexicon."""
    tmp = Path(tempfile.mkdtemp(prefix="quiz-deck-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "content"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    (tmp / "content" / "lexicon.yaml").write_bytes(
        (ROOT / "content" / "lexicon.yaml").read_bytes())
    return load_deck(tmp / "content")


def _old_phrasings(card: Card | None) -> set[str]:
    if card is None:
        return set()
    return {p for t in (*card.key_points, *card.misconceptions)
            for ps in t.phrasings.values() for p in ps}


def later_decks() -> list[tuple[object, frozenset[str]]]:
    """The deck at each later batch's arrival, with that batch's writers (LATER_BATCHES)."""
    return [(deck_at(ref), writers) for ref, writers in LATER_BATCHES]


def sources(rows: list[dict], deck, base, later=None) -> dict[str, set[str]]:
    """For each tune answer id, the phrasings (texts) of its card most likely written from it.
    ``later``: later_decks(); a phrasing already in the deck when a batch arrived is never
    sourced to an answer of that batch or of any batch after it."""
    by_card: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_card[r["card"]].append(r)
    base_ids = {c.id for c in base.cards}
    later = later or []
    # per later batch: its deck's phrasings by card, and the writers it and later ones bring
    arrivals = []
    for k, (d, _) in enumerate(later):
        ids = {c.id for c in d.cards}
        barred = frozenset().union(*(w for _, w in later[k:]))
        arrivals.append((d, ids, barred))
    out: dict[str, set[str]] = defaultdict(set)
    for cid, answers in by_card.items():
        card = deck.card(cid)
        old = _old_phrasings(base.card(cid) if cid in base_ids else None)
        then = [(_old_phrasings(d.card(cid) if cid in ids else None), barred)
                for d, ids, barred in arrivals]
        texts = [(r["id"], default_process(r["answer"]), r.get("writer")) for r in answers]
        for t in (*card.key_points, *card.misconceptions):
            for ps in t.phrasings.values():
                for p in ps:
                    if p in old:
                        continue
                    barred = next((b for present, b in then if p in present), frozenset())
                    pool = [(rid, a) for rid, a, w in texts if w not in barred]
                    if not pool:
                        continue
                    q = default_process(p)
                    scored = [(fuzz.partial_ratio(q, a), rid) for rid, a in pool]
                    best = max(s for s, _ in scored)
                    if best >= SOURCE_AT:
                        out.update({rid: out[rid] | {p} for s, rid in scored if s == best})
    return out


def _without(card: Card, drop: set[str]) -> Card:
    """``card`` less the phrasings in ``drop``; a target left with none goes too (a key
    point keeps its first phrasing: the card's points are what the labels speak of)."""
    if not drop:
        return card

    def cut(ph):
        return {lang: tuple(p for p in ps if p not in drop) for lang, ps in ph.items()}

    kps = []
    for k in card.key_points:
        ph = cut(k.phrasings)
        if not any(ph.values()):
            ph = {lang: ps[:1] for lang, ps in k.phrasings.items()}
        kps.append(replace(k, phrasings=ph))
    mis = []
    for m in card.misconceptions:
        ph = cut(m.phrasings)
        if any(ph.values()):
            mis.append(replace(m, phrasings={lang: ps for lang, ps in ph.items() if ps}))
    return replace(card, key_points=tuple(kps), misconceptions=tuple(mis))


def held_out_cards(rows: list[dict], deck=None, base=None) -> list[Card]:
    """Each tune answer's card without the phrasings sourced to that answer."""
    deck = deck if deck is not None else load_deck()
    base = base if base is not None else deck_at(BASE)
    src = sources(rows, deck, base, later_decks())
    return [_without(deck.card(r["card"]), src.get(r["id"], set())) for r in rows]


def base_cards(rows: list[dict], deck=None, base=None) -> list[Card]:
    """Each tune answer's card with none of the phrasings added since ``BASE``: what an
    answer to a card nobody tuned meets (the test part's held-out cards are at ``BASE``)."""
    deck = deck if deck is not None else load_deck()
    base = base if base is not None else deck_at(BASE)
    base_ids = {c.id for c in base.cards}
    out: dict[str, Card] = {}
    for r in rows:
        cid = r["card"]
        if cid not in out:
            card = deck.card(cid)
            old = _old_phrasings(base.card(cid) if cid in base_ids else None)
            out[cid] = _without(card, _old_phrasings(card) - old)
    return [out[r["card"]] for r in rows]


def main() -> None:
    from blind_eval import figures, load  # noqa: E402  (beside this script)
    from points_tune import flags_false_claim

    from quiz.grading import grade

    rows = load("tune")
    deck = load_deck()
    cards = held_out_cards(rows, deck)
    src = sources(rows, deck, deck_at(BASE), later_decks())
    print(f"phrasings added since {BASE} with a source among tune's answers: "
          f"{sum(len(v) for v in src.values())}, sourced to {len(src)} answers")
    for name, cs in (("in-sample", [deck.card(r["card"]) for r in rows]),
                     ("own phrasings held out", cards),
                     ("deck at BASE", base_cards(rows, deck))):
        pred = [grade(c, r["answer"]).verdict for c, r in zip(cs, rows, strict=True)]
        f = figures(rows, pred)
        fc = [flags_false_claim(grade(c, r["answer"], model=None))
              for c, r in zip(cs, rows, strict=True)]
        hit = sum(x for x, r in zip(fc, rows, strict=True) if r["false_claim"])
        n = sum(1 for r in rows if r["false_claim"])
        clean = sum(x for x, r in zip(fc, rows, strict=True) if not r["false_claim"])
        print(f"{name:24} accuracy {f['accuracy']:.3f}  QWK {f['qwk']:.3f}  "
              f"unsure {f['unsure']:.1%}  wrong->correct {f['wrong_to_correct']}  "
              f"false claims flagged {hit}/{n}  clean flagged {clean}/{len(rows) - n}")


if __name__ == "__main__":
    main()
