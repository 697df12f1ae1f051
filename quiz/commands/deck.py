"""Deck subcommands: lint, cards, show, import-md, dedup."""

from __future__ import annotations

import argparse
import json
import sys

from quiz.deck.errors import DeckError
from quiz.deck.model import pick
from quiz.errors import QuizError


def load_deck(path=None):
    """quiz.deck.loader.load_deck, imported on first use: the loader brings PyYAML (about
    20 ms), which `quiz grade` and the app do not need when the deck cache is fresh."""
    from quiz.deck.loader import load_deck as load

    return load(path)


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

    p = sub.add_parser("import-md", help="draft cards from a markdown Q&A file, merging duplicates")
    p.add_argument(
        "file", help="markdown file ('#### N. title', '**题目：**', '**答案：**', '**解析：**')"
    )
    p.add_argument("-o", "--output", required=True, help="YAML deck file to write")
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        help="similarity (0-100) above which a pair is reported for review (default 85)",
    )
    p.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=cmd_import_md)
    p.epilog = ("A malformed item (no answer, a number used twice) is skipped and named with "
                "file:line; the rest is written, and the exit status is 1.")

    p = sub.add_parser("dedup", help="find duplicate and near-duplicate questions")
    p.add_argument("path", help="a markdown Q&A file, or a deck file or folder")
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        help="similarity (0-100) above which a pair is reported (default 85)",
    )
    p.add_argument("--json", action="store_true", help='{"groups": [{"members", "score", "kind"}]}')
    p.set_defaults(func=cmd_dedup)


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError("must be in (0, 100]")
    return value


def _lab_catalogue() -> dict[str, list[str]] | None:
    """The labs and their findings that claims may name; None when labs are not installed."""
    try:
        from quiz.labs_service import lab_catalogue
    except ImportError:
        return None
    return lab_catalogue()


def cmd_lint(args) -> int:
    from quiz.deck.lint import lint_deck, lint_warnings

    try:
        deck = load_deck(args.path)
    except DeckError as e:
        if args.json:
            print(
                json.dumps(
                    {"ok": False, "problems": [vars(p) for p in e.problems]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        for p in e.problems:
            print(str(p), file=sys.stderr)
        print(f"{len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    problems = lint_deck(deck, _lab_catalogue())
    warnings = lint_warnings(deck)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not problems,
                    "cards": len(deck.cards),
                    "problems": [vars(p) for p in problems],
                    "warnings": [vars(p) for p in warnings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    for p in problems:
        print(str(p), file=sys.stderr)
    for p in warnings:
        print(f"warning: {p}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    if not args.json:
        claims = sum(len(c.claims) for c in deck.cards)
        note = f", {len(warnings)} warning(s)" if warnings else ""
        print(f"ok: {deck.path}: {len(deck.cards)} cards, {claims} claims{note}")
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
    out = [
        f"[{card.id}]  seed: {', '.join(map(str, card.seed)) or '-'}  "
        f"tags: {', '.join(card.tags)}  difficulty: {card.difficulty}",
        "",
    ]
    out += ["Q: " + pick(card.question, lang), "", "A: " + pick(card.answer, lang), ""]
    if card.key_points:
        out.append("Key points:")
        out += [
            f"  - {k.id} (w={k.weight:g}): {(k.phrasings.get(lang) or ('',))[0]}"
            for k in card.key_points
        ]
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


def _is_markdown(path: str) -> bool:
    return path.lower().endswith((".md", ".markdown", ".txt"))


def cmd_import_md(args) -> int:
    from pathlib import Path

    from quiz.deck.dedup import DEFAULT_THRESHOLD
    from quiz.deck.importer import draft_deck
    from quiz.deck.markdown import read_document
    from quiz.deck.writer import dump_yaml
    from quiz.grading.normalize import detect_lang

    out = Path(args.output)
    if out.exists() and not args.force:
        raise QuizError(f"{out}: already exists; pass --force to overwrite it")
    doc = read_document(args.file)
    title = doc.title or Path(args.file).stem
    result = draft_deck(doc.entries, title, args.threshold or DEFAULT_THRESHOLD, detect_lang)
    header = (
        f"# Draft cards imported from {args.file} by `quiz import-md`.\n"
        "# Until a card has key points it is graded against its model answer;\n"
        "# `quiz suggest-points ID --deck THIS_FILE` drafts some. Add the other language,\n"
        "# misconceptions and checked claims as you go.\n"
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(header + dump_yaml(result.deck), encoding="utf-8")
    except OSError as e:
        raise QuizError(f"{out}: cannot write: {e.strerror or e}") from None
    load_deck(out)  # what we wrote must load; a failure here is a bug worth surfacing
    langs = "+".join(result.deck["languages"])
    print(f"{len(doc.entries)} questions -> {len(result.deck['cards'])} draft cards ({langs}) "
          f"in {out}, titled {title!r}")
    for g in result.merged:
        print(f"  merged {' = '.join(map(str, g.members))} (similarity {g.score:.0f})")
    for g in result.to_review:
        print(
            f"  review {' ~ '.join(map(str, g.members))}: similar (answer {g.answer_score:.0f}, "
            f"question {g.question_score:.0f}) but kept apart; merge by hand if they are the same"
        )
    for number, own, lang in result.foreign:
        print(f"  question {number} is in {own}, the deck in {lang}: its text is filed under "
              f"{lang} too until you translate it")
    for p in doc.skipped:
        print(f"skipped: {p}", file=sys.stderr)
    if doc.skipped:
        print(f"quiz: import-md: {len(doc.skipped)} item(s) skipped; the other "
              f"{len(doc.entries)} were imported", file=sys.stderr)
        return 1
    return 0


def cmd_dedup(args) -> int:
    from quiz.deck.dedup import DEFAULT_THRESHOLD, Item, find_groups

    threshold = args.threshold or DEFAULT_THRESHOLD
    skipped = []
    if _is_markdown(args.path):
        from quiz.deck.importer import entry_items
        from quiz.deck.markdown import read_document

        doc = read_document(args.path)
        items, skipped = entry_items(doc.entries), doc.skipped
    else:
        deck = load_deck(args.path)
        items = [
            Item(c.id, "\n".join(c.question.values()), "\n".join(c.answer.values()))
            for c in deck.cards
        ]
    groups = find_groups(items, threshold=threshold)
    for p in skipped:
        print(f"skipped: {p}", file=sys.stderr)
    if args.json:
        print(json.dumps({"groups": [g.to_dict() for g in groups],
                          "skipped": [vars(p) for p in skipped]}, ensure_ascii=False, indent=2))
        return 1 if skipped else 0
    if not groups:
        print(f"no duplicates among {len(items)} items (threshold {threshold:g})")
    for g in groups:
        sign = " = " if g.kind == "duplicate" else " ~ "
        print(
            f"{g.kind:9} {g.score:5.1f}  {sign.join(map(str, g.members))}  "
            f"(question {g.question_score:.0f}, answer {g.answer_score:.0f})"
        )
    return 1 if skipped else 0
