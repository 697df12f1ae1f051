"""Deck subcommands: lint, cards, show, import-md, dedup."""

from __future__ import annotations

import argparse
import json
import sys

from quiz.deck.errors import DeckError, QuizError
from quiz.deck.loader import load_deck
from quiz.deck.model import pick


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="check a deck: exit 0 when valid, file:line errors otherwise")
    p.add_argument("path", nargs="?", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--json", action="store_true", help="print problems as JSON")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("cards", help="list every card with all its fields")
    p.add_argument("path", nargs="?", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--json", action="store_true", help="a JSON list of card objects")
    p.set_defaults(func=cmd_cards)

    p = sub.add_parser("show", help="show one card, readable")
    p.add_argument("id", help="card id")
    p.add_argument("--deck", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)


def cmd_lint(args) -> int:
    from quiz.deck.lint import lint_deck

    try:
        deck = load_deck(args.path)
    except DeckError as e:
        if args.json:
            print(json.dumps({"ok": False, "problems": [vars(p) for p in e.problems]},
                             ensure_ascii=False, indent=2))
        for p in e.problems:
            print(str(p), file=sys.stderr)
        print(f"{len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    problems = lint_deck(deck)
    if args.json:
        print(json.dumps({"ok": not problems, "cards": len(deck.cards),
                          "problems": [vars(p) for p in problems]}, ensure_ascii=False, indent=2))
    for p in problems:
        print(str(p), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    if not args.json:
        claims = sum(len(c.claims) for c in deck.cards)
        print(f"ok: {deck.path}: {len(deck.cards)} cards, {claims} claims")
    return 0


def cmd_cards(args) -> int:
    deck = load_deck(args.path)
    if args.json:
        print(json.dumps([c.to_dict() for c in deck.cards], ensure_ascii=False, indent=2))
        return 0
    for c in deck.cards:
        seed = ",".join(map(str, c.seed)) or "-"
        print(f"{c.id:40} seed:{seed:8} {' '.join(c.tags)}")
        print(f"    zh: {c.question.get('zh', '')}")
        print(f"    en: {c.question.get('en', '')}")
    return 0


def find_card(deck, card_id: str):
    """The card, or a QuizError that suggests the closest ids."""
    try:
        return deck.card(card_id)
    except KeyError:
        from rapidfuzz import process

        close = [m[0] for m in process.extract(card_id, deck.ids(), limit=3)]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QuizError(f"{deck.path}: no card with id {card_id!r}{hint}") from None


def cmd_show(args) -> int:
    deck = load_deck(args.deck)
    card = find_card(deck, args.id)
    if args.json:
        print(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(render_card(card, args.lang))
    return 0


def render_card(card, lang: str | None) -> str:
    lang = lang or "zh"
    out = [f"[{card.id}]  seed: {', '.join(map(str, card.seed)) or '-'}  "
           f"tags: {', '.join(card.tags)}  difficulty: {card.difficulty}", ""]
    out += ["Q: " + pick(card.question, lang), "", "A: " + pick(card.answer, lang), ""]
    if card.key_points:
        out.append("Key points:")
        out += [f"  - {k.id} (w={k.weight:g}): {(k.phrasings.get(lang) or ('',))[0]}"
                for k in card.key_points]
    if card.misconceptions:
        out.append("Misconceptions:")
        out += [f"  - {m.id}: {pick(m.feedback, lang)}" for m in card.misconceptions]
    if card.claims:
        out.append("Fact check:")
        for cl in card.claims:
            lab = f"  [lab: {cl.lab}{'#' + cl.finding if cl.finding else ''}]" if cl.lab else ""
            out.append(f"  - seed {cl.seed or '-'}: {cl.statement}")
            out.append(f"    verdict: {cl.verdict}{lab}")
            if cl.correction:
                out.append(f"    {pick(cl.correction, lang)}")
            out += [f"    source: {s}" for s in cl.sources]
    return "\n".join(out)
