"""Progress figures for `quiz stats` and the TUI's stats screen: due counts, reviews per
day, accuracy per tag, FSRS retention, interview history, orphaned cards."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from fsrs import Scheduler

from quiz.deck.model import Deck
from quiz.session.scheduling import fsrs_card, make_scheduler
from quiz.store.db import Store


@dataclass(frozen=True)
class TagAccuracy:
    tag: str
    attempts: int
    mean_score: float
    correct: int  # attempts with verdict "correct"


@dataclass(frozen=True)
class InterviewSummary:
    id: int
    started: str
    finished: bool  # False: cut off before the report (crash, kill)
    questions: int  # planned
    answered: int
    mean_score: float | None  # over the questions recorded; None if none was recorded


@dataclass(frozen=True)
class Stats:
    now: str
    deck: str
    cards: int  # in the deck
    new_cards: int  # in the deck and never reviewed
    reviewed_cards: int  # in the deck with a review state
    due_now: int
    # (UTC date, cards falling due that day after now): today, then the next 7 days.
    due_next_7_days: list[tuple[str, int]]
    due_within_7_days: int  # not due now, due before the end of the 7th day
    reviews_per_day: list[tuple[str, int]]  # last 30 UTC days, oldest first, zeros included
    accuracy_by_tag: list[TagAccuracy]  # study/practice/interview attempts on deck cards
    retention: float | None  # mean FSRS retrievability now of reviewed deck cards
    interviews: list[InterviewSummary]  # newest first
    orphans: list[str]  # card ids with history that the deck no longer has

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["due_next_7_days"] = [{"date": a, "due": n} for a, n in self.due_next_7_days]
        d["reviews_per_day"] = [{"date": a, "reviews": n} for a, n in self.reviews_per_day]
        return d


def compute_stats(store: Store, deck: Deck, now: datetime, *,
                  scheduler: Scheduler | None = None) -> Stats:
    """Everything the stats screen shows, at ``now`` (an aware UTC datetime)."""
    scheduler = scheduler or make_scheduler(store)
    ids = set(deck.ids())
    states = {k: v for k, v in store.review_states().items() if k in ids}
    today = now.date()

    due_now = sum(1 for s in states.values() if s.due <= now)
    upcoming: Counter[date] = Counter(s.due.date() for s in states.values() if s.due > now)
    next7 = [(str(today + timedelta(days=i)), upcoming.get(today + timedelta(days=i), 0))
             for i in range(0, 8)]

    start = datetime.combine(today - timedelta(days=29), time(0), tzinfo=now.tzinfo)
    per_day = Counter(e.reviewed_at.date() for e in store.review_log(since=start))
    reviews = [(str(today - timedelta(days=i)), per_day.get(today - timedelta(days=i), 0))
               for i in range(29, -1, -1)]

    tags_of = {c.id: c.tags for c in deck.cards}
    scores: dict[str, list[float]] = defaultdict(list)
    correct: Counter[str] = Counter()
    for a in store.attempts():
        if a.card_id not in tags_of or a.score is None:
            continue
        for t in tags_of[a.card_id]:
            scores[t].append(a.score)
            correct[t] += a.verdict == "correct"
    accuracy = sorted((TagAccuracy(t, len(s), round(sum(s) / len(s), 4), correct[t])
                       for t, s in scores.items()), key=lambda x: (x.mean_score, x.tag))

    retr = [scheduler.get_card_retrievability(fsrs_card(cid, s, now), now)
            for cid, s in states.items()]
    retention = round(sum(retr) / len(retr), 4) if retr else None

    interviews = []
    for rec in reversed(store.interviews()):
        answers = store.interview_answers(rec.id)
        planned = (rec.totals or {}).get("questions") or rec.config.get("questions") or 0
        interviews.append(InterviewSummary(
            id=rec.id, started=rec.started.isoformat(), finished=rec.finished,
            questions=int(planned), answered=sum(a.answered for a in answers),
            mean_score=round(sum(a.score for a in answers) / len(answers), 4) if answers
            else None))

    orphans = sorted(store.card_ids_with_history() - ids)
    return Stats(now=now.isoformat(), deck=deck.path, cards=len(deck.cards),
                 new_cards=len(ids - set(states)), reviewed_cards=len(states), due_now=due_now,
                 due_next_7_days=next7, due_within_7_days=sum(n for _, n in next7),
                 reviews_per_day=reviews, accuracy_by_tag=accuracy,
                 retention=retention, interviews=interviews, orphans=orphans)


def format_stats(s: Stats) -> str:
    """Plain text for the terminal."""
    out = [f"deck: {s.deck}  ({s.cards} cards: {s.reviewed_cards} reviewed, {s.new_cards} new)",
           f"due now: {s.due_now}",
           f"due in the next 7 days: {s.due_within_7_days}  ("
           + ", ".join(f"{d[5:]}: {n}" for d, n in s.due_next_7_days) + ")",
           f"retention estimate: {'-' if s.retention is None else f'{s.retention:.0%}'}"]
    total = sum(n for _, n in s.reviews_per_day)
    out.append(f"reviews in the last 30 days: {total}")
    active = [(d, n) for d, n in s.reviews_per_day if n]
    if active:
        out.append("  " + ", ".join(f"{d[5:]}: {n}" for d, n in active))
    if s.accuracy_by_tag:
        out.append("accuracy by tag (weakest first):")
        out += [f"  {t.tag:24} {t.mean_score:5.0%}  {t.correct}/{t.attempts} correct"
                for t in s.accuracy_by_tag]
    if s.interviews:
        out.append("interviews (newest first):")
        for i in s.interviews:
            score = "-" if i.mean_score is None else f"{i.mean_score:.0%}"
            mark = "" if i.finished else "  (unfinished)"
            out.append(f"  #{i.id} {i.started[:16]}  {i.answered}/{i.questions} answered  "
                       f"mean {score}{mark}")
    if s.orphans:
        out.append(f"orphaned cards (history kept, no longer in the deck): {', '.join(s.orphans)}")
    return "\n".join(out)
