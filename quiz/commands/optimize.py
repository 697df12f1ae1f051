"""`quiz optimize`: fit FSRS parameters to your own review log and keep them."""

from __future__ import annotations

import argparse
import json
import sys

from quiz.errors import QuizError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "optimize",
        help="fit the FSRS scheduler's parameters to your review log (needs the labs extra)",
        description="Fit FSRS's 21 parameters to your own reviews with fsrs's optimizer, show "
        "the log loss before and after, and store them in fsrs-parameters.json in the data "
        "folder, where study and stats read them. Needs a review log with at least 512 "
        "reviews made a day or more after the card's previous review.",
    )
    p.add_argument("--dry-run", action="store_true", help="fit and show, but store nothing")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="where progress is kept (same as the global option)")
    p.set_defaults(func=cmd_optimize)


def cmd_optimize(args) -> int:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from quiz.paths import data_dir
    from quiz.session import utc_now
    from quiz.session.optimize import (
        MIN_REVIEWS,
        Review,
        fit,
        load_parameters,
        log_loss,
        parameters_path,
        save_parameters,
        usable_reviews,
    )
    from quiz.store import open_store

    folder = data_dir(getattr(args, "data_dir", None))
    with open_store(args.data_dir) as store:
        reviews = [Review(e.card_id, e.rating, e.reviewed_at, e.duration_ms)
                   for e in store.review_log()]
    try:
        current = load_parameters(folder)
    except QuizError as e:
        print(f"quiz: {e}; comparing against the defaults", file=sys.stderr)
        current = None
    old = tuple(current or DEFAULT_PARAMETERS)
    usable = usable_reviews(reviews)
    if not args.json:
        print(f"{len(reviews)} reviews in {store.path}; {usable} made a day or more after the "
              "card's previous review (what the fit learns from)")
    if not args.json and usable >= MIN_REVIEWS:
        print("fitting FSRS to them (about 10 s per thousand reviews on a 2-core host)...",
              file=sys.stderr)
    new = fit(reviews)  # QuizError: too few reviews, or no optimizer
    before, after = log_loss(reviews, old), log_loss(reviews, new)
    better = after < before
    stored = None
    if better and not args.dry_run:
        stored = save_parameters(folder, new, now=utc_now(), reviews=usable,
                                 before=before, after=after)
    if args.json:
        print(json.dumps({"reviews": len(reviews), "usable_reviews": usable,
                          "log_loss": {"before": before, "after": after},
                          "compared_with": "stored" if current else "defaults",
                          "parameters": new, "stored": str(stored) if stored else None},
                         indent=2))
        return 0
    what = f"your parameters in {parameters_path(folder)}" if current else "the FSRS defaults"
    change = (after - before) / before * 100 if before else 0.0
    print(f"log loss: {before:.4f} with {what}, {after:.4f} fitted ({change:+.1f}%)")
    print("parameters: " + ", ".join(f"{x:.4f}" for x in new))
    if not better:
        print("the fit predicts your recall no better: the current parameters stay")
    elif stored:
        print(f"stored in {stored}; study and stats schedule with them from now on")
    else:
        print("dry run: nothing stored")
    return 0
