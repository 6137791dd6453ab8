"""Two builds of one commit are byte-identical.

Every page but the notebooks was already deterministic (the snippets' output is pinned and the
plots are written with a fixed hash salt); the notebook pages got a fresh random cell id per cell
on each build until overrides/hooks/stable_ids.py numbered them. Rebuilding the whole site takes
as long as the session's build, so this rebuilds only the notebook pages, with the notebook cache
off so they are converted and executed again, and compares their article bytes with the session's
build (the navigation around them differs between the two configs by design).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path

from conftest import MKDOCS, ROOT

ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def _hook():
    spec = importlib.util.spec_from_file_location("stable_ids", ROOT / "overrides/hooks/stable_ids.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stable_ids_numbers_random_ids_in_order():
    html = '<div id="cell-id=5b2de"><a href="#cell-id=5b2de"></a></div><div id="cell-id=ff01"></div>'
    assert _hook().stable_cell_ids(html) == (
        '<div id="cell-id=cell-1"><a href="#cell-id=cell-1"></a></div><div id="cell-id=cell-2"></div>'
    )


def test_the_notebook_pages_build_byte_identical(built_site, tmp_path, monkeypatch):
    text = (ROOT / "mkdocs.yml").read_text()
    notebooks = sorted(
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs/notebooks").glob("*.py")
    )
    # the same config with only the notebook pages: every other page excluded, the nav dropped
    text = re.sub(r"^nav:\n(?:[ \t].*\n|\n)*", "", text, flags=re.M)
    text += "\nexclude_docs: |\n  *.md\n"
    text = text.replace("strict: true", "strict: false")  # links from the notebooks to excluded pages
    config = ROOT / f".mkdocs-notebooks-{tmp_path.name}.yml"
    config.write_text(text)
    # a cache of its own, so the notebooks are converted and executed again; the wheel is reused
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "wheels").symlink_to(Path(os.environ["LSTMGRAD_CACHE_DIR"]) / "wheels", target_is_directory=True)
    monkeypatch.setenv("LSTMGRAD_CACHE_DIR", str(cache))
    site = tmp_path / "site"
    try:
        proc = subprocess.run(
            [*MKDOCS, "build", "-f", str(config), "-d", str(site)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        config.unlink()
    assert proc.returncode == 0, proc.stderr[-4000:]
    for rel in notebooks:
        page = Path(rel).with_suffix("") / "index.html"
        first = ARTICLE.search((built_site / page).read_text(encoding="utf-8"))
        second = ARTICLE.search((site / page).read_text(encoding="utf-8"))
        assert first and second, page
        assert first[0] == second[0], f"{page}: two builds differ"
        assert "cell-id=cell-1" in first[0], f"{page}: the cell ids were not numbered"
