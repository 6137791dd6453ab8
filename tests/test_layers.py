"""The package's layers, and the one direction its imports run:

    base (checks, cache, machine, store) -> models -> train -> tasks -> studies -> present -> probe -> cli

``probe`` (the PyTorch probe, an optional extra) may use everything below it; nothing below imports it.

A module may import from its own layer and the layers before it, never after. Imports inside
functions count too. Every module of the package belongs to a layer, and none is over 350 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "lstmgrad"
LAYERS = ("base", "models", "train", "tasks", "studies", "present", "probe", "cli")
BASE = {"lstmgrad", "lstmgrad.checks", "lstmgrad.cache", "lstmgrad.machine", "lstmgrad.store"}
TOP = {"lstmgrad.cli", "lstmgrad.__main__"}


def layer(module: str) -> str | None:
    """The layer of a module of the package, or None if it belongs to none."""
    if module in BASE:
        return "base"
    if module in TOP:
        return "cli"
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return parts[1]
    return None


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        out[name] = path
    return out


def imports(name: str, path: Path) -> set[str]:
    """Every lstmgrad module that ``path`` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    known = modules()
    return {m for m in found if m in known and m != name}


def test_every_module_is_in_a_layer():
    assert [m for m in modules() if layer(m) is None] == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_run_one_way(name):
    own = LAYERS.index(layer(name) or "cli")
    upward = [m for m in imports(name, modules()[name]) if LAYERS.index(layer(m) or "cli") > own]
    assert upward == [], f"{name} ({LAYERS[own]}) imports a higher layer: {upward}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_350_lines(name):
    lines = len(modules()[name].read_text().splitlines())
    assert lines <= 350, f"{name} has {lines} lines"


def test_the_check_catches_an_upward_import(tmp_path):
    """The checker itself: a models module that imports a presentation module is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from lstmgrad.present.markdown import markdown_table\n")
    found = imports("lstmgrad.models.bad", bad)
    assert found == {"lstmgrad.present.markdown"}
    assert LAYERS.index(layer("lstmgrad.present.markdown")) > LAYERS.index(layer("lstmgrad.models.bad"))
