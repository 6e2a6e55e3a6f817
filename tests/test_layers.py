"""The package's layers (docs/architecture.md): each module imports only from its own layer or
those below, with no import cycles and no other package's private names. Imports inside
functions count (they still run); ``if TYPE_CHECKING:`` imports do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Lowest first. A module belongs to the layer of its longest matching prefix.
LAYERS: list[tuple[str, ...]] = [
    ("abspose.errors", "abspose._checks", "abspose._files", "abspose._safetensors", "abspose._device",
     "abspose._version", "abspose._console", "abspose.skeletons"),
    ("abspose.geometry", "abspose.metrics"),
    ("abspose.data", "abspose.baselines", "abspose.io"),
    ("abspose.noise",),
    ("abspose.model",),
    ("abspose.lifters",),
    ("abspose.api",),
    ("abspose.estimator2d", "abspose.viz"),
    ("abspose.pipeline",),
    ("abspose.evaluation", "abspose.reproduce"),
    ("abspose.cli", "abspose"),
]  # fmt: skip


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best, level = -1, -1
    for k, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, level = len(p), k
    return level


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name | ast.Attribute) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """``(imported module, name or "", line)`` of every run-time abspose import in a file."""
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("abspose"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    is_module = (SRC / Path(*sub.split("."))).with_suffix(".py").is_file() or (
                        SRC / Path(*sub.split("."))
                    ).is_dir()
                    found.append(
                        (sub, "", node.lineno) if is_module else (node.module, alias.name, node.lineno)
                    )
        elif isinstance(node, ast.Import):
            found.extend((a.name, "", node.lineno) for a in node.names if a.name.startswith("abspose"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


MODULES = {_name(p): p for p in sorted(SRC.rglob("*.py"))}
GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def test_every_module_has_a_layer():
    assert [m for m in MODULES if _layer(m) < 0] == []


def test_each_module_imports_only_its_layer_or_below():
    bad = [
        f"{m}:{line} imports {target} (layer {_layer(target)} above {_layer(m)})"
        for m, imports in GRAPH.items()
        for target, _, line in imports
        if _layer(target) > _layer(m)
    ]
    assert bad == []


def test_no_private_names_across_subpackages():
    def package(module: str) -> str:
        return ".".join(module.split(".")[:2])

    bad = [
        f"{m}:{line} imports {target}.{name}"
        for m, imports in GRAPH.items()
        for target, name, line in imports
        if name.startswith("_") and not name.startswith("__") and package(target) != package(m)
    ]
    assert bad == []


def test_no_import_cycles():
    """Between modules (a package's ``__init__`` counts as the modules it imports)."""
    edges = {m: {t for t, _, _ in imports if t in MODULES and t != m} for m, imports in GRAPH.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(m: str, stack: list[str]) -> None:
        state[m] = 1
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t) :] + [t])
            elif t not in state:
                walk(t, [*stack, t])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            walk(m, [m])
    assert cycles == []


@pytest.mark.parametrize("module", ["abspose.model.predict", "abspose.api", "abspose.cli"])
def test_the_graph_sees_the_imports(module):
    """The checks above read real edges (a parser that found nothing would pass them all)."""
    assert GRAPH[module]


def test_import_abspose_does_not_import_torch():
    """The lower layers and the api stay light: torch loads only when a network is needed."""
    import subprocess
    import sys

    code = "import sys, abspose, abspose.lifters, abspose.geometry.equations; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
