"""What the TUI reads about labs, guarded so a missing or broken labs package shows as
"no labs" instead of an exception. Importing ``labs`` never imports torch.

The outcome of a claim (``outcome``, ``claim_outcome``, ``outcome_text``) is worked out in
``quiz.session.factcheck`` and re-exported here; runs are run and read through
``quiz.labs_service``; what is left here is how the TUI shows them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quiz.session.factcheck import (  # noqa: F401 - re-exported for the screens
    OUTCOME_TEXT,
    OUTCOMES,
    claim_entry,
    claim_outcome,
    outcome,
    outcome_text,
)


def registry() -> dict[str, Any]:
    """``labs.registry()``, or {} when the labs package is not there."""
    try:
        import labs
    except ImportError:
        return {}
    try:
        return dict(labs.registry())
    except Exception:  # noqa: BLE001 - a broken lab module must not take the app down
        return {}


def new_handle():
    """A handle for the next run (``quiz.labs_service.new_handle``): the App keeps it and
    cancels the run through it (the stop key, quitting during a run)."""
    from quiz.labs_service import new_handle as _new_handle

    return _new_handle()


def broken() -> dict[str, str]:
    """Lab id -> why its module does not load (``labs.broken()``), so the labs screen shows
    a broken lab as a row with its error instead of hiding every lab; {} without labs."""
    try:
        import labs
    except ImportError:
        return {}
    try:
        return dict(labs.broken())
    except Exception as e:  # noqa: BLE001 - the package itself is broken: say so in a row
        return {"labs": f"{type(e).__name__}: {e}"}


def last_run(data_dir: Path, lab_id: str) -> dict[str, Any] | None:
    """The newest saved run of a lab (its record), or None."""
    try:
        from quiz.labs_service import last_run as _last_run

        return _last_run(data_dir, lab_id)
    except Exception:  # noqa: BLE001
        return None


def claim_verdict(run: dict[str, Any] | None, card_id: str, claim_id: str) -> str | None:
    """The lab's verdict (supported/refuted/inconclusive) on one claim of a card."""
    entry = claim_entry(run, card_id, claim_id)
    return entry.get("verdict") if entry else None


OUTCOME_STYLE = {"supported": "green", "refuted": "red", "partly": "yellow",
                 "outdated": "yellow", "contradicted": "bold red", "inconclusive": "dim"}
OUTCOME_MARK = {"supported": "✓", "refuted": "✗", "partly": "~", "outdated": "~",
                "contradicted": "!", "inconclusive": "?"}
LEGEND = {
    "en": "seed claims: ✓ supported ✗ refuted ~ partly true / outdated ? open",
    "zh": "原题说法：✓ 被支持 ✗ 被推翻 ~ 部分正确 / 已过时 ? 无定论",
}


def run_date(run: dict[str, Any] | None) -> str:
    """The run's start as 'YYYY-MM-DD HH:MM' (runs store ISO text or epoch seconds)."""
    started = (run or {}).get("started")
    if started is None:
        return ""
    if isinstance(started, (int, float)):
        from datetime import UTC, datetime

        return datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%d %H:%M")
    return str(started).replace("T", " ")[:16]


def curves(evidence: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every {"x": [...], "y": [...]} found in a finding's evidence, with where it was."""
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(evidence, dict):
        x, y = evidence.get("x"), evidence.get("y")
        if isinstance(x, list) and isinstance(y, list) and x and len(x) == len(y):
            out.append((path, evidence))
        for k, v in evidence.items():
            if k not in ("x", "y"):
                out.extend(curves(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(evidence, list):
        for i, v in enumerate(evidence):
            out.extend(curves(v, f"{path}[{i}]"))
    return out


def run_lab(lab_id: str, **kwargs: Any) -> dict[str, Any]:
    """``quiz.labs_service.run_lab`` (blocking: call it from a thread worker). The App
    passes ``cancel=`` the run's handle, and stops the run through it."""
    from quiz.labs_service import run_lab as _run_lab

    return _run_lab(lab_id, **kwargs)


def summary(run: dict[str, Any] | None, deck_verdicts: dict | None = None):
    """'ok  ✓2 ✗9 ~2 ?1' for the labs table: the run status, then how many of the seed's
    statements the run supported, refuted, found partly true or outdated (the correction
    held), or could not settle. ``deck_verdicts`` maps (card, claim) to the card's verdict."""
    from rich.text import Text

    if not run:
        return Text("")
    counts = dict.fromkeys(OUTCOMES, 0)
    for c in run.get("claims") or ():
        key = (c.get("card"), c.get("claim"))
        dv = (deck_verdicts or {}).get(key) or c.get("deck_verdict")
        o = outcome(dv, c.get("held"), c.get("verdict"))
        counts["partly" if o == "outdated" else o] += 1
    status = str(run.get("status", "?"))
    out = Text(status, style="green" if status == "ok" else "red")
    if run.get("claims"):
        out.append("  ")
        for v in ("supported", "refuted", "partly", "contradicted", "inconclusive"):
            if counts[v]:
                out.append(f"{OUTCOME_MARK[v]}{counts[v]} ", style=OUTCOME_STYLE[v])
    out.rstrip()
    return out


# -- plots ---------------------------------------------------------------------------------
# Proper names for the keys labs use to name series (evidence["curves"]["torchscript"]).
SERIES_NAMES = {
    "torchscript": "TorchScript", "ts": "TorchScript", "eager": "eager PyTorch",
    "onnxruntime": "ONNX Runtime", "ort": "ONNX Runtime", "onnx": "ONNX Runtime",
    "executorch": "ExecuTorch", "xnnpack": "XNNPACK", "lite": "lite interpreter",
    "ptl": "lite interpreter (.ptl)", "gzip_curve": "gzip-compressed file",
    "csr_curve": "sparse CSR file", "fp32": "fp32", "int8": "int8",
}


def series_name(finding_id: str, path: str, curve: dict[str, Any]) -> str:
    """A series' name in words: its own label, else the name its key stands for, else its
    y axis label (a finding's single ``curve``), else the key with spaces."""
    for k in ("label", "name", "title"):
        if isinstance(curve.get(k), str) and curve[k].strip():
            return curve[k].strip()
    key = path.rsplit(".", 1)[-1] if path else ""
    key = key.split("[", 1)[0]
    if key in SERIES_NAMES:
        return SERIES_NAMES[key]
    if key in ("curve", "") and curve.get("y_label"):
        return str(curve["y_label"])
    words = (key or finding_id).replace("_", " ").replace("-", " ").strip()
    return words or finding_id


def integer_ticks(values: list[float], most: int = 10) -> list[int] | None:
    """Tick positions for an axis whose values are whole numbers (threads, batch sizes):
    the values themselves when few, else evenly spaced integers; None for real-valued axes."""
    if not values or any(abs(v - round(v)) > 1e-9 for v in values):
        return None
    ints = sorted({int(round(v)) for v in values})
    if len(ints) <= most:
        return ints
    lo, hi = ints[0], ints[-1]
    step = max(1, -(-(hi - lo) // (most - 1)))
    return list(range(lo, hi + 1, step))


def geometric(values: list[float]) -> bool:
    """True for values like batch sizes 1, 2, 4 ... 64: evenly spaced on a log scale, where
    a linear axis would crowd the small ones into one column."""
    v = sorted(set(values))
    if len(v) < 4 or v[0] <= 0:
        return False
    ratios = [b / a for a, b in zip(v, v[1:], strict=False)]
    return min(ratios) >= 1.5 and max(ratios) / min(ratios) < 1.05
