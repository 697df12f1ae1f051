"""Turn a markdown Q&A document into draft cards, merging duplicates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from quiz.deck.dedup import DEFAULT_THRESHOLD, Group, Item, find_groups
from quiz.deck.markdown import Entry

# A heading that is already a card id (``#### 3. pytorch-mobile-model-formats``, as
# `quiz export md` writes) keeps that id, so an exported deck reads back to the same cards.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
EXPLANATION_LABEL = {"zh": "解析：", "en": "Explanation: "}


@dataclass(frozen=True)
class ImportResult:
    deck: dict  # the draft deck, in the YAML model's shape
    merged: list[Group]  # duplicate groups that became one card
    to_review: list[Group]  # similar-but-distinct pairs left for a person
    # (item number, its language, the deck's) for items written in another language than
    # the deck's: their text is filed under both, for the author to translate.
    foreign: list[tuple[int, str, str]] = field(default_factory=list)


def entry_items(entries: list[Entry]) -> list[Item]:
    """What dedup compares: the question and the answer. The heading and the 解析 are left
    out: two items that ask and answer the same are one card whatever their notes say."""
    return [Item(e.number, "\n".join(e.questions or (e.question,)),
                 "\n".join(e.answers or (e.answer,))) for e in entries]


def _texts(sections: tuple[str, ...], detect: Callable[[str], str]) -> dict[str, str]:
    """Each section under the language it is written in (two in one language are joined)."""
    out: dict[str, list[str]] = {}
    for t in sections:
        out.setdefault(detect(t), []).append(t)
    return {lang: "\n\n".join(ts) for lang, ts in out.items()}


def _title(title: str, languages: list[str], detect: Callable[[str], str]) -> dict[str, str]:
    """One title for every language of the deck, unless it reads "中文 / English" (as
    `quiz export md` writes a bilingual deck's title): then each half for its language."""
    halves = [t.strip() for t in title.split(" / ")]
    if len(halves) == 2 and all(halves):
        by_lang = {detect(t): t for t in halves}
        if len(by_lang) == 2 and set(languages) <= set(by_lang):
            return {lang: by_lang[lang] for lang in languages}
    return {lang: title for lang in languages}


def _zh_only(_text: str) -> str:
    return "zh"


def draft_deck(
    entries: list[Entry],
    title: str,
    threshold: float = DEFAULT_THRESHOLD,
    detect: Callable[[str], str] | None = None,
) -> ImportResult:
    """Draft cards from ``entries``; ``detect`` names a text's language ('zh' or 'en').

    The deck's languages are those every card has; a card in another language (an
    English item in a Chinese document) gets its text under the deck's language too,
    reported in ``foreign``, rather than being dropped.
    """
    detect = detect or _zh_only
    groups = find_groups(entry_items(entries), threshold=threshold)
    merged = [g for g in groups if g.kind == "duplicate"]
    absorbed = {m: g.members[0] for g in merged for m in g.members[1:]}
    members = {g.members[0]: list(g.members) for g in merged}
    drafts = []
    used_ids: set[str] = set()
    for e in entries:
        if e.number in absorbed:
            continue
        question = _texts(e.questions or (e.question,), detect)
        answer = _texts(e.answers or (e.answer,), detect)
        for text in e.explanations or ((e.explanation,) if e.explanation else ()):
            lang = detect(text)
            label = EXPLANATION_LABEL.get(lang, "")
            target = lang if lang in answer else next(iter(answer))
            answer[target] += f"\n\n{label}{text}"
        slug_title = _SLUG.match(e.title) and e.title not in used_ids
        cid = e.title if slug_title else f"seed-{e.number:02d}"
        used_ids.add(cid)
        drafts.append((e.number, cid, question, answer))

    # The deck's languages: those every card is written in; else the most common one.
    both = [set(q) & set(a) for _, _, q, a in drafts]
    common = set.intersection(*both) if both else {"zh"}
    if common:
        languages = [lang for lang in ("zh", "en") if lang in common]
    else:
        counts = Counter(lang for s in both for lang in s)
        languages = [max(("zh", "en"), key=lambda lang: (counts[lang], lang == "zh"))]
    foreign = []
    cards = []
    for number, cid, question, answer in drafts:
        for lang in languages:
            if lang not in question or lang not in answer:
                own = next(iter(answer)) if lang not in answer else next(iter(question))
                foreign.append((number, own, lang))
                question.setdefault(lang, question.get(own) or next(iter(question.values())))
                answer.setdefault(lang, answer.get(own) or next(iter(answer.values())))
        cards.append(
            {
                "id": cid,
                "seed": members.get(number, [number]),
                "question": question,
                "answer": answer,
                "tags": ["draft"],
            }
        )
    deck = {"title": _title(title, languages, detect), "languages": languages, "cards": cards}
    return ImportResult(deck, merged, [g for g in groups if g.kind == "near"], foreign)
