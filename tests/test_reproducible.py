"""Two builds of one commit are byte-identical.

The notebook pages got a fresh random cell id per cell on each build until
overrides/hooks/stable_ids.py numbered them; the other pages were deterministic already (the
plots are written with a fixed hash salt). The test builds the whole site a second time and
compares every page. The second build takes the snippets' outputs from the session's cache, as
`make serve` does after an edit: what it checks is that rendering the same outputs gives the
same bytes. That each snippet prints the same bytes in a process of its own is checked per
snippet elsewhere: `test_goldens` pins the reader's fresh-venv runs to the golden copies, and
`test_copy_paste` compares each run with what the page shows.
"""

from __future__ import annotations

import importlib.util
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
    """A second strict build of the whole site into a folder of its own, with the session's cache."""
    work = Path(tempfile.mkdtemp(prefix="lstmgrad-second-build-"))
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(work / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
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
