"""mkdocs-jupyter's notebook cache, made never stale.

The plugin keys its cache on the notebook's bytes and its own options only, so an edit
to an ``lstmgrad`` function a notebook calls would leave the old outputs on the page.
This hook gives every notebook a cache directory named after
``lstmgrad.cache.file_digest``: the notebook, every ``lstmgrad`` module it reaches, and
the library versions. Any change there is a new, empty directory, so the notebook runs
again; the other notebooks keep their entries.

The directory lives under ``$LSTMGRAD_CACHE_DIR`` (default ``.cache/lstmgrad``), so the
tests, which start from an empty one, run every notebook; ``LSTMGRAD_NO_CACHE=1``
turns the notebook cache off too.
"""

from __future__ import annotations

import importlib.metadata

from mkdocs.plugins import event_priority

from lstmgrad.cache import cache_dir, cache_enabled, file_digest

_TOOLS = ("mkdocs-jupyter", "nbconvert", "jupytext", "ipykernel")


def _tool_versions() -> str:
    return "-".join(importlib.metadata.version(name) for name in _TOOLS)


@event_priority(100)  # before mkdocs-jupyter's own on_pre_page reads cache and cache_dir
def on_pre_page(page, config, files):  # type: ignore[no-untyped-def]
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.should_include(page.file):
        return page
    plugin.config["cache"] = cache_enabled()
    if cache_enabled():
        key = file_digest(page.file.abs_src_path)[:32]
        plugin.config["cache_dir"] = str(cache_dir() / "notebooks" / _tool_versions() / key)
    return page
