"""The FSRS parameters `quiz optimize` fitted, kept in ``fsrs-parameters.json`` in the data
folder: written by ``quiz.session.optimize``, read by the scheduler
(``quiz.session.scheduling.make_scheduler``). A module of its own so that neither of those
two imports the other."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fsrs import Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from quiz.errors import QuizError

PARAMETERS_FILE = "fsrs-parameters.json"


def parameters_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / PARAMETERS_FILE


def load_parameters(data_dir: str | os.PathLike) -> tuple[float, ...] | None:
    """The fitted parameters stored in ``data_dir``, None when there are none.

    QuizError naming the file when it exists but is unusable (the scheduler then keeps the
    defaults; `quiz optimize` says so)."""
    path = parameters_path(data_dir)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise QuizError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        data = json.loads(raw)
        params = tuple(float(x) for x in data["parameters"])
        Scheduler(parameters=params)  # fsrs checks the count and the bounds
    except (ValueError, TypeError, KeyError) as e:
        raise QuizError(f"{path}: not usable FSRS parameters ({e}); delete it or run "
                        "`quiz optimize` again") from None
    return params


def save_parameters(data_dir: str | os.PathLike, parameters: Sequence[float], *,
                    now: datetime, reviews: int, before: float, after: float) -> Path:
    """Write the parameters (with how they were fitted) atomically; the file's path."""
    path = parameters_path(data_dir)
    body = {"parameters": [round(float(x), 6) for x in parameters], "fitted_at": now.isoformat(),
            "reviews": reviews, "log_loss": {"before": round(before, 6), "after": round(after, 6)},
            "defaults": list(DEFAULT_PARAMETERS)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise QuizError(f"{path}: cannot write: {e.strerror or e}") from None
    return path
