"""The build's two slow pure steps, cached and never stale: snippet outputs and API signatures.

**Snippets.** markdown-exec runs every ``exec="on"`` block on every build (it has no cache of
its own), so a one-word prose edit re-runs all the snippets. This hook wraps its Python runner: a block's
printed output is stored under ``lstmgrad.cache.source_digest`` of the block's code, which
covers every ``lstmgrad`` module the code reaches, the committed results if it reads them,
and the library versions. Any change there is a new key, so the block runs again.

Only stateless blocks are cached (a ``session`` block depends on the blocks before it), and
only output: markdown-exec still renders it, so fence options take effect. A block that
raises is never stored. The entries live under ``$LSTMGRAD_CACHE_DIR`` (default
``.cache/lstmgrad``); the tests start from an empty one, and ``LSTMGRAD_NO_CACHE=1`` turns it off.

**Signatures.** mkdocstrings formats each signature on the API page by running ``ruff format``
in a subprocess, about a hundred per build. The result depends only on the signature's text,
the line length and ruff's version, so it is stored under a digest of those three.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_exec._internal.formatters import python as _python
from mkdocstrings_handlers.python._internal import rendering as _rendering

from lstmgrad.cache import cache_dir, cache_enabled, source_digest

_run_python = getattr(_python._run_python, "__wrapped__", _python._run_python)


def _cached_run_python(
    code: str, returncode: int | None = None, session: str | None = None, **extra: Any
) -> str:
    if session or not cache_enabled():
        return _run_python(code, returncode, session, **extra)
    path = cache_dir() / "snippets" / f"{source_digest(code.encode())}.txt"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    output = _run_python(code, returncode, session, **extra)
    _store(path, output)
    return output


def _store(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, so a build that stops midway leaves no half entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


_get_formatter = getattr(_rendering._get_formatter, "__wrapped_formatter__", _rendering._get_formatter)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@functools.cache
def _cached_get_formatter() -> Callable[[str, int], str]:
    format_signature = _get_formatter()
    tool = (
        f"black {_version('black')}; ruff {_version('ruff')}"  # mkdocstrings uses black if present, else ruff
    )

    def formatter(code: str, line_length: int) -> str:
        if not cache_enabled():
            return format_signature(code, line_length)
        key = hashlib.sha256(f"{tool}\0{line_length}\0{code}".encode()).hexdigest()
        path = cache_dir() / "signatures" / f"{key}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
        text = format_signature(code, line_length)
        _store(path, text)
        return text

    return formatter


_cached_run_python.__wrapped__ = _run_python  # type: ignore[attr-defined]
_python._run_python = _cached_run_python

_cached_get_formatter.__wrapped_formatter__ = _get_formatter  # type: ignore[attr-defined]
_rendering._get_formatter = _cached_get_formatter
