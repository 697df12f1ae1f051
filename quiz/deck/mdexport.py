"""A deck as a markdown Q&A file in the seed's format, which `quiz import-md` reads back.

``### title``, then per card ``#### N. card-id`` with ``**题目：**`` / ``**答案：**`` for the
Chinese text and ``**Question:**`` / ``**Answer:**`` for the English. The heading carries
the card id, so the import keeps it. Key points, misconceptions and claims have no place in
the format and are left out: it is for reading, sharing and re-importing the Q&A itself.
"""

from __future__ import annotations

from quiz.deck.model import Deck

LABELS = {"zh": ("**题目：**", "**答案：**"), "en": ("**Question:**", "**Answer:**")}


def _safe(text: str) -> str:
    """The text with lines that the importer would read as structure escaped.

    A line starting with a numbered heading or a section label would split the item on
    import; a leading backslash keeps it text (markdown shows it unchanged)."""
    from quiz.deck.markdown import HEADING, SECTION

    lines = []
    for line in text.splitlines():
        s = line.strip()
        lines.append("\\" + line if HEADING.match(s) or SECTION.match(s) else line)
    return "\n".join(lines)


def deck_markdown(deck: Deck, langs: list[str] | None = None) -> str:
    langs = [lang for lang in (langs or deck.languages) if lang in LABELS]
    title = " / ".join(dict.fromkeys(deck.title[lang] for lang in langs if deck.title.get(lang)))
    out = [f"### {title or 'quizlab deck'}", ""]
    for n, card in enumerate(deck.cards, start=1):
        out += [f"#### {n}. {card.id}", ""]
        for lang in langs:
            q = card.question.get(lang)
            if q:
                out += [f"{LABELS[lang][0]} {_safe(q)}", ""]
        for lang in langs:
            a = card.answer.get(lang)
            if a:
                out += [f"{LABELS[lang][1]} {_safe(a)}", ""]
    return "\n".join(out).rstrip() + "\n"
