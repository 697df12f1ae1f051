"""Checks beyond the schema: essential key points, and claims that point at labs and
findings that exist."""

from __future__ import annotations

from quiz.deck.model import Deck
from quiz.errors import Problem


def lint_deck(deck: Deck, lab_catalogue: dict[str, list[str]] | None) -> list[Problem]:
    """Cross-reference problems (the loader already enforced the schema).

    ``lab_catalogue`` maps lab id -> finding ids (``quiz.labs_service.lab_catalogue()``:
    the deck layer does not import ``labs``); None skips the checks of claims' labs.
    """
    problems: list[Problem] = []
    for c in deck.cards:
        if c.key_points and not any(k.essential for k in c.key_points):
            # `correct` means "every essential point" (docs/grading-rubric.md): without one
            # the grader could only fall back on coverage, which the rubric does not define.
            problems.append(Problem(
                c.source, c.line, f"{c.id}.key_points",
                "no key point is marked `essential: true` (docs/grading-rubric.md says which)",
            ))
        for i, cl in enumerate(c.claims):
            if cl.lab is None or lab_catalogue is None:
                continue
            where = f"{c.id}.claims[{i}]"
            if cl.lab not in lab_catalogue:
                problems.append(
                    Problem(
                        c.source,
                        c.line,
                        where + ".lab",
                        f"no lab {cl.lab!r} (labs: {', '.join(sorted(lab_catalogue))})",
                    )
                )
            elif cl.finding and cl.finding not in lab_catalogue[cl.lab]:
                problems.append(
                    Problem(
                        c.source,
                        c.line,
                        where + ".finding",
                        f"lab {cl.lab!r} has no finding {cl.finding!r} "
                        f"(it has: {', '.join(lab_catalogue[cl.lab])})",
                    )
                )
    return problems


def lint_warnings(deck: Deck) -> list[Problem]:
    """What is valid but worth fixing: a card without key points is graded only against
    its model answer, a cruder check than key points and misconceptions."""
    return [
        Problem(c.source, c.line, f"{c.id}.key_points",
                "none: answers are graded against the model answer "
                f"(`quiz suggest-points {c.id} --deck {c.source}` drafts some)")
        for c in deck.cards if not c.key_points
    ]
