"""Where lab runs are kept: one JSON file per run under ``<data dir>/lab-runs/<lab>/``."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def runs_dir(data_dir: str | os.PathLike | None) -> Path:
    from quiz.paths import data_dir as resolve

    return resolve(data_dir) / "lab-runs"


def save_run(data_dir: str | os.PathLike | None, run: dict[str, Any]) -> Path:
    """Write the run as JSON (atomically: a crash never leaves half a file); return its path."""
    folder = runs_dir(data_dir) / run["lab"]
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(run, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def all_runs(data_dir: str | os.PathLike | None, lab_id: str) -> list[dict[str, Any]]:
    """Every readable run of a lab, newest first (an unreadable file is skipped, not fatal)."""
    folder = runs_dir(data_dir) / lab_id
    if not folder.is_dir():
        return []
    out = []
    for f in sorted(folder.glob("*.json"), reverse=True):  # names are UTC timestamps
        try:
            run = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(run, dict) and run.get("lab") == lab_id:
            run.setdefault("path", str(f))
            out.append(run)
    return out


def last_run(data_dir: str | os.PathLike | None, lab_id: str) -> dict[str, Any] | None:
    runs = all_runs(data_dir, lab_id)
    return runs[0] if runs else None


def last_runs(data_dir: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    from labs import MODULES

    out = {}
    for lab_id in MODULES:
        run = last_run(data_dir, lab_id)
        if run is not None:
            out[lab_id] = run
    return out
