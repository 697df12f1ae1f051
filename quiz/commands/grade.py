"""`quiz grade`: grade one answer, or a JSONL batch, headless."""

from __future__ import annotations

import argparse
import gc
import json
import sys

from quiz.errors import QuizError

GC_EVERY = 10_000  # lines between collections in a batch


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "grade",
        help="grade a free-text answer against a card (or a JSONL batch)",
        description="Grade one answer (--card ID --answer TEXT) or a batch (--jsonl FILE), "
        "where each line is {\"card\": ID, \"answer\": ...} or "
        "{\"references\": [...], \"question\": ..., \"answer\": ...}.",
    )
    p.add_argument("--card", help="card id")
    p.add_argument("--answer", help="the answer text, or - to read it from stdin")
    p.add_argument("--jsonl", metavar="FILE", help="grade a JSONL batch (- for stdin)")
    p.add_argument("--deck", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="the answer's language (default: detected)")
    p.add_argument("--json", action="store_true", help="print the grade as JSON")
    p.set_defaults(func=cmd_grade)


def cmd_grade(args) -> int:
    if args.jsonl:
        if args.card or args.answer:
            raise QuizError("grade: use either --jsonl or --card/--answer, not both")
        return _batch(args)
    if not args.card or args.answer is None:
        raise QuizError("grade: needs --card ID and --answer TEXT (or --jsonl FILE)")
    from quiz.commands.deck import find_card
    from quiz.deck.loader import load_deck
    from quiz.session.grader import grade_card

    card = find_card(load_deck(args.deck), args.card)
    answer = sys.stdin.read() if args.answer == "-" else args.answer
    g = grade_card(card, answer, args.lang)
    if args.json:
        print(json.dumps({"card": card.id, **g.to_dict()}, ensure_ascii=False, indent=2))
    else:
        print(render(g, answer))
    return 0


def render(g, answer: str) -> str:
    """Readable grade: verdict, score, each point with the words that matched."""
    out = [f"{g.verdict.upper()}  score {g.score:.2f}  ({g.lang})"]
    for p in g.key_points:
        mark = "x" if p.found else ("!" if p.negated else " ")
        where = f'  "{p.matched}"' if p.matched and (p.found or p.negated) else ""
        extra = "  (negated)" if p.negated else ""
        out.append(f"  [{mark}] {p.id:32} {p.score:5.1f}{where}{extra}")
    for m in g.misconceptions:
        where = f'  "{answer[m.span[0]:m.span[1]]}"' if m.span else ""
        out.append(f"  [misconception] {m.id} {m.score:.1f}{where}")
    if g.flags:
        out.append("  flags: " + ", ".join(g.flags))
    out.append("")
    out.append(g.feedback)
    return "\n".join(out)


def _batch(args) -> int:
    """Grade a JSONL batch: one output line per input line, an error line for a bad one.

    Input is read as bytes and decoded line by line inside the per-line handler, so invalid
    UTF-8 or JSON nested past Python's recursion limit costs its own line only (a text
    stream would raise at the read, lose the buffered chunk around it and end the batch).
    Output is always valid UTF-8 JSONL: written as bytes, a lone surrogate that a JSON
    escape put in a string goes out as that escape again."""
    from quiz.grading import EmptyAnswer, grade_reference
    from quiz.grading.grade import DeckGrader
    from quiz.session.grader import grade_card

    deck = None
    deck_grader = DeckGrader()  # the batch's deck, each card compiled once
    by_id: dict = {}
    failed = 0
    stream = _input(args.jsonl)
    write = _output(sys.stdout)
    encode = _encoder()
    missed: dict = {}  # JSON of key points nothing matched (Grade.to_json)
    # Grading builds many small tuples and lists and no reference cycles, yet the cyclic
    # collector would traverse the deck and the compiled cards again and again (a few per
    # cent of a batch's time). It is paused for the batch and run every GC_EVERY lines for
    # the few cycles error paths may leave.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for n, raw in enumerate(stream, 1):
            if n % GC_EVERY == 0 and gc_was_on:
                gc.collect()
            try:
                if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]  # a UTF-8 byte order mark
                line = raw.decode("utf-8")
                if not line.strip():
                    continue
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise QuizError("a line must be a JSON object")
                answer = _field(row, "answer", str)
                lang = row.get("lang") or args.lang
                if lang is not None and lang not in ("zh", "en"):
                    raise QuizError(f"lang must be zh or en, not {lang!r}")
                if "references" in row:
                    refs = _field(row, "references", list)
                    if not refs or not all(isinstance(r, str) for r in refs):
                        raise QuizError("references must be a non-empty list of strings")
                    q = row.get("question")
                    try:
                        g = grade_reference(refs, answer, q if isinstance(q, str) else None,
                                            lang)
                    except EmptyAnswer:
                        g = _empty_grade(lang, (), refs[0])
                    text = encode({"line": n, **g.to_dict()})
                else:
                    card_id = _field(row, "card", str)
                    if deck is None:
                        deck = _load_deck(args)
                        by_id = {c.id: c for c in deck.cards}
                    card = by_id.get(card_id)
                    if card is None:
                        from quiz.commands.deck import find_card

                        card = find_card(deck, card_id)  # raises, suggesting close ids
                    try:
                        g = grade_card(card, answer, lang, deck_grader)
                    except EmptyAnswer:
                        g = _empty_grade(lang, card.key_points,
                                         deck.languages[0] if deck.languages else "en")
                    text = g.to_json(encode, {"line": n, "card": card_id}, missed)
            except UnicodeDecodeError as e:
                failed += 1
                text = encode({"line": n, "error": f"not UTF-8 text (byte {e.start + 1} of "
                               "the line)"})
            except json.JSONDecodeError as e:
                failed += 1
                text = encode({"line": n, "error": f"invalid JSON: {e.msg} (column {e.colno})"})
            except RecursionError:
                failed += 1
                text = encode({"line": n, "error": "invalid JSON: nested too deeply"})
            except (QuizError, ValueError) as e:
                failed += 1
                text = encode({"line": n, "error": str(e)})
            write(text)
    finally:
        if gc_was_on:
            gc.enable()
        if args.jsonl != "-":
            stream.close()
        sys.stdout.flush()
    if failed:
        print(f"quiz: grade: {failed} line(s) failed", file=sys.stderr)
    return 1 if failed else 0


def _empty_grade(lang, key_points, fallback: str):
    """A blank answer in a batch: graded wrong, score 0, every point missed, flagged
    ``empty-answer`` (one blank line of a learner's must not fail a whole batch)."""
    from quiz.grading import EmptyAnswer, Grade, PointResult
    from quiz.grading.normalize import detect_lang

    if lang is None:
        lang = fallback if fallback in ("zh", "en") else detect_lang(fallback)
    points = tuple(PointResult(k.id, False, 0.0, None, None, None, False) for k in key_points)
    return Grade(score=0.0, verdict="wrong", lang=lang, key_points=points, misconceptions=(),
                 feedback=str(EmptyAnswer()), flags=("empty-answer",))


def _input(path: str):
    """The batch's lines as bytes: a binary file, stdin's buffer, or (a test's StringIO
    stdin) text lines encoded back."""
    if path != "-":
        try:
            return open(path, "rb")
        except OSError as e:
            raise QuizError(f"{path}: {e.strerror}") from None
    buf = getattr(sys.stdin, "buffer", None)
    if buf is not None:
        return buf
    return (line.encode("utf-8", "surrogateescape") for line in sys.stdin)


def _output(out):
    """``write(text)``: one JSONL line, as UTF-8 bytes when ``out`` has a binary buffer."""
    buf = getattr(out, "buffer", None)
    if buf is None:  # an in-memory text stream (tests, benchmarks)
        return lambda text: out.write(text + "\n")
    out.flush()
    bwrite = buf.write

    def write(text: str) -> None:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a \ud800 escape in the input
            data = text.encode("utf-8", "backslashreplace")
        bwrite(data + b"\n")

    return write


def _encoder():
    """``json.JSONEncoder(ensure_ascii=False).encode``, the same text, set up once.

    The encoder's own ``encode`` builds its C encoder again at every call; a batch encodes
    several objects per answer, so the C encoder is made once here (CPython's json ships
    it; elsewhere the plain method is used)."""
    from json.encoder import c_make_encoder, encode_basestring

    enc = json.JSONEncoder(ensure_ascii=False)
    if c_make_encoder is None:
        return enc.encode
    make = c_make_encoder(None, enc.default, encode_basestring, None, ": ", ", ",
                          False, False, True)
    join = "".join

    def encode(o) -> str:
        return join(make(o, 0))

    return encode


def _load_deck(args):
    """The deck, from the JSON cache in the data dir when no deck file changed: a batch
    should not spend a fifth of a second parsing YAML before its first answer."""
    from quiz.deck.cache import load_deck_cached
    from quiz.paths import data_dir

    return load_deck_cached(args.deck, data_dir(getattr(args, "data_dir", None)) / "cache")


def _field(row: dict, name: str, kind: type):
    if name not in row:
        raise QuizError(f"missing field {name!r}")
    value = row[name]
    if not isinstance(value, kind):
        raise QuizError(f"field {name!r} must be a {kind.__name__}")
    return value
