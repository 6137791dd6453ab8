"""Each chapter's notebook (overrides/hooks/notebook_download.py) downloads from its page, runs in a
clean kernel, and prints what the page prints.

One fresh kernel runs every notebook of the session's built site, cell by cell (``%reset`` between
notebooks), and each code cell's stdout must equal the output the notebook shipped with and, rendered
as markdown-exec renders it, the Result tab of that snippet on the page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_copy_paste import render, shown_text, site_blocks, tokens
from test_site import embedded_snippets

from conftest import ROOT, background, job_result

TIMEOUT = 600


def _notebooks(site: Path) -> dict[str, Path]:
    """{page html: its notebook}, for every page that links one."""
    found = {}
    for html in sorted(site.rglob("index.html")):
        link = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one(
            "p.lstmgrad-notebook a"
        )
        if link is not None:
            assert link.has_attr("download") and link.get_text(strip=True), f"{html}: the link has no label"
            found[html.relative_to(site).as_posix()] = html.parent / link["href"]
    return found


def test_every_chapter_with_snippets_links_its_notebook(built_site):
    pages = {
        p.replace(".md", "/index.html").replace("index/index.html", "index.html")
        for p, _, _ in embedded_snippets()
    }
    notebooks = _notebooks(built_site)
    assert set(notebooks) == pages
    for page, notebook in notebooks.items():
        assert notebook.is_file(), f"{page} links {notebook.name}, which the build did not write"


def _run(kc, source: str) -> tuple[str, str]:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    reply = kc.execute_interactive(source, timeout=TIMEOUT, output_hook=hook)
    return reply["content"]["status"], "".join(out)


@background("notebook_runs", site=True, low=True)
def run_notebooks(site: Path, url: str) -> dict:
    """One fresh kernel runs every notebook of the built site, cell by cell (``%reset`` between
    notebooks): {(page, cell title): (status, stdout, the stdout the notebook shipped with)}."""
    from jupyter_client.manager import start_new_kernel

    runs = {}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        for page, path in _notebooks(site).items():
            notebook = json.loads(path.read_text(encoding="utf-8"))
            kc.execute_interactive("%reset -f", timeout=TIMEOUT, output_hook=lambda m: None)
            for cell in notebook["cells"]:
                if cell["cell_type"] == "code":
                    status, stdout = _run(kc, "".join(cell["source"]))
                    shipped = "".join(o["text"] for o in cell["outputs"] if o.get("name") == "stdout")
                    runs[(page, path.name, cell["metadata"]["title"])] = (status, stdout, shipped)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return runs


@pytest.fixture(scope="session")
def notebook_runs(built_site: Path) -> dict:
    return job_result("notebook_runs")


def test_every_notebook_runs_in_a_clean_kernel_and_prints_what_its_page_shows(built_site, notebook_runs):
    blocks = {(b.page, b.title): b for b in site_blocks(built_site)}
    problems = []
    for (page, name, title), (status, stdout, shipped) in notebook_runs.items():
        if status != "ok":
            problems.append(f"{name}: {title} failed: {stdout[-500:]}")
        elif stdout != shipped:
            problems.append(f"{name}: {title} prints something else than the notebook shipped")
        else:
            block = blocks[(page, title)]
            if tokens(render(stdout, block.options)) != tokens(block.result):
                fresh = shown_text(render(stdout, block.options))[:300]
                problems.append(f"{name}: {title} prints something else than {page} shows:\n{fresh}")
    assert len(notebook_runs) == len(embedded_snippets()), "every snippet on the site is in one notebook"
    assert not problems, "\n".join(problems)
