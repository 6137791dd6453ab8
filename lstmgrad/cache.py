"""A disk cache for expensive, pure experiment functions that is never stale.

    @cached
    def train_curve(seed: int, T: int) -> str: ...

The key of a call is a SHA-256 over

- the function's module and qualified name,
- its arguments, bound to the signature with defaults filled in, as JSON,
- the source bytes of the function's own module and of every module it imports,
  followed transitively, among ``lstmgrad.*`` (and the function's own package),
- the numpy, matplotlib and Python versions and the machine type.

Imports are found by reading each module's ``import`` statements (including those
inside functions), so a change to any ``lstmgrad`` module the experiment can reach
changes the key; a change to a module it cannot reach does not.

Results are pickled to ``$LSTMGRAD_CACHE_DIR`` (default ``.cache/lstmgrad``), written
to a temporary file first and moved into place with ``os.replace``, so a reader never
sees half a file. ``LSTMGRAD_NO_CACHE=1`` turns the cache off.

A long-lived process (``mkdocs serve``) keeps running the code it imported even after
the files change on disk; the key would then describe code that is not running, so in
that case the cache is neither read nor written.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import pickle
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

#: Calls answered from disk and calls that ran, in this process (the tests read these).
stats = {"hits": 0, "misses": 0, "bypassed": 0}


def cache_dir() -> Path:
    return Path(os.environ.get("LSTMGRAD_CACHE_DIR", ".cache/lstmgrad"))


def cache_enabled() -> bool:
    return os.environ.get("LSTMGRAD_NO_CACHE", "") not in ("1", "true", "yes")


def _module_file(name: str) -> Path | None:
    """The ``.py`` file of module ``name``, or None if it is not a source module."""
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
    tracked = {"lstmgrad", module_name.split(".")[0]}
    found: dict[str, Path] = {}
    todo = [module_name]
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


def source_digest(module_name: str) -> str:
    """SHA-256 over the names and source bytes of ``import_closure(module_name)``."""
    h = hashlib.sha256()
    for name, path in sorted(import_closure(module_name).items()):
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def file_digest(path: str | Path) -> str:
    """SHA-256 over a script's (or notebook's) bytes and every ``lstmgrad`` module it reaches.

    For code that is not a module, such as a jupytext notebook: its own ``lstmgrad`` imports
    are followed as in `import_closure`. If the file does not parse as Python (cell
    magics), every ``lstmgrad`` module counts.
    """
    path = Path(path)
    h = hashlib.sha256(path.read_bytes())
    try:
        roots = {n for n in _imported_names("__script__", path) if n.split(".")[0] == "lstmgrad"}
    except SyntaxError:
        roots = {"lstmgrad"} | {f"lstmgrad.{p.stem}" for p in Path(__file__).parent.glob("*.py")}
    closure: dict[str, Path] = {}
    for root in roots:
        closure.update(import_closure(root))
    for name, module_path in sorted(closure.items()):
        h.update(name.encode() + b"\0" + module_path.read_bytes() + b"\0")
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


def call_config(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The call's arguments as canonical JSON; raises TypeError if they are not JSON-able."""
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return json.dumps(bound.arguments, sort_keys=True, allow_nan=False)


def cache_key(fn: Callable[..., Any], *args: Any, _digest: str | None = None, **kwargs: Any) -> str:
    """The hex key ``cached(fn)(*args, **kwargs)`` would be stored under."""
    fn = inspect.unwrap(fn)
    parts = [
        f"{fn.__module__}.{fn.__qualname__}",
        call_config(fn, *args, **kwargs),
        _digest or source_digest(fn.__module__),
        _environment(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _write_atomic(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def cached(fn: F) -> F:
    """Cache a pure function of JSON-able arguments on disk (see the module docstring)."""
    # the code this process runs is the code on disk now; if the files change later,
    # the cache stops being used in this process
    digest_at_import = source_digest(fn.__module__)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        digest = source_digest(fn.__module__) if cache_enabled() else None
        if digest != digest_at_import:
            stats["bypassed"] += 1
            return fn(*args, **kwargs)
        key = cache_key(fn, *args, _digest=digest, **kwargs)
        path = cache_dir() / f"{fn.__module__}.{fn.__qualname__}" / f"{key}.pkl"
        try:
            with open(path, "rb") as f:
                value = pickle.load(f)
            stats["hits"] += 1
            return value
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            pass
        value = fn(*args, **kwargs)
        stats["misses"] += 1
        _write_atomic(path, value)
        return value

    return wrapper  # type: ignore[return-value]


def cached_call(fn: Callable[..., Any], **config: Any) -> Any:
    """``cached(fn)(**config)`` for a function that is not decorated."""
    return cached(fn)(**config)
