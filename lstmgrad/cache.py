"""Digests of ``lstmgrad`` code that are never stale: the build caches and the trained results key on them.

`import_closure` follows the ``import`` statements (including those inside functions) of
a module, transitively, among ``lstmgrad.*`` and the module's own package, so a change to
any module the code can reach changes the digest and a change to any other does not.

- `source_digest` (`file_digest` for a file) keys the snippet and notebook caches
  (``overrides/hooks/build_cache.py``, ``notebook_cache.py``), kept under ``$LSTMGRAD_CACHE_DIR``
  (default ``.cache/lstmgrad``); ``LSTMGRAD_NO_CACHE=1`` turns them off.
- `lstmgrad.store` records the digest of every module a trained result's cells reach.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import platform
import sys
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    return Path(os.environ.get("LSTMGRAD_CACHE_DIR", ".cache/lstmgrad"))


def cache_enabled() -> bool:
    return os.environ.get("LSTMGRAD_NO_CACHE", "") not in ("1", "true", "yes")


def _module_file(name: str) -> Path | None:
    """The ``.py`` file of module ``name``, or None if it is not a source module."""
    parts = name.split(".")
    package_file = getattr(sys.modules.get("lstmgrad"), "__file__", None)
    if parts[0] == "lstmgrad" and len(parts) > 1 and isinstance(package_file, str):
        # Inside the imported lstmgrad package, a stat or two per name, found as the import system
        # would (a package before a module); importlib would attempt a failed import for every
        # `from module import attribute`.
        base = os.path.join(os.path.dirname(package_file), *parts[1:])
        for candidate in (os.path.join(base, "__init__.py"), base + ".py"):
            if os.path.isfile(candidate):
                return Path(candidate)
        return None
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None)
    if origin is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        origin = spec.origin if spec is not None else None
    if origin is None or not origin.endswith(".py"):
        return None
    return Path(origin)


def _imported_names(name: str, path: Path) -> frozenset[str]:
    """Every module name that ``import`` statements in ``path`` may load (absolute names)."""
    return _imported_names_in(name, path.name == "__init__.py", path.read_bytes())


@functools.lru_cache(maxsize=512)
def _imported_names_in(name: str, is_package: bool, source: bytes) -> frozenset[str]:
    # keyed on the source bytes themselves: parsing is the slow part, and bytes cannot go stale
    tree = ast.parse(source)
    # the package that relative imports in this module are relative to
    package = name if is_package else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            names.add(base)
            # `from pkg import mod` may name a submodule rather than an attribute
            names.update(f"{base}.{alias.name}" for alias in node.names)
    # importing a.b.c runs a/__init__.py and a/b/__init__.py too
    return frozenset(".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 2))


def import_closure(module_name: str) -> dict[str, Path]:
    """``module_name`` and the modules it reaches, among ``lstmgrad`` and its own package."""
    return _closure([module_name], {"lstmgrad", module_name.split(".")[0]})


def _closure(roots: list[str], tracked: set[str]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = _module_file(name)
        if path is None:
            continue
        found[name] = path
        todo += [n for n in _imported_names(name, path) if n.split(".")[0] in tracked and n not in found]
    return found


def file_digest(path: str | Path) -> str:
    """SHA-256 over a script's (or notebook's) bytes and every ``lstmgrad`` module it reaches.

    For code that is not a module, such as a jupytext notebook: its own ``lstmgrad`` imports
    are followed as in `import_closure`. If the file does not parse as Python (cell
    magics), every ``lstmgrad`` module counts.
    """
    return source_digest(Path(path).read_bytes())


def source_digest(source: bytes) -> str:
    """SHA-256 over ``source`` (a script, a notebook, a snippet's code), every ``lstmgrad``
    module it reaches, the committed results if it reaches `lstmgrad.store` (trained tables
    are read from them), and the library versions: what a cached output of ``source`` depends on.
    """
    h = hashlib.sha256(source)
    try:
        roots = {n for n in _imported_names_in("__script__", False, source) if n.split(".")[0] == "lstmgrad"}
    except SyntaxError:
        roots = {"lstmgrad"} | {f"lstmgrad.{p.stem}" for p in Path(__file__).parent.glob("*.py")}
    closure = _closure(sorted(roots), {"lstmgrad"})
    for name, module_path in sorted(closure.items()):
        h.update(name.encode() + b"\0" + module_path.read_bytes() + b"\0")
    if "lstmgrad.store" in closure:
        for result in sorted((Path(__file__).parent / "results").glob("*.json")):
            h.update(result.name.encode() + b"\0" + result.read_bytes() + b"\0")
    h.update(_environment().encode())
    return h.hexdigest()


def _environment() -> str:
    return f"numpy {np.__version__}; {_other_versions()}; python {sys.version}; {platform.machine()}"


@functools.cache
def _other_versions() -> str:
    """Versions of the other libraries whose output ends up in cached results (plots)."""
    found = []
    for dist in ("matplotlib",):
        try:
            found.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{dist} none")
    return "; ".join(found)
