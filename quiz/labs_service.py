"""Labs for the app: run one, join its findings with the deck's claims, keep the run.

``labs`` is a leaf that knows nothing of decks or stores: ``labs.runner.run_lab`` returns a
typed ``LabRun``. This module, on the quiz side, is what the CLI (``quiz lab``) and the TUI
(through ``quiz.tui.labinfo``) call:

1. ``run_lab`` runs the lab (``labs.runner``, a child process unless ``in_process``),
2. joins its findings with the claims of the deck that name the lab
   (``quiz.session.factcheck.claim_verdicts`` -> ``ClaimVerdict``),
3. keeps the record in the study database's ``lab_runs`` table (``Store.record_lab_run``),
   the one source of lab runs: the screens and ``quiz lab list`` read it (``last_run``,
   ``all_runs``), and a JSON file is written only on request (``export=True``,
   ``export_runs``: ``quiz lab export``). JSON run files older quizlabs wrote under
   ``<data dir>/lab-runs/`` are imported into the table once, on first read
   (``quiz.store.labfiles.import_files``),
4. and returns the record as a JSON-ready dict, the format saved runs have always had
   (``run_id``: its row in the table; ``path``: its file, when exported).

It imports ``labs``, so it sits above the core layers: no module of ``quiz.session``,
``quiz.grading``, ``quiz.store`` or ``quiz.deck`` may import it (the forbidden contract
"no core layer imports ... labs" in pyproject.toml follows indirect imports too).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import labs
from quiz.errors import LabError
from quiz.store.labfiles import run_problem, runs_dir, save_run

if TYPE_CHECKING:
    from labs.base import LabRun
    from labs.runner import RunHandle
    from quiz.deck.model import Deck
    from quiz.store.db import Store

__all__ = ["all_runs", "catalogue", "export_runs", "lab_catalogue", "last_run", "last_runs",
           "new_handle", "record", "registry",
           "run_lab", "run_problem", "runs_dir", "save_run"]

Progress = Callable[[float, str], None]
Log = Callable[[str], None]


def registry() -> dict[str, labs.Lab]:
    """Every lab, by id (``labs.registry()``)."""
    return labs.registry()


def catalogue() -> tuple[dict[str, labs.Lab], dict[str, str]]:
    """The labs that load, by id, and the lab modules that do not (id -> error)."""
    return labs.registry(), labs.broken()


def new_handle() -> RunHandle:
    """A handle for one run, to pass as ``run_lab(cancel=...)`` and keep: ``cancel()`` ends
    the run's child process (the runner holds it; nothing searches for it)."""
    from labs.runner import RunHandle

    return RunHandle()


def lab_catalogue() -> dict[str, list[str]]:
    """Lab id -> its finding ids, for ``quiz.deck.lint.lint_deck`` (which the deck layer
    cannot work out itself: it may not import ``labs``)."""
    return {lab_id: lab.finding_ids() for lab_id, lab in labs.registry().items()}


def run_lab(
    lab_id: str,
    *,
    quick: bool,
    progress: Progress | None = None,
    log: Log | None = None,
    data_dir: str | os.PathLike | None = None,
    deck: Deck | str | os.PathLike | None = None,
    in_process: bool = False,
    store: Store | None = None,
    save: bool = True,
    export: bool = False,
    seed: int = 0,
    cancel: threading.Event | RunHandle | None = None,
) -> dict[str, Any]:
    """Run one lab (blocking) and return the run as a JSON-ready dict; also record it.

    ``deck`` is a Deck, a deck path, or None for the shipped deck: its claims that name this
    lab get verdicts. ``save`` records the run in ``store`` (a quiz.store.Store), or without
    one in the study database of ``data_dir`` (created if need be); ``export`` also writes
    it as a JSON file under ``<data dir>/lab-runs/<lab>/`` (its ``path``). ``cancel`` is
    the run's handle (``new_handle()``): the caller keeps it, and ``cancel()`` on it ends
    the lab's process; the run then comes back ``failed``, its error beginning "cancelled".
    """
    from labs.runner import UnknownLab
    from labs.runner import run_lab as _run

    try:
        run = _run(lab_id, quick=quick, progress=progress, log=log, in_process=in_process,
                   seed=seed, cancel=cancel)
    except UnknownLab as e:
        raise LabError(str(e)) from None
    out = record(run, _deck(deck))
    if export:
        try:
            out["path"] = str(save_run(data_dir, out))
        except OSError as e:
            # A full or read-only disk must not lose what was measured: the run stays in the
            # returned dict (the CLI prints it whole), and the database may still take it.
            out["path"] = None
            where = e.filename or "the lab-runs folder"
            out.setdefault("warnings", []).append(
                f"not saved to {where}: {e.strerror or e}")
    if save:
        _record(store, data_dir, out, run)
    return out


def record(run: LabRun, deck: Deck) -> dict[str, Any]:
    """The run's record: ``run.to_json()`` with the deck's ``claims`` after the findings."""
    from quiz.session.factcheck import claim_verdicts

    d = run.to_json()
    tail = {k: d.pop(k) for k in ("traceback", "stderr_tail") if k in d}
    d["claims"] = [c.to_json() for c in claim_verdicts(deck, run.lab, run.findings)]
    d.update(tail)
    return d


def all_runs(data_dir: str | os.PathLike | None, lab_id: str,
             warn: Callable[[str], None] | None = None, *,
             store: Store | None = None) -> list[dict[str, Any]]:
    """Every recorded run of a lab (its record, with ``run_id``), newest first, from the
    study database (``store``, or the one in ``data_dir``). JSON run files an older quizlab
    left in ``<data dir>/lab-runs/`` are imported first, once; ``warn`` hears of a file
    that is skipped (default: stderr). No database and no such files: []."""
    with _reading(data_dir, store, warn) as s:
        return [] if s is None else [_with_id(r) for r in s.lab_runs(lab_id)]


def last_run(data_dir: str | os.PathLike | None, lab_id: str, *,
             store: Store | None = None) -> dict[str, Any] | None:
    """The newest recorded run of a lab (its record), or None (see ``all_runs``)."""
    with _reading(data_dir, store, None) as s:
        rec = None if s is None else s.last_lab_run(lab_id)
        return None if rec is None else _with_id(rec)


def last_runs(data_dir: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    """The newest recorded run of each shipped lab that has one."""
    out = {}
    for lab_id in labs.MODULES:
        run = last_run(data_dir, lab_id)
        if run is not None:
            out[lab_id] = run
    return out


def export_runs(data_dir: str | os.PathLike | None, out_dir: str | os.PathLike, *,
                lab_id: str | None = None, store: Store | None = None,
                warn: Callable[[str], None] | None = None) -> list[Path]:
    """Write every recorded run (of ``lab_id``, or of every lab) as a JSON file under
    ``out_dir/<lab>/``, in the format runs have always been saved in; return the paths."""
    paths: list[Path] = []
    with _reading(data_dir, store, warn) as s:
        if s is None:
            return paths
        for rec in reversed(s.lab_runs(lab_id)):  # oldest first
            record = {k: v for k, v in rec.result.items() if k not in ("path", "run_id")}
            record.setdefault("lab", rec.lab_id)
            path = save_run(data_dir, record, folder=out_dir)
            # An export into <data dir>/lab-runs/ is a copy, not a run to import later.
            s.import_lab_file(str(path), None, note=f"export of run {rec.id}")
            paths.append(path)
    return paths


_IMPORTED: set[str] = set()  # databases whose lab-run files were imported in this process


@contextmanager
def _reading(data_dir, store: Store | None, warn):
    """The store to read lab runs from: ``store``, else the study database of ``data_dir``
    (opened for the read; created only when there are JSON run files to import), else
    None. The JSON files are imported first, once per database and process."""
    from quiz.paths import data_dir as resolve
    from quiz.store.db import DB_NAME
    from quiz.store.labfiles import import_files

    home = resolve(data_dir)
    if store is None and not (home / DB_NAME).exists() and not runs_dir(home).is_dir():
        yield None
        return
    opened = None
    if store is None:
        from quiz.store import open_store

        store = opened = open_store(home)
    try:
        key = str(Path(store.path).resolve())
        if key not in _IMPORTED:
            import_files(store, home, warn)
            _IMPORTED.add(key)
        yield store
    finally:
        if opened is not None:
            opened.close()


def _with_id(rec) -> dict[str, Any]:
    return {**rec.result, "run_id": rec.id}


def _deck(deck):
    from quiz.deck.loader import load_deck
    from quiz.deck.model import Deck

    return deck if isinstance(deck, Deck) else load_deck(deck)


def _record(store, data_dir, out: dict[str, Any], run: LabRun) -> None:
    """Keep the run in the study database (``store``, or the one in ``data_dir``, created
    if need be): the one place runs are kept. ``out["run_id"]`` is its row, or None (with
    a warning) when the database would not take it; the run is never lost silently."""

    def put(s) -> None:
        out["run_id"] = s.record_lab_run(run.lab, started=run.started,
                                         duration_s=out["duration_s"], quick=run.quick,
                                         status=run.status.value, result=out)
        if out.get("path"):  # its export is a copy: never imported as another run
            s.import_lab_file(out["path"], None, note=f"export of run {out['run_id']}")

    out["run_id"] = None
    try:
        if store is not None:
            put(store)
            return
        from quiz.store import open_store

        with open_store(data_dir) as s:
            put(s)
    except Exception as e:  # noqa: BLE001 - a database problem must not lose the measured run
        out.setdefault("warnings", []).append(f"not recorded in the study database: {e}")
