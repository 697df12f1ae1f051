"""What the TUI reads from the labs package, guarded so a missing or broken labs package
shows as "no labs" instead of an exception. Importing ``labs`` never imports torch."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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


def last_run(data_dir: Path, lab_id: str) -> dict[str, Any] | None:
    try:
        from labs.results import last_run as _last_run
    except ImportError:
        return None
    try:
        return _last_run(data_dir, lab_id)
    except Exception:  # noqa: BLE001
        return None


def claim_verdict(run: dict[str, Any] | None, card_id: str, claim_id: str) -> str | None:
    """The lab's verdict (supported/refuted/inconclusive) on one claim of a card."""
    for c in (run or {}).get("claims") or ():
        if c.get("card") == card_id and c.get("claim") == claim_id:
            return c.get("verdict")
    return None


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
    """``labs.runner.run_lab`` (blocking: call it from a thread worker)."""
    from labs.runner import run_lab as _run_lab

    return _run_lab(lab_id, **kwargs)


def summary(run: dict[str, Any] | None):
    """'ok  ✓2 ✗11 ?1' for the labs table: the run status, then how many of the seed's
    statements the run supported, refuted, or could not settle."""
    from rich.text import Text

    if not run:
        return Text("")
    counts = {"supported": 0, "refuted": 0, "inconclusive": 0}
    for c in run.get("claims") or ():
        v = c.get("verdict") or "inconclusive"
        counts[v if v in counts else "inconclusive"] += 1
    status = str(run.get("status", "?"))
    out = Text(status, style="green" if status == "ok" else "red")
    if run.get("claims"):
        out.append("  ")
        for v, mark, style in (("supported", "✓", "green"), ("refuted", "✗", "red"),
                               ("inconclusive", "?", "yellow")):
            if counts[v]:
                out.append(f"{mark}{counts[v]} ", style=style)
    out.rstrip()
    return out


def stop_lab_children() -> list[int]:
    """Terminate the lab processes this process started (``python -m labs.worker``), so
    that quitting during a run does not wait for it. Linux /proc only; elsewhere a no-op.
    The runner then reports the run as failed (the process ended early)."""
    import os
    import signal

    me = os.getpid()
    stopped: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return stopped
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != me:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().split(b"\0")
            if b"labs.worker" in cmdline:
                os.kill(int(entry), signal.SIGTERM)
                stopped.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return stopped
