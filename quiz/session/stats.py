"""Progress figures for `quiz stats` and the TUI's stats screen: due counts, reviews per
day, accuracy per tag, measured and predicted retention, interview history, orphaned cards.

Aggregated in SQL (quiz.store.queries): the cost grows with the number of cards, days and
interviews, not with the number of attempts. "Due today" is StudyDay.due_today, the same
figure home and study show: overdue cards are due today.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from fsrs import Scheduler

from quiz.deck.model import Deck
from quiz.session import verdicts as V
from quiz.session.limits import StudyDay
from quiz.session.scheduling import fsrs_card, make_scheduler
from quiz.store import queries
from quiz.store.db import Store


@dataclass(frozen=True)
class TagAccuracy:
    tag: str
    attempts: int
    mean_score: float  # over graded attempts; an overruled one counts as 1 (right) or 0
    correct: int  # attempts whose final verdict is "correct"
    graded: int = 0  # attempts with a grader's score (revealed ones have none)
    revealed: int = 0  # "show answer" attempts
    recalled: int = 0  # of those, rated above Again by the learner
    unsure: int = 0  # the grader was unsure and the learner has not rated it yet
    overruled: int = 0  # the learner's verdict differs from the grader's


@dataclass(frozen=True)
class RetentionBucket:
    """Measured retention: reviews after an interval in [from, to) days not rated Again."""

    interval: str  # "<1d", "1-7d", "7-30d", ">30d"
    reviews: int
    recalled: int

    @property
    def rate(self) -> float | None:
        return round(self.recalled / self.reviews, 4) if self.reviews else None


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
    due_today: int  # due before the end of the study day, overdue included
    overdue: int  # of those, due before today began
    # (study day, cards due that day): today (overdue included), then the next 6 days.
    due_next_7_days: list[tuple[str, int]]
    due_within_7_days: int  # the sum of due_next_7_days
    reviews_per_day: list[tuple[str, int]]  # last 30 study days, oldest first, zeros included
    accuracy_by_tag: list[TagAccuracy]  # study/practice/interview attempts on deck cards
    # Measured: share of reviews not rated Again, by interval since the previous review.
    retention_measured: list[RetentionBucket]
    retention_measured_total: float | None  # over reviews after 1 day or more
    retention_predicted: float | None  # FSRS: mean retrievability now of reviewed cards
    desired_retention: float  # FSRS's target (settings)
    interviews: list[InterviewSummary]  # newest first
    orphans: list[str]  # card ids with history that the deck no longer has

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["due_next_7_days"] = [{"date": a, "due": n} for a, n in self.due_next_7_days]
        d["reviews_per_day"] = [{"date": a, "reviews": n} for a, n in self.reviews_per_day]
        d["retention_measured"] = [{**asdict(b), "rate": b.rate}
                                   for b in self.retention_measured]
        return d


def compute_stats(store: Store, deck: Deck, now: datetime, *,
                  scheduler: Scheduler | None = None, day: StudyDay | None = None) -> Stats:
    """Everything the stats screen shows, at ``now`` (an aware UTC datetime)."""
    scheduler = scheduler or make_scheduler(store)
    day = day or StudyDay()
    ids = deck.ids()
    idset = set(ids)
    states = {k: v for k, v in store.review_states().items() if k in idset}

    today = day.date_of(now)
    start_today = day.bounds(now)[0]
    dues = [s.due for s in states.values()]
    by_day = defaultdict(int)
    for d in dues:
        by_day[max(day.date_of(d), today)] += 1  # overdue cards are due today
    next7 = [(str(today + timedelta(days=i)), by_day.get(today + timedelta(days=i), 0))
             for i in range(7)]

    # Reviews per study day: the UTC time shifted by the zone offset minus the start hour.
    offset = now.astimezone(day.tz) if day.tz is not None else now.astimezone()
    shift = int((offset.utcoffset() or timedelta()).total_seconds() // 60) - 60 * day.start_hour
    first = today - timedelta(days=29)
    per_day = queries.reviews_per_day(store, ids, day.start_of(first, now), shift)
    reviews = [(str(first + timedelta(days=i)), per_day.get(str(first + timedelta(days=i)), 0))
               for i in range(30)]

    tags_of = {c.id: c.tags for c in deck.cards}
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in queries.attempts_by_card(store, ids):
        final, graded_as = row["verdict"], row["grader_verdict"]
        overruled = graded_as is not None and final != graded_as
        # An overruled answer earns its final verdict's credit, not the grader's score.
        credit = (V.CREDIT[final] * row["graded"] if overruled and final in V.CREDIT
                  else row["total"])
        add = {"attempts": row["n"], "graded": row["graded"], "credit": credit,
               "correct": row["n"] if final == V.CORRECT else 0,
               "revealed": row["n"] if final == V.REVEALED else 0,
               "recalled": row["recalled"] if final == V.REVEALED else 0,
               "unsure": row["n"] if V.known(final) == V.UNSURE else 0,
               "overruled": row["n"] if overruled else 0}
        for t in tags_of.get(row["card_id"], ()):
            for k, v in add.items():
                sums[t][k] += v
    accuracy = sorted((TagAccuracy(
        t, int(v["attempts"]), round(v["credit"] / v["graded"], 4) if v["graded"] else 0.0,
        int(v["correct"]), int(v["graded"]), int(v["revealed"]), int(v["recalled"]),
        int(v["unsure"]), int(v["overruled"])) for t, v in sums.items()),
        key=lambda x: (x.mean_score, x.tag))

    got = {r["bucket"]: r for r in queries.retention_by_interval(store, ids)}
    buckets = [RetentionBucket(label, int(got.get(label, {}).get("reviews") or 0),
                               int(got.get(label, {}).get("recalled") or 0))
               for label, _, _ in queries.BUCKETS]
    spaced = [b for b in buckets if b.interval != "<1d"]
    n_spaced = sum(b.reviews for b in spaced)
    measured = round(sum(b.recalled for b in spaced) / n_spaced, 4) if n_spaced else None

    retr = [scheduler.get_card_retrievability(fsrs_card(cid, s, now), now)
            for cid, s in states.items()]
    predicted = round(sum(retr) / len(retr), 4) if retr else None

    interviews = [InterviewSummary(
        id=r["id"], started=datetime.fromisoformat(r["started"]).isoformat(),
        finished=bool(r["finished"]), questions=int(r["questions"] or 0),
        answered=int(r["answered"] or 0),
        mean_score=round(r["mean"], 4) if r["recorded"] and r["mean"] is not None else None)
        for r in queries.interview_summaries(store)]

    orphans = sorted(queries.card_ids_with_history(store) - idset)
    return Stats(now=now.isoformat(), deck=deck.path, cards=len(deck.cards),
                 new_cards=len(idset - set(states)), reviewed_cards=len(states),
                 due_today=next7[0][1], overdue=sum(1 for d in dues if d < start_today),
                 due_next_7_days=next7, due_within_7_days=sum(n for _, n in next7),
                 reviews_per_day=reviews, accuracy_by_tag=accuracy,
                 retention_measured=buckets, retention_measured_total=measured,
                 retention_predicted=predicted,
                 desired_retention=float(getattr(scheduler, "desired_retention", 0.9)),
                 interviews=interviews, orphans=orphans)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def format_stats(s: Stats) -> str:
    """Plain text for the terminal."""
    out = [f"deck: {s.deck}  ({s.cards} cards: {s.reviewed_cards} reviewed, {s.new_cards} new)",
           f"due today: {s.due_today} (overdue included: {s.overdue})",
           f"due in the next 7 days (today first): {s.due_within_7_days}  ("
           + ", ".join(f"{d[5:]}: {n}" for d, n in s.due_next_7_days) + ")",
           f"retention measured (reviews not rated Again, after 1 day or more): "
           f"{_pct(s.retention_measured_total)}  by interval: "
           + ", ".join(f"{b.interval} {_pct(b.rate)} of {b.reviews}"
                       for b in s.retention_measured),
           f"retention predicted by FSRS (mean recall probability now): "
           f"{_pct(s.retention_predicted)}  (desired {s.desired_retention:.0%})"]
    total = sum(n for _, n in s.reviews_per_day)
    out.append(f"reviews in the last 30 days: {total}")
    active = [(d, n) for d, n in s.reviews_per_day if n]
    if active:
        out.append("  " + ", ".join(f"{d[5:]}: {n}" for d, n in active))
    if s.accuracy_by_tag:
        out.append("accuracy by tag (weakest first; final verdicts, your overrides count):")
        for t in s.accuracy_by_tag:
            extra = ""
            if t.revealed:
                extra += f", {t.revealed} revealed ({t.recalled} recalled)"
            if t.unsure:
                extra += f", {t.unsure} unsure"
            if t.overruled:
                extra += f", {t.overruled} overruled"
            out.append(f"  {t.tag:24} {t.mean_score:5.0%}  {t.correct}/{t.attempts} correct"
                       + extra)
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
