"""Lab `hot-swap`: Hot swap: replacing a model in-process."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement('reload-in-process', {
        "zh": '磁盘上被替换的模型文件可以在同一进程中重新加载，无需重启即可输出新结果；旧的句柄仍保持旧模型。',
        "en": 'A model file replaced on disk can be loaded again in the same process and serves new outputs without a restart; the old handle keeps the old model.'}),
)


def run(ctx: LabContext) -> list[Finding]:
    return [Finding(s.id, None, "not implemented yet") for s in STATEMENTS]


LAB = Lab(id='hot-swap', title={"zh": '热更新：进程内替换模型', "en": 'Hot swap: replacing a model in-process'},
          statements=STATEMENTS, run=run)
