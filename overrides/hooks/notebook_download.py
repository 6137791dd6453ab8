"""Each chapter as a Jupyter notebook: its snippets, in page order, executed while the site builds.

- ``on_files`` finds every executed fence (``--8<-- "snippets/…"``) in the chapters it builds.
- ``on_page_markdown`` puts a labelled download link under the chapter's title.
- ``on_post_build`` writes ``<page>/lstmgrad-<page>.ipynb`` next to the page: a first cell with the
  install line, then one code cell per snippet with what it printed. A snippet that raises fails
  the build and names the file. Cell ids are numbered and nothing else varies, so two builds
  write the same bytes.

No kernel runs: each snippet already ran once in ``snippet_runs``' pool (started by
``build_cache.py``), as its own script, with ``print`` and everything else it wrote to
``sys.stdout`` and ``sys.stderr`` recorded in order. A cell's outputs are those writes as a
kernel sends them: consecutive writes to one stream merged, stderr (progress bars, warnings)
dropped. On main at 98fe225 this gave, for all 107 snippets, the text the kernel gave.

A chapter whose snippets, the ``lstmgrad`` code they reach and the library versions are unchanged
(`lstmgrad.cache.source_digest` of each snippet, as for the snippet cache of ``build_cache.py``)
reuses its cells from ``$LSTMGRAD_CACHE_DIR``; the tests start from an empty cache.

tests/test_downloads.py runs every downloaded notebook again in a clean kernel and compares what
each cell prints with the page's Result tab.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from lstmgrad.cache import cache_dir, cache_enabled

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import snippet_runs  # overrides/hooks/snippet_runs.py: the runs build_cache.py started
finally:
    sys.path.pop(0)

_state: dict[str, Any] = {}


def notebook_name(src_uri: str) -> str:
    """docs/<page>.md -> the notebook's file name, next to the page's index.html."""
    return f"lstmgrad-{Path(src_uri).stem}.ipynb"


def _chapters(files) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """{page: its snippets}, for the Markdown pages this build renders (not those it excludes)."""
    found = {}
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or "/" in file.src_uri:
            continue
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        paths = [m["path"] for m in snippet_runs.FENCE.finditer(text)]
        if paths:
            found[file.src_uri] = paths
    return found


def _entry(paths: list[str], root: Path) -> Path:
    """Where a chapter's cells are cached: a digest of its snippets, all they reach, the runner."""
    h = hashlib.sha256(f"markdown-exec {importlib.metadata.version('markdown-exec')}".encode())
    for path in paths:
        code = (root / path).read_text(encoding="utf-8")  # the text markdown-exec and the pool run
        h.update(path.encode() + b"\0" + snippet_runs.digest(code).encode() + b"\0")
    return cache_dir() / "downloads" / f"{h.hexdigest()}.json"


def _run_all(chapters: dict[str, list[str]], root: Path) -> dict[str, list[dict[str, Any]]]:
    """Every chapter's cells, {page: [{path, source, outputs}]}: from the cache, or from the snippet runs."""
    results: dict[str, list[dict[str, Any]]] = {}
    for page, paths in chapters.items():
        entry = _entry(paths, root)
        if cache_enabled() and entry.is_file():
            results[page] = json.loads(entry.read_text(encoding="utf-8"))
            continue
        results[page] = cells = [_cell(page, path, root) for path in paths]
        if cache_enabled():
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(cells), encoding="utf-8")
            os.replace(tmp, entry)
    return results


def _cell(page: str, path: str, root: Path) -> dict[str, Any]:
    """One snippet's cell, {path, source, outputs}: what it wrote to stdout when the build ran it."""
    source = (root / path).read_text(encoding="utf-8")
    ran = snippet_runs.result(source)
    stored = snippet_runs.entry(source).with_suffix(".streams.json")
    if ran is not None:
        writes = ran["streams"]
    elif cache_enabled() and stored.is_file():
        writes = json.loads(stored.read_text(encoding="utf-8"))
    elif not snippet_runs.started(source):  # no page ran it this build (not an executed fence)
        snippet_runs.start([(path, source)], workers=1)
        ran = snippet_runs.result(source)
        writes = None if ran is None else ran["streams"]
    else:
        writes = None
    if writes is None:
        raise PluginError(
            f"notebook_download hook: {path} (on {page}) raised when the build ran it "
            "(markdown-exec's warning above shows the traceback)"
        )
    # the outputs a kernel sends: consecutive writes to one stream merged, in order
    outputs: list[dict[str, Any]] = []
    for name, text in writes:
        if outputs and outputs[-1]["name"] == name:
            outputs[-1]["text"] += text
        else:
            outputs.append({"output_type": "stream", "name": name, "text": text})
    # stderr (progress bars, warnings) is not what the page shows
    return {"path": path, "source": source, "outputs": [o for o in outputs if o["name"] != "stderr"]}


def _notebook(page: str, cells: list[dict[str, Any]], install: str, site_url: str) -> dict[str, Any]:
    url = site_url.rstrip("/") + "/" + ("" if page == "index.md" else page.removesuffix(".md") + "/")
    intro = (
        f"# lstmgrad: `{page}` as a notebook\n\n"
        f"The snippets of {url}, in page order, with what they printed when the site was built. "
        "Each code cell is one file from the repository's `snippets/` folder and runs on its own.\n\n"
        "To run it yourself, install the package the pages were built with, then run all cells:\n\n"
        f"```sh\n{install}\n```"
    )
    nb_cells: list[dict[str, Any]] = [
        {"cell_type": "markdown", "id": "cell-1", "metadata": {}, "source": intro}
    ]
    for n, cell in enumerate(cells, start=1):
        outputs = [
            {"output_type": "stream", "name": o["name"], "text": o["text"]}
            for o in cell["outputs"]
            if o["output_type"] == "stream"
        ]
        nb_cells.append(
            {
                "cell_type": "code",
                "execution_count": n,
                "id": f"cell-{n + 1}",
                "metadata": {"title": cell["path"]},
                "outputs": outputs,
                "source": f"# {cell['path']}\n{cell['source'].rstrip()}\n",
            }
        )
    return {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def on_files(files, config):  # type: ignore[no-untyped-def]
    _state.clear()
    _state["chapters"] = _chapters(files)
    return files


def on_page_markdown(markdown, page, config, files):  # type: ignore[no-untyped-def]
    paths = _state.get("chapters", {}).get(page.file.src_uri)
    if not paths:
        return markdown
    name = notebook_name(page.file.src_uri)
    link = (
        f'<p class="lstmgrad-notebook"><a href="{name}" download>'
        "Download this page as a Jupyter notebook</a> "
        f"(<code>{name}</code>: its {len(paths)} snippet{'s' if len(paths) > 1 else ''}, "
        "run when the site was built)</p>\n"
    )
    title = re.search(r"^# .*\n", markdown, re.M)
    at = title.end() if title else 0
    return markdown[:at] + "\n" + link + "\n" + markdown[at:]


def on_post_build(config):  # type: ignore[no-untyped-def]
    results = _run_all(_state["chapters"], Path(config["config_file_path"]).parent)
    site = Path(config["site_dir"])
    install = config.extra.get("lstmgrad", {}).get("install", "pip install lstmgrad")
    for page, cells in results.items():
        folder = site if page == "index.md" else site / page.removesuffix(".md")
        folder.mkdir(parents=True, exist_ok=True)
        notebook = _notebook(page, cells, install, config["site_url"] or "")
        text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        (folder / notebook_name(page)).write_text(text, encoding="utf-8")
