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

**All at once.** At ``on_config``, before anything slow, every executed snippet the pages embed
that has no entry yet starts in ``snippet_runs``' pool of ``os.cpu_count()`` worker processes, in
page order; a page waits only for its own blocks. The pool's result of a block is the same
markdown-exec run, stored under the same key (with the ordered stream writes the chapter's
notebook cell is made from, ``notebook_download.py``). A block the pool could not run is run
in-process as before, so a raising block fails the build naming its file.

**Signatures.** mkdocstrings formats each signature on the API page by running ``ruff format``
in a subprocess, about a hundred per build. The result depends only on the signature's text,
the line length and ruff's version, so it is stored under a digest of those three.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_exec._internal.formatters import python as _python
from mkdocs.plugins import event_priority
from mkdocstrings_handlers.python._internal import rendering as _rendering

from lstmgrad.cache import cache_dir, cache_enabled

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import snippet_runs  # overrides/hooks/snippet_runs.py (one module, shared with notebook_download.py)
finally:
    sys.path.pop(0)

_run_python = getattr(_python._run_python, "__wrapped__", _python._run_python)


def _cached_run_python(
    code: str, returncode: int | None = None, session: str | None = None, **extra: Any
) -> str:
    if session:
        return _run_python(code, returncode, session, **extra)
    path = snippet_runs.entry(code)
    if cache_enabled() and path.is_file():
        return path.read_text(encoding="utf-8")
    ran = snippet_runs.result(code)
    if ran is None:  # not in the pool, or it raised there: markdown-exec runs it here and reports it
        output = _run_python(code, returncode, session, **extra)
        if cache_enabled():
            _store(path, output)
        return output
    if cache_enabled():
        _store(path.with_suffix(".streams.json"), json.dumps(ran["streams"]))
        _store(path, ran["output"])
    return ran["output"]


def _page_order(config) -> list[Path]:  # type: ignore[no-untyped-def]
    """The Markdown pages under docs/, in nav order first (the order they render in)."""
    docs = Path(config["docs_dir"])
    order: list[Path] = []

    def walk(item: Any) -> None:
        if isinstance(item, str):
            if item.endswith(".md") and (docs / item).is_file():
                order.append(docs / item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(config["nav"] or [])
    return order + sorted(set(docs.rglob("*.md")) - set(order))


@event_priority(100)  # first: the pool runs while the wheel is built and the pages render
def on_config(config):  # type: ignore[no-untyped-def]
    snippet_runs.new_build()
    root = Path(config["config_file_path"]).parent
    jobs = []
    for page in _page_order(config):
        for match in snippet_runs.FENCE.finditer(page.read_text(encoding="utf-8")):
            snippet = root / match["path"]
            if not snippet.is_file():
                continue  # pymdownx.snippets fails the build on it, naming the file
            code = snippet.read_text(encoding="utf-8")
            path = snippet_runs.entry(code)
            if not (cache_enabled() and path.is_file() and path.with_suffix(".streams.json").is_file()):
                jobs.append((match["path"], code))
    snippet_runs.start(jobs)
    return config


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
