"""A reader who copies a snippet can run it, and it prints what the page shows.

For every executed snippet on the built site, this takes its source as the page shows it (the text of
the **Source** tab in the built HTML, not the file in ``snippets/``), runs it with ``python`` in a fresh
virtual environment that holds only what the home page's install line installs, from a directory
outside the repository, and compares what it prints with the page's **Result** tab: the fresh output
is rendered the way markdown-exec renders it (Markdown, a code block, or raw HTML) and the two must be
the same HTML, tag by tag, attribute by attribute and character by character. Only ``id`` and
``href`` values and heading permalinks are left out, since MkDocs rewrites those in the page.

The venv is made once per session: ``python -m venv --without-pip``, then pip (the test suite's own,
through ``--python``) runs the install line exactly as the page prints it, with only its host swapped
for the local server that serves the built site, and with ``-c constraints.txt`` so numpy and
matplotlib are the versions the pages were built with. The snippets then run in parallel.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_exec import code_block
from mkdocs.utils.yaml import yaml_load
from test_site import embedded_snippets

from conftest import ROOT

CONFIG = yaml_load((ROOT / "mkdocs.yml").read_text())
SITE_URL = CONFIG["site_url"].rstrip("/") + "/"
INSTALL = re.compile(r"^pip install (?P<url>\S+/(?P<wheel>lstmgrad-(?P<version>[^-]+)-py3-none-any\.whl))$")
SNIPPET_TIMEOUT = 900  # seconds; a snippet that trains (instead of loading shipped results) is slow
IGNORED_ATTRS = {"id", "href"}  # MkDocs and overrides/hooks/offline.py rewrite these in the page


@dataclass(frozen=True)
class Block:
    """One executed snippet as a built page shows it."""

    page: str  # the HTML file, relative to the site
    title: str  # the fence's title: the snippet's path
    source: str  # the text of the Source tab
    result: Tag  # the Result tab
    options: str  # the fence's options in the Markdown source (html="true", result="json", ...)


def html_page(md_page: str) -> str:
    """docs/<page>.md -> its HTML file in the built site."""
    return md_page.replace(".md", "/index.html").replace("index/index.html", "index.html")


def site_blocks(site: Path) -> list[Block]:
    """Every markdown-exec block with a Source tab on every page of ``site``."""
    options = {(html_page(page), path): opts for page, path, opts in embedded_snippets()}
    blocks = []
    for html in sorted(site.rglob("*.html")):
        page = html.relative_to(site).as_posix()
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tabs in soup.select("div.tabbed-set"):
            labels = [label.get_text() for label in tabs.select(":scope > div.tabbed-labels > label")]
            panes = tabs.select(":scope > div.tabbed-content > div.tabbed-block")
            title = panes[0].select_one("span.filename") if panes else None
            if labels != ["Source", "Result"] or title is None:
                continue
            code = panes[0].select_one("pre > code")
            assert code is not None, f"{page}: the Source tab of {title.get_text()} has no code"
            name = title.get_text()
            blocks.append(Block(page, name, code.get_text(), panes[1], options.get((page, name), "")))
    return blocks


@functools.cache
def _markdown() -> markdown.Markdown:
    """A Markdown converter with the site's extensions, as MkDocs makes one for a page."""
    names, configs = ["toc", "tables", "fenced_code"], {}  # MkDocs' built-in three come first
    for item in CONFIG.get("markdown_extensions", []):
        name, conf = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        configs[name] = conf or {}
    return markdown.Markdown(extensions=names, extension_configs=configs)


def render(stdout: str, options: str) -> Tag:
    """The Result tab markdown-exec makes of ``stdout`` (its base_format and add_source): raw HTML
    with ``html="true"``, a code block with ``result="<lang>"``, else Markdown; in the second of two
    pymdownx.tabbed tabs, converted with the site's Markdown extensions."""
    placeholder = '<div class="lstmgrad-copy-paste-placeholder"></div>'
    lang = re.search(r'result="([^"]*)"', options)
    raw = 'html="true"' in options
    output = placeholder if raw else code_block(lang[1], stdout) if lang else stdout
    tabs = f'=== "Source"\n    source\n\n=== "Result"\n{textwrap.indent(output, " " * 4)}\n'
    md = _markdown()
    md.reset()
    html = md.convert(tabs)
    if raw:
        html = html.replace(placeholder, stdout)
    panes = BeautifulSoup(html, "html.parser").select("div.tabbed-block")
    assert len(panes) == 2, f"could not render the Result tab:\n{html[:2000]}"
    return panes[1]


def tokens(node: Tag) -> list[tuple[str, ...]]:
    """The HTML under ``node`` as a flat list: start tags with their attributes, text, end tags.

    Whitespace-only text between tags is left out (HTML does not show it); text with anything
    else in it is kept exactly.
    """
    out: list[tuple[str, ...]] = []
    for child in node.children:
        if isinstance(child, Tag):
            if child.name == "a" and "headerlink" in (child.get("class") or []):
                continue
            attrs = sorted(
                (k, " ".join(v) if isinstance(v, list) else str(v))
                for k, v in child.attrs.items()
                if k not in IGNORED_ATTRS
            )
            out.append(("<", child.name, *(f"{k}={v}" for k, v in attrs)))
            out.extend(tokens(child))
            out.append((">", child.name))
        elif isinstance(child, NavigableString) and str(child).strip():
            out.append((type(child).__name__, str(child)))  # text, comment, CDATA
    return out


def shown_text(node: Tag) -> str:
    return "\n".join(line for line in node.get_text().splitlines() if line.strip())


# ---------------------------------------------------------------- the reader's venv


@pytest.fixture(scope="session")
def install_line(built_site: Path) -> str:
    """The install line the home page shows, checked against the wheel the site ships."""
    soup = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    lines = {
        line.split("#")[0].strip()
        for code in soup.select("article code")
        for line in code.get_text().splitlines()
        if line.startswith("pip install ")
    }
    assert len(lines) == 1, f"the home page should show one install line, found {sorted(lines)}"
    return lines.pop()


@pytest.fixture(scope="session")
def reader_venv(tmp_path_factory: pytest.TempPathFactory, built_site: Path, install_line: str, site_url: str):
    """A fresh venv holding only what the install line installs, and a directory outside the repo."""
    home = tmp_path_factory.mktemp("reader")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    line = INSTALL.match(install_line)
    assert line, f"unexpected install line: {install_line!r}"
    assert line["url"].startswith(SITE_URL), f"the install line does not point into site_url {SITE_URL}"
    local = site_url + line["url"][len(SITE_URL) :]  # the same path, on the local server of the site
    argv = shlex.split(install_line.replace(line["url"], local))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *argv[1:]]
        + ["--no-compile", "--disable-pip-version-check", "-c", str(ROOT / "constraints.txt")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=home,
    )
    assert proc.returncode == 0, f"the install line failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    print(f"\nreader venv: installed in {time.monotonic() - started:.1f} s")
    work = home / "work"
    work.mkdir()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LSTMGRAD_", "MPL", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        MPLCONFIGDIR=str(home / "mplconfig"),  # no matplotlibrc or font cache from this machine's user
        LSTMGRAD_CACHE_DIR=str(home / "cache"),  # a reader starts with an empty cache
    )
    # The first import compiles the modules and builds matplotlib's font cache; do it once, not in
    # every parallel run.
    warm = "import lstmgrad.cli, lstmgrad.present.plots, lstmgrad.present.experiment_plots, matplotlib.pyplot"
    subprocess.run([str(python), "-c", warm], cwd=work, env=env, check=True, timeout=300)
    return {"python": python, "cwd": work, "env": env, "wheel": line["wheel"], "version": line["version"]}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _run(reader: dict, block: Block, index: int) -> Run:
    script = reader["cwd"] / f"{index:02d}_{Path(block.title).name}"
    script.write_text(block.source)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [str(reader["python"]), script.name],
            cwd=reader["cwd"],
            env=reader["env"],
            capture_output=True,
            text=True,
            timeout=SNIPPET_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return Run(-1, "", f"timed out after {SNIPPET_TIMEOUT} s", SNIPPET_TIMEOUT)
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


@pytest.fixture(scope="session")
def reader_runs(built_site: Path, reader_venv: dict) -> dict[tuple[str, str], tuple[Block, Run]]:
    """Every snippet on the site, run by the reader, in parallel (one per core)."""
    blocks = site_blocks(built_site)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        runs = list(pool.map(lambda ib: _run(reader_venv, ib[1], ib[0]), enumerate(blocks)))
    slowest = sorted(zip(runs, blocks, strict=True), key=lambda rb: -rb[0].seconds)[:3]
    print("slowest snippets: " + ", ".join(f"{b.title} {r.seconds:.1f} s" for r, b in slowest))
    return {(b.page, b.title): (b, r) for b, r in zip(blocks, runs, strict=True)}


# ---------------------------------------------------------------- tests


def test_every_executed_snippet_on_the_site_is_checked(built_site):
    found = sorted((b.page, b.title) for b in site_blocks(built_site))
    embedded = sorted((html_page(page), path) for page, path, _ in embedded_snippets())
    assert found == embedded, "executed blocks in the built HTML differ from the fences in docs/"
    assert len(set(found)) == len(found), "a page embeds the same snippet twice; key the runs by position"


def test_the_install_line_installs_the_wheel_the_site_ships(built_site, install_line, reader_venv):
    import lstmgrad

    assert reader_venv["version"] == lstmgrad.__version__
    assert (built_site / reader_venv["wheel"]).is_file(), f"site/ does not ship {reader_venv['wheel']}"
    footer = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    build = footer.select_one(".lstmgrad-build")
    assert build is not None and install_line in build.get_text(), "the footer should repeat the install line"
    # The installed package is the one the pages were built from: same version, same code digest.
    version = subprocess.run(
        ["lstmgrad", "--version"],
        cwd=reader_venv["cwd"],
        env=reader_venv["env"],
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"lstmgrad {lstmgrad.__version__} (code {lstmgrad.code_digest()})"
    assert f"lstmgrad {lstmgrad.__version__}" in build.get_text()
    assert lstmgrad.code_digest() in build.get_text()
    where = subprocess.run(
        [
            str(reader_venv["python"]),
            "-c",
            "import lstmgrad, numpy, matplotlib, tqdm; print(lstmgrad.__file__)",
        ],
        cwd=reader_venv["cwd"],
        env=reader_venv["env"],
        capture_output=True,
        text=True,
    )
    assert where.returncode == 0, where.stderr
    assert not Path(where.stdout.strip()).is_relative_to(ROOT), "the reader imported the source tree"


@pytest.mark.parametrize(
    ("page", "snippet"), [(html_page(p), s) for p, s, _ in embedded_snippets()], ids=lambda v: v
)
def test_copied_snippet_prints_what_the_page_shows(reader_runs, page, snippet):
    block, run = reader_runs[(page, snippet)]
    assert run.returncode == 0, f"{snippet} as shown on {page} failed in a fresh venv:\n{run.stderr[-4000:]}"
    fresh = render(run.stdout, block.options)
    if tokens(fresh) != tokens(block.result):
        import difflib

        diff = difflib.unified_diff(
            shown_text(block.result).splitlines(),
            shown_text(fresh).splitlines(),
            "page",
            "fresh",
            lineterm="",
        )
        detail = "\n".join(list(diff)[:60]) or "(same text; the markup differs)"
        pytest.fail(
            f"{snippet} on {page}: a reader's run prints something else than the page shows:\n{detail}"
        )
