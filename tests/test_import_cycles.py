"""No import cycle anywhere in quiz/ or labs/, counting the imports inside functions.

import-linter's contracts (pyproject.toml, ``lint-imports``) prove the layers; they do
not forbid a cycle inside one layer, and a cycle hidden by an import inside a function is
still a cycle: the two modules cannot be understood, tested or moved apart. So this walks
every module with ``ast``, collects every ``import`` (at module level, in classes and in
functions alike) except those under ``if TYPE_CHECKING:`` (never run), and looks for a
strongly connected component with more than one module.

An edge goes to the module named, as grimp (import-linter's graph) draws it:
``from a.b import c`` goes to ``a.b.c`` when that is a module, else to ``a.b``; the parent
packages that Python also runs on the way are not edges.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("quiz", "labs")


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(f.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = f
    return out


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node, skipping the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def graph() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    here = name.split(".") if is_pkg else name.split(".")[:-1]
                    here = here[: len(here) - (node.level - 1)]
                    base = ".".join([*here, base] if base else here)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base
                           for a in node.names]
            for t in targets:
                while t and t not in mods:  # `import quiz.tui.app as x` and the like
                    t = t.rpartition(".")[0]
                if t and t != name:
                    edges[name].add(t)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_the_walk_sees_imports_inside_functions():
    edges = graph()
    # quiz.commands.lab imports the lab service inside its command functions only.
    assert "quiz.labs_service" in edges["quiz.commands.lab"]
    assert "labs.base" in edges["labs"]


def test_no_import_cycle_in_quiz_or_labs():
    edges = graph()
    found = cycles(edges)
    detail = [
        " <-> ".join(c) + "\n    " + "\n    ".join(
            f"{m} -> {', '.join(sorted(edges[m] & set(c)))}" for m in c)
        for c in found
    ]
    assert not found, "import cycles:\n" + "\n".join(detail)


def test_the_import_contracts_hold():
    """The README's test command runs ``lint-imports`` first; this says so to a bare pytest."""
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = str(exe) if exe.exists() else shutil.which("lint-imports")
    if cmd is None:
        pytest.skip("import-linter is not installed (the dev extra has it)")
    out = subprocess.run([cmd, "--no-cache"], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout
