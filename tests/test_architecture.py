"""The package layout is the architecture: stages import only downwards, and modules stay short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graphdraw"

# Each stage may import from its own layer and the ones before it, never from a later one.
LAYERS = [
    ("errors", "lazy", "limits"),
    ("ops",),
    ("language",),
    ("core",),
    ("numeric",),
    ("formats",),
    ("analyses",),
    ("cli", "api", "gallery", "__main__", "__init__"),
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
MAX_CLASS_LINES = 240


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (graphdraw.language.parser, ...)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 2:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The graphdraw modules a module imports, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("graphdraw")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("graphdraw"):
                continue
            for alias in node.names:          # `from graphdraw.core import graph` names a module
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYER[parts[1] if len(parts) > 1 else "__init__"]


def test_every_top_level_name_has_a_layer():
    tops = {m.split(".")[1] for m in MODULES if "." in m}
    assert tops <= set(LAYER), f"give these a layer in LAYERS: {sorted(tops - set(LAYER))}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down_the_stages(module):
    upward = sorted(m for m in GRAPH[module] if _layer(m) > _layer(module))
    assert not upward, f"{module} imports a later stage: {upward}"


def test_no_import_cycles():
    """Not even through imports inside functions: data flows one way."""
    state: dict[str, int] = {}
    for start in sorted(GRAPH):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(GRAPH[start])))]
        path = [start]
        state[start] = 1                       # 1: on the current path, 2: done
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(sorted(GRAPH[child]))))
                path.append(child)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_short_and_say_what_they_hold(module):
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines; split it along a seam"
    tree = ast.parse(text)
    doc = ast.get_docstring(tree)
    assert doc and doc.strip(), f"{module} needs a docstring saying what it holds"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_functions_fit_on_a_screen(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{module}: {', '.join(long)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_classes_are_not_modules_in_disguise(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
            and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES]
    assert not long, f"{module}: {', '.join(long)}"
