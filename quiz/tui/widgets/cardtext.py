"""Rich renderings of grades and claims, shared by self-study, the interview report and the
card view. Pure functions from data to ``rich.text.Text``: no widgets, easy to test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text

from quiz.deck.model import Card, pick
from quiz.tui import labinfo
from quiz.tui.i18n import t

HIT = "bold green underline"
MISS = "bold red underline"


def highlighted_answer(answer: str, grade: dict[str, Any]) -> Text:
    """The typed answer with the words that matched key points (green) and
    misconceptions or negated points (red) highlighted, using the grader's spans."""
    text = Text(answer)
    n = len(answer)
    for kp in grade.get("key_points") or ():
        span = kp.get("span")
        if span and (kp.get("found") or kp.get("negated")):
            a, b = int(span[0]), int(span[1])
            if 0 <= a < b <= n:
                text.stylize(HIT if kp.get("found") and not kp.get("negated") else MISS, a, b)
    for mc in grade.get("misconceptions") or ():
        span = mc.get("span")
        if span:
            a, b = int(span[0]), int(span[1])
            if 0 <= a < b <= n:
                text.stylize(MISS, a, b)
    return text


def first_phrasing(phrasings: dict[str, tuple[str, ...]], lang: str) -> str:
    for code in (lang, "zh", "en", *phrasings):
        if phrasings.get(code):
            return phrasings[code][0]
    return ""


def key_points_text(card: Card, grade: dict[str, Any], lang: str) -> Text:
    """One line per key point: hit (with the words matched) or missed (with a phrasing)."""
    by_id = {kp.get("id"): kp for kp in grade.get("key_points") or ()}
    out = Text()
    if not card.key_points:
        return _reference_points_text(grade, lang)
    for kp in card.key_points:
        res = by_id.get(kp.id, {})
        if res.get("found"):
            out.append("✓ ", style="bold green")
            out.append(kp.id, style="bold")
            matched = res.get("matched") or res.get("phrasing") or ""
            if matched:
                out.append(f"  “{matched}”", style="green")
        else:
            out.append("✗ ", style="bold red")
            out.append(kp.id, style="bold")
            if res.get("negated") and res.get("matched"):
                out.append(f"  ≠ “{res['matched']}”", style="red")
            out.append(f"  {first_phrasing(kp.phrasings, lang)}", style="dim")
        if kp.weight != 1:
            out.append(f"  ×{kp.weight:g}", style="dim")
        out.append("\n")
    out.rstrip()
    return out


def _reference_points_text(grade: dict[str, Any], lang: str) -> Text:
    """A card without key points was graded against its model answer (B5): say so, and
    show which of the answer's clauses were made."""
    from quiz.session.grader import REFERENCE_FLAG, REFERENCE_NOTE

    out = Text()
    if REFERENCE_FLAG not in (grade.get("flags") or ()):
        return out
    out.append(REFERENCE_NOTE.get(lang, REFERENCE_NOTE["en"]) + "\n", style="italic")
    points = list(grade.get("key_points") or ())
    for kp in points:
        if kp.get("found"):
            out.append("✓ ", style="bold green")
            out.append(f"“{kp.get('matched') or kp.get('phrasing') or ''}”\n", style="green")
    missed = sum(1 for kp in points if not kp.get("found"))
    if missed:
        out.append("✗ ", style="bold red")
        out.append((f"{missed}/{len(points)} 个分句没有答到（见参考答案）" if lang == "zh"
                    else f"{missed} of {len(points)} clauses of the model answer not made "
                    "(see below)"), style="dim")
    out.rstrip()
    return out


def misconceptions_text(card: Card, grade: dict[str, Any], lang: str) -> Text | None:
    hits = list(grade.get("misconceptions") or ())
    if not hits:
        return None
    by_id = {m.id: m for m in card.checked_misconceptions}
    out = Text()
    for hit in hits:
        mc = by_id.get(hit.get("id"))
        feedback = pick(mc.feedback, lang) if mc else str(hit.get("feedback") or "")
        out.append("⚠ ", style="bold yellow")
        out.append(f"{hit.get('id')}", style="bold")
        if hit.get("phrasing"):
            out.append(f"  “{hit['phrasing']}”", style="dim")
        out.append(f"\n  {feedback}\n")
    out.rstrip()
    return out


def factcheck_text(card: Card, lang: str, data_dir: Path,
                   session_runs: dict[str, dict[str, Any]] | None = None,
                   running: str | None = None, progress: str = "") -> Text:
    """Each claim: what the seed said, the verdict, the correction, its sources, and the
    last run of the lab that checks it (or a hint to run it)."""
    if not card.claims:
        return Text(t("study.no_claims", lang), style="dim")
    out = Text()
    runs: dict[str, dict[str, Any] | None] = {}
    for i, claim in enumerate(card.claims):
        if i:
            out.append("\n")
        style = "bold green" if claim.verdict == "true" else "bold yellow"
        out.append(f"[{t('claim.' + claim.verdict, lang)}] ", style=style)
        out.append(f"{t('study.seed_said', lang)}")
        if claim.seed:
            out.append(f" (#{claim.seed})", style="dim")
        out.append(":\n")
        out.append(f"  “{claim.statement.strip()}”\n", style="italic")
        correction = pick(claim.correction, lang)
        if correction:
            out.append(f"  {t('study.correction', lang)}: ", style="bold")
            out.append(f"{correction.strip()}\n")
        if claim.sources:
            out.append(f"  {t('study.sources', lang)}: ", style="bold")
            out.append(" ".join(claim.sources) + "\n", style="dim underline")
        if claim.lab:
            out.append(f"  {t('study.lab', lang, lab=claim.lab)}: ", style="bold")
            if running == claim.lab:
                out.append(f"{t('labs.running', lang, lab=claim.lab)} {progress}\n",
                           style="italic")
                continue
            if claim.lab not in runs:
                runs[claim.lab] = (session_runs or {}).get(claim.lab) \
                    or labinfo.last_run(data_dir, claim.lab)
            run = runs[claim.lab]
            if run is None:
                out.append(t("study.lab_never", lang) + "\n", style="dim")
            else:
                # "seed claim refuted", or the card's own partly / outdated (B9)
                result = labinfo.claim_outcome(run, card.id, claim.id, claim.verdict)
                status = (labinfo.outcome_text(result, lang) if result
                          else str(run.get("status", "?")))
                vstyle = labinfo.OUTCOME_STYLE.get(result or "", "yellow")
                out.append(t("study.lab_last", lang, date=labinfo.run_date(run), status=""))
                out.append(status, style=f"bold {vstyle}")
                mode = "quick" if run.get("quick") else "full"
                out.append(f" ({mode})\n", style="dim")
                finding = next((f for f in run.get("findings") or ()
                                if f.get("id") == claim.finding), None)
                if finding and finding.get("summary"):
                    out.append(f"    {finding['id']}: {finding['summary']}\n", style="italic")
    out.rstrip()
    return out
