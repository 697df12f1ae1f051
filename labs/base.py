"""The lab contract: what a lab declares, what it reports while running, what it returns.

Pure Python: importing this (or the `labs` package) must never import torch, onnx or
onnxruntime; a lab imports them inside ``run``.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
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


@dataclass
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


@dataclass
class LabContext:
    quick: bool
    workdir: Path  # a fresh temp dir, removed after the run
    progress: Progress = lambda fraction, message: None
    log: Callable[[str], None] = lambda line: None
    seed: int = 0
    clock: Callable[[], float] = time.perf_counter


@dataclass(frozen=True)
class Lab:
    id: str
    title: dict[str, str]
    statements: tuple[Statement, ...]
    run: Callable[[LabContext], list[Finding]]
    # Optional extras a lab needs beyond the `labs` extra (e.g. "executorch").
    requires: tuple[str, ...] = ()

    def finding_ids(self) -> list[str]:
        return [s.id for s in self.statements]


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
