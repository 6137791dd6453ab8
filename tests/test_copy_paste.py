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

The PyTorch snippets (``snippets/torch/``: the twins beside three core snippets, and the probe
chapter's) are not executed by the build, which needs no torch. In CI (``CI=true``), after the plain
runs, the same venv gets the probe page's ``pip install "lstmgrad[torch] @ ..."`` line, and each
PyTorch snippet, copied from the page, must print what the page shows beside it: the numpy tab's
Result for a twin, the Result tab (a golden copy, ``tests/goldens/torch/``) for the chapter's.

The declared floors (the lowest numpy, matplotlib and tqdm the wheel allows) get a venv of their
own, in CI only (``CI=true`` or ``LSTMGRAD_FLOORS=1``: the install takes about a minute): every
snippet must print the page's output there too, except that a plot is compared by the data it
draws (``tests/plotdata/sitecustomize.py`` records every line, collection, patch, image and label
as the figure is saved), because matplotlib before 3.11.2 writes other SVG for the same data.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
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

from conftest import ROOT, background, job_result

CONFIG = yaml_load((ROOT / "mkdocs.yml").read_text())
SITE_URL = CONFIG["site_url"].rstrip("/") + "/"
INSTALL = re.compile(r"^pip install (?P<url>\S+/(?P<wheel>lstmgrad-(?P<version>[^-]+)-py3-none-any\.whl))$")
SNIPPET_TIMEOUT = 900  # seconds; a snippet that trains (instead of loading shipped results) is slow
IGNORED_ATTRS = {"id", "href"}  # MkDocs and overrides/hooks/offline.py rewrite these in the page
TORCH = "snippets/torch/"  # PyTorch snippets: shown, not executed by the build
TORCH_INSTALL = re.compile(r'^pip install "lstmgrad\[torch\] @ (?P<url>\S+\.whl)"$')
TORCH_FENCE = re.compile(r'^[ \t]*--8<-- "(?P<path>snippets/torch/[^"]+\.py)"$', re.M)


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
            if labels != ["Source", "Result"] or title is None or title.get_text().startswith(TORCH):
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


def install_line_of(site: Path) -> str:
    """The install line the home page shows."""
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    lines = {
        line.split("#")[0].strip()
        for code in soup.select("article code")
        for line in code.get_text().splitlines()
        if line.startswith("pip install ")
    }
    assert len(lines) == 1, f"the home page should show one install line, found {sorted(lines)}"
    return lines.pop()


@pytest.fixture(scope="session")
def install_line(built_site: Path) -> str:
    return install_line_of(built_site)


def _pip(python: Path, argv: list[str], cwd: Path, constraints: Path, what: str) -> float:
    """``pip install`` into the venv of ``python`` (the test suite's pip, through ``--python``)."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *argv]
        + ["--no-compile", "--disable-pip-version-check", "-c", str(constraints)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=cwd,
    )
    assert proc.returncode == 0, f"{what} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return time.monotonic() - started


@background("reader_venv", site=True)
def make_reader_venv(site: Path, url: str) -> dict:
    """A fresh venv holding only what the install line installs, and a directory outside the repo."""
    home = Path(tempfile.mkdtemp(prefix="lstmgrad-reader-"))
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = install_line_of(site)
    line = INSTALL.match(install)
    assert line, f"unexpected install line: {install!r}"
    assert line["url"].startswith(SITE_URL), f"the install line does not point into site_url {SITE_URL}"
    local = url + line["url"][len(SITE_URL) :]  # the same path, on the local server of the site
    argv = shlex.split(install.replace(line["url"], local))
    seconds = _pip(python, argv[1:], home, ROOT / "constraints.txt", "the install line")
    print(f"\nreader venv: installed in {seconds:.1f} s")
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


@pytest.fixture(scope="session")
def reader_venv(built_site: Path) -> dict:
    return job_result("reader_venv")


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


#: What the reader's runs import before they fork (tests/forkrun.py): third-party modules only. A
#: snippet must import every submodule it uses itself (test_snippets_import_what_they_use).
PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot")


def _run_all(
    reader: dict, blocks: list[Block], first: int = 0, preload: tuple[str, ...] = PRELOAD
) -> list[Run]:
    """Run ``blocks`` in ``reader``'s venv, each in a process of its own forked from an interpreter
    that has imported ``preload`` (tests/forkrun.py), as many at a time as the jobs have CPU slots."""
    server = Path(reader["cwd"]).parent / "forkrun.py"
    server.write_text((Path(__file__).parent / "forkrun.py").read_text())
    free: list[subprocess.Popen[str]] = []
    lock = threading.Lock()

    def one(ib: tuple[int, Block]) -> Run:
        i, block = ib
        script = reader["cwd"] / f"{first + i:02d}_{Path(block.title).name}"
        script.write_text(block.source)
        with lock:
            proc = free.pop() if free else None
        if proc is None:
            proc = subprocess.Popen(
                [str(reader["python"]), str(server), *preload],
                cwd=reader["cwd"],
                env=reader["env"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,  # a timed-out run is killed with its forked child
            )
        out, err = script.with_suffix(".out"), script.with_suffix(".err")
        request = {"script": script.name, "cwd": str(reader["cwd"]), "env": reader["env"]}
        started = time.monotonic()
        proc.stdin.write(json.dumps(dict(request, out=str(out), err=str(err))) + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        ready, _, _ = select.select([proc.stdout], [], [], SNIPPET_TIMEOUT)
        if not ready:
            os.killpg(proc.pid, signal.SIGKILL)
            return Run(-1, "", f"timed out after {SNIPPET_TIMEOUT} s", SNIPPET_TIMEOUT)
        reply = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
        seconds = time.monotonic() - started
        with lock:
            free.append(proc)
        return Run(reply["returncode"], out.read_text(), err.read_text(), seconds)

    try:
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            return list(pool.map(one, enumerate(blocks)))
    finally:
        for proc in free:
            proc.stdin.close()  # type: ignore[union-attr]
            proc.wait(timeout=60)


@background("reader_runs", site=True)
def run_reader_snippets(site: Path, url: str) -> dict[tuple[str, str], tuple[Block, Run]]:
    """Every snippet on the site, run by the reader, each in a fresh interpreter."""
    reader = job_result("reader_venv")
    blocks = site_blocks(site)
    runs = _run_all(reader, blocks)
    slowest = sorted(zip(runs, blocks, strict=True), key=lambda rb: -rb[0].seconds)[:3]
    print("slowest snippets: " + ", ".join(f"{b.title} {r.seconds:.1f} s" for r, b in slowest))
    return {(b.page, b.title): (b, r) for b, r in zip(blocks, runs, strict=True)}


@pytest.fixture(scope="session")
def reader_runs(built_site: Path) -> dict[tuple[str, str], tuple[Block, Run]]:
    return job_result("reader_runs")


# ---------------------------------------------------------------- tests


def test_every_executed_snippet_on_the_site_is_checked(built_site):
    found = sorted((b.page, b.title) for b in site_blocks(built_site))
    embedded = sorted((html_page(page), path) for page, path, _ in embedded_snippets())
    assert found == embedded, "executed blocks in the built HTML differ from the fences in docs/"
    assert len(set(found)) == len(found), "a page embeds the same snippet twice; key the runs by position"


def _fresh_attributes(root: str, names: set[str]) -> set[str]:
    """Which of ``names`` (``root.x.y``) a fresh interpreter reaches after only ``import root``: the
    submodules ``root`` imports itself, or loads lazily on first use (numpy.random)."""
    code = (
        f"import functools, sys, {root}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        f"        functools.reduce(getattr, name.split('.')[1:], {root})\n"
        "        print(name)\n"
        "    except AttributeError:\n"
        "        pass\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *sorted(names)], capture_output=True, text=True, check=True
    )
    return set(proc.stdout.split())


def _unimported_submodules(source: str, roots: set[str]) -> list[tuple[int, str]]:
    """(line, ``root.sub``) for each use in ``source`` of a submodule of a module in ``roots`` that
    the file does not import itself (whether ``import root`` alone reaches it is not decided here)."""
    tree = ast.parse(source)
    imported, bound = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported.add(alias.name)
                bound[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
            dotted = f"{bound[node.value.id]}.{node.attr}"
            if dotted.split(".")[0] in roots and not any(
                n == dotted or n.startswith(dotted + ".") for n in imported
            ):
                try:
                    if importlib.util.find_spec(dotted) is not None:
                        found.append((node.lineno, dotted))
                except ModuleNotFoundError:
                    pass
    return found


def _preload_holes(files: dict[str, str]) -> list[str]:
    """Uses of a submodule that would work only because ``PRELOAD`` was imported first."""
    roots = {m.split(".")[0] for m in PRELOAD}
    uses = {name: _unimported_submodules(source, roots) for name, source in files.items()}
    reached = set()
    for root in roots:
        names = {d for found in uses.values() for _, d in found if d.startswith(root + ".")}
        reached |= _fresh_attributes(root, names) if names else set()
    return [
        f"{name}: line {line}: {d} is never imported"
        for name, found in uses.items()
        for line, d in found
        if d not in reached
    ]


def test_snippets_import_what_they_use():
    """The reader's runs fork from an interpreter that has imported ``PRELOAD`` (tests/forkrun.py). A
    file that used a submodule of those without importing it would run there and fail for a reader;
    no snippet and no module of lstmgrad does."""
    files = {
        str(path.relative_to(ROOT)): path.read_text()
        for folder in ("snippets", "lstmgrad")
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    problems = _preload_holes(files)
    assert not problems, "\n".join(problems)


def test_the_submodule_check_sees_a_use_that_works_only_after_a_preload():
    bad = "import matplotlib\nimport numpy as np\nmatplotlib.pyplot.figure()\nnp.random.default_rng()\n"
    assert _preload_holes({"x.py": bad}) == ["x.py: line 3: matplotlib.pyplot is never imported"]
    assert _preload_holes({"x.py": "import matplotlib.pyplot\nmatplotlib.pyplot.figure()\n"}) == []
    assert _preload_holes({"x.py": "import matplotlib.pyplot as plt\nplt.figure()\n"}) == []


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
    _compare(block, run, page, snippet, "a fresh venv")


# ---------------------------------------------------------------- the PyTorch snippets


def torch_snippets() -> list[tuple[str, str]]:
    """(page, snippet path) for every PyTorch snippet a page in docs/ shows."""
    return [
        (html_page(str(page.relative_to(ROOT / "docs"))), m["path"])
        for page in sorted((ROOT / "docs").rglob("*.md"))
        for m in TORCH_FENCE.finditer(page.read_text())
    ]


def torch_blocks(site: Path) -> list[Block]:
    """Every PyTorch snippet on the built site, with the Result its page shows beside it: the Result
    tab of its own tab set (the probe chapter), or the numpy snippet's Result in the tab next to it."""
    blocks = []
    for html in sorted(site.rglob("*.html")):
        page = html.relative_to(site).as_posix()
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for title in soup.select("span.filename"):
            if not title.get_text().startswith(TORCH):
                continue
            outer = title.find_parent("div", class_="tabbed-set")
            assert outer is not None, f"{page}: {title.get_text()} is not in a tab set"
            labels = [label.get_text() for label in outer.select(":scope > div.tabbed-labels > label")]
            panes = outer.select(":scope > div.tabbed-content > div.tabbed-block")
            if "Result" in labels:
                result = panes[labels.index("Result")]
            else:
                inner = [
                    t
                    for t in outer.select("div.tabbed-set")
                    if [x.get_text() for x in t.select(":scope > div.tabbed-labels > label")]
                    == ["Source", "Result"]
                ]
                assert len(inner) == 1, f"{page}: no numpy Result beside {title.get_text()}"
                result = inner[0].select(":scope > div.tabbed-content > div.tabbed-block")[1]
            code = title.find_parent("div", class_="highlight").select_one("pre > code")  # type: ignore[union-attr]
            blocks.append(Block(page, title.get_text(), code.get_text(), result, ""))
    return blocks


def _torch_wanted() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("LSTMGRAD_TORCH_COPY_PASTE"))


@background("torch_reader", site=True, low=True)
def add_torch_extra(site: Path, url: str) -> dict:
    """The reader's venv after the plain runs (and the floors' pinned plot runs, which use it too),
    plus what the probe page's ``[torch]`` install line adds, at the versions in constraints.txt."""
    if not _torch_wanted():
        return {}
    reader = job_result("reader_venv")
    job_result("reader_runs")
    if _floors_wanted():
        job_result("floor_runs")
    soup = BeautifulSoup((site / "probe" / "index.html").read_text(encoding="utf-8"), "html.parser")
    lines = {
        line.strip()
        for code in soup.select("article code")
        for line in code.get_text().splitlines()
        if line.startswith('pip install "lstmgrad[torch]')
    }
    assert len(lines) == 1, f"the probe page should show one [torch] install line, found {sorted(lines)}"
    line = TORCH_INSTALL.match(lines.pop())
    assert line and line["url"].startswith(SITE_URL), f"unexpected [torch] install line: {line}"
    argv = shlex.split(line[0].replace(line["url"], url + line["url"][len(SITE_URL) :]))
    seconds = _pip(reader["python"], argv[1:], reader["cwd"], ROOT / "constraints.txt", "the [torch] line")
    print(f"\n[torch] extra: installed in {seconds:.1f} s")
    return reader


@pytest.fixture(scope="session")
def torch_reader(built_site: Path) -> dict:
    """CI only (``CI=true`` or ``LSTMGRAD_TORCH_COPY_PASTE=1``): where the CPU wheel of torch is not on
    local disk, pip would fetch torch from PyPI, a CUDA build of several GB; tests/test_twins.py
    checks the same outputs locally with the torch of the test venv."""
    if not _torch_wanted():
        pytest.skip("the [torch] venv runs in CI (CI=true) or with LSTMGRAD_TORCH_COPY_PASTE=1")
    return job_result("torch_reader")


@background("torch_runs", site=True, low=True)
def run_torch_snippets(site: Path, url: str) -> dict[tuple[str, str], tuple[Block, Run]]:
    if not _torch_wanted():
        return {}
    reader = job_result("torch_reader")
    blocks = torch_blocks(site)
    runs = _run_all(reader, blocks, first=100, preload=(*PRELOAD, "torch"))
    return {(b.page, b.title): (b, r) for b, r in zip(blocks, runs, strict=True)}


@pytest.fixture(scope="session")
def torch_runs(built_site: Path, torch_reader: dict) -> dict[tuple[str, str], tuple[Block, Run]]:
    return job_result("torch_runs")


def test_every_torch_snippet_on_the_site_is_checked(built_site):
    assert sorted((b.page, b.title) for b in torch_blocks(built_site)) == sorted(torch_snippets())


def _compare(block: Block, run: Run, page: str, snippet: str, where: str) -> None:
    assert run.returncode == 0, f"{snippet} as shown on {page} failed in {where}:\n{run.stderr[-4000:]}"
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
            f"{snippet} on {page}: a run in {where} prints something else than the page shows:\n{detail}"
        )


@pytest.mark.parametrize(("page", "snippet"), torch_snippets(), ids=lambda v: v)
def test_copied_torch_snippet_prints_what_the_page_shows(torch_runs, page, snippet):
    block, run = torch_runs[(page, snippet)]
    _compare(block, run, page, snippet, "a venv with the [torch] extra")


# ---------------------------------------------------------------- the declared floors

PLOTDATA = ROOT / "tests" / "plotdata"  # its sitecustomize.py records what each figure draws


def floors() -> list[str]:
    """``name==lowest`` for each dependency, from its ``>=`` bound in pyproject.toml (the wheel's)."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    found = [re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)", d) for d in deps]
    assert all(found), f"every dependency needs a >= floor: {deps}"
    return [f"{m[1]}=={m[2]}" for m in found if m]


def _floors_wanted() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("LSTMGRAD_FLOORS"))


@background("floor_venv", site=True, low=True)
def make_floor_venv(site: Path, url: str) -> dict:
    """A fresh venv with the site's wheel and the lowest numpy, matplotlib and tqdm it declares; the
    other packages at constraints.txt's versions."""
    if not _floors_wanted():
        return {}
    home = Path(tempfile.mkdtemp(prefix="lstmgrad-floors-"))
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    pins = floors()
    names = {p.split("==")[0].lower() for p in pins}
    others = [
        line
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#") and re.split(r"[=<>]", line)[0].lower() not in names
    ]
    (home / "constraints.txt").write_text("\n".join(others) + "\n")
    wheel = INSTALL.match(install_line_of(site))
    assert wheel, "unexpected install line"
    argv = ["install", f"{url}{wheel['wheel']}", *pins]
    what = f"installing the floors {pins}"
    seconds = _pip(venv / "bin" / "python", argv, home, home / "constraints.txt", what)
    print(f"\nfloors venv ({', '.join(pins)}): installed in {seconds:.1f} s")
    work = home / "work"
    work.mkdir()
    reader = job_result("reader_venv")
    env = dict(reader["env"], PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    env.update(MPLCONFIGDIR=str(home / "mplconfig"), LSTMGRAD_CACHE_DIR=str(home / "cache"))
    return {"python": venv / "bin" / "python", "cwd": work, "env": env, "pins": pins}


@pytest.fixture(scope="session")
def floor_venv(built_site: Path) -> dict:
    """CI only (``CI=true`` or ``LSTMGRAD_FLOORS=1``): the install takes about a minute."""
    if not _floors_wanted():
        pytest.skip("the floors venv runs in CI (CI=true) or with LSTMGRAD_FLOORS=1")
    return job_result("floor_venv")


def _with_plotdata(reader: dict, name: str) -> dict:
    data = Path(reader["cwd"]) / f"{name}.plotdata"
    env = dict(reader["env"], PYTHONPATH=str(PLOTDATA), LSTMGRAD_PLOT_DATA=str(data))
    return dict(reader, env=env, data=data)


@background("floor_runs", site=True, low=True)
def run_floor_snippets(site: Path, url: str):
    """Every executed snippet in the floors venv; each that saves a matplotlib figure also again at
    the pinned versions (the reader's venv), both recording the data their figures draw."""
    if not _floors_wanted():
        return {}
    floor_venv, reader_venv = job_result("floor_venv"), job_result("reader_venv")
    job_result("reader_runs")  # the reader's own runs first: they are what most tests wait for
    blocks = site_blocks(site)

    def one(ib: tuple[int, Block]) -> tuple[Run, str, str]:
        i, block = ib
        floor = _with_plotdata(floor_venv, f"{i:02d}")
        run = _run(floor, block, i)
        if not floor["data"].exists():  # no matplotlib figure (text, tables, hand-drawn SVG diagrams)
            return run, "", ""
        pinned = _with_plotdata(reader_venv, f"pinned-{i:02d}")
        ref = _run(pinned, block, 200 + i)
        assert ref.returncode == 0, ref.stderr[-2000:]
        return run, floor["data"].read_text(), pinned["data"].read_text()

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        runs = list(pool.map(one, enumerate(blocks)))
    return {(b.page, b.title): (b, *r) for b, r in zip(blocks, runs, strict=True)}


@pytest.fixture(scope="session")
def floor_runs(built_site: Path, floor_venv: dict):
    return job_result("floor_runs")


@pytest.mark.parametrize(
    ("page", "snippet"), [(html_page(p), s) for p, s, _ in embedded_snippets()], ids=lambda v: v
)
def test_snippet_at_the_declared_floors_prints_what_the_page_shows(floor_runs, floor_venv, page, snippet):
    """Text and tables: the same HTML as the page. Plots: the same data as at the pinned versions, and
    the same alt text (matplotlib < 3.11.2 writes another viewBox and other ids for the same figure)."""
    block, run, floor_data, pinned_data = floor_runs[(page, snippet)]
    where = f"a venv at the floors ({', '.join(floor_venv['pins'])})"
    if not floor_data:  # no matplotlib figure: the page's output exactly
        _compare(block, run, page, snippet, where)
        return
    assert run.returncode == 0, f"{snippet} failed in {where}:\n{run.stderr[-4000:]}"
    assert floor_data and floor_data == pinned_data, f"{snippet}: the plot draws other data in {where}"
    fresh = render(run.stdout, block.options).find("svg")
    assert fresh is not None and fresh.get("aria-label") == block.result.find("svg").get("aria-label")  # type: ignore[union-attr]
