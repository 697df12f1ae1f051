"""Feedback text, in the answer's language: what was covered, missed, and got wrong."""

from __future__ import annotations

from quiz.grading.result import MisconceptionHit, PointResult

_TEXT = {
    "en": {
        "correct": "Correct.",
        "partial": "Partly right.",
        "wrong": "Not right yet.",
        "unsure": "Unsure: compare your answer with the model answer and rate it yourself.",
        "partly": "Partly said: {items}.",
        "claims": "Check this claim against the model answer: {items}.",
        "figure": "This figure is wrong: {items}.",
        "repetition": "The answer repeats itself; the repeats earn nothing.",
        "covered": "Covered {n} of {m} key points.",
        "missed": "Missed: {items}.",
        "negated": "You said the opposite of: {items}; that is a false claim.",
        "misconception": "Misconception: {feedback}",
        "echo": "The answer mostly repeats the question.",
        "keywords": "A list of keywords is not an explanation: say what each one does.",
        "sep": "; ",
    },
    "zh": {
        "correct": "回答正确。",
        "partial": "部分正确。",
        "wrong": "回答不正确。",
        "unsure": "无法确定：请对照参考答案，自己评分。",
        "partly": "部分提到：{items}。",
        "claims": "请对照参考答案核实这一说法：{items}。",
        "figure": "这个数字不对：{items}。",
        "repetition": "回答有重复内容，重复部分不计分。",
        "covered": "答到 {n}/{m} 个要点。",
        "missed": "遗漏：{items}。",
        "negated": "与要点相反：{items}，这是错误的说法。",
        "misconception": "误解：{feedback}",
        "echo": "回答基本只是在重复题目。",
        "keywords": "只列关键词不算解释，请说明每一项的作用。",
        "sep": "；",
    },
}


def _inside_misconception(p: PointResult, hits: tuple[MisconceptionHit, ...]) -> bool:
    """Whether most of the point's matched span lies in a misconception hit's span."""
    if not p.span:
        return False
    a, b = p.span
    return any(m.span and 2 * (min(b, m.span[1]) - max(a, m.span[0])) >= b - a for m in hits)


def compose(verdict: str, lang: str, points: tuple[PointResult, ...], labels: dict[str, str],
            misconceptions: tuple[MisconceptionHit, ...], flags: tuple[str, ...],
            claims: tuple[str, ...] = (), partly_at: float = 35.0,
            wrong_figures: tuple[str, ...] = ()) -> str:
    """One short paragraph; ``labels`` names each key point in ``lang``.

    A point matched only in part (between ``partly_at`` and found) is "partly said", not
    "missed": the answer did say something of it, and calling it missed reads as wrong.
    Unless that part is a misconception the answer states ("默认只用单线程" half-matches
    "默认就是多线程"): crediting it as partly said would praise the false clause.
    """
    t = _TEXT.get(lang, _TEXT["en"])
    out = [t[verdict]]
    if points:
        found = 0
        missed: list[str] = []
        partly: list[str] = []
        negated: list[str] = []
        for p in points:  # one pass: a found point is never negated
            if p.found:
                found += 1
            elif p.negated:
                negated.append(labels.get(p.id, p.id))
            elif p.score > partly_at and not _inside_misconception(p, misconceptions):
                partly.append(labels.get(p.id, p.id))
            else:
                missed.append(labels.get(p.id, p.id))
        out.append(t["covered"].format(n=found, m=len(points)))
        if partly:
            out.append(t["partly"].format(items=t["sep"].join(partly)))
        if missed:
            out.append(t["missed"].format(items=t["sep"].join(missed)))
        if negated:
            out.append(t["negated"].format(items=t["sep"].join(negated)))
        if wrong_figures:
            out.append(t["figure"].format(items=t["sep"].join(wrong_figures)))
    for m in misconceptions:
        out.append(t["misconception"].format(feedback=m.feedback.strip()))
    if claims and verdict in ("unsure", "wrong"):
        out.append(t["claims"].format(items=t["sep"].join(f"“{c.strip()}”" for c in claims[:2])))
    if "question-echo" in flags:
        out.append(t["echo"])
    if "keyword-list" in flags:
        out.append(t["keywords"])
    if "repetition" in flags:
        out.append(t["repetition"])
    return (" " if lang != "zh" else "").join(out)
