"""Packaging: ``python -m build`` makes an sdist and a wheel that pass ``twine check``, the wheel holds
only the package, the version is written once, and the site ships the wheel of this very code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import lstmgrad
from conftest import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` of the working tree: an sdist, then a wheel built from it.

    ``--no-isolation`` uses the setuptools in this venv, so it works offline; SOURCE_DATE_EPOCH is
    the one overrides/hooks/wheel.py uses, so the wheel is byte for byte the one the site ships.
    """
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        cwd=ROOT,
        env=dict(os.environ, SOURCE_DATE_EPOCH="315532800"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_build_makes_an_sdist_and_a_wheel_that_pass_twine_check(dist):
    v = lstmgrad.__version__
    assert sorted(p.name for p in dist.iterdir()) == [
        f"lstmgrad-{v}-py3-none-any.whl",
        f"lstmgrad-{v}.tar.gz",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_wheel_holds_only_the_package(dist):
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    info = f"lstmgrad-{lstmgrad.__version__}.dist-info/"
    strays = [n for n in names if not n.startswith(("lstmgrad/", info))]
    assert not strays, f"the wheel holds more than the package: {strays}"
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "lstmgrad").rglob("*.py")}
    assert modules <= set(names), f"modules missing from the wheel: {sorted(modules - set(names))}"
    results = {p.relative_to(ROOT).as_posix() for p in (ROOT / "lstmgrad").glob("results/*.json")}
    assert results <= set(names), f"trained results missing from the wheel: {sorted(results - set(names))}"
    metadata = zipfile.ZipFile(wheel).read(info + "METADATA").decode()
    # every third-party module the package imports at run time is a dependency
    requires = {
        re.split(r"[<>=!;\s]", line[len("Requires-Dist: ") :])[0].lower()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    }
    assert requires == {"numpy", "matplotlib", "tqdm"}, requires


def test_sdist_holds_what_a_build_needs_and_no_tests(dist):
    (sdist,) = dist.glob("*.tar.gz")
    top = f"lstmgrad-{lstmgrad.__version__}/"
    names = {n.removeprefix(top) for n in tarfile.open(sdist).getnames()}
    assert {"pyproject.toml", "README.md", "lstmgrad/__init__.py", "lstmgrad/cli/__init__.py"} <= names
    assert {"LICENSE", "LICENSE-CONTENT", "CITATION.cff"} <= names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "snippets/", "site/"))]


def test_the_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    written = [p for p in ROOT.glob("lstmgrad/*.py") if re.search(r"^__version__\s*=", p.read_text(), re.M)]
    assert written == [ROOT / "lstmgrad" / "__init__.py"]
    from importlib.metadata import version

    assert version("lstmgrad") == lstmgrad.__version__, "reinstall (make install): the metadata is stale"


def test_site_ships_the_wheel_of_this_code(built_site, dist):
    (wheel,) = dist.glob("*.whl")
    shipped = built_site / wheel.name
    assert shipped.is_file(), f"site/ does not ship {wheel.name}"
    assert shipped.read_bytes() == wheel.read_bytes(), "the site's wheel is not a build of this working tree"


LICENCES = ("LICENSE", "LICENSE-CONTENT")


def test_wheel_and_sdist_carry_both_licences(dist):
    """MIT for the code (LICENSE), CC BY 4.0 for prose and figures (LICENSE-CONTENT): in the metadata
    as License-Expression and License-File, and the files themselves in the wheel's dist-info."""
    (wheel,) = dist.glob("*.whl")
    info = f"lstmgrad-{lstmgrad.__version__}.dist-info/"
    archive = zipfile.ZipFile(wheel)
    metadata = archive.read(info + "METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()
    assert [line for line in metadata.splitlines() if line.startswith("License-File: ")] == [
        f"License-File: {name}" for name in LICENCES
    ]
    for name in LICENCES:
        assert archive.read(f"{info}licenses/{name}") == (ROOT / name).read_bytes()
    assert "Project-URL: Citation, " in metadata and "CITATION.cff" in metadata
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        pkg_info = tar.extractfile(f"lstmgrad-{lstmgrad.__version__}/PKG-INFO").read().decode()  # type: ignore[union-attr]
    assert [line for line in pkg_info.splitlines() if line.startswith("License-File: ")] == [
        f"License-File: {name}" for name in LICENCES
    ]


def test_licences_and_citation_say_what_the_footer_says():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    content = (ROOT / "LICENSE-CONTENT").read_text()
    assert "CC BY 4.0" in content and "https://creativecommons.org/licenses/by/4.0/" in content
    cff = (ROOT / "CITATION.cff").read_text()
    assert re.search(r"^cff-version: 1\.2\.0$", cff, re.M)
    assert re.search(rf'^version: "{re.escape(lstmgrad.__version__)}"$', cff, re.M), "CITATION.cff's version"
    assert "  - MIT" in cff and "  - CC-BY-4.0" in cff
    readme = (ROOT / "README.md").read_text()
    assert "CC BY 4.0" in readme and "MIT" in readme


def test_every_page_footer_names_the_licences_and_a_citation(built_site):
    from bs4 import BeautifulSoup

    for html in [built_site / "index.html", built_site / "bptt" / "index.html"]:
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        licence = soup.select_one(".lstmgrad-licence")
        cite = soup.select_one(".lstmgrad-cite")
        assert licence is not None and "MIT" in licence.get_text() and "CC BY 4.0" in licence.get_text()
        assert cite is not None, f"{html}: no cite-this-page line"
        text = " ".join(cite.get_text().split())
        assert f"version {lstmgrad.__version__}" in text and lstmgrad.code_digest() in text, text
        assert "https://lstmgrad.github.io/lstmgrad/" in text
