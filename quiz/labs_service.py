"""Labs for the app: run one, join its findings with the deck's claims, keep the run.

``labs`` is a leaf that knows nothing of decks or stores: ``labs.runner.run_lab`` returns a
typed ``LabRun``. This module, on the quiz side, is what the CLI (``quiz lab``) and the TUI
(through ``quiz.tui.labinfo``) call:

1. ``run_lab`` runs the lab (``labs.runner``, a child process unless ``in_process``),
2. joins its findings with the claims of the deck that name the lab
   (``quiz.session.factcheck.claim_verdicts`` -> ``ClaimVerdict``),
3. keeps the record: a JSON file under ``<data dir>/lab-runs/<lab>/``
   (``quiz.store.labfiles``, what the screens read) and a row in the study database when
   there is one (``Store.record_lab_run``),
4. and returns the record as a JSON-ready dict, the format saved runs have always had.

It imports ``labs``, so it sits above the core layers: no module of ``quiz.session``,
``quiz.grading``, ``quiz.store`` or ``quiz.deck`` may import it (the forbidden contract
"no core layer imports ... labs" in pyproject.toml follows indirect imports too).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import labs
from quiz.errors import LabError
from quiz.store.labfiles import all_runs, last_run, run_problem, runs_dir, save_run

if TYPE_CHECKING:
    from labs.base import LabRun
    from labs.runner import RunHandle
    from quiz.deck.model import Deck
    from quiz.store.db import Store

__all__ = ["all_runs", "catalogue", "lab_catalogue", "last_run", "last_runs", "new_handle",
           "record", "registry",
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
    seed: int = 0,
    cancel: threading.Event | RunHandle | None = None,
) -> dict[str, Any]:
    """Run one lab (blocking) and return the run as a JSON-ready dict; also save it.

    ``deck`` is a Deck, a deck path, or None for the shipped deck: its claims that name this
    lab get verdicts. ``store`` (a quiz.store.Store) also records the run; without one, the
    study database records it when it already exists. ``cancel`` is the run's handle
    (``new_handle()``): the caller keeps it, and ``cancel()`` on it ends the lab's process;
    the run then comes back ``failed``, its error beginning "cancelled".
    """
    from labs.runner import UnknownLab
    from labs.runner import run_lab as _run

    try:
        run = _run(lab_id, quick=quick, progress=progress, log=log, in_process=in_process,
                   seed=seed, cancel=cancel)
    except UnknownLab as e:
        raise LabError(str(e)) from None
    out = record(run, _deck(deck))
    if save:
        try:
            out["path"] = str(save_run(data_dir, out))
        except OSError as e:
            # A full or read-only disk must not lose what was measured: the run stays in the
            # returned dict (the CLI prints it whole), and the database may still take it.
            out["path"] = None
            where = e.filename or "the lab-runs folder"
            out.setdefault("warnings", []).append(
                f"not saved to {where}: {e.strerror or e}")
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


def last_runs(data_dir: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    """The newest saved run of each shipped lab that has one."""
    out = {}
    for lab_id in labs.MODULES:
        run = last_run(data_dir, lab_id)
        if run is not None:
            out[lab_id] = run
    return out


def _deck(deck):
    from quiz.deck.loader import load_deck
    from quiz.deck.model import Deck

    return deck if isinstance(deck, Deck) else load_deck(deck)


def _record(store, data_dir, out: dict[str, Any], run: LabRun) -> None:
    """Also keep the run in the study database, if there is one."""

    def put(s) -> None:
        s.record_lab_run(run.lab, started=run.started, duration_s=out["duration_s"],
                         quick=run.quick, status=run.status.value, result=out)

    if store is not None:
        try:
            put(store)
        except Exception as e:  # noqa: BLE001 - as below: the measured run is not lost
            out.setdefault("warnings", []).append(f"not recorded in the study database: {e}")
        return
    from quiz.paths import data_dir as resolve
    from quiz.store.db import DB_NAME

    if not (resolve(data_dir) / DB_NAME).exists():
        return
    try:
        from quiz.store import open_store

        with open_store(data_dir) as s:
            put(s)
    except Exception as e:  # noqa: BLE001 - a database problem must not lose the measured run
        out.setdefault("warnings", []).append(f"not recorded in the study database: {e}")
