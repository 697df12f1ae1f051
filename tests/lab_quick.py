"""Run a lab once in quick mode and check the contract every finding must keep."""

from __future__ import annotations

import json

from labs.base import Finding, LabContext


def run_quick(module, tmp_path_factory) -> dict[str, Finding]:
    """Findings of ``module.LAB`` by id, after checking the contract (ids in catalogue order,
    a one-line summary, JSON-ready evidence, threads restored)."""
    import torch

    workdir = tmp_path_factory.mktemp(module.LAB.id)
    before = torch.get_num_threads()
    findings = module.LAB.run(LabContext(quick=True, workdir=workdir, seed=0))
    assert torch.get_num_threads() == before  # labs that change threads restore them
    assert [f.id for f in findings] == module.LAB.finding_ids()
    for f in findings:
        assert f.held in (True, False, None)
        assert f.summary and "\n" not in f.summary
        json.dumps(f.to_dict())  # the runner stores it as JSON: plain types only
    return {f.id: f for f in findings}
