"""Study subcommands: `quiz stats` and `quiz interview` (headless, or the TUI's interview)."""

from __future__ import annotations

import argparse
import json
import os
import select
import sys
from typing import IO

from quiz.errors import QuizError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="progress: cards due, reviews per day, accuracy per tag, "
                       "retention, interview history, orphaned cards")
    p.add_argument("--deck", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    _reset_option(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("interview", help="a timed mock interview (the app; --headless for "
                       "stdin/stdout)")
    p.add_argument("--headless", action="store_true",
                   help="ask on stdout, read answers from stdin (an answer ends with an empty "
                   "line; end of input ends the interview)")
    p.add_argument("--deck", help="deck file or folder (default: the shipped deck)")
    p.add_argument("--questions", type=int, default=None, metavar="N",
                   help="default: the interview.questions setting (5)")
    p.add_argument("--seconds-per-question", type=float, default=None, metavar="S",
                   help="default: the interview.seconds_per_question setting (180)")
    p.add_argument("--total-minutes", type=float, default=None, metavar="M",
                   help="an overall time limit (default none)")
    p.add_argument("--tags", nargs="+", default=[], metavar="T",
                   help="only cards with any of these tags (space or comma separated)")
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.add_argument("--seed", type=int, default=None, metavar="K",
                   help="random seed for choosing questions (default: random, shown in report)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _reset_option(p)
    p.set_defaults(func=cmd_interview, mode="interview")


def _reset_option(p: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand (`quiz stats --data-dir X`); SUPPRESS keeps the
    # global `quiz --data-dir X stats` value when it is not repeated here.
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="where progress is kept (same as the global option)")
    p.add_argument("--reset-db", action="store_true",
                   help="if quiz.db is corrupt or foreign, rename it quiz.db.corrupt-<time> "
                   "(never deleted) and start a fresh one")


def _open_store(args, services=None):
    from quiz.services import Services

    store = (services or Services.from_args(args)).open_store()
    if store.moved_aside is not None:
        print(f"quiz: moved the unusable database aside to {store.moved_aside}; "
              f"started a fresh {store.path}", file=sys.stderr)
    return store


def _refuse_damaged(store) -> None:
    """An interview only writes, so damage below the schema would go unseen while answers
    went into a broken file: quick_check first (some 30 ms for 20,000 attempts)."""
    from quiz.store import UnusableDatabase
    from quiz.store.db import RESET_HINT

    problem = store.quick_check()
    if problem is not None:
        raise UnusableDatabase(f"{store.path}: damaged (quick_check: {problem}); nothing was "
                               f"written; {RESET_HINT}")


def cmd_stats(args) -> int:
    from quiz import settings as S
    from quiz.deck.loader import load_deck
    from quiz.session import compute_stats, format_stats, utc_now
    from quiz.session.scheduling import make_scheduler

    settings = S.load(S.config_path(args.data_dir))
    deck = load_deck(args.deck)
    with _open_store(args) as store:
        stats = compute_stats(store, deck, utc_now(), day=settings.study_day(),
                              scheduler=make_scheduler(
                                  desired_retention=settings.desired_retention))
    if args.json:
        print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_stats(stats))
    return 0


def cmd_interview(args) -> int:
    if not args.headless:
        try:
            from quiz.commands.app import open_app
        except ImportError:
            raise QuizError("the interview screen is not available yet; run "
                            "`quiz interview --headless`") from None
        return int(open_app(args, mode="interview") or 0)

    from quiz import settings as S
    from quiz.deck.loader import load_deck
    from quiz.session import InterviewConfig, InterviewEngine

    saved = S.load(S.config_path(args.data_dir)).interview
    tags = tuple(t for arg in args.tags for t in arg.split(",") if t) or saved.tags
    config = InterviewConfig(
        questions=saved.questions if args.questions is None else args.questions,
        seconds_per_question=(saved.seconds_per_question if args.seconds_per_question is None
                              else args.seconds_per_question),
        total_minutes=saved.total_minutes if args.total_minutes is None else args.total_minutes,
        tags=tags, lang=args.lang, seed=args.seed)
    from quiz.services import Services

    services = Services.from_args(args)
    deck = load_deck(args.deck)
    with _open_store(args, services) as store:
        _refuse_damaged(store)
        engine = InterviewEngine(deck, config, store=store, grader=services.grader)
        # With --json the questions go to stderr so stdout holds only the JSON report.
        talk = sys.stderr if args.json else sys.stdout
        store.on_locked = LockNotice(talk)
        reader = LineReader(sys.stdin)
        try:
            run_headless(engine, reader, talk)
        except (QuizError, KeyboardInterrupt):
            # Stopping (the database gave up, or ctrl+c): what was typed and not yet saved
            # goes to stderr before the one-line error, so nothing the learner wrote is lost.
            print_unsaved(engine, reader, sys.stderr)
            raise
        report = engine.report
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


# How long a write waits for another program's lock (the learner told) before it gives up.
LOCK_GIVE_UP_S = 600.0


class LockNotice:
    """``Store.on_locked`` for the headless interview: tell the learner their answer is kept
    while another program holds the database, keep waiting up to ``give_up_s``."""

    def __init__(self, out: IO[str], give_up_s: float = LOCK_GIVE_UP_S):
        self.out, self.give_up_s, self.told = out, give_up_s, False

    def __call__(self, waited_s: float) -> bool:
        if waited_s >= self.give_up_s:
            return False
        if not self.told:
            msg = ("another program holds the database lock; your answer is kept and is "
                   "saved as soon as the lock is free (ctrl+c stops and prints it)")
        else:
            msg = f"still locked after {waited_s:.0f}s; still waiting"
        self.told = True
        print(f"(quiz: {msg})", file=self.out, flush=True)
        return True


def print_unsaved(engine, reader: LineReader, out: IO[str]) -> None:
    """Print the answer being asked that is not in the database (if anything was typed)."""
    from quiz.session import InterviewState

    q = engine.current
    if engine.state is not InterviewState.ASKING or q is None:
        return  # every answer given so far was saved
    text = "\n".join(t for t in (engine.draft, reader.take_pending()) if t).strip()
    if not text:
        return
    print(f"quiz: NOT SAVED, your answer to question {q.position + 1} ({q.card.id}):",
          file=out)
    print(text, file=out)
    print("quiz: (end of the unsaved answer)", file=out, flush=True)


def run_headless(engine, reader: LineReader, out: IO[str]) -> None:
    """Drive the engine from lines of input until it finishes."""
    from quiz.session import InterviewState

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    q = engine.start()
    say(f"Mock interview #{engine.interview_id}: {engine.total} questions, "
        f"{engine.config.seconds_per_question:g}s each (seed {engine.config.seed}). "
        "End each answer with an empty line; end of input stops the interview.")
    while q is not None:
        left = engine.time_left()
        total_left = engine.total_time_left()
        overall = "" if total_left is None else f", {total_left:.0f}s left in total"
        say(f"\n[{q.position + 1}/{q.total}] ({left:.0f}s left{overall})\n{q.text}")
        lines: list[str] = []
        eof = False
        while True:
            left = engine.time_left()  # times the question out once past its deadline
            if engine.state is not InterviewState.ASKING:
                break
            line = reader.readline(timeout=left)
            if line is LineReader.TIMEOUT:
                # Whatever was typed so far, even an unfinished line, is the answer.
                engine.set_draft("\n".join([*lines, reader.take_pending()]).strip())
                engine.tick()
                continue
            if line is None:
                eof = True
                break
            if not line.strip():
                break
            lines.append(line)
            engine.set_draft("\n".join(lines))
        if engine.state is InterviewState.ASKING and not eof:
            engine.submit("\n".join(lines))
        if engine.state is InterviewState.TIMED_OUT:
            typed = engine.draft.strip()  # what the engine submitted at the deadline
            say("(time is up: what you typed was submitted)" if typed else
                "(time is up: nothing was typed; the question counts as unanswered)")
        if eof:
            engine.finish()
            say("(end of input: the remaining questions count as unanswered)")
            break
        if engine.state is InterviewState.FINISHED:
            break
        q = engine.next()
    if engine.state is not InterviewState.FINISHED:
        engine.finish()


class LineReader:
    """Lines from a stream with a timeout, so a question can time out while input waits.

    Uses select() on the file descriptor where it can (pipes, terminals, files); otherwise
    falls back to a blocking readline, and the answer is checked against the deadline when
    it arrives.
    """

    TIMEOUT = object()

    def __init__(self, stream: IO[str] | None):
        self.stream = stream
        self.buf = b""
        self.eof = stream is None
        try:
            self.fd = stream.fileno() if stream is not None else None
            if self.fd is not None:
                select.select([self.fd], [], [], 0)
        except (OSError, ValueError, AttributeError, TypeError):
            self.fd = None  # not selectable (e.g. a test's StringIO)

    def take_pending(self) -> str:
        """Remove and return text typed after the last newline (submitted at a timeout)."""
        text, self.buf = self.buf.decode("utf-8", errors="replace"), b""
        return text

    def readline(self, timeout: float | None = None):
        """The next line without its newline, ``TIMEOUT``, or None at end of input."""
        if self.fd is None:
            if self.eof:
                return None
            line = self.stream.readline()
            if not line:
                self.eof = True
                return None
            return line.rstrip("\r\n")
        while b"\n" not in self.buf:
            if self.eof:
                if self.buf:
                    line, self.buf = self.buf, b""
                    return line.decode("utf-8", errors="replace").rstrip("\r")
                return None
            if timeout is not None and timeout <= 0:
                return self.TIMEOUT
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return self.TIMEOUT
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self.eof = True
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", errors="replace").rstrip("\r")


def format_report(report) -> str:
    """The interview report as plain text."""
    state = "finished" if report.finished else "unfinished"
    c = report.counts
    unsure = f", {c.get('unsure', 0)} unsure (rate them yourself)" if c.get("unsure") else ""
    out = [f"\n== Interview #{report.interview_id} ({state}) ==",
           f"mean score {report.mean_score:.0%}: {c.get('correct', 0)} correct, "
           f"{c.get('partial', 0)} partial, {c.get('wrong', 0)} wrong{unsure}; "
           f"{report.answered} answered, {report.unanswered} unanswered, "
           f"{report.timed_out} timed out; {report.total_seconds:.0f}s in all"]
    for r in report.questions:
        note = " (timed out)" if r.timed_out else ""
        if r.verdict == "unsure":
            note += " (borderline: compare with the model answer)"
        if r.overridden:
            note += f" (grader said {r.grader_verdict})"
        out.append(f"\n{r.position + 1}. [{r.verdict} {r.score:.0%}] {r.card_id}  "
                   f"{r.seconds:.0f}s{note}")
        out.append(f"   Q: {r.question}")
        if r.missed_key_points:
            out.append("   missed: " + "; ".join(k.text or k.id for k in r.missed_key_points))
        for m in r.misconceptions:
            out.append(f"   misconception ({m.id}): {m.feedback}")
    if report.weakest_tags:
        out.append("\nweakest tags: " + ", ".join(f"{t.tag} ({t.mean_score:.0%})"
                                                 for t in report.weakest_tags))
    return "\n".join(out)
