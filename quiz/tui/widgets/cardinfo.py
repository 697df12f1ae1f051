"""Card info as text: due, interval, FSRS memory state, and the learner's past answers."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from quiz.tui.i18n import t

VERDICT_STYLE = {"correct": "green", "partial": "yellow", "wrong": "red", "revealed": "cyan",
                 "unsure": "magenta", "unanswered": "dim"}


def verdict_label(verdict: str | None, lang: str) -> str:
    """A verdict in the UI language; one this version does not know is shown as it is."""
    if not verdict:
        return "-"
    text = t(f"verdict.{verdict}", lang)
    return verdict if text == f"verdict.{verdict}" else text


def card_info_text(info, lang: str, now: datetime) -> Text:
    from quiz.session.scheduling import humanize

    out = Text()
    if not info.reviewed:
        out.append(t("info.new", lang) + "\n")
    else:
        due = info.due.astimezone().strftime("%Y-%m-%d %H:%M")
        rel = humanize(info.due - now) if info.due > now else t("info.due_now", lang)
        out.append(f"{t('info.due', lang)}: {due} ({rel})", style="bold")
        if info.interval is not None:
            out.append(f" · {t('info.interval', lang)}: {humanize(info.interval)}")
        out.append("\n")
        parts = []
        if info.stability is not None:
            parts.append(f"{t('info.stability', lang)} {info.stability:.1f}d")
        if info.difficulty is not None:
            parts.append(f"{t('info.difficulty', lang)} {info.difficulty:.1f}/10")
        if info.retrievability is not None:
            parts.append(f"{t('info.recall', lang)} {info.retrievability:.0%}")
        parts.append(t("info.reviews", lang, n=info.reviews, lapses=info.lapses))
        out.append(" · ".join(parts) + "\n", style="dim")
    if not info.history:
        out.append(t("info.no_history", lang), style="dim")
        return out
    out.append(t("info.history", lang) + "\n", style="bold")
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    for h in info.history:
        when = h.when.astimezone().strftime("%m-%d %H:%M")
        score = "  -  " if h.score is None else f"{h.score:4.0%} "
        out.append(f"  {when}  {h.mode:9} {score} ")
        out.append(verdict_label(h.verdict, lang), style=VERDICT_STYLE.get(h.verdict or "", ""))
        if h.grader_verdict and h.grader_verdict != h.verdict:
            out.append(f" ({t('info.grader_said', lang, v=verdict_label(h.grader_verdict, lang))})",
                       style="dim")
        if h.rating:
            out.append(f" · {t('rating.' + names.get(int(h.rating), 'Good'), lang)}", style="dim")
        out.append("\n")
    return out
