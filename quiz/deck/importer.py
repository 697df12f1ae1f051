"""Turn a markdown Q&A document into draft cards, merging duplicates."""

from __future__ import annotations

from dataclasses import dataclass

from quiz.deck.dedup import DEFAULT_THRESHOLD, Group, Item, find_groups
from quiz.deck.markdown import Entry


@dataclass(frozen=True)
class ImportResult:
    deck: dict  # the draft deck, in the YAML model's shape
    merged: list[Group]  # duplicate groups that became one card
    to_review: list[Group]  # similar-but-distinct pairs left for a person


def entry_items(entries: list[Entry]) -> list[Item]:
    """What dedup compares: the title and question, and the answer with its explanation."""
    return [
        Item(e.number, f"{e.title}\n{e.question}", f"{e.answer}\n{e.explanation}") for e in entries
    ]


def draft_deck(
    entries: list[Entry], title: str, threshold: float = DEFAULT_THRESHOLD
) -> ImportResult:
    groups = find_groups(entry_items(entries), threshold=threshold)
    merged = [g for g in groups if g.kind == "duplicate"]
    absorbed = {m: g.members[0] for g in merged for m in g.members[1:]}
    members = {g.members[0]: list(g.members) for g in merged}
    cards = []
    for e in entries:
        if e.number in absorbed:
            continue
        answer = e.answer + (f"\n\n解析：{e.explanation}" if e.explanation else "")
        cards.append(
            {
                "id": f"seed-{e.number:02d}",
                "seed": members.get(e.number, [e.number]),
                "question": {"zh": e.question},
                "answer": {"zh": answer},
                "tags": ["draft"],
            }
        )
    deck = {"title": {"zh": title}, "languages": ["zh"], "cards": cards}
    return ImportResult(deck, merged, [g for g in groups if g.kind == "near"])
