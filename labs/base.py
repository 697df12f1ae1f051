"""The lab contract: what a lab declares, what it reports while running, what it returns.

Pure Python: importing this (or the `labs` package) must never import torch, onnx or
onnxruntime; a lab imports them inside ``run``. Nor does `labs` import anything of
``quiz``: a run is a typed ``LabRun`` of ``Finding``s, and what the deck makes of it (the
verdicts on its claims) and where it is kept are the quiz side's business
(``quiz.labs_service``).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Statement:
    """A fact the lab tests, stated as the truth the deck teaches (not as the seed put it).

    ``id`` is the finding id that deck claims point at with ``finding:``.
    """

    id: str
    text: dict[str, str]  # {"zh": ..., "en": ...}


@dataclass(frozen=True)
class Finding:
    """The outcome for one Statement: held (True), did not hold (False) or could not tell (None)."""

    id: str
    held: bool | None
    summary: str  # one line, English, with the figures that matter
    # Measured evidence: sizes in bytes, latencies {"median_ms", "p10_ms", "p90_ms", "runs"},
    # max abs differences, exact error messages, curves {"x": [...], "y": [...]} ...
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        """From a finding as the worker sends it (and run files keep it)."""
        held = d.get("held")
        return cls(id=str(d["id"]), held=held if isinstance(held, bool) else None,
                   summary=str(d.get("summary") or ""),
                   evidence=d.get("evidence") if isinstance(d.get("evidence"), dict) else {})


class RunStatus(StrEnum):
    """How a run ended: it measured (``ok``), it broke (``failed``: an exception, a crash of
    the child, a cancel), or it could not run here (``unavailable``: a missing extra)."""

    OK = "ok"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class LabRun:
    """One run of one lab, as ``labs.runner.run_lab`` returns it.

    ``to_json`` is the record format runs have always been saved in (``started`` as ISO
    text to the second, ``duration_s`` to the millisecond, ``traceback`` and
    ``stderr_tail`` only when there is one); the quiz side adds the deck's ``claims``.
    """

    lab: str
    title: dict[str, str]
    quick: bool
    started: datetime
    duration_s: float
    status: RunStatus
    error: str | None
    env: dict[str, Any]
    findings: tuple[Finding, ...]
    traceback: str | None = None
    stderr_tail: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is RunStatus.OK

    @property
    def cancelled(self) -> bool:
        """Stopped through its handle: ``failed``, with an error that begins "cancelled"
        (the record format and the store's three statuses stay as they are)."""
        return self.status is RunStatus.FAILED and (self.error or "").startswith("cancelled")

    def finding(self, finding_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "lab": self.lab,
            "title": dict(self.title),
            "quick": self.quick,
            "started": self.started.isoformat(timespec="seconds"),
            "duration_s": round(self.duration_s, 3),
            "status": self.status.value,
            "error": self.error,
            "env": self.env,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.traceback:
            out["traceback"] = self.traceback
        if self.stderr_tail:
            out["stderr_tail"] = self.stderr_tail
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LabRun:
        """From a run record (extra keys such as ``claims`` or ``path`` are ignored). An
        unknown status reads as ``failed``; ``started`` may be ISO text or epoch seconds."""
        started = d.get("started")
        if isinstance(started, int | float):
            from datetime import UTC

            when = datetime.fromtimestamp(started, UTC)
        else:
            when = datetime.fromisoformat(str(started))
        try:
            status = RunStatus(d.get("status"))
        except ValueError:
            status = RunStatus.FAILED
        return cls(
            lab=str(d["lab"]), title=dict(d.get("title") or {}), quick=bool(d.get("quick")),
            started=when, duration_s=float(d.get("duration_s") or 0.0), status=status,
            error=d.get("error"), env=dict(d.get("env") or {}),
            findings=tuple(Finding.from_json(f) for f in d.get("findings") or ()),
            traceback=d.get("traceback"), stderr_tail=d.get("stderr_tail"),
        )


class Params(Mapping[str, Any]):
    """One mode's parameters of a lab (sizes, repeats, widths, which slow steps to take),
    read-only: ``p.runs`` or ``p["runs"]``. A ``Lab`` declares two, ``quick=`` and
    ``full=``, with the same keys; its run gets the one for its mode as ``ctx.params``.
    Values must be hashable (a tuple, not a list), so a set cannot change after the
    declaration."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Any] | None = None, /, **kw: Any) -> None:
        d = {**(items or {}), **kw}
        for key, value in d.items():
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"a parameter name must be an identifier: {key!r}")
            if hasattr(Params, key):  # p.items would be the method, not the parameter
                raise ValueError(f"a parameter cannot be named {key!r} (a Params method)")
            try:
                hash(value)
            except TypeError:
                raise TypeError(f"parameter {key!r} must be immutable (a tuple, not a list): "
                                f"{value!r}") from None
        object.__setattr__(self, "_items", d)

    @classmethod
    def of(cls, items: Mapping[str, Any] | None) -> Params:
        return items if isinstance(items, Params) else cls(items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(f"no parameter {name!r} (declared: "
                                 f"{', '.join(self._items) or 'none'})") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Params are read-only")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Params, (dict(self._items),))

    def __repr__(self) -> str:
        return f"Params({', '.join(f'{k}={v!r}' for k, v in self._items.items())})"

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self._items.items()}


@dataclass
class LabContext:
    quick: bool
    workdir: Path  # a fresh temp dir, removed after the run
    progress: Progress = lambda fraction, message: None
    log: Callable[[str], None] = lambda line: None
    seed: int = 0
    clock: Callable[[], float] = time.perf_counter
    # The lab's parameter set for this mode (``Lab.quick`` or ``Lab.full``). Left None, it
    # is filled in when the lab's ``run`` is called (labs.skeleton.with_params): the one
    # place that chooses between the two sets. Set it to run a lab at other sizes.
    params: Params | None = None


@dataclass(frozen=True)
class Lab:
    """A lab, declared once: its id, titles and statements (zh and en), the extras it needs,
    the torch thread count it runs at and its quick and full parameters. The shared
    skeleton is ``labs.skeleton``."""

    id: str
    title: dict[str, str]
    statements: tuple[Statement, ...]
    run: Callable[[LabContext], list[Finding]]
    # Extras of pyproject.toml a lab needs beyond `labs` (e.g. "executorch"); the worker
    # checks them before the run (labs.skeleton.requirement_problem) and reports the
    # missing package with its pip command as an ``unavailable`` run.
    requires: tuple[str, ...] = ()
    # The torch thread count ``run`` works at (restored after), or None to leave it alone
    # (a lab about threads sets its own). Declared here, applied by labs.skeleton.in_threads.
    threads: int | None = None
    # The sizes, repeats and optional slow steps of a quick run and of a full one: two
    # ``Params`` (or mappings) with the same keys, else the declaration is refused. ``run``
    # reads the set for its mode from ``ctx.params`` and never asks ``ctx.quick``.
    quick: Params = field(default_factory=Params)
    full: Params = field(default_factory=Params)

    def __post_init__(self) -> None:
        from labs.skeleton import in_threads, params_problem, with_params

        quick, full = Params.of(self.quick), Params.of(self.full)
        problem = params_problem(quick, full)
        if problem:
            raise ValueError(f"lab {self.id!r}: {problem}")
        object.__setattr__(self, "quick", quick)
        object.__setattr__(self, "full", full)
        run = self.run
        if getattr(run, "chooses_params", False):  # declared again (dataclasses.replace)
            run = run.__wrapped__
        if self.threads is not None and getattr(run, "threads", None) != self.threads:
            run = in_threads(self.threads, run)
        object.__setattr__(self, "run", with_params(quick, full, run))

    def params(self, quick: bool) -> Params:
        """The parameter set a run in this mode gets (``labs.skeleton.choose_params``)."""
        from labs.skeleton import choose_params

        return choose_params(self.quick, self.full, quick)

    def finding_ids(self) -> list[str]:
        return [s.id for s in self.statements]

    def requirement_problem(self) -> str | None:
        """Which package this lab needs and is not installed (with the pip command), or
        None. Looks modules up without importing them."""
        from labs.skeleton import requirement_problem

        return requirement_problem(self.requires)


class LabUnavailable(Exception):
    """Raised by a lab that cannot run here (missing package, unsupported CPU); the message
    says why and how to fix it. The runner turns it into a result with every finding None."""


def base_env() -> dict[str, Any]:
    """Machine facts that need no torch; labs add library versions and threads."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
    }
