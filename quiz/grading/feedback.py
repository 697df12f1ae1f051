"""Feedback text, in the answer's language: what was covered, missed, and got wrong."""

from __future__ import annotations

from quiz.grading.result import MisconceptionHit, PointResult

_TEXT = {
    "en": {
        "correct": "Correct.",
        "partial": "Partly right.",
        "wrong": "Not right yet.",
        "covered": "Covered {n} of {m} key points.",
        "missed": "Missed: {items}.",
        "negated": "You said the opposite of: {items}.",
        "misconception": "Misconception: {feedback}",
        "echo": "The answer mostly repeats the question.",
        "keywords": "A list of keywords is not an explanation: say what each one does.",
        "sep": "; ",
    },
    "zh": {
        "correct": "回答正确。",
        "partial": "部分正确。",
        "wrong": "回答不正确。",
        "covered": "答到 {n}/{m} 个要点。",
        "missed": "遗漏：{items}。",
        "negated": "与要点相反：{items}。",
        "misconception": "误解：{feedback}",
        "echo": "回答基本只是在重复题目。",
        "keywords": "只列关键词不算解释，请说明每一项的作用。",
        "sep": "；",
    },
}


def compose(verdict: str, lang: str, points: tuple[PointResult, ...], labels: dict[str, str],
            misconceptions: tuple[MisconceptionHit, ...], flags: tuple[str, ...]) -> str:
    """One short paragraph; ``labels`` names each key point in ``lang``."""
    t = _TEXT.get(lang, _TEXT["en"])
    out = [t[verdict]]
    if points:
        found = 0
        missed: list[str] = []
        negated: list[str] = []
        for p in points:  # one pass: a found point is never negated
            if p.found:
                found += 1
            elif p.negated:
                negated.append(labels.get(p.id, p.id))
            else:
                missed.append(labels.get(p.id, p.id))
        out.append(t["covered"].format(n=found, m=len(points)))
        if missed:
            out.append(t["missed"].format(items=t["sep"].join(missed)))
        if negated:
            out.append(t["negated"].format(items=t["sep"].join(negated)))
    for m in misconceptions:
        out.append(t["misconception"].format(feedback=m.feedback.strip()))
    if "question-echo" in flags:
        out.append(t["echo"])
    if "keyword-list" in flags:
        out.append(t["keywords"])
    return (" " if lang != "zh" else "").join(out)
