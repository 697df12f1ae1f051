"""Lab `pruning`: Pruning: unstructured vs structured."""

from __future__ import annotations

from labs.base import Finding, Lab, LabContext, Statement

STATEMENTS = (
    Statement('unstructured-same-size', {
        "zh": '非结构化剪枝后，稠密保存的文件大小不变（在 `prune.remove` 之前反而更大）。',
        "en": 'Unstructured pruning leaves the dense saved file the same size (larger before `prune.remove`).'}),
    Statement('structured-smaller', {
        "zh": '真正移除神经元/通道的结构化剪枝会让文件变小、推理变快。',
        "en": 'Structured pruning that removes neurons/channels makes the file smaller and inference faster.'}),
    Statement('compressed-smaller', {
        "zh": '剪枝产生的零只有在文件被压缩（或在高稀疏度下以稀疏格式存储）时才节省空间。',
        "en": 'Zeros from pruning only save space once the file is compressed (or stored sparse at high sparsity).'}),
)


def run(ctx: LabContext) -> list[Finding]:
    return [Finding(s.id, None, "not implemented yet") for s in STATEMENTS]


LAB = Lab(id='pruning', title={"zh": '剪枝：非结构化与结构化', "en": 'Pruning: unstructured vs structured'},
          statements=STATEMENTS, run=run)
