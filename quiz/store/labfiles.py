"""Lab runs as files: one JSON record per run under ``<data dir>/lab-runs/<lab>/``.

A record is ``labs.LabRun.to_json()`` plus the deck's ``claims`` (``quiz.session.factcheck``)
and, once read back, its ``path``. ``quiz.labs_service`` writes and reads them; this module
knows nothing of labs, so the store layer stays below it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RUNS_DIR = "lab-runs"


def runs_dir(data_dir: str | os.PathLike | None) -> Path:
    from quiz.paths import data_dir as resolve

    return resolve(data_dir) / RUNS_DIR


def save_run(data_dir: str | os.PathLike | None, run: dict[str, Any]) -> Path:
    """Write the run as JSON (atomically: a crash never leaves half a file); return its path."""
    folder = runs_dir(data_dir) / run["lab"]
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.json"
    tmp = path.with_suffix(".json.tmp")
    try:
        tmp.write_text(json.dumps(run, ensure_ascii=False, indent=2, default=str),
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # no empty .tmp left behind on a full disk
        raise
    return path


def all_runs(data_dir: str | os.PathLike | None, lab_id: str,
             warn: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Every sound run of a lab, newest first. A file that is not one (unreadable, not JSON,
    fields of the wrong type, owned or writable by another user) is skipped, and ``warn``
    (default: a line on stderr) is told its name and why: the readers index these fields
    without checking them again."""
    from quiz.ownership import foreign_reason

    warn = warn or _warn_stderr
    folder = runs_dir(data_dir) / lab_id
    if not folder.is_dir():
        return []
    out = []
    for f in sorted(folder.glob("*.json"), reverse=True):  # names are UTC timestamps
        try:
            foreign = foreign_reason(f)
            if foreign:
                warn(f"{f}: skipped: {foreign}")
                continue
            run = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            warn(f"{f}: skipped: not a readable JSON lab run ({e})")
            continue
        except RecursionError:
            warn(f"{f}: skipped: JSON nested too deeply")
            continue
        problem = run_problem(run, lab_id)
        if problem:
            warn(f"{f}: skipped: {problem}")
            continue
        run.setdefault("path", str(f))
        out.append(run)
    return out


def run_problem(run: Any, lab_id: str) -> str | None:
    """Why ``run`` is not a lab run of ``lab_id`` the readers can show, or None."""
    if not isinstance(run, dict):
        return f"a JSON {type(run).__name__}, not an object"
    if run.get("lab") != lab_id:
        return f"its lab is {run.get('lab')!r}, not {lab_id!r}"
    for key, kinds in _FIELDS.items():
        if key in run and not isinstance(run[key], kinds):
            return f"field {key!r} is {_kind(run[key])}"
    for key in ("findings", "claims"):
        for i, item in enumerate(run.get(key) or ()):
            if not isinstance(item, dict):
                return f"{key}[{i}] is {_kind(item)}, not an object"
            for name in _ITEM_TEXT[key]:
                if name in item and not isinstance(item[name], str | None):
                    return f"{key}[{i}].{name} is {_kind(item[name])}, not text"
            if key == "claims" and not all(isinstance(item.get(n), str)
                                           for n in ("card", "claim")):
                return f"claims[{i}] lacks its card or claim id"
            if key == "findings" and not isinstance(item.get("id"), str):
                return f"findings[{i}] lacks its id"
    return None


# Field types a run may have; a missing field is read with .get() and a default.
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "status": str, "started": str, "quick": bool, "duration_s": (int, float),
    "error": (str, type(None)), "env": dict, "findings": (list, type(None)),
    "claims": (list, type(None)), "title": dict, "traceback": str, "stderr_tail": str,
}
_ITEM_TEXT = {"findings": ("id", "summary"),
              "claims": ("card", "claim", "verdict", "deck_verdict", "evidence")}


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def _warn_stderr(message: str) -> None:
    print(f"quiz: {message}", file=sys.stderr)


def last_run(data_dir: str | os.PathLike | None, lab_id: str) -> dict[str, Any] | None:
    runs = all_runs(data_dir, lab_id)
    return runs[0] if runs else None
