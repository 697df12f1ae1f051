"""Messages that workers post to the App. Workers never touch widgets; the App owns state."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class LabProgress(Message):
    def __init__(self, lab_id: str, fraction: float, text: str) -> None:
        super().__init__()
        self.lab_id, self.fraction, self.text = lab_id, fraction, text


class LabLog(Message):
    def __init__(self, lab_id: str, line: str) -> None:
        super().__init__()
        self.lab_id, self.line = lab_id, line


class LabFinished(Message):
    """The runner returned: ``result`` is its run JSON (status ok, failed or unavailable)."""

    def __init__(self, lab_id: str, result: dict[str, Any]) -> None:
        super().__init__()
        self.lab_id, self.result = lab_id, result


class LabFailed(Message):
    """The runner itself raised: the lab did not produce a result at all."""

    def __init__(self, lab_id: str, error: str) -> None:
        super().__init__()
        self.lab_id, self.error = lab_id, error


# What the App publishes on its ``lab_events`` Signal: each worker message, once handled.
LabEvent = LabProgress | LabLog | LabFinished | LabFailed
