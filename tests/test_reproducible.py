"""Two builds of one commit are byte-identical.

The notebook pages got a fresh random cell id per cell on each build until
overrides/hooks/stable_ids.py numbered them; the other pages were deterministic already (the
snippets' output is pinned and the plots are written with a fixed hash salt). The test builds
the whole site a second time, from nothing but the wheel, and compares every page.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import MKDOCS, ROOT, background, job_result


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


@background("second_build", site=True, low=True)
def build_again(site: Path, url: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """A second strict build of the whole site, with an empty cache of its own (so every snippet,
    notebook and download runs again; only the wheel is reused)."""
    work = Path(tempfile.mkdtemp(prefix="lstmgrad-second-build-"))
    cache = work / "cache"
    cache.mkdir()
    (cache / "wheels").symlink_to(Path(os.environ["LSTMGRAD_CACHE_DIR"]) / "wheels", target_is_directory=True)
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(work / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, LSTMGRAD_CACHE_DIR=str(cache)),
    )
    return proc, work / "site"


@pytest.fixture(scope="session")
def second_build(built_site: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    return job_result("second_build")


def test_two_builds_are_byte_identical_on_every_page(built_site, second_build):
    """The second build writes every page, notebook and the search index byte for byte as the
    session's build did."""
    proc, site = second_build
    assert proc.returncode == 0, proc.stderr[-4000:]
    kinds = ("*.html", "*.ipynb", "search/search_index.json")
    first = sorted(p.relative_to(built_site) for k in kinds for p in built_site.rglob(k))
    second = sorted(p.relative_to(site) for k in kinds for p in site.rglob(k))
    assert first == second, f"the two builds wrote different files: {set(first) ^ set(second)}"
    differ = [str(rel) for rel in first if (built_site / rel).read_bytes() != (site / rel).read_bytes()]
    assert not differ, f"two builds of one commit differ in: {differ}"
    notebooks = [rel for rel in first if rel.parts[0] == "notebooks" and rel.name == "index.html"]
    assert notebooks and all("cell-id=cell-1" in (site / rel).read_text() for rel in notebooks), (
        "the notebook pages' cell ids were not numbered"
    )
