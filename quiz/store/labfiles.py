"""Lab runs as JSON files: the export format, and the files older quizlabs kept.

The study database's ``lab_runs`` table is the one source of lab runs. JSON files are
written only on request (``quiz lab export``, ``save_run``), and the files under
``<data dir>/lab-runs/<lab>/`` that older quizlabs wrote on every run are imported into the
table once (``import_files``; the ``lab_run_files`` table remembers each file read, so a
second import adds nothing). A record is ``labs.LabRun.to_json()`` plus the deck's
``claims`` (``quiz.session.factcheck``) and, once read back from a file, its ``path``. This
module knows nothing of labs, so the store layer stays below it.
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


def save_run(data_dir: str | os.PathLike | None, run: dict[str, Any],
             folder: str | os.PathLike | None = None) -> Path:
    """Write the run as JSON (atomically: a crash never leaves half a file); return its path.
    Into ``folder``/<lab>/ when given, else ``<data dir>/lab-runs/<lab>/``."""
    folder = (Path(folder) if folder is not None else runs_dir(data_dir)) / run["lab"]
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _stamp(run)
    path = folder / f"{stamp}.json"
    n = 1
    while path.exists():  # two runs in one microsecond, or an export made twice
        path, n = folder / f"{stamp}-{n}.json", n + 1
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
        run, problem = read_run_file(f, lab_id, foreign_reason)
        if problem:
            warn(f"{f}: skipped: {problem}")
            continue
        out.append(run)
    return out


def read_run_file(f: Path, lab_id: str, foreign_reason=None
                  ) -> tuple[dict[str, Any] | None, str | None]:
    """One run file: (the record with its ``path``, None), or (None, why it is skipped)."""
    if foreign_reason is None:
        from quiz.ownership import foreign_reason
    try:
        foreign = foreign_reason(f)
        if foreign:
            return None, foreign
        run = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return None, f"not a readable JSON lab run ({e})"
    except RecursionError:
        return None, "JSON nested too deeply"
    problem = run_problem(run, lab_id)
    if problem:
        return None, problem
    run.setdefault("path", str(f))
    return run, None


def import_files(store, data_dir: str | os.PathLike | None,
                 warn: Callable[[str], None] | None = None) -> int:
    """Import the JSON run files under ``<data dir>/lab-runs/`` into ``store`` (a
    ``quiz.store.Store``), each file once: a file already imported, or skipped before, is
    not read again. A file that is not a sound run is skipped, and ``warn`` (default: a
    line on stderr) is told its name and why. Returns how many runs were imported."""
    warn = warn or _warn_stderr
    root = runs_dir(data_dir)
    if not root.is_dir():
        return 0
    seen = store.lab_files_seen()
    added = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for f in sorted(folder.glob("*.json")):  # oldest first: ids follow the runs' order
            if str(f) in seen:
                continue
            run, problem = read_run_file(f, folder.name)
            if problem:
                warn(f"{f}: skipped: {problem}")
            if store.import_lab_file(str(f), run, note=problem) is not None:
                added += 1
    return added


def _stamp(run: dict[str, Any]) -> str:
    """The file name of a run: its start as a UTC timestamp (now, if it has none)."""
    try:
        when = datetime.fromisoformat(str(run.get("started")))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    except ValueError:
        when = datetime.now(UTC)
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


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
