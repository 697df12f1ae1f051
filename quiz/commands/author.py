"""Authoring subcommands: suggest-points (draft key points) and export (Anki, markdown)."""

from __future__ import annotations

import argparse
import json
import sys

from quiz.errors import QuizError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "suggest-points",
        help="draft key points for a card from its model answer, to edit into the deck",
        description="Cut the card's model answer into sentences and clauses, rank them by what "
        "the grader can match (API names and content words that are not the question's), and "
        "print the best as YAML key points to paste under the card and edit.",
    )
    p.add_argument("card", help="card id")
    p.add_argument("--deck", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="only this language (default: every language of the answer)")
    p.add_argument("-n", "--limit", type=int, default=5, help="points per language (default 5)")
    p.add_argument("--json", action="store_true", help="the ranked drafts as JSON")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("export", help="export a deck: an Anki package or a markdown Q&A file")
    p.add_argument("format", choices=["anki", "md"], help="anki (.apkg) or md (the seed's format)")
    p.add_argument("output", help="file to write (OUT.apkg or OUT.md)")
    p.add_argument("--deck", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="md only: one language (default: every language of the deck)")
    p.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=cmd_export)


def cmd_suggest(args) -> int:
    from quiz.commands.deck import find_card, load_deck
    from quiz.deck.writer import dump_yaml
    from quiz.session.suggest import as_yaml_points, suggest_points

    if args.limit < 1:
        raise QuizError("suggest-points: --limit must be at least 1")
    deck = load_deck(args.deck)
    card = find_card(deck, args.card)
    if args.lang and not card.answer.get(args.lang):
        raise QuizError(f"{card.source}:{card.line}: {card.id}.answer.{args.lang}: no model "
                        "answer in that language")
    drafts = suggest_points(card, args.lang, args.limit)
    if args.json:
        print(json.dumps({"card": card.id, "suggestions": [s.to_dict() for s in drafts]},
                         ensure_ascii=False, indent=2))
        return 0 if drafts else 1
    if not drafts:
        print(f"quiz: {card.id}: the model answer has nothing the grader could match "
              "beyond the question's own words", file=sys.stderr)
        return 1
    print(f"# Key points drafted for {card.id} from its model answer ({card.source}:{card.line}).")
    print("# Ranked by what the grader can match; self-match is how well the model answer")
    print("# makes each. Edit them: shorten, add paraphrases and the other language, mark one")
    print("# `essential: true` if an answer without it cannot be right.")
    if card.key_points:
        print(f"# Note: the card already has {len(card.key_points)} key point(s).")
    for s in drafts:
        print(f"#   {s.self_match:5.1f}  rank {s.rank_score:5.2f}  ({s.lang}) {s.text}")
    print(dump_yaml({"key_points": as_yaml_points(drafts)}), end="")
    return 0


def cmd_export(args) -> int:
    from pathlib import Path

    from quiz.commands.deck import load_deck

    out = Path(args.output)
    if out.exists() and not args.force:
        raise QuizError(f"{out}: already exists; pass --force to overwrite it")
    deck = load_deck(args.deck)
    if args.format == "md":
        from quiz.deck.mdexport import deck_markdown

        if args.lang and args.lang not in deck.languages:
            raise QuizError(f"{deck.path}: the deck has no {args.lang} text "
                            f"(languages: {', '.join(deck.languages)})")
        text = deck_markdown(deck, [args.lang] if args.lang else None)
        _write(out, text.encode("utf-8"))
        print(f"{len(deck.cards)} cards -> {out} (`quiz import-md {out} -o DECK.yaml` reads it)")
        return 0
    if args.lang:
        raise QuizError("export anki: --lang applies to md only (the notes carry zh and en)")
    from quiz.export.anki import write_apkg

    n = write_apkg(deck, out)
    print(f"{n} notes -> {out} (import it in Anki; a later export updates the same notes)")
    return 0


def _write(out, data: bytes) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as e:
        raise QuizError(f"{out}: cannot write: {e.strerror or e}") from None
